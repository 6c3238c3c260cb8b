"""Opening the session database: WAL, migrations, damaged files recovered
(:mod:`coach.store.recover`), read-only files opened for viewing, and
``running`` sessions of dead processes marked ``interrupted``.

Connections run in autocommit mode; writers use explicit
``BEGIN IMMEDIATE``/``COMMIT`` (see :func:`transaction`). WAL with
``synchronous=NORMAL`` makes each commit cheap and durable against a killed
process (only a power cut can lose the last commits).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from coach.errors import StoreError
from coach.store.proc import ProcessId, is_alive
from coach.store.schema import MIGRATIONS, migrate, schema_version

BUSY_TIMEOUT_S = 5.0
VANISHED = "the process ended without closing the session (killed, crashed or powered off)"
CORRUPT_ERRORS = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})
Notify = Callable[[str], None]


def now_iso(unix: float | None = None) -> str:
    ts = time.time() if unix is None else unix
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def is_corrupt_error(exc: sqlite3.Error) -> bool:
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name:
        return any(name.startswith(code) for code in CORRUPT_ERRORS)
    msg = str(exc).lower()
    return "not a database" in msg or "malformed" in msg


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


@dataclass
class Store:
    """An open session database. ``read_only``: opened for viewing only
    (the file or its folder cannot be written)."""

    path: Path
    conn: sqlite3.Connection
    notices: list[str] = field(default_factory=list)
    read_only: bool = False

    def close(self) -> None:
        self.conn.close()

    def require_writable(self, what: str) -> None:
        if self.read_only:
            raise StoreError(f"cannot {what}: the database {self.path} is read-only (a read-only file, "
                             "folder or disk); use a writable copy with --db")

    def recover(self, exc: BaseException, notify: Notify | None = None) -> None:
        """The database turned out damaged while in use: recover it (see
        :func:`open_store`) and continue on the new one."""
        self.conn.close()
        if self.read_only:
            fresh = _open_read_only(self.path, str(self.path), self.notices, notify)
        else:
            _recover(self.path, str(self.path), exc, self.notices, notify)
            fresh = open_store(self.path, notify=notify, mark_stale=False)
        self.conn = fresh.conn
        self.read_only = fresh.read_only

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")  # no deleted row survives to be "recovered"
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the header
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            conn.execute("SELECT 1")  # read-only media: keep the old journal mode
        conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn


SQLITE_MAGIC = b"SQLite format 3\x00"
DB_SUFFIXES = frozenset({".db", ".sqlite", ".sqlite3", ".db3", ""})
"""Only files that are, or are named like, databases are recovered and
moved aside when damaged; anything else (a pose track passed to --db by
mistake) is left alone with an error."""

READ_ONLY_ERRORS = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")


def _looks_like_a_database(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError:
        return False
    return head == SQLITE_MAGIC or path.suffix.lower() in DB_SUFFIXES


def _is_read_only_error(exc: sqlite3.Error) -> bool:
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    return any(name.startswith(code) for code in READ_ONLY_ERRORS) or "readonly" in str(exc).lower()


def is_writable(path: Path) -> bool:
    """Can the database file and its folder (for ``-wal``/``-shm``) be written?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK) and not _read_only_fs(path)


def _read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _open_read_only(p: Path, label: str, notices: list[str], notify: Notify | None) -> Store:
    """View a database that cannot be written (read-only media or file):
    ``mode=ro`` or ``immutable=1``; an older schema is migrated in a copy in
    memory; a damaged one is recovered into memory."""
    from coach.store.recover import open_read_only, recover_in_memory

    try:
        conn = open_read_only(p)
        if schema_version(conn) < len(MIGRATIONS):
            mem = sqlite3.connect(":memory:", isolation_level=None)
            conn.backup(mem)
            conn.close()
            conn = mem
            migrate(conn, label)
        quick_check(conn)
    except sqlite3.DatabaseError as exc:
        if not is_corrupt_error(exc):
            raise
        conn, result = recover_in_memory(p)
        notices.append(f"the database {label} is damaged and cannot be written; showing the "
                       f"{result.rows.get('sessions', 0)} session(s) that could be read "
                       "(`coach db recover` where it can be written keeps them)")
        if notify is not None:
            notify(notices[-1])
    return Store(p, conn, notices, read_only=True)


def _recover(p: Path, label: str, exc: BaseException, notices: list[str], notify: Notify | None) -> None:
    from coach.store.recover import recover_database

    if not _looks_like_a_database(p):
        raise StoreError(
            f"{label} is not a coach database (not SQLite); it was left untouched - give --db a .db file"
        ) from None
    report = recover_database(p)
    notices.append(f"the database {label} was damaged ({getattr(exc, 'detail', exc)}); {report.line()}")
    if notify is not None:
        notify(notices[-1])


QUICK_CHECKED = ("sessions", "sets")
"""Checked at every opening (``PRAGMA quick_check(table)``: small tables,
about a millisecond): every listing reads them, so damage there is found
before it can hide a session. Damage elsewhere shows up when a command
reads it (then it is recovered, see :func:`coach.commands._store_args.review`)
or with ``coach db check``."""


def quick_check(conn: sqlite3.Connection) -> None:
    """Raise a "malformed" DatabaseError if a table of :data:`QUICK_CHECKED` is damaged."""
    for table in QUICK_CHECKED:
        problems = [str(r[0]) for r in conn.execute(f"PRAGMA quick_check({table})")]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("database disk image is malformed")  # details: `coach db check`


def _open_writable(p: Path, label: str, mark_stale: bool) -> sqlite3.Connection:
    conn = _connect(p)
    try:
        migrate(conn, label)
        quick_check(conn)
        if mark_stale:
            try:
                mark_interrupted(conn)
            except sqlite3.OperationalError as exc:
                if is_corrupt_error(exc):
                    raise  # busy: the next start will do it
    except BaseException:
        conn.close()
        raise
    return conn


def open_store(path: str | Path, *, notify: Notify | None = None, mark_stale: bool = True) -> Store:
    """Open (creating and migrating) the database at ``path``.

    A damaged database (SQLite reports it corrupt, or it is not a database
    at all) is recovered (:func:`coach.store.recover.recover_database`):
    everything readable goes into a new database, the damaged file is kept
    as ``<name>.corrupt-<time>`` and one line goes to ``notify`` and
    ``Store.notices``. A database that cannot be written is opened
    read-only (``Store.read_only``) for viewing. Every other failure raises
    :class:`StoreError` with a one-line message. The database's folder is
    created if missing (it is coach's data folder, not an output).
    """
    p = Path(path)
    label = str(p)
    notices: list[str] = []
    try:
        if not p.parent.is_dir():
            p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the database folder {p.parent}: {describe_error(exc)}; "
            "choose a writable place with --db or COACH_DB"
        ) from None
    if p.is_dir():
        raise StoreError(f"{label} is a folder, not a database file; use --db FILE")
    try:
        if p.exists() and not is_writable(p):
            return _open_read_only(p, label, notices, notify)
        for attempt in range(2):
            try:
                conn = _open_writable(p, label, mark_stale)
                break
            except sqlite3.DatabaseError as exc:
                if p.exists() and _is_read_only_error(exc):
                    return _open_read_only(p, label, notices, notify)
                if not is_corrupt_error(exc) or attempt:
                    raise
                _recover(p, label, exc, notices, notify)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the database {label}: {exc}; use another --db") from None
    except OSError as exc:
        raise StoreError(f"cannot open the database {label}: {describe_error(exc)}") from None
    return Store(p, conn, notices)


def mark_interrupted(conn: sqlite3.Connection) -> list[int]:
    """Mark ``running`` sessions whose process is gone as ``interrupted``
    (ended at their last commit, the reason :data:`VANISHED`); returns
    their ids. One that died before its first set is deleted (nothing of
    it was recorded)."""
    rows = conn.execute(
        "SELECT id, host, pid, pid_start FROM sessions WHERE status = 'running'"
    ).fetchall()
    dead = [int(r[0]) for r in rows if not is_alive(ProcessId(r[1], int(r[2]), r[3]))]
    if dead:
        with transaction(conn):
            for sid in dead:
                conn.execute(
                    "UPDATE sessions SET status = 'interrupted', end_reason = ?, ended_at = "
                    "strftime('%Y-%m-%dT%H:%M:%S+00:00', last_seen_unix, 'unixepoch') "
                    "WHERE id = ? AND status = 'running'",
                    (VANISHED, sid),
                )
                conn.execute("DELETE FROM sessions WHERE id = ? AND NOT EXISTS "
                             "(SELECT 1 FROM sets WHERE session_id = ?)", (sid, sid))
    return dead
