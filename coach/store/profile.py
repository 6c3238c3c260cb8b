"""The person's profile (``coach profile``): name and height, one row of
the ``profile`` table; and their calibrated baselines (``coach
calibrate``), one row per exercise of ``baselines``."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from coach.store.db import Store, now_iso, transaction

MIN_HEIGHT_M = 0.5
MAX_HEIGHT_M = 2.6
DEFAULT_STATURE_M = 1.70
"""The height assumed without a profile (an adult mean of both sexes,
roughly); said in every summary that used it."""


@dataclass(frozen=True)
class Profile:
    name: str | None = None
    height_m: float | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class Baseline:
    exercise: str
    recorded_at: str
    source: str
    values: Mapping[str, float] = field(default_factory=dict)


def check_height(height_m: float) -> float:
    """A height in metres, or ValueError with what to give instead."""
    if not math.isfinite(height_m):
        raise ValueError("the height must be a number of metres, e.g. 1.82")
    if height_m >= 50.0 and MIN_HEIGHT_M <= height_m / 100.0 < MAX_HEIGHT_M:
        raise ValueError(f"give the height in metres ({height_m / 100.0:.2f}), not centimetres")
    if not MIN_HEIGHT_M < height_m < MAX_HEIGHT_M:
        raise ValueError(f"a height of {height_m:g} m is not a person's; give it in metres, e.g. 1.82")
    return float(height_m)


def read_profile(store: Store) -> Profile:
    row = store.conn.execute("SELECT name, height_m, updated_at FROM profile WHERE id = 1").fetchone()
    if row is None:
        return Profile()
    return Profile(row[0], None if row[1] is None else float(row[1]), row[2])


def write_profile(store: Store, *, name: str | None = None, height_m: float | None = None) -> Profile:
    """Set the given fields (the others are kept)."""
    old = read_profile(store)
    new = Profile(old.name if name is None else name,
                  old.height_m if height_m is None else check_height(height_m), now_iso())
    with transaction(store.conn) as conn:
        conn.execute(
            "INSERT INTO profile (id, name, height_m, updated_at) VALUES (1, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, height_m = excluded.height_m, "
            "updated_at = excluded.updated_at",
            (new.name, new.height_m, new.updated_at),
        )
    return new


def read_baselines(store: Store) -> dict[str, Baseline]:
    rows = store.conn.execute("SELECT exercise, recorded_at, source, values_json FROM baselines").fetchall()
    return {r[0]: Baseline(r[0], r[1], r[2], {k: float(v) for k, v in json.loads(r[3]).items()}) for r in rows}


def write_baseline(store: Store, exercise: str, values: Mapping[str, float], source: str) -> Baseline:
    base = Baseline(exercise, now_iso(), source, dict(values))
    with transaction(store.conn) as conn:
        conn.execute(
            "INSERT INTO baselines (exercise, recorded_at, source, values_json) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (exercise) DO UPDATE SET recorded_at = excluded.recorded_at, "
            "source = excluded.source, values_json = excluded.values_json",
            (exercise, base.recorded_at, source, json.dumps(base.values, sort_keys=True)),
        )
    return base
