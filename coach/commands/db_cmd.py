"""``coach db check`` and ``coach db recover``: check the session database
and, if it is damaged, recover every readable session into a new one (the
damaged file is kept as ``<name>.corrupt-<time>``). coach does the same by
itself when it finds the damage; these commands do it on request."""

from __future__ import annotations

import argparse

from coach.commands._store_args import add_db_arg, db_path
from coach.errors import StoreError
from coach.store.db import is_writable
from coach.store.recover import check_database, recover_database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("db", help="check or recover the session database",
                       description="Check the session database (`coach db check`) or recover the readable "
                                   "sessions of a damaged one into a new database (`coach db recover`).")
    actions = p.add_subparsers(dest="db_action", metavar="ACTION", required=True, parser_class=type(p))
    check = actions.add_parser("check", help="check the database for damage (PRAGMA integrity_check)")
    add_db_arg(check)
    check.set_defaults(func=cmd_check, output_error=StoreError)
    recover = actions.add_parser("recover", help="recover the readable sessions of a damaged database")
    add_db_arg(recover)
    recover.set_defaults(func=cmd_recover, output_error=StoreError)


def cmd_check(args: argparse.Namespace) -> int:
    result = check_database(db_path(args))
    if result.ok:
        print(result.line())
        return 0
    for problem in result.problems:
        print(f"  {problem}")
    raise StoreError(result.line())


def cmd_recover(args: argparse.Namespace) -> int:
    path = db_path(args)
    result = check_database(path)
    if result.ok:
        print(f"{result.line()}; nothing to recover")
        return 0
    if not is_writable(path):
        raise StoreError(f"cannot recover {path}: its file or folder is read-only; copy it somewhere writable "
                         "and run `coach db recover --db COPY`")
    print(recover_database(path).line())
    return 0
