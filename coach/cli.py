"""The ``coach`` command line.

Each subcommand lives in its own module under :mod:`coach.commands` and
exposes ``register(subparsers)``. The library raises typed
:class:`~coach.errors.CoachError` exceptions; only this layer turns them
into a one-line message on stderr and an exit code. Nothing reaches the
user as a traceback unless ``COACH_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from coach import __version__
from coach.errors import CoachError
from coach.registry import exercise_names

COMMAND_MODULES: tuple[str, ...] = (
    "coach.commands.analyze",
    "coach.commands.record",
    "coach.commands.demo",
    "coach.commands.models_cmd",
    "coach.commands.history",
    "coach.commands.show",
    "coach.commands.note",
    "coach.commands.report",
    "coach.commands.export",
    "coach.commands.rescore",
    "coach.commands.live",
    "coach.commands.bench",
    "coach.commands.eval",
)

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus the error; coach prints one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="coach",
        description="Webcam exercise and posture coach: " + ", ".join(exercise_names()) + ".",
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def error_line(message: str) -> str:
    return "coach: error: " + " ".join(str(message).split())


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        func = getattr(args, "func", None)
        if func is None:
            parser.print_help()
            return 2
        return int(func(args) or 0)
    except CoachError as exc:
        print(error_line(str(exc)), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("coach: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        if os.environ.get("COACH_DEBUG"):
            traceback.print_exc()
        print(
            error_line(f"internal error: {type(exc).__name__}: {exc} (set COACH_DEBUG=1 for details)"),
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()
