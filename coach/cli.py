"""The ``coach`` command line.

Each subcommand lives in its own module under :mod:`coach.commands` and
exposes ``register(subparsers)``. The library raises typed
:class:`~coach.errors.CoachError` exceptions; only this layer turns them
into a one-line message on stderr and an exit code. Nothing reaches the
user as a traceback unless ``COACH_DEBUG=1``. Standard output is checked
(:mod:`coach.stdout`): a full disk behind ``coach show > file`` is a
one-line error, not a silent loss. SIGTERM and SIGHUP unwind like Ctrl-C.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sqlite3
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn

from coach import __version__
from coach.errors import CoachError, InputError, StoreError, Terminated
from coach.registry import exercise_names
from coach.stdout import CheckedStdout, StdoutError

COMMAND_MODULES: tuple[str, ...] = (
    "coach.commands.analyze",
    "coach.commands.batch",
    "coach.commands.record",
    "coach.commands.demo",
    "coach.commands.models_cmd",
    "coach.commands.history",
    "coach.commands.show",
    "coach.commands.note",
    "coach.commands.report",
    "coach.commands.export",
    "coach.commands.rescore",
    "coach.commands.delete",
    "coach.commands.import_cmd",
    "coach.commands.db_cmd",
    "coach.commands.live",
    "coach.commands.bench",
    "coach.commands.eval",
    "coach.commands.profile",
    "coach.commands.calibrate",
)

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class OneLineParser(argparse.ArgumentParser):
    """argparse prints usage plus the error; coach prints one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def command_module(command: str) -> str | None:
    """The module of a command name (``models`` -> ``coach.commands.models_cmd``)."""
    for module in COMMAND_MODULES:
        if module.rsplit(".", 1)[1].removesuffix("_cmd") == command:
            return module
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser. When ``argv`` starts with a command, only that command's
    module is imported (a run needs one; importing all of them costs about
    0.1 s of every start-up); otherwise (``coach --help``, no command, an
    unknown one) all of them, so the help and the error list every command."""
    parser = OneLineParser(
        prog="coach",
        description="Webcam exercise and posture coach: " + ", ".join(exercise_names()) + ".",
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    wanted = command_module(argv[0]) if argv else None
    for name in (wanted,) if wanted else COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def error_line(message: str) -> str:
    return "coach: error: " + " ".join(str(message).split())


def _terminate(signum: int, _frame: object) -> None:
    raise Terminated(signal.Signals(signum).name)


@contextmanager
def _signals_unwind() -> Iterator[None]:
    """SIGTERM and SIGHUP unwind the run like Ctrl-C (so a recording run
    stores its session as ``interrupted``, with the reason)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _terminate) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: Sequence[str] | None = None) -> int:
    args: argparse.Namespace | None = None
    stdout = CheckedStdout.install()
    try:
        with _signals_unwind():
            argv = list(sys.argv[1:] if argv is None else argv)
            parser = build_parser(argv)
            args = parser.parse_args(argv)
            func = getattr(args, "func", None)
            if func is None:
                parser.print_help()
                return 2
            code = int(func(args) or 0)
            stdout.finish()
            return code
    except CoachError as exc:
        print(error_line(str(exc)), file=sys.stderr)
        return exc.exit_code
    except StdoutError as exc:
        stdout.discard()
        error: type[CoachError] = getattr(args, "output_error", InputError)
        print(error_line(f"cannot write the standard output: {exc}"), file=sys.stderr)
        return error.exit_code
    except sqlite3.Error as exc:  # a database error no command expected: still a database error
        print(error_line(f"database error: {exc}; `coach db check` checks the database"), file=sys.stderr)
        return StoreError.exit_code
    except KeyboardInterrupt:
        print("coach: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated as exc:
        print(f"coach: stopped by {exc.signal_name}", file=sys.stderr)
        return 128 + int(getattr(signal, exc.signal_name, signal.SIGTERM))
    except BrokenPipeError:
        stdout.discard()
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        if os.environ.get("COACH_DEBUG"):
            traceback.print_exc()
        print(
            error_line(f"internal error: {type(exc).__name__}: {exc} (set COACH_DEBUG=1 for details)"),
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        stdout.uninstall()


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()
