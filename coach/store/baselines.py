"""Personal baselines in the session database (``coach calibrate``): the
``baselines`` table (schema version 5)."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coach.baseline import Baseline
from coach.store.db import Store, now_iso, transaction


def _row(r: tuple[Any, ...]) -> Baseline | None:
    """A stored row, or None when its values are not readable numbers (a
    damaged row is ignored, never judged by)."""
    try:
        raw = json.loads(str(r[3]))
    except (TypeError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    values = {str(k): float(v) for k, v in raw.items() if isinstance(v, (int, float)) and math.isfinite(v)}
    if not values:
        return None
    return Baseline(exercise=str(r[1]), values=values, recorded_at=str(r[2]), seconds=float(r[4]),
                    frames=int(r[5]), source=str(r[6] or ""), id=int(r[0]))


@dataclass(frozen=True)
class CalibrationRecord:
    """A stored calibration and when it was forgotten (``coach calibrate
    --forget``; None while it may be in use): what ``coach export`` carries."""

    baseline: Baseline
    retired_at: str | None = None


_COLUMNS = "id, exercise, recorded_at, values_json, seconds, frames, source, retired_at"
_ORDER = "ORDER BY recorded_at, id"
"""Oldest first by when they were recorded (UTC ISO strings sort as times),
so a calibration imported from another database (``coach import``) takes
its place in time whatever id it got."""


def _records(store: Store, where: str = "", params: tuple[Any, ...] = ()) -> list[CalibrationRecord]:
    """Readable calibrations matching ``where``, oldest first; none from a
    database older than calibrations that could not be upgraded (opened
    read-only: no ``baselines`` table)."""
    try:
        rows = store.conn.execute(f"SELECT {_COLUMNS} FROM baselines {where} {_ORDER}", params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise
    out = []
    for r in rows:
        b = _row(r)
        if b is not None:
            out.append(CalibrationRecord(b, None if r[7] is None else str(r[7])))
    return out


def _rows(store: Store, where: str = "", params: tuple[Any, ...] = ()) -> list[Baseline]:
    return [rec.baseline for rec in _records(store, where, params)]


def calibration_records(store: Store) -> list[CalibrationRecord]:
    """Every readable calibration, forgotten ones too, oldest first."""
    return _records(store)


def save_baseline(store: Store, exercise: str, values: Mapping[str, float], seconds: float, frames: int,
                  source: str = "") -> Baseline:
    """Store a new calibration of ``exercise``; it becomes the current one."""
    clean = {k: float(v) for k, v in values.items() if math.isfinite(v)}
    if not clean or not (seconds > 0 and frames > 0):
        raise ValueError("a baseline needs measured values over some frames")
    recorded = now_iso()
    with transaction(store.conn) as conn:
        cur = conn.execute(
            "INSERT INTO baselines (exercise, recorded_at, values_json, seconds, frames, source) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (exercise, recorded, json.dumps(clean, sort_keys=True), float(seconds), int(frames), source),
        )
        new_id = int(cur.lastrowid or 0)
    return Baseline(exercise, clean, recorded, float(seconds), int(frames), source, new_id)


def current_baselines(store: Store) -> dict[str, Baseline]:
    """Exercise -> its newest calibration (by ``recorded_at``) that was not
    forgotten."""
    return {b.exercise: b for b in _rows(store, "WHERE retired_at IS NULL")}


def all_baselines(store: Store, exercise: str | None = None) -> list[Baseline]:
    """Every calibration (forgotten ones too), oldest first."""
    return _rows(store, "WHERE exercise = ?", (exercise,)) if exercise else _rows(store)


def forget_baselines(store: Store, exercise: str) -> int:
    """Retire ``exercise``'s calibrations: later sets are judged by the
    exercise's own thresholds only. Returns how many were retired."""
    with transaction(store.conn) as conn:
        cur = conn.execute("UPDATE baselines SET retired_at = ? WHERE exercise = ? AND retired_at IS NULL",
                           (now_iso(), exercise))
        return int(cur.rowcount)
