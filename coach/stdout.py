"""Standard output that cannot fail silently.

``coach show last > file`` on a full disk used to lose the output (or end
in an internal error when the buffer was flushed at exit). While a command
runs, :class:`CheckedStdout` stands in for ``sys.stdout``: a failed write
or flush raises :class:`StdoutError` (the CLI turns it into one line and
an exit code), and at the end :meth:`CheckedStdout.finish` flushes and, for
a regular file, ``fsync``-s it, so ``ENOSPC`` that the file system reports
late is caught too. A closed pipe (``coach history | head``) stays a
:class:`BrokenPipeError`, which the CLI treats as success.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from typing import Any, TextIO

from coach.outfile import fsync_quietly


class StdoutError(Exception):
    """Standard output could not be written (the reason is the message)."""


def _raise(exc: OSError) -> None:
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        raise exc
    raise StdoutError(exc.strerror or str(exc)) from None


class CheckedStdout:
    """A ``sys.stdout`` stand-in that reports write errors; see the module doc."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    @classmethod
    def install(cls) -> CheckedStdout:
        wrapper = cls(sys.stdout)
        sys.stdout = wrapper
        return wrapper

    def uninstall(self) -> None:
        if sys.stdout is self:
            sys.stdout = self._inner

    def write(self, text: str) -> int:
        """Write all of ``text``. With ``PYTHONUNBUFFERED`` the text layer
        sits on the raw file, whose ``write`` may write only part (a full
        disk) without an error, and the text layer drops the rest: so the
        bytes go to the binary layer here, until every one is written."""
        binary = getattr(self._inner, "buffer", None)
        try:
            if binary is None:
                return self._inner.write(text)
            self._inner.flush()
            data = memoryview(text.encode(self._inner.encoding or "utf-8", self._inner.errors or "strict"))
            while data:
                n = binary.write(data)
                if not n:
                    raise OSError(errno.ENOSPC, "short write: " + os.strerror(errno.ENOSPC))
                data = data[n:]
            if self._inner.line_buffering and "\n" in text:
                binary.flush()
            return len(text)
        except OSError as exc:
            _raise(exc)
            raise

    def flush(self) -> None:
        try:
            self._inner.flush()
        except OSError as exc:
            _raise(exc)

    def finish(self) -> None:
        """Flush, and ``fsync`` a regular file (errors raise StdoutError)."""
        self.flush()
        try:
            fd = self._inner.fileno()
        except (AttributeError, ValueError, io.UnsupportedOperation):
            return  # not a real file (captured by a test harness)
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                fsync_quietly(fd)
        except OSError as exc:
            _raise(exc)

    def discard(self) -> None:
        """After a failure: point the file descriptor at /dev/null so the
        interpreter's last flush at exit does not fail a second time."""
        try:
            fd = self._inner.fileno()
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
            return
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, fd)
        finally:
            os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
