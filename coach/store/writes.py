"""The SQL that writes a set: parameterised statements only, shared by the
recorder (as a set runs) and ``coach rescore``."""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Iterable, Mapping
from typing import Any

from coach.exercise import RepRecord, SetSummary
from coach.store.db import now_iso
from coach.store.rows import FaultRow, ItemRow, MetricSecond, SecondRow

PROVISIONAL_CLOSED = 1
PROVISIONAL_OPEN = 2


def num(x: Any) -> float | None:
    """A finite float or None (SQLite and JSON have no NaN)."""
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def measures_json(measures: Mapping[str, Any]) -> str:
    return json.dumps({str(k): num(v) for k, v in measures.items()}, separators=(",", ":"))


def insert_seconds(conn: sqlite3.Connection, set_id: int, rows: Iterable[SecondRow]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO seconds (set_id, second, t_last, frames, visible_frames, phase, side, "
        "reps, hold_s, faults_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(set_id, r.second, r.t_last, r.frames, r.visible_frames, r.phase, r.side, r.reps, r.hold_s,
          json.dumps(list(r.faults))) for r in rows],
    )


def insert_metrics(conn: sqlite3.Connection, set_id: int, rows: Iterable[MetricSecond]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO metrics (set_id, name, second, n, mean, min, max) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(set_id, m.name, m.second, m.n, m.mean, m.min, m.max) for m in rows],
    )


def insert_provisional_items(conn: sqlite3.Connection, set_id: int, rows: Iterable[ItemRow]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO items (set_id, idx, kind, start_s, end_s, score, good, side, faults_json, "
        "measures_json, provisional) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, 1)",
        [(set_id, r.index, r.kind, r.start, r.end, r.side, json.dumps(list(r.faults)),
          measures_json(r.measures)) for r in rows],
    )


def replace_provisional_faults(conn: sqlite3.Connection, set_id: int, closed: Iterable[FaultRow],
                               still_open: Iterable[FaultRow]) -> None:
    """Append finished episodes; rewrite the ones still going on."""
    conn.execute("DELETE FROM fault_events WHERE set_id = ? AND provisional = ?", (set_id, PROVISIONAL_OPEN))
    rows = [(f, PROVISIONAL_CLOSED) for f in closed] + [(f, PROVISIONAL_OPEN) for f in still_open]
    conn.executemany(
        "INSERT INTO fault_events (set_id, code, start_s, end_s, duration_s, provisional) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(set_id, f.code, f.start, f.end, f.duration, flag) for f, flag in rows],
    )


def update_progress(conn: sqlite3.Connection, session_id: int, set_id: int, reps: int, hold_s: float,
                    duration_s: float, side: str | None) -> None:
    conn.execute(
        "UPDATE sets SET reps = ?, hold_s = ?, duration_s = ?, side = coalesce(?, side) WHERE id = ?",
        (reps, hold_s, duration_s, side, set_id),
    )
    conn.execute("UPDATE sessions SET last_seen_unix = ? WHERE id = ?", (time.time(), session_id))


def set_side(items: Iterable[RepRecord], fallback: str | None) -> str | None:
    sides = {it.side for it in items if it.side}
    if len(sides) > 1:
        return "both"
    return next(iter(sides)) if sides else fallback


def write_summary(conn: sqlite3.Connection, set_id: int, summary: SetSummary, source: str,
                  side: str | None) -> None:
    """Replace the set's items and fault events with the summary's, store
    its score and formula, and append to its score history."""
    conn.execute("DELETE FROM items WHERE set_id = ?", (set_id,))
    conn.execute("DELETE FROM fault_events WHERE set_id = ?", (set_id,))
    conn.executemany(
        "INSERT OR REPLACE INTO items (set_id, idx, kind, start_s, end_s, score, good, side, faults_json, "
        "measures_json, provisional) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        [(set_id, it.index, it.kind, it.start, it.end, num(it.score), int(it.good), it.side,
          json.dumps(list(it.faults)), measures_json(it.measures)) for it in summary.items],
    )
    conn.executemany(
        "INSERT INTO fault_events (set_id, code, start_s, end_s, duration_s, provisional) "
        "VALUES (?, ?, ?, ?, ?, 0)",
        [(set_id, ev.code, ev.start, ev.end, ev.duration) for ev in summary.fault_events],
    )
    stamp = now_iso()
    conn.execute(
        "UPDATE sets SET exercise = ?, side = ?, target = coalesce(?, target), target_unit = ?, reps = ?, "
        "hold_s = ?, best_hold_s = ?, duration_s = ?, score = ?, score_formula = ?, visible_fraction = ?, "
        "top_fault = ?, extra_json = ?, scored_at = ? WHERE id = ?",
        (summary.exercise, set_side(summary.items, side), num(summary.target), summary.target_unit,
         summary.reps, summary.hold_s, num(summary.best_hold_s), summary.duration_s, num(summary.score),
         summary.score_formula, num(summary.visible_fraction), summary.top_fault(),
         json.dumps(dict(summary.extra), default=str), stamp, set_id),
    )
    conn.execute(
        "INSERT INTO score_history (set_id, scored_at, source, score, reps, hold_s, score_formula) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (set_id, stamp, source, num(summary.score) or 0.0, summary.reps, summary.hold_s,
         summary.score_formula),
    )
