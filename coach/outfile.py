"""Writing output files so that a write never lies.

Every file coach writes (summary JSON, exports, reports, the analysis
JSONL, pose-track CSVs) goes through here:

* :func:`check_output` runs before any work starts: the folder must exist
  (coach never creates one silently), a file must be creatable in it, and
  the path must not be a folder. A device or pipe (``/dev/stdout``) passes.
* :func:`write_text` writes a whole file: a regular file is written to a
  temporary file next to it, flushed, ``fsync``-ed and renamed over the
  target (then the folder is ``fsync``-ed), so the target is either the old
  file or the complete new one; a device or pipe is written directly and
  flushed. Any error (``ENOSPC``, a short write, ``EIO``) removes the
  temporary file and raises a one-line error; nothing half-written stays.
* :class:`StreamFile` is a file written as it goes (JSONL, pose-track CSV):
  it writes whole records only, and on an error truncates the file back to
  the last complete record (removing it if no record made it) before
  raising the one-line error.

Each function takes the :class:`~coach.errors.CoachError` class to raise, so
every command keeps its exit code (3 for analysis outputs, 6 for the
review commands).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from coach.errors import CoachError, InputError

ErrorType = type[CoachError]

NO_FSYNC = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EROFS, errno.EBADF})
"""``fsync`` of a pipe or character device fails with these: not an error."""


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _is_special(path: Path) -> bool:
    """An existing device, pipe or socket (``/dev/stdout``, ``/dev/full``)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def check_output(path: Path | None, option: str, error: ErrorType = InputError) -> None:
    """Raise ``error`` unless ``path`` can be written; see the module doc."""
    if path is None:
        return
    label = f"{option} {path}" if option else str(path)
    if path.is_dir():
        raise error(f"cannot write {label}: it is a folder; give a file path")
    if _is_special(path):
        return
    parent = path.parent
    if not parent.exists():
        raise error(f"cannot write {label}: the folder {parent} does not exist; create it first "
                    "(coach never creates folders for its outputs)")
    if not parent.is_dir():
        raise error(f"cannot write {label}: {parent} is not a folder")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=parent)
    except OSError as exc:
        raise error(f"cannot write {label}: cannot create a file in {parent}: {_reason(exc)}") from None
    os.close(fd)
    os.unlink(probe)
    if path.exists() and not os.access(path, os.W_OK):
        raise error(f"cannot write {label}: the file is not writable")


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written; a write that makes no
    progress is a short write (``ENOSPC``)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(errno.ENOSPC, "short write: " + os.strerror(errno.ENOSPC))
        view = view[n:]


def fsync_quietly(fd: int) -> None:
    """``fsync``; pipes and devices that cannot be synced are fine."""
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in NO_FSYNC:
            raise


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        fsync_quietly(fd)
    finally:
        os.close(fd)


def write_bytes(path: Path, data: bytes, error: ErrorType = InputError, what: str = "") -> None:
    """Write a whole file so that it is complete or absent; see the module doc."""
    label = what or str(path)
    target = path.resolve() if path.is_symlink() else path
    if target.is_dir():
        raise error(f"{label}: is a folder; give a file path")
    if _is_special(target):
        try:
            fd = os.open(target, os.O_WRONLY)
        except OSError as exc:
            raise error(f"cannot write {label}: {_reason(exc)}") from None
        try:
            write_all(fd, data)
            fsync_quietly(fd)
        except OSError as exc:
            raise error(f"cannot write {label}: {_reason(exc)}") from None
        finally:
            os.close(fd)
        return
    folder = target.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise error(f"cannot write {label}: {_reason(exc)}") from None
    tmp = Path(tmp_name)
    try:
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise error(f"cannot write {label}: {_reason(exc)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(folder)


def write_text(path: Path, text: str, error: ErrorType = InputError, what: str = "") -> None:
    write_bytes(path, text.encode("utf-8"), error, what)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class StreamFile:
    """A file written record by record; see the module doc.

    ``write(record)`` buffers a complete record; ``flush()`` writes the
    buffer (also done when it passes ``flush_bytes``); ``close()`` flushes
    and ``fsync``-s. ``header`` records (a CSV header) do not count as
    content: a file holding only its header is removed on an error.
    """

    def __init__(self, path: Path, error: ErrorType = InputError, flush_bytes: int = 1 << 16) -> None:
        self.path = path
        self.error = error
        self.flush_bytes = flush_bytes
        self._special = _is_special(path)
        try:
            self._fd: int | None = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        except OSError as exc:
            raise error(f"cannot write {path}: {_reason(exc)}") from None
        self._buf = bytearray()
        self._written = 0
        self._header = 0
        self.records = 0
        self.failed = False

    def write_header(self, text: str) -> None:
        self._buf += text.encode("utf-8")
        self._header += len(text.encode("utf-8"))

    def write(self, record: str) -> None:
        if self.failed:
            return
        self._buf += record.encode("utf-8")
        self.records += 1
        if len(self._buf) >= self.flush_bytes:
            self.flush()

    def flush(self) -> None:
        if self._fd is None or self.failed or not self._buf:
            return
        try:
            write_all(self._fd, bytes(self._buf))
        except OSError as exc:
            self._fail(exc)
        self._written += len(self._buf)
        self._buf.clear()

    def close(self) -> None:
        if self._fd is None:
            return
        try:
            self.flush()
            try:
                fsync_quietly(self._fd)
            except OSError as exc:
                self._fail(exc)
        finally:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _fail(self, exc: OSError) -> None:
        """Cut the file back to its last complete record, or remove it."""
        self.failed = True
        fd, self._fd = self._fd, None
        kept = ""
        if fd is not None:
            if not self._special:
                try:
                    os.ftruncate(fd, self._written)
                except OSError:
                    pass
            os.close(fd)
        if not self._special:
            if self._written <= self._header:
                self.path.unlink(missing_ok=True)
                kept = "; removed the incomplete file"
            else:
                kept = f"; kept the complete records written before ({self._written} bytes)"
        raise self.error(f"cannot write {self.path}: {_reason(exc)}{kept}") from None

    def __enter__(self) -> StreamFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
