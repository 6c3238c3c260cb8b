"""``coach export``: sessions as JSON (everything, nested) or CSV (flat).

JSON: ``{"format": "coach-sessions", "version": 1, "sessions": [...]}``,
each session with its sets, and each set with its summary fields, items
(reps/holds/lifts with measures), fault events, score history and the
per-second rows with their metric aggregates; the pose track (``--keep-track``)
and the session's note (``coach note``) too, so ``coach import`` restores it
all. Given the person (:func:`coach.store.person.person_json`), the document
also carries their calibrations (``baselines``) and profile (``profile``):
they belong to the person, not to a session, so every JSON export has them.

CSV: one row per record, the ``record`` column saying which: ``set`` (the
set's summary), ``rep``/``hold``/``lift`` (one item, measures in ``m_*``
columns) or ``fault`` (one fault event). Per-second metrics are JSON only.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from coach.store.notes import Note
from coach.store.rows import SessionDetail

FORMATS = ("csv", "json")
EXPORT_VERSION = 1

_BASE = ["session_id", "started_at", "status", "mode", "source", "set_index", "exercise", "side", "target",
         "target_unit", "record", "index", "start", "end", "duration", "score", "good", "reps", "hold_s",
         "code", "faults", "top_fault", "score_formula", "provisional"]


def to_json(sessions: Sequence[SessionDetail], notes: Mapping[int, Note] | None = None,
            person: Mapping[str, Any] | None = None) -> str:
    """Everything; ``notes`` (``coach note``) go in each session's ``note``
    (``null`` without one); ``person``'s keys (``baselines``, ``profile``)
    follow ``sessions``."""
    out = []
    for s in sessions:
        obj = s.to_json(with_seconds=True)
        if notes is not None:
            note = notes.get(s.session.id)
            obj["note"] = None if note is None else {"pain": note.pain, "effort": note.effort, "text": note.text,
                                                     "noted_at": note.noted_at}
        out.append(obj)
    doc = {"format": "coach-sessions", "version": EXPORT_VERSION, "sessions": out, **(person or {})}
    return json.dumps(doc, indent=2) + "\n"


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(float(x), nd)


def csv_rows(sessions: Sequence[SessionDetail]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for sd in sessions:
        s = sd.session
        for det in sd.sets:
            st = det.set
            base = {"session_id": s.id, "started_at": s.started_at, "status": s.status, "mode": s.mode,
                    "source": s.source, "set_index": st.set_index, "exercise": st.exercise, "side": st.side,
                    "target": st.target, "target_unit": st.target_unit}
            rows.append({**base, "record": "set", "start": 0.0, "duration": _r(st.duration_s),
                         "score": _r(st.score, 1), "reps": st.reps, "hold_s": _r(st.hold_s),
                         "top_fault": st.top_fault, "score_formula": st.score_formula})
            for it in det.items:
                row = {**base, "record": it.kind, "index": it.index, "start": _r(it.start), "end": _r(it.end),
                       "duration": _r(it.duration), "score": _r(it.score, 1), "good": it.good,
                       "side": it.side or st.side, "faults": ";".join(it.faults),
                       "provisional": int(it.provisional)}
                for k, v in it.measures.items():
                    row[f"m_{k}"] = _r(v, 4)
                rows.append(row)
            for f in det.faults:
                rows.append({**base, "record": "fault", "start": _r(f.start), "end": _r(f.end),
                             "duration": _r(f.duration), "code": f.code, "provisional": int(f.provisional)})
    return rows


def to_csv(sessions: Sequence[SessionDetail]) -> str:
    rows = csv_rows(sessions)
    extra = sorted({k for r in rows for k in r if k not in _BASE})
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=_BASE + extra, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue()


def export_text(sessions: Sequence[SessionDetail], fmt: str, notes: Mapping[int, Note] | None = None,
                person: Mapping[str, Any] | None = None) -> str:
    """``person`` (calibrations and profile) goes in JSON only."""
    if fmt == "json":
        return to_json(sessions, notes, person)
    if fmt == "csv":
        return to_csv(sessions)
    raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
