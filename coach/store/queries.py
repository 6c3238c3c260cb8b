"""Reading sessions back: history lines, one session in detail, selections.

Every statement is parameterised; every ``sqlite3`` error becomes a
one-line :class:`StoreError`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from coach.errors import DamagedStoreError, StoreError, UsageError
from coach.store.db import is_corrupt_error
from coach.store.rows import (
    FaultRow,
    HistoryRow,
    ItemRow,
    MetricSecond,
    ScoreRow,
    SecondRow,
    SessionDetail,
    SessionRow,
    SetDetail,
    SetRow,
    TrackChunkRow,
)

_SESSION_COLS = ("id, started_at, started_unix, ended_at, status, mode, source, host, pid, coach_version, "
                 "has_track, last_seen_unix, end_reason, uid, models")
_NSESSION = 15
_SET_COLS = ("id, session_id, set_index, exercise, side, target, target_unit, reps, hold_s, best_hold_s, "
             "duration_s, score, score_formula, visible_fraction, top_fault, scored_at, extra_json, target_requested")


@contextmanager
def reading(label: str) -> Iterator[None]:
    """SQLite errors become one-line :class:`StoreError`; damage is a
    :class:`DamagedStoreError` (the caller may recover and retry)."""
    try:
        yield
    except sqlite3.Error as exc:
        if is_corrupt_error(exc):
            raise DamagedStoreError(f"the database {label} is damaged: {exc}", str(exc)) from None
        raise StoreError(f"cannot read the database {label}: {exc}") from None


def _session(r: Sequence[Any]) -> SessionRow:
    return SessionRow(int(r[0]), r[1], float(r[2]), r[3], r[4], r[5], r[6], r[7], int(r[8]), r[9],
                      bool(r[10]), float(r[11]), r[12], r[13] or "", r[14])


def _loads(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def _set(r: Sequence[Any]) -> SetRow:
    extra = _loads(r[16], {})
    return SetRow(int(r[0]), int(r[1]), int(r[2]), r[3], r[4], r[5], r[6], int(r[7]), float(r[8]), r[9],
                  float(r[10]), r[11], r[12], r[13], r[14], r[15], extra if isinstance(extra, dict) else {},
                  None if r[17] is None else float(r[17]))


def _top_fault(conn: sqlite3.Connection, set_id: int) -> str | None:
    """Same rule as SetSummary.top_fault: longest total duration, not_visible excluded."""
    row = conn.execute(
        "SELECT code FROM fault_events WHERE set_id = ? AND code != 'not_visible' GROUP BY code "
        "ORDER BY sum(duration_s) DESC, min(start_s) LIMIT 1",
        (set_id,),
    ).fetchone()
    return None if row is None else str(row[0])


def _with_top_fault(conn: sqlite3.Connection, s: SetRow) -> SetRow:
    if s.score is not None:
        return s
    return replace(s, top_fault=_top_fault(conn, s.id))


def latest_session_id(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT id FROM sessions ORDER BY started_unix DESC, id DESC LIMIT 1").fetchone()
    return None if row is None else int(row[0])


def resolve_session(conn: sqlite3.Connection, ref: str, label: str = "the database") -> int:
    """A session id from ``42`` or ``last``; a clear error if there is none."""
    text = str(ref).strip().lower()
    with reading(label):
        if text in ("last", "latest"):
            sid = latest_session_id(conn)
            if sid is None:
                raise StoreError(f"no sessions recorded yet in {label}")
            return sid
        if not text.lstrip("#").isdigit():
            raise UsageError(f"session must be a number from `coach history` or 'last', got {ref!r}")
        sid = int(text.lstrip("#"))
        if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (sid,)).fetchone() is None:
            raise StoreError(f"no session {sid} in {label}; `coach history` lists the sessions")
        return sid


def history(conn: sqlite3.Connection, exercise: str | None = None, since_unix: float | None = None,
            limit: int | None = None) -> list[HistoryRow]:
    """Sessions, oldest first, one row per set (a session without a set
    gets one row with ``set`` None)."""
    where: list[str] = []
    params: list[Any] = []
    if since_unix is not None:
        where.append("s.started_unix >= ?")
        params.append(since_unix)
    if exercise is not None:
        where.append("t.exercise = ?")
        params.append(exercise)
    sql = (f"SELECT {', '.join('s.' + c.strip() for c in _SESSION_COLS.split(','))}, t.id "
           "FROM sessions s LEFT JOIN sets t ON t.session_id = s.id")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY s.started_unix DESC, s.id DESC, t.set_index DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    rows = conn.execute(sql, params).fetchall()
    out: list[HistoryRow] = []
    for r in reversed(rows):
        set_row = get_set(conn, int(r[_NSESSION])) if r[_NSESSION] is not None else None
        out.append(HistoryRow(_session(r[:_NSESSION]), set_row))
    return out


def get_session(conn: sqlite3.Connection, session_id: int) -> SessionRow:
    row = conn.execute(f"SELECT {_SESSION_COLS} FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        raise StoreError(f"no session {session_id}; `coach history` lists the sessions")
    return _session(row)


def get_set(conn: sqlite3.Connection, set_id: int) -> SetRow:
    row = conn.execute(f"SELECT {_SET_COLS} FROM sets WHERE id = ?", (set_id,)).fetchone()
    if row is None:
        raise StoreError(f"no set {set_id}")
    return _with_top_fault(conn, _set(row))


def set_ids(conn: sqlite3.Connection, session_id: int) -> list[int]:
    return [int(r[0]) for r in conn.execute(
        "SELECT id FROM sets WHERE session_id = ? ORDER BY set_index", (session_id,))]


def set_detail(conn: sqlite3.Connection, set_id: int, with_track: bool = False) -> SetDetail:
    s = get_set(conn, set_id)
    items = tuple(
        ItemRow(set_id, int(r[0]), r[1], float(r[2]), float(r[3]), r[4],
                None if r[5] is None else bool(r[5]), r[6], tuple(_loads(r[7], [])),
                _loads(r[8], {}), bool(r[9]))
        for r in conn.execute(
            "SELECT idx, kind, start_s, end_s, score, good, side, faults_json, measures_json, provisional "
            "FROM items WHERE set_id = ? ORDER BY idx", (set_id,))
    )
    faults = tuple(
        FaultRow(set_id, r[0], float(r[1]), float(r[2]), bool(r[3]))
        for r in conn.execute(
            "SELECT code, start_s, end_s, provisional FROM fault_events WHERE set_id = ? "
            "ORDER BY start_s, id", (set_id,))
    )
    seconds = tuple(
        SecondRow(int(r[0]), float(r[1]), int(r[2]), int(r[3]), r[4], r[5], int(r[6]), float(r[7]),
                  tuple(_loads(r[8], [])))
        for r in conn.execute(
            "SELECT second, t_last, frames, visible_frames, phase, side, reps, hold_s, faults_json "
            "FROM seconds WHERE set_id = ? ORDER BY second", (set_id,))
    )
    metrics = tuple(
        MetricSecond(r[0], int(r[1]), int(r[2]), float(r[3]), float(r[4]), float(r[5]))
        for r in conn.execute(
            "SELECT name, second, n, mean, min, max FROM metrics WHERE set_id = ? ORDER BY name, second",
            (set_id,))
    )
    scores = tuple(
        ScoreRow(r[0], r[1], float(r[2]), int(r[3]), float(r[4]), r[5])
        for r in conn.execute(
            "SELECT scored_at, source, score, reps, hold_s, score_formula FROM score_history "
            "WHERE set_id = ? ORDER BY id", (set_id,))
    )
    track = conn.execute("SELECT coalesce(sum(frames), 0) FROM track_chunks WHERE set_id = ?",
                         (set_id,)).fetchone()[0]
    chunks = tuple(
        TrackChunkRow(int(r[0]), float(r[1]), float(r[2]), int(r[3]), bytes(r[4]))
        for r in conn.execute("SELECT seq, t0, t1, frames, data FROM track_chunks WHERE set_id = ? ORDER BY seq",
                              (set_id,))
    ) if with_track else ()
    return SetDetail(s, items, faults, seconds, metrics, scores, int(track), chunks)


def session_detail(conn: sqlite3.Connection, session_id: int, with_track: bool = False) -> SessionDetail:
    """A session with everything stored about it (the pose track itself
    only ``with_track``)."""
    session = get_session(conn, session_id)
    return SessionDetail(session, tuple(set_detail(conn, i, with_track) for i in set_ids(conn, session_id)))


def select_sessions(conn: sqlite3.Connection, *, last: int | None = None, since_unix: float | None = None,
                    exercise: str | None = None) -> list[int]:
    """Session ids, oldest first: the last N, or those since a time (or all)."""
    where: list[str] = []
    params: list[Any] = []
    if since_unix is not None:
        where.append("started_unix >= ?")
        params.append(since_unix)
    if exercise is not None:
        where.append("id IN (SELECT session_id FROM sets WHERE exercise = ?)")
        params.append(exercise)
    sql = "SELECT id FROM sessions"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY started_unix DESC, id DESC"
    if last is not None:
        sql += " LIMIT ?"
        params.append(int(last))
    return [int(r[0]) for r in reversed(conn.execute(sql, params).fetchall())]


def score_trend(conn: sqlite3.Connection, exercise: str | None = None,
                session_ids: Sequence[int] | None = None,
                include_interrupted: bool = False) -> list[tuple[int, float, str, float]]:
    """(session id, started unix, exercise, score) of scored sets, oldest
    first; sessions that did not end ``complete`` only when asked for
    (their scores are of partial sets)."""
    sql = ("SELECT s.id, s.started_unix, t.exercise, t.score FROM sets t JOIN sessions s "
           "ON s.id = t.session_id WHERE t.score IS NOT NULL")
    if not include_interrupted:
        sql += " AND s.status = 'complete'"
    params: list[Any] = []
    if exercise is not None:
        sql += " AND t.exercise = ?"
        params.append(exercise)
    if session_ids is not None:
        sql += f" AND s.id IN ({', '.join('?' for _ in session_ids)})"
        params.extend(session_ids)
    sql += " ORDER BY s.started_unix, s.id, t.set_index"
    return [(int(r[0]), float(r[1]), str(r[2]), float(r[3])) for r in conn.execute(sql, params)]
