"""``coach import FILE``: restore sessions from ``coach export --format json``.

The round trip is exact: exporting the imported sessions gives the same
JSON (ids included when they are free in the target database; otherwise
the session or set gets a new id and everything else stays the same),
notes (``coach note``) and pose tracks included.
Sessions are matched by ``uid``, so importing a file twice adds nothing
the second time. An export made before schema version 3 has no ``uid``;
the same formula migration 3 used (:func:`coach.store.schema.legacy_uid`)
gives it one. The person's calibrations and profile (the file's
``baselines`` and ``profile`` keys, :mod:`coach.store.person`) come in the
same transaction: the whole file is imported, or nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import InputError
from coach.store.db import Store, transaction
from coach.store.export import EXPORT_VERSION
from coach.store.person import PersonData, PersonResult, import_person, person_of_export
from coach.store.schema import legacy_uid

FORMAT = "coach-sessions"


@dataclass(frozen=True)
class ImportResult:
    imported: int
    present: int
    """Sessions already in the database (same uid): skipped."""
    renumbered: int
    """Imported sessions whose id was taken and that got a new one."""
    person: PersonResult = field(default_factory=PersonResult)
    """What became of the file's calibrations and profile."""


@dataclass(frozen=True)
class ExportFile:
    """A ``coach export --format json`` file, checked."""

    sessions: list[Mapping[str, Any]]
    person: PersonData


def read_export_file(path: Path) -> ExportFile:
    """An export file's sessions and person; InputError if it is not one,
    or if its calibrations or profile are malformed."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    except ValueError as exc:
        raise InputError(f"{path}: not JSON ({exc}); `coach import` reads `coach export --format json` files") \
            from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(f"{path}: not a coach export (no \"format\": \"{FORMAT}\"); "
                         "`coach import` reads `coach export --format json` files")
    if doc.get("version") != EXPORT_VERSION:
        raise InputError(f"{path}: export version {doc.get('version')!r}; this coach reads version {EXPORT_VERSION}")
    sessions = doc.get("sessions")
    if not isinstance(sessions, list) or not all(isinstance(s, dict) for s in sessions):
        raise InputError(f"{path}: \"sessions\" must be a list of sessions")
    try:
        person = person_of_export(doc)
    except ValueError as exc:
        raise InputError(f"{path}: {exc}; nothing was imported") from None
    return ExportFile(sessions, person)


def session_uid(s: Mapping[str, Any]) -> str:
    uid = s.get("uid")
    if uid:
        return str(uid)
    return legacy_uid(str(s["host"]), int(s["pid"]), str(s["started_at"]), int(s["id"]))


def _free_id(conn: sqlite3.Connection, table: str, wanted: Any) -> int | None:
    """``wanted`` if no row of ``table`` has it, else None (SQLite picks one)."""
    if not isinstance(wanted, int) or conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (wanted,)).fetchone():
        return None
    return wanted


def _insert_session(conn: sqlite3.Connection, s: Mapping[str, Any]) -> tuple[int, bool]:
    sid = _free_id(conn, "sessions", s.get("id"))
    cur = conn.execute(
        "INSERT INTO sessions (id, started_at, started_unix, ended_at, last_seen_unix, status, mode, source, host, "
        "pid, pid_start, coach_version, has_track, end_reason, uid, models) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
        (sid, s["started_at"], s["started_unix"], s.get("ended_at"), s["last_seen_unix"], s["status"], s["mode"],
         s["source"], s["host"], s["pid"], s["coach_version"], int(bool(s.get("has_track"))), s.get("end_reason"),
         session_uid(s), s.get("models")),
    )
    new_id = int(cur.lastrowid or 0)
    return new_id, new_id != s.get("id")


def _json(value: Any, compact: bool = False) -> str:
    return json.dumps(value, separators=(",", ":")) if compact else json.dumps(value)


def _insert_set(conn: sqlite3.Connection, session_id: int, st: Mapping[str, Any]) -> None:
    set_id_wanted = _free_id(conn, "sets", st.get("id"))
    extra = st.get("extra")
    cur = conn.execute(
        "INSERT INTO sets (id, session_id, set_index, exercise, side, target, target_requested, target_unit, reps, "
        "hold_s, best_hold_s, duration_s, score, score_formula, visible_fraction, top_fault, extra_json, "
        "scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (set_id_wanted, session_id, st["set_index"], st["exercise"], st.get("side"), st.get("target"),
         st.get("target_requested"), st.get("target_unit"), st["reps"], st["hold_s"], st.get("best_hold_s"),
         st["duration_s"], st.get("score"), st.get("score_formula"), st.get("visible_fraction"),
         st.get("top_fault"), None if extra is None else json.dumps(extra), st.get("scored_at")),
    )
    set_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO items (set_id, idx, kind, start_s, end_s, score, good, side, faults_json, measures_json, "
        "provisional) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(set_id, it["index"], it["kind"], it["start"], it["end"], it.get("score"),
          None if it.get("good") is None else int(bool(it["good"])), it.get("side"), _json(list(it["faults"])),
          _json(dict(it["measures"]), compact=True), int(bool(it.get("provisional")))) for it in st["items"]],
    )
    conn.executemany(
        "INSERT INTO fault_events (set_id, code, start_s, end_s, duration_s, provisional) VALUES (?, ?, ?, ?, ?, ?)",
        [(set_id, f["code"], f["start"], f["end"], max(0.0, float(f["end"]) - float(f["start"])),
          int(bool(f.get("provisional")))) for f in st["fault_events"]],
    )
    conn.executemany(
        "INSERT INTO score_history (set_id, scored_at, source, score, reps, hold_s, score_formula) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(set_id, h["scored_at"], h["source"], h["score"], h["reps"], h["hold_s"], h.get("score_formula"))
         for h in st["score_history"]],
    )
    seconds = st.get("seconds", [])
    conn.executemany(
        "INSERT INTO seconds (set_id, second, t_last, frames, visible_frames, phase, side, reps, hold_s, "
        "faults_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(set_id, r["second"], r["t_last"], r["frames"], r["visible_frames"], r.get("phase"), r.get("side"),
          r["reps"], r["hold_s"], _json(list(r["faults"]))) for r in seconds],
    )
    conn.executemany(
        "INSERT INTO metrics (set_id, name, second, n, mean, min, max) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(set_id, name, r["second"], m["n"], m["mean"], m["min"], m["max"])
         for r in seconds for name, m in dict(r.get("metrics", {})).items()],
    )
    conn.executemany(
        "INSERT INTO track_chunks (set_id, seq, t0, t1, frames, data) VALUES (?, ?, ?, ?, ?, ?)",
        [(set_id, c["seq"], c["t0"], c["t1"], c["frames"], base64.b64decode(c["data"], validate=True))
         for c in st.get("track_chunks", [])],
    )


def import_sessions(store: Store, sessions: list[Mapping[str, Any]], label: str,
                    person: PersonData | None = None) -> ImportResult:
    """Add the sessions not in the database yet, and the ``person``'s
    calibrations and profile, in one transaction."""
    imported = present = renumbered = 0
    person_result = PersonResult()
    try:
        with transaction(store.conn) as conn:
            for s in sessions:
                uid = session_uid(s)
                if conn.execute("SELECT 1 FROM sessions WHERE uid = ?", (uid,)).fetchone():
                    present += 1
                    continue
                session_id, moved = _insert_session(conn, s)
                renumbered += int(moved)
                for st in s["sets"]:
                    _insert_set(conn, session_id, st)
                note = s.get("note")
                if note:
                    conn.execute("INSERT INTO notes (session_id, pain, effort, text, noted_at) VALUES (?, ?, ?, ?, ?)",
                                 (session_id, note.get("pain"), note.get("effort"), note.get("text"),
                                  note["noted_at"]))
                imported += 1
            if person is not None:
                try:
                    person_result = import_person(conn, person, label)
                except sqlite3.IntegrityError as exc:
                    raise InputError(f"{label}: a calibration or the profile does not fit the database ({exc}); "
                                     "nothing was imported") from None
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        number = imported + present + 1
        raise InputError(f"{label}: session {number} is incomplete or malformed ({type(exc).__name__}: {exc}); "
                         "nothing was imported") from None
    except sqlite3.IntegrityError as exc:
        number = imported + present + 1
        raise InputError(f"{label}: session {number} does not fit the database ({exc}); nothing was imported") \
            from None
    return ImportResult(imported, present, renumbered, person_result)
