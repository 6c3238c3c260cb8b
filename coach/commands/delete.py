"""``coach delete SESSION [--yes]``: delete a recorded session, after a
confirmation prompt unless ``--yes``."""

from __future__ import annotations

import argparse
import sys

from coach.commands._store_args import add_db_arg, review
from coach.errors import StoreError, UsageError
from coach.store.dates import local_time
from coach.store.db import Store
from coach.store.delete import delete_session
from coach.store.queries import reading, resolve_session, session_detail

EXIT_DECLINED = 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("delete", help="delete a recorded session",
                       description="Delete a session and everything stored about it (asks first unless --yes).")
    p.add_argument("session", metavar="SESSION", help="session id from `coach history`, or 'last'")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    add_db_arg(p)
    p.set_defaults(func=cmd_delete, output_error=StoreError)


def _confirm(question: str) -> bool:
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not sys.stdin.isatty():
        print(file=sys.stderr)  # the answer was not echoed: end the prompt's line
    if not answer:
        raise UsageError("no answer to the confirmation question; pass --yes to delete without asking")
    return answer.strip().lower() in ("y", "yes")


def cmd_delete(args: argparse.Namespace) -> int:
    def work(store: Store) -> str | None:
        label = str(store.path)
        with reading(label):
            sid = resolve_session(store.conn, args.session, label)
            detail = session_detail(store.conn, sid)
        s = detail.session
        exercises = ", ".join(d.set.exercise for d in detail.sets) or "no sets"
        what = f"session {sid} ({local_time(s.started_unix)}, {s.mode}, {exercises}, {s.status})"
        if not args.yes and not _confirm(f"delete {what}?"):
            return None
        with reading(label):
            delete_session(store, sid)
        return what

    deleted = review(args, work, changes="delete a session")
    if deleted is None:
        print("nothing deleted", file=sys.stderr)
        return EXIT_DECLINED
    print(f"deleted {deleted}")
    return 0
