"""``coach rescore SESSION``: re-run the current analyzer on the session's
stored pose track (recorded with ``--keep-track``) and store the new
score; the old one stays in the score history."""

from __future__ import annotations

import argparse

from coach.commands._store_args import add_db_arg, review
from coach.errors import StoreError
from coach.store.db import Store
from coach.store.queries import reading, resolve_session
from coach.store.rescore import RescoreResult, rescore_session


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("rescore", help="re-score a session from its stored pose track",
                       description="Re-run the current analyzer on a session's stored pose track (recorded "
                                   "with --keep-track) and update its scores.")
    p.add_argument("session", metavar="SESSION", help="session id from `coach history`, or 'last'")
    add_db_arg(p)
    p.set_defaults(func=cmd_rescore, output_error=StoreError)


def cmd_rescore(args: argparse.Namespace) -> int:
    def work(store: Store) -> tuple[int, list[RescoreResult]]:
        with reading(str(store.path)):
            sid = resolve_session(store.conn, args.session, str(store.path))
        return sid, rescore_session(store, sid)

    sid, results = review(args, work, changes="re-score a session")
    for r in results:
        old = "none" if r.old_score is None else f"{r.old_score:.1f}"
        print(f"session {sid} {r.exercise}: score {old} -> {r.summary.score:.1f} "
              f"({r.frames} frames re-analysed; {r.summary.reps} reps, {r.summary.hold_s:.1f} s hold)")
    return 0
