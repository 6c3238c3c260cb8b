"""``coach export SESSION|--all --format csv|json [--out FILE]``.

JSON also carries the person (every calibration and the profile), whichever
sessions are exported; CSV holds the sessions only."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from coach.commands._store_args import add_db_arg, review
from coach.errors import StoreError, UsageError
from coach.outfile import check_output, write_text
from coach.store.db import Store
from coach.store.export import FORMATS, export_text
from coach.store.notes import Note, notes_for
from coach.store.person import BASELINES_KEY, EMPTY_PERSON_JSON, PROFILE_KEY, person_json
from coach.store.queries import reading, resolve_session, select_sessions, session_detail
from coach.store.rows import SessionDetail


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="export sessions as CSV or JSON",
                       description="Export sessions. JSON holds everything (sets, reps/holds/lifts, fault "
                                   "events, per-second metrics, notes, pose tracks) and, with any session, "
                                   "your calibrations and profile; CSV has one row per set, rep/hold/lift or "
                                   "fault event, with a 'record' column saying which.")
    p.add_argument("session", metavar="SESSION", nargs="?", default=None,
                   help="session id from `coach history`, or 'last'")
    p.add_argument("--all", action="store_true", help="export every session")
    p.add_argument("--format", "-f", choices=FORMATS, default=None,
                   help="csv or json (default: from the --out suffix, else json)")
    p.add_argument("--out", "-o", type=Path, default=None, metavar="FILE", help="write here (default: stdout)")
    add_db_arg(p)
    p.set_defaults(func=cmd_export, output_error=StoreError)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.out is not None and args.out.suffix.lower().lstrip(".") in FORMATS:
        return args.out.suffix.lower().lstrip(".")
    return "json"


def cmd_export(args: argparse.Namespace) -> int:
    if args.session is not None and args.all:
        raise UsageError("give a SESSION (an id or 'last') or --all, not both")
    if args.session is None and not args.all:
        raise UsageError("say what to export: a SESSION (an id or 'last') or --all")
    fmt = _format(args)
    check_output(args.out, "--out", StoreError)

    Read = tuple[list[SessionDetail], dict[int, Note], dict[str, Any]]

    def read(store: Store) -> Read:
        with reading(str(store.path)):
            if args.all:
                ids = select_sessions(store.conn)
            else:
                ids = [resolve_session(store.conn, args.session, str(store.path))]
            details = [session_detail(store.conn, i, with_track=fmt == "json") for i in ids]
            return details, notes_for(store.conn, ids), person_json(store) if fmt == "json" else {}

    def nothing() -> Read:
        if args.session is not None:
            raise StoreError("no sessions recorded yet; nothing to export")
        return [], {}, dict(EMPTY_PERSON_JSON)

    details, notes, person = review(args, read, missing=nothing)
    text = export_text(details, fmt, notes, person)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    write_text(args.out, text, StoreError)
    parts = [f"{len(details)} session(s)"]
    if fmt == "json":
        parts.append(f"{len(person[BASELINES_KEY])} calibration(s)")
        if person[PROFILE_KEY] is not None:
            parts.append("the profile")
    what = " and ".join(parts) if len(parts) < 3 else f"{parts[0]}, {parts[1]} and {parts[2]}"
    print(f"exported {what} to {args.out}", file=sys.stderr)
    return 0
