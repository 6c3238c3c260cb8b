"""Typed exceptions. The library raises these; only the CLI turns them into
one-line messages and exit codes (the click pattern)."""

from __future__ import annotations


class CoachError(Exception):
    """Base class for every error coach reports to the user.

    ``exit_code`` is what the CLI exits with; the message must fit on one line
    and say how to fix the problem.
    """

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class UsageError(CoachError):
    """Bad command-line usage (unknown exercise, bad option value)."""

    exit_code = 2


class UnknownExerciseError(UsageError):
    """``--exercise`` named something the registry does not know."""


class InputError(CoachError):
    """An input file (video, pose track) is missing, unreadable or corrupt."""

    exit_code = 3


class CameraError(CoachError):
    """No camera, a bad index or a busy camera."""

    exit_code = 4


class ModelError(CoachError):
    """The pose model is missing, corrupt, or could not be fetched or built."""

    exit_code = 5


class StoreError(CoachError):
    """The session database cannot be opened or written."""

    exit_code = 6


class DamagedStoreError(StoreError):
    """SQLite found the database damaged while reading it ("database disk
    image is malformed"); the review commands recover it and try again.
    ``detail`` is SQLite's own message."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: raised from the signal handler so that the
    run unwinds like Ctrl-C, saving its session as ``interrupted``."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name
