"""Opening the session database: WAL, migrations, corrupt files moved
aside, and ``running`` sessions of dead processes marked ``interrupted``.

Connections run in autocommit mode; writers use explicit
``BEGIN IMMEDIATE``/``COMMIT`` (see :func:`transaction`). WAL with
``synchronous=NORMAL`` makes each commit cheap and durable against a killed
process (only a power cut can lose the last commits).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from coach.errors import StoreError
from coach.store.proc import ProcessId, is_alive
from coach.store.schema import migrate

BUSY_TIMEOUT_S = 5.0
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
    """An open session database."""

    path: Path
    conn: sqlite3.Connection
    notices: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.conn.close()

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
"""Only files that are, or are named like, databases are moved aside as
corrupt; anything else (a pose track passed to --db by mistake) is left
alone with an error."""


def _looks_like_a_database(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError:
        return False
    return head == SQLITE_MAGIC or path.suffix.lower() in DB_SUFFIXES


def _move_aside(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    path.rename(target)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def open_store(path: str | Path, *, notify: Notify | None = None, mark_stale: bool = True) -> Store:
    """Open (creating and migrating) the database at ``path``.

    A file that is not a SQLite database, or a corrupt one, is renamed to
    ``<name>.corrupt-<timestamp>`` and a new database is started; the
    message goes to ``notify`` and ``Store.notices``. Every other failure
    raises :class:`StoreError` with a one-line message.
    """
    p = Path(path)
    label = str(p)
    notices: list[str] = []
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the database folder {p.parent}: {describe_error(exc)}; "
            "choose a writable place with --db or COACH_DB"
        ) from None
    if p.is_dir():
        raise StoreError(f"{label} is a folder, not a database file; use --db FILE")
    try:
        try:
            conn = _connect(p)
            migrate(conn, label)
        except sqlite3.DatabaseError as exc:
            if not is_corrupt_error(exc):
                raise
            if not _looks_like_a_database(p):
                raise StoreError(
                    f"{label} is not a coach database (not SQLite); it was left untouched - "
                    "give --db a .db file"
                ) from None
            moved = _move_aside(p)
            notices.append(
                f"the database {label} was unreadable ({exc}); moved it to {moved.name} and started a new one"
            )
            if notify is not None:
                notify(notices[-1])
            conn = _connect(p)
            migrate(conn, label)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the database {label}: {exc}; use another --db") from None
    except OSError as exc:
        raise StoreError(f"cannot open the database {label}: {describe_error(exc)}") from None
    store = Store(p, conn, notices)
    if mark_stale:
        try:
            mark_interrupted(conn)
        except sqlite3.OperationalError:
            pass  # read-only or busy: the next writable start will do it
    return store


def mark_interrupted(conn: sqlite3.Connection) -> list[int]:
    """Mark ``running`` sessions whose process is gone as ``interrupted``
    (ended at their last commit); returns their ids."""
    rows = conn.execute(
        "SELECT id, host, pid, pid_start FROM sessions WHERE status = 'running'"
    ).fetchall()
    dead = [int(r[0]) for r in rows if not is_alive(ProcessId(r[1], int(r[2]), r[3]))]
    if dead:
        with transaction(conn):
            for sid in dead:
                conn.execute(
                    "UPDATE sessions SET status = 'interrupted', ended_at = "
                    "strftime('%Y-%m-%dT%H:%M:%S+00:00', last_seen_unix, 'unixepoch') "
                    "WHERE id = ? AND status = 'running'",
                    (sid,),
                )
    return dead
