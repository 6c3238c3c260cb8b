"""Copying what can be read from a damaged database into a fresh one.

Two ways, the first that works:

1. ``VACUUM INTO`` (SQLite's own copy): it reads every table row through
   SQLite and rebuilds the indexes, so it succeeds when only indexes, the
   freelist or unused space are damaged. Its copy must pass
   ``PRAGMA integrity_check``.
2. Page by page (:mod:`coach.store.pages`): every cell that still parses is
   matched to one of coach's tables by its shape (the number of values,
   table or index b-tree) and the types of its values, then inserted into a
   fresh, migrated database, parents first. The fresh database enforces the
   schema: a row that breaks a ``CHECK``, ``NOT NULL`` or foreign key (a set
   whose session was on a damaged page) is dropped, and for a key seen
   twice the first copy wins.

Both leave the source untouched.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.store.pages import Cell, Value, cells, read_image
from coach.store.schema import MIGRATIONS, migrate

METHOD_VACUUM = "VACUUM INTO"
METHOD_PAGES = "page by page"


@dataclass(frozen=True)
class Column:
    name: str
    affinity: str  # INTEGER | REAL | TEXT | BLOB
    notnull: bool
    rowid_alias: bool


@dataclass(frozen=True)
class Shape:
    """How a table's rows look in the file."""

    table: str
    columns: tuple[Column, ...]
    """In record order (for a WITHOUT ROWID table: the key first)."""
    without_rowid: bool
    counts: frozenset[int]
    """Value counts a record may have: one per schema version (a column
    added by ``ALTER TABLE`` is absent from older records)."""

    def accepts(self, cell: Cell) -> bool:
        if cell.index != self.without_rowid or len(cell.values) not in self.counts:
            return False
        return all(_fits(col, v) for col, v in zip(self.columns, cell.values, strict=False))

    def row(self, cell: Cell) -> dict[str, Value]:
        values = list(cell.values) + [None] * (len(self.columns) - len(cell.values))
        out = {c.name: v for c, v in zip(self.columns, values, strict=True)}
        for c in self.columns:
            if c.rowid_alias:
                out[c.name] = cell.rowid
        return out


def _fits(col: Column, v: Value) -> bool:
    if v is None:
        return col.rowid_alias or not col.notnull
    if col.rowid_alias:
        return False  # stored as NULL: the rowid is the value
    if col.affinity == "INTEGER":
        return isinstance(v, int)
    if col.affinity == "REAL":
        return isinstance(v, int | float)
    if col.affinity == "TEXT":
        return isinstance(v, str)
    return isinstance(v, bytes)


def _affinity(decl: str) -> str:
    d = decl.upper()
    if "INT" in d:
        return "INTEGER"
    if any(k in d for k in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in d or not d:
        return "BLOB"
    return "REAL"


def _tables(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [(str(r[0]), str(r[1] or "")) for r in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]


def _columns(conn: sqlite3.Connection, table: str, without_rowid: bool) -> tuple[Column, ...]:
    info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    pk = [r for r in info if r[5]]
    alias = len(pk) == 1 and str(pk[0][2]).upper() == "INTEGER" and not without_rowid
    cols = [Column(str(r[1]), _affinity(str(r[2])), bool(r[3]) or bool(r[5]), alias and bool(r[5]))
            for r in info]
    if without_rowid:
        keys = [cols[r[0]] for r in sorted(pk, key=lambda r: int(r[5]))]
        cols = keys + [c for c in cols if c not in keys]
    return tuple(cols)


def shapes() -> list[Shape]:
    """The shape of every coach table, parents before children, with the
    value counts of every schema version (replayed in memory)."""
    mem = sqlite3.connect(":memory:", isolation_level=None)
    counts: dict[str, set[int]] = defaultdict(set)
    try:
        for version in range(1, len(MIGRATIONS) + 1):
            migrate(mem, ":memory:", MIGRATIONS[:version])
            for name, _sql in _tables(mem):
                counts[name].add(len(mem.execute(f'PRAGMA table_info("{name}")').fetchall()))
        out = []
        for name, sql in _tables(mem):
            wr = "WITHOUT ROWID" in sql.upper()
            out.append(Shape(name, _columns(mem, name, wr), wr, frozenset(counts[name])))
        parents = {s.table: {str(r[2]) for r in mem.execute(f'PRAGMA foreign_key_list("{s.table}")')}
                   for s in out}
    finally:
        mem.close()
    ordered: list[Shape] = []
    while len(ordered) < len(out):
        done = {s.table for s in ordered}
        ordered += [s for s in out if s.table not in done and parents[s.table] <= done | {s.table}]
    return ordered


@dataclass(frozen=True)
class SalvageResult:
    method: str
    rows: dict[str, int]
    """Rows copied per table."""
    dropped: int
    """Cells that looked like rows but broke the schema (orphans, duplicates)."""
    lost_sessions: int = 0
    """Sessions a readable set refers to whose own row was not readable."""


def _insert(conn: sqlite3.Connection, shape: Shape, rows: Iterable[dict[str, Value]]) -> tuple[int, int]:
    names = [c.name for c in shape.columns]
    sql = (f'INSERT OR IGNORE INTO "{shape.table}" ({", ".join(names)}) '
           f'VALUES ({", ".join("?" for _ in names)})')
    added = dropped = 0
    for row in rows:
        try:
            cur = conn.execute(sql, [row[n] for n in names])
        except sqlite3.IntegrityError:
            dropped += 1
            continue
        if cur.rowcount == 1:
            added += 1
        else:
            dropped += 1
    return added, dropped


def copy_cells(found: Iterable[Cell], dest: sqlite3.Connection, table_shapes: Sequence[Shape]) -> SalvageResult:
    """Insert the cells that fit a table into ``dest`` (migrated, empty),
    parents first, in one transaction."""
    by_table: dict[str, list[dict[str, Value]]] = defaultdict(list)
    for cell in found:
        for shape in table_shapes:
            if shape.accepts(cell):
                by_table[shape.table].append(shape.row(cell))
                break
    rows: dict[str, int] = {}
    dropped = 0
    dest.execute("PRAGMA foreign_keys = ON")
    dest.execute("BEGIN IMMEDIATE")
    try:
        for shape in table_shapes:
            added, lost = _insert(dest, shape, by_table.get(shape.table, []))
            rows[shape.table] = added
            dropped += lost
    except BaseException:
        dest.execute("ROLLBACK")
        raise
    dest.execute("COMMIT")
    referenced = {r.get("session_id") for r in by_table.get("sets", [])}
    have = {r[0] for r in dest.execute("SELECT id FROM sessions")}
    return SalvageResult(METHOD_PAGES, rows, dropped, len(referenced - have))


def _integrity_ok(path: Path) -> bool:
    conn = sqlite3.connect(str(path))
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name, _ in _tables(conn)}


def try_vacuum_into(source: Path, dest: Path) -> SalvageResult | None:
    """SQLite's own copy of ``source`` into the new file ``dest`` (migrated
    to the current schema), or None if SQLite cannot read it all."""
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        src.execute("VACUUM INTO ?", (str(dest),))
    except sqlite3.Error:
        dest.unlink(missing_ok=True)
        return None
    finally:
        src.close()
    if not _integrity_ok(dest):
        dest.unlink(missing_ok=True)
        return None
    conn = sqlite3.connect(str(dest), isolation_level=None)
    try:
        migrate(conn, str(dest))
        return SalvageResult(METHOD_VACUUM, _row_counts(conn), 0)
    except sqlite3.Error:
        dest.unlink(missing_ok=True)
        return None
    finally:
        conn.close()


def salvage_pages(source: Path, dest: sqlite3.Connection) -> SalvageResult:
    """Page-by-page copy of ``source`` into ``dest`` (migrated, empty)."""
    return copy_cells(cells(read_image(source)), dest, shapes())
