"""``coach note SESSION --pain 0-10 --effort 0-10 --text "..."``: how a
session felt, shown by ``show``, ``history`` and the report (pain against
the score over time). ``coach live`` asks the same once at the end when
stdin is a terminal (:func:`ask_note`; Enter skips)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable

from coach.commands._store_args import add_db_arg, review
from coach.errors import StoreError, UsageError
from coach.store.db import Store
from coach.store.notes import Note, set_note
from coach.store.queries import reading, resolve_session

MAX_TEXT = 2000


def scale(value: str) -> int:
    """A 0-10 rating (argparse type)."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 10, not {value!r}") from None
    if not 0 <= n <= 10:
        raise argparse.ArgumentTypeError(f"must be from 0 to 10, not {n}")
    return n


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("note", help="note how a session felt (pain, effort, text)",
                       description="Note how a session felt: pain and effort from 0 (none) to 10 (worst "
                                   "imaginable / maximal), and a short text. Noting again changes only the "
                                   "values given. `coach show`, `coach history` and the report show it.")
    p.add_argument("session", metavar="SESSION", help="session id from `coach history`, or 'last'")
    p.add_argument("--pain", type=scale, default=None, metavar="0-10", help="pain during or after the session")
    p.add_argument("--effort", type=scale, default=None, metavar="0-10", help="how hard it felt")
    p.add_argument("--text", default=None, metavar="TEXT", help="a few words (kept out of `report --share`)")
    add_db_arg(p)
    p.set_defaults(func=cmd_note, output_error=StoreError)


def cmd_note(args: argparse.Namespace) -> int:
    if args.pain is None and args.effort is None and args.text is None:
        raise UsageError("give at least one of --pain, --effort, --text")
    text = _clean_text(args.text)
    note = review(args, lambda store: save_note(store, args.session, pain=args.pain, effort=args.effort, text=text),
                  changes="note a session")
    print(f"session {note.session_id}: {note.sentence()}")
    return 0


def _clean_text(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        raise UsageError(f"--text is {len(text)} characters; keep it under {MAX_TEXT}")
    return text


def save_note(store: Store, ref: str, *, pain: int | None, effort: int | None, text: str | None) -> Note:
    with reading(str(store.path)):
        sid = resolve_session(store.conn, ref, str(store.path))
    try:
        return set_note(store.conn, sid, pain=pain, effort=effort, text=text)
    except sqlite3.Error as exc:  # a read-only or locked database
        raise StoreError(f"cannot save the note in {store.path}: {exc}") from None


def ask_note(read: Callable[[str], str] = input, out: Callable[[str], None] | None = None) -> dict[str, object]:
    """Ask pain, effort and a note once (Enter skips each); a bad rating is
    asked once more, then skipped. Returns the values given."""
    say = out or (lambda s: print(s, file=sys.stderr))
    say("How did it feel? (Enter skips)")
    values: dict[str, object] = {}
    for key, question in (("pain", "  pain 0-10 (0 none, 10 worst): "),
                          ("effort", "  effort 0-10 (0 rest, 10 maximal): ")):
        for _attempt in range(2):
            answer = read(question).strip()
            if not answer:
                break
            try:
                values[key] = scale(answer)
                break
            except argparse.ArgumentTypeError as exc:
                say(f"  {key} {exc}")
    text = read("  a note: ").strip()
    if text:
        values["text"] = _clean_text(text)
    return values


def note_after_live(args: argparse.Namespace, session_id: int | None, *,
                    stdin_is_tty: bool | None = None, read: Callable[[str], str] = input) -> Note | None:
    """The question at the end of ``coach live``: asked once, only when
    stdin is a terminal and the session was saved; never fails the run."""
    from coach.commands._store_args import db_path, warn
    from coach.store.db import open_store

    tty = sys.stdin.isatty() if stdin_is_tty is None else stdin_is_tty
    if session_id is None or not tty or getattr(args, "quiet", False):
        return None
    try:
        values = ask_note(read)
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        return None
    if not values:
        return None
    try:
        with open_store(db_path(args), notify=warn, mark_stale=False) as store:
            note = set_note(store.conn, session_id, pain=_int(values.get("pain")), effort=_int(values.get("effort")),
                            text=_str(values.get("text")))
    except (StoreError, sqlite3.Error) as exc:
        warn(f"the note was not saved: {exc}")
        return None
    print(f"noted for session {session_id}: {note.sentence()}", file=sys.stderr)
    return note


def _int(v: object) -> int | None:
    return v if isinstance(v, int) else None


def _str(v: object) -> str | None:
    return v if isinstance(v, str) else None
