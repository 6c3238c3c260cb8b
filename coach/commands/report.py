"""``coach report [SESSION | --last N | --since DATE] --out report.html``:
one self-contained HTML file with plots."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from coach.commands._store_args import add_db_arg, add_exercise_filter, exercise_filter, review
from coach.errors import StoreError, UsageError
from coach.outfile import check_output
from coach.store.dates import parse_since
from coach.store.db import Store
from coach.store.queries import reading, resolve_session, select_sessions

DEFAULT_LAST = 10


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("report", help="write an HTML report with plots",
                       description="Write one self-contained HTML report (plots embedded): score trend, "
                                   "fault frequency, and per session the key angle with its faults, the "
                                   "result against the target and, for lifts, each lift's measures.")
    p.add_argument("session", metavar="SESSION", nargs="?", default=None,
                   help=f"one session id, or 'last' (default: the last {DEFAULT_LAST} sessions)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--last", type=int, default=None, metavar="N", help="the last N sessions")
    group.add_argument("--since", metavar="DATE", default=None,
                       help="sessions since DATE (2024-05-31, today, yesterday, 7d)")
    add_exercise_filter(p)
    p.add_argument("--out", "-o", type=Path, default=Path("coach-report.html"), metavar="FILE",
                   help="HTML file to write (default: coach-report.html)")
    p.add_argument("--share", action="store_true",
                   help="a copy to share (with a physiotherapist, say): leaves out note texts, file and "
                        "database names")
    p.add_argument("--include-interrupted", action="store_true",
                   help="also plot the scores of interrupted sessions (partial sets) in the trend")
    add_db_arg(p)
    p.set_defaults(func=cmd_report, output_error=StoreError)


def cmd_report(args: argparse.Namespace) -> int:
    from coach.progress import Progress
    from coach.report import write_report
    from coach.report.build import MAX_DETAILED

    if args.session is not None and (args.last is not None or args.since is not None):
        raise UsageError("give a SESSION or --last/--since, not both")
    if args.last is not None and args.last < 1:
        raise UsageError("--last must be at least 1")
    exercise = exercise_filter(args.exercise)
    since = parse_since(args.since) if args.since else None
    check_output(args.out, "--out", StoreError)
    t0 = time.perf_counter()

    def work(store: Store) -> tuple[Path, int]:
        with reading(str(store.path)):
            trend: list[int] | None
            if args.session is not None:
                ids = [resolve_session(store.conn, args.session, str(store.path))]
                trend = None  # a single session: its trend is against all sessions
                selection = f"session {ids[0]}"
            else:
                last = args.last if args.last is not None or since is not None else DEFAULT_LAST
                ids = select_sessions(store.conn, last=last, since_unix=since, exercise=exercise)
                trend = ids
                selection = (f"sessions since {args.since}" if since is not None else f"last {last} sessions")
                if exercise:
                    selection += f" of {exercise}"
        if not ids:
            raise StoreError("no sessions match; `coach history` lists the sessions")
        steps = len(ids) + min(len(ids), MAX_DETAILED)
        with Progress(steps, label="report", unit="steps", plain_interval_s=2.0) as bar:
            path = write_report(store, args.out, ids, trend_session_ids=trend, selection=selection,
                                on_step=lambda _what: bar.update(), share=args.share,
                                include_interrupted=args.include_interrupted)
        return path, len(ids)

    path, count = review(args, work)
    print(f"wrote {path} ({count} session(s), {time.perf_counter() - t0:.1f} s)")
    return 0
