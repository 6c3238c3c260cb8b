"""``coach db check`` and ``coach db recover``, also run automatically when
a damaged database is detected.

Recovery never changes the damaged file. It builds a new database next to
it (``.<name>.recovering-<pid>``) from everything readable
(:mod:`coach.store.salvage`), ``fsync``-s it, renames the damaged file (and
its ``-wal``) to ``<name>.corrupt-<time>`` and the new one into place. A
run killed midway leaves the damaged file where it was, so the next start
simply recovers again.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coach.errors import StoreError
from coach.store.db import is_writable
from coach.store.salvage import SalvageResult, salvage_pages, try_vacuum_into
from coach.store.schema import migrate, schema_version

CHECK_LIMIT = 20
SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class CheckResult:
    path: Path
    ok: bool
    problems: tuple[str, ...]
    """``PRAGMA integrity_check`` lines (at most :data:`CHECK_LIMIT`), or the error."""
    sessions: int | None = None
    sets: int | None = None
    version: int | None = None

    def line(self) -> str:
        size = self.path.stat().st_size / 1e6 if self.path.exists() else 0.0
        if self.ok:
            return (f"{self.path}: ok (schema version {self.version}, {self.sessions} session(s), "
                    f"{self.sets} set(s), {size:.1f} MB)")
        more = "" if len(self.problems) < CHECK_LIMIT else " or more"
        return (f"{self.path}: damaged ({len(self.problems)}{more} problem(s), first: {self.problems[0]}); "
                "`coach db recover` copies every readable session into a new database")


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``, else ``immutable=1`` for a
    database on read-only media without its ``-shm`` file)."""
    uri = path.resolve().as_uri()
    last: sqlite3.Error | None = None
    for query in ("mode=ro", "immutable=1"):
        try:
            conn = sqlite3.connect(f"{uri}?{query}", uri=True, isolation_level=None)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            last = exc
    assert last is not None
    raise last


def check_database(path: Path) -> CheckResult:
    """``PRAGMA integrity_check`` and a count of what the database holds."""
    if not path.exists():
        raise StoreError(f"no database at {path}")
    try:
        # a writable database is opened normally so that no empty -wal/-shm stays behind
        conn = sqlite3.connect(str(path), isolation_level=None) if is_writable(path) else open_read_only(path)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        return CheckResult(path, False, (str(exc),))
    try:
        problems = [str(r[0]) for r in conn.execute(f"PRAGMA integrity_check({CHECK_LIMIT})")]
        if problems != ["ok"]:
            return CheckResult(path, False, tuple(problems))
        names = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"sessions", "sets"} <= names:
            return CheckResult(path, True, (), 0, 0, schema_version(conn))
        sessions = int(conn.execute("SELECT count(*) FROM sessions").fetchone()[0])
        sets = int(conn.execute("SELECT count(*) FROM sets").fetchone()[0])
        return CheckResult(path, True, (), sessions, sets, schema_version(conn))
    except sqlite3.Error as exc:
        return CheckResult(path, False, (str(exc),))
    finally:
        conn.close()


@dataclass(frozen=True)
class RecoveryReport:
    path: Path
    damaged_copy: Path
    method: str
    sessions: int
    sets: int
    rows: int
    lost_sessions: int
    """Sessions known to have existed (a set of theirs was read) whose own record was not readable."""

    def line(self) -> str:
        lost = f"; {self.lost_sessions} session(s) could not be read" if self.lost_sessions else ""
        kept = f"the damaged file is kept as {self.damaged_copy.name}"
        if not self.sessions:
            return f"no session could be recovered; started a new {self.path.name}{lost}; {kept}"
        return (f"recovered {self.sessions} session(s) with {self.sets} set(s) into a new {self.path.name} "
                f"({self.method}){lost}; {kept}")


def aside_name(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while any(target.with_name(target.name + s).exists() for s in ("", *SIDE_FILES)):
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    return target


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_recovered(source: Path, dest: Path) -> SalvageResult:
    """A new database at ``dest`` holding everything readable in ``source``."""
    for suffix in ("", *SIDE_FILES):
        dest.with_name(dest.name + suffix).unlink(missing_ok=True)
    result = try_vacuum_into(source, dest)
    if result is not None:
        return result
    conn = sqlite3.connect(str(dest), isolation_level=None)
    try:
        migrate(conn, str(dest))
        return salvage_pages(source, conn)
    finally:
        conn.close()


def recover_database(path: Path) -> RecoveryReport:
    """Replace the damaged database at ``path`` by a recovered copy and keep
    the damaged file aside; see the module doc."""
    tmp = path.with_name(f".{path.name}.recovering-{os.getpid()}")
    try:
        result = build_recovered(path, tmp)
        _fsync(tmp)
        aside = aside_name(path)
        path.rename(aside)
        for suffix in ("-wal", "-journal"):  # kept with the damaged file if they hold anything
            side = path.with_name(path.name + suffix)
            if side.exists() and side.stat().st_size > 0:
                side.rename(aside.with_name(aside.name + suffix))
            else:
                side.unlink(missing_ok=True)
        path.with_name(path.name + "-shm").unlink(missing_ok=True)
        tmp.rename(path)
        _fsync(path.parent)
    except (OSError, sqlite3.Error) as exc:
        for suffix in ("", *SIDE_FILES):
            tmp.with_name(tmp.name + suffix).unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StoreError(f"cannot recover the database {path}: {reason}") from None
    rows = sum(result.rows.values())
    return RecoveryReport(path, aside, result.method, result.rows.get("sessions", 0), result.rows.get("sets", 0),
                          rows, result.lost_sessions)


def recover_in_memory(path: Path) -> tuple[sqlite3.Connection, SalvageResult]:
    """What can be read from a damaged database that cannot be replaced
    (read-only media): an in-memory copy to view."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn, ":memory:")
    return conn, salvage_pages(path, conn)
