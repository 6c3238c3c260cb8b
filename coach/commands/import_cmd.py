"""``coach import FILE``: restore sessions, calibrations and the profile
from a ``coach export --format json`` file (exact round trip; importing
twice adds nothing)."""

from __future__ import annotations

import argparse
from pathlib import Path

from coach.commands._store_args import add_db_arg, review, warn
from coach.errors import StoreError
from coach.store.db import Store
from coach.store.queries import reading
from coach.store.transfer import ImportResult, import_sessions, read_export_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", help="restore sessions from `coach export --format json`",
                       description="Restore sessions, calibrations and your profile from a `coach export "
                                   "--format json` file. Sessions and calibrations already in the database are "
                                   "skipped, so importing a file twice adds nothing; a height (or name) already "
                                   "set here is kept.")
    p.add_argument("file", type=Path, metavar="FILE", help="a file written by `coach export --format json`")
    add_db_arg(p)
    p.set_defaults(func=cmd_import, output_error=StoreError)


def cmd_import(args: argparse.Namespace) -> int:
    export = read_export_file(args.file)

    def work(store: Store) -> ImportResult:
        with reading(str(store.path)):
            return import_sessions(store, export.sessions, str(args.file), export.person)

    result = review(args, work, changes="import sessions", create=True)
    line = f"imported {result.imported} session(s) from {args.file}"
    if result.present:
        line += f"; {result.present} already in the database (skipped)"
    if result.renumbered:
        line += f"; {result.renumbered} got a new id (theirs was taken)"
    person = result.person
    if export.person.calibrations is not None:
        line += f"; calibrations: {person.added} added, {person.present} already in the database"
        if person.retired:
            line += f" ({person.retired} forgotten here too, as in the file)"
    if person.profile_set:
        line += f"; profile: {' and '.join(person.profile_set)} set"
    for conflict in person.conflicts:
        warn(conflict)
    print(line)
    return 0
