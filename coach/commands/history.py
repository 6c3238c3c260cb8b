"""``coach history [--exercise X] [--since DATE]``: one line per recorded
session (per set), oldest first."""

from __future__ import annotations

import argparse
from pathlib import Path

from coach.commands._store_args import add_db_arg, add_exercise_filter, db_path, exercise_filter, review
from coach.errors import StoreError, UsageError
from coach.registry import fault_label
from coach.store.dates import local_time, parse_since
from coach.store.db import Store
from coach.store.notes import Note, notes_for
from coach.store.queries import history, reading
from coach.store.rows import HistoryRow

HEADERS = ("ID", "DATE", "MODE", "EXERCISE", "RESULT", "SCORE", "TOP FAULT", "STATUS", "PAIN/EFFORT")
RIGHT = {0, 5, 8}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("history", help="list recorded sessions",
                       description="List the recorded sessions: date, exercise, reps or hold time, score, "
                                   "top fault and status (complete, interrupted or running).")
    add_exercise_filter(p)
    p.add_argument("--since", metavar="DATE", default=None,
                   help="only sessions since DATE (2024-05-31, 2024-05-31T18:00, today, yesterday, 7d)")
    p.add_argument("--limit", "-n", type=int, default=None, metavar="N", help="only the last N sessions")
    add_db_arg(p)
    p.set_defaults(func=cmd_history, output_error=StoreError)


def history_cells(row: HistoryRow, note: Note | None = None) -> list[str]:
    """One line; PAIN/EFFORT is the session's note (``coach note``), 0-10 each."""
    s, st = row.session, row.set
    date = local_time(s.started_unix)
    felt = note.short() if note is not None else "-"
    if st is None:
        return [str(s.id), date, s.mode, "-", "-", "-", "-", s.status, felt]
    score = "-" if st.score is None else f"{st.score:.0f}" + ("" if s.status == "complete" else "*")
    top = fault_label(st.top_fault) if st.top_fault else "-"
    side = f" ({st.side})" if st.side else ""
    return [str(s.id), date, s.mode, st.exercise + side, st.result_text(), score, top, s.status, felt]


def format_table(rows: list[list[str]], headers: tuple[str, ...] = HEADERS, right: set[int] | None = None) -> str:
    right = RIGHT if right is None else right
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: list[str] | tuple[str, ...]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])


PARTIAL_NOTE = ("* score of a partial set: the session was interrupted (`coach show ID` says why); "
                "`coach report` leaves it out of the trend")


def cmd_history(args: argparse.Namespace) -> int:
    exercise = exercise_filter(args.exercise)
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    since = parse_since(args.since) if args.since else None

    def read(store: Store) -> tuple[Path, list[HistoryRow], dict[int, Note]]:
        with reading(str(store.path)):
            rows = history(store.conn, exercise=exercise, since_unix=since, limit=args.limit)
            return store.path, rows, notes_for(store.conn, sorted({r.session.id for r in rows}))

    path, rows, notes = review(args, read, missing=lambda: (db_path(args), [], {}))
    if not rows:
        print("no sessions match" if (exercise or since) else f"no sessions recorded yet (database: {path})")
        return 0
    cells = [history_cells(r, notes.get(r.session.id)) for r in rows]
    print(format_table(cells))
    if any(c[5].endswith("*") for c in cells):
        print(PARTIAL_NOTE)
    return 0
