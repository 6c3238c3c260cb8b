"""The person in ``coach export --format json`` / ``coach import``: their
calibrations (``coach calibrate``, every one, forgotten ones with their
``retired_at``) and their profile (``coach profile``: name and height).

They belong to the person, not to a session, so every JSON export carries
them, whichever sessions it holds (docs/formats.md, "Export"):

    "baselines": [{"id": 3, "exercise": "plank", "recorded_at": "...",
                   "values": {...}, "seconds": 5.0, "frames": 150,
                   "source": "good.csv", "retired_at": null}, ...],
    "profile": {"name": "Ada", "height_m": 1.82, "updated_at": "..."}  # or null

Import rules (:func:`import_person`, inside the sessions' transaction):

* a calibration is already there when one with the same exercise,
  ``recorded_at`` and values is (ids differ between databases; each row
  here matches one entry of the file); else it is added, with its id when
  that is free. A forgotten one in the file
  forgets the matching one here too (forgetting is never undone).
* the profile: a field (name, height) the database does not have is taken
  from the file; one it has with another value is kept, and said in a
  warning (:attr:`PersonResult.conflicts`). A database with no profile gets
  the file's exactly, ``updated_at`` included.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coach.store.baselines import CalibrationRecord, calibration_records
from coach.store.db import Store, now_iso
from coach.store.profile import Profile, check_height, read_profile

BASELINES_KEY = "baselines"
PROFILE_KEY = "profile"
SHOWN_CHARS = 60
"""How much of a malformed value an error message quotes."""


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "..."


@dataclass(frozen=True)
class Calibration:
    """One calibration as the export file holds it."""

    exercise: str
    recorded_at: str
    values: Mapping[str, float]
    seconds: float
    frames: int
    source: str
    retired_at: str | None
    id: int | None = None

    def key(self) -> tuple[str, str, str]:
        """What identifies it across databases."""
        return self.exercise, self.recorded_at, _values_text(self.values)


@dataclass(frozen=True)
class PersonData:
    """The person's part of an export; ``calibrations`` is None in a file
    from before coach exported them (no ``baselines`` key), ``profile`` None
    when the file has no profile."""

    calibrations: tuple[Calibration, ...] | None = None
    profile: Profile | None = None


@dataclass(frozen=True)
class PersonResult:
    added: int = 0
    present: int = 0
    """Calibrations already in the database: not added again."""
    retired: int = 0
    """Calibrations here that the file says were forgotten: forgotten here too."""
    profile_set: tuple[str, ...] = ()
    """Profile fields taken from the file (``name``, ``height``)."""
    conflicts: tuple[str, ...] = ()
    """One sentence per profile field kept because it differs from the file's."""


def _values_text(values: Mapping[str, float]) -> str:
    return json.dumps({str(k): float(v) for k, v in values.items()}, sort_keys=True)


# -- export ----------------------------------------------------------------------------


def _calibration_json(rec: CalibrationRecord) -> dict[str, Any]:
    b = rec.baseline
    return {"id": b.id, "exercise": b.exercise, "recorded_at": b.recorded_at, "values": dict(b.values),
            "seconds": b.seconds, "frames": b.frames, "source": b.source, "retired_at": rec.retired_at}


def person_json(store: Store) -> dict[str, Any]:
    """The ``baselines`` and ``profile`` keys of an export."""
    p = read_profile(store)
    profile = None if p.updated_at is None else {"name": p.name, "height_m": p.height_m,
                                                  "updated_at": p.updated_at}
    return {BASELINES_KEY: [_calibration_json(r) for r in calibration_records(store)], PROFILE_KEY: profile}


EMPTY_PERSON_JSON: dict[str, Any] = {BASELINES_KEY: [], PROFILE_KEY: None}
"""What an export says without a database."""


# -- reading an export -----------------------------------------------------------------


def _number(raw: Mapping[str, Any], key: str) -> float:
    v = raw.get(key)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ValueError(f"{key!r} must be a number, got {_show(v)}")
    return float(v)


def _text(raw: Mapping[str, Any], key: str, *, optional: bool = False, empty: bool = False) -> str | None:
    """``raw[key]`` as text (``empty``: may be ""); None only if ``optional``."""
    v = raw.get(key)
    if v is None and optional:
        return None
    if not isinstance(v, str) or not (v or empty):
        raise ValueError(f"{key!r} must be {'text or null' if optional else 'text'}, got {_show(v)}")
    return v


def _calibration(raw: Any) -> Calibration:
    if not isinstance(raw, dict):
        raise ValueError(f"not an object: {_show(raw)}")
    values = raw.get("values")
    if not isinstance(values, dict) or not values:
        raise ValueError(f"'values' must be an object of measures, got {_show(values)}")
    clean = {str(k): _number(values, k) for k in values}
    seconds = _number(raw, "seconds")
    frames = raw.get("frames")
    if isinstance(frames, bool) or not isinstance(frames, int) or frames <= 0 or not seconds > 0:
        raise ValueError(f"'seconds' and 'frames' must be positive, got {_show(seconds)} and {_show(frames)}")
    wanted = raw.get("id")
    if wanted is not None and (isinstance(wanted, bool) or not isinstance(wanted, int)):
        raise ValueError(f"'id' must be a whole number or null, got {_show(wanted)}")
    return Calibration(exercise=str(_text(raw, "exercise")), recorded_at=str(_text(raw, "recorded_at")),
                       values=clean, seconds=seconds, frames=frames, source=str(_text(raw, "source", empty=True)),
                       retired_at=_text(raw, "retired_at", optional=True), id=wanted)


def _profile(raw: Any) -> Profile | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError(f"must be an object or null, got {_show(raw)}")
    height = raw.get("height_m")
    return Profile(name=_text(raw, "name", optional=True, empty=True),
                   height_m=None if height is None else check_height(_number(raw, "height_m")),
                   updated_at=_text(raw, "updated_at"))


def person_of_export(doc: Mapping[str, Any]) -> PersonData:
    """The person's part of an export document; ValueError naming the
    entry when it is malformed."""
    calibrations = None
    if BASELINES_KEY in doc:
        raw = doc[BASELINES_KEY]
        if not isinstance(raw, list):
            raise ValueError(f"\"{BASELINES_KEY}\" must be a list of calibrations")
        out = []
        for number, entry in enumerate(raw, 1):
            try:
                out.append(_calibration(entry))
            except ValueError as exc:
                raise ValueError(f"calibration {number} of \"{BASELINES_KEY}\" is malformed: {exc}") from None
        calibrations = tuple(out)
    try:
        profile = _profile(doc.get(PROFILE_KEY))
    except ValueError as exc:
        raise ValueError(f"\"{PROFILE_KEY}\" is malformed: {exc}") from None
    return PersonData(calibrations, profile)


# -- import ----------------------------------------------------------------------------


def _free(conn: sqlite3.Connection, wanted: int | None) -> int | None:
    if wanted is None or conn.execute("SELECT 1 FROM baselines WHERE id = ?", (wanted,)).fetchone():
        return None
    return wanted


def _existing(conn: sqlite3.Connection) -> dict[tuple[str, str, str], list[tuple[int, bool]]]:
    """Key -> (id, forgotten) of each calibration already here, oldest id
    first (two identical calibrations are two rows, each matched once)."""
    out: dict[tuple[str, str, str], list[tuple[int, bool]]] = {}
    for rid, exercise, recorded_at, values_json, retired_at in conn.execute(
            "SELECT id, exercise, recorded_at, values_json, retired_at FROM baselines ORDER BY id"):
        try:
            values = json.loads(str(values_json))
            key = (str(exercise), str(recorded_at), _values_text(values))
        except (TypeError, ValueError, AttributeError):
            continue  # a damaged row matches nothing
        out.setdefault(key, []).append((int(rid), retired_at is not None))
    return out


def _import_calibrations(conn: sqlite3.Connection, calibrations: tuple[Calibration, ...]) -> tuple[int, int, int]:
    unmatched = _existing(conn)
    added = present = retired = 0
    for c in calibrations:
        here = unmatched.get(c.key())
        if here:
            present += 1
            rid, forgotten = here.pop(0)
            if c.retired_at is not None and not forgotten:
                conn.execute("UPDATE baselines SET retired_at = ? WHERE id = ?", (c.retired_at, rid))
                retired += 1
            continue
        conn.execute(
            "INSERT INTO baselines (id, exercise, recorded_at, values_json, seconds, frames, source, retired_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_free(conn, c.id), c.exercise, c.recorded_at, _values_text(c.values), c.seconds, c.frames, c.source,
             c.retired_at))
        added += 1
    return added, present, retired


def _show_height(h: float) -> str:
    return f"{h:.2f} m"


def _import_profile(conn: sqlite3.Connection, theirs: Profile, label: str) -> tuple[tuple[str, ...],
                                                                                     tuple[str, ...]]:
    row = conn.execute("SELECT name, height_m FROM profile WHERE id = 1").fetchone()
    if row is None:
        conn.execute("INSERT INTO profile (id, name, height_m, updated_at) VALUES (1, ?, ?, ?)",
                     (theirs.name, theirs.height_m, theirs.updated_at))
        return tuple(f for f, v in (("name", theirs.name), ("height", theirs.height_m)) if v is not None), ()
    name, height = row[0], None if row[1] is None else float(row[1])
    taken: list[str] = []
    conflicts: list[str] = []
    if theirs.name is not None and name is None:
        name = theirs.name
        taken.append("name")
    elif theirs.name is not None and theirs.name != name:
        conflicts.append(f"{label}: the name in the file ({theirs.name!r}) differs from this database's "
                         f"({name!r}); kept {name!r} (change it with coach profile --name)")
    if theirs.height_m is not None and height is None:
        height = theirs.height_m
        taken.append("height")
    elif theirs.height_m is not None and height is not None and theirs.height_m != height:
        conflicts.append(f"{label}: the height in the file ({_show_height(theirs.height_m)}) differs from this "
                         f"database's ({_show_height(height)}); kept {_show_height(height)} "
                         "(change it with coach profile --height)")
    if taken:
        conn.execute("UPDATE profile SET name = ?, height_m = ?, updated_at = ? WHERE id = 1",
                     (name, height, now_iso()))
    return tuple(taken), tuple(conflicts)


def import_person(conn: sqlite3.Connection, person: PersonData, label: str) -> PersonResult:
    """Add the file's calibrations and profile (see the module's rules);
    the caller holds the transaction."""
    added = present = retired = 0
    if person.calibrations is not None:
        added, present, retired = _import_calibrations(conn, person.calibrations)
    taken: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    if person.profile is not None:
        taken, conflicts = _import_profile(conn, person.profile, label)
    return PersonResult(added, present, retired, taken, conflicts)
