"""The person's profile (``coach profile``): name and height, one row of
the ``profile`` table."""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass

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
    """The profile; empty without one (also in a database older than the
    profile that could not be upgraded: opened read-only, no table)."""
    try:
        row = store.conn.execute("SELECT name, height_m, updated_at FROM profile WHERE id = 1").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return Profile()
        raise
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
