"""Set results for advice and target progression: what each scored set
achieved and which faults it had, read from the store or made from a
summary. Read-only; new in this module, nothing else in the store changes."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from coach.exercise import NOT_VISIBLE, SetSummary


@dataclass(frozen=True)
class SetResult:
    """One set's outcome. ``fault_counts``: episodes per fault code
    (``not_visible`` left out: it is about the camera, not the form)."""

    exercise: str
    session_id: int | None
    started_unix: float
    score: float | None
    reps: int
    hold_s: float
    target: float | None
    target_unit: str | None
    side: str | None = None
    fault_counts: Mapping[str, int] = field(default_factory=dict)
    fault_seconds: Mapping[str, float] = field(default_factory=dict)

    @property
    def result(self) -> float:
        """What is counted against the target: seconds held or reps/lifts."""
        return self.hold_s if self.target_unit == "s" else float(self.reps)

    @property
    def target_met(self) -> bool:
        return bool(self.target) and self.result >= float(self.target or 0.0) - 1e-9


def from_summary(s: SetSummary, *, started_unix: float, session_id: int | None = None,
                 side: str | None = None) -> SetResult:
    counts: dict[str, int] = {}
    secs: dict[str, float] = {}
    for e in s.fault_events:
        if e.code != NOT_VISIBLE:
            counts[e.code] = counts.get(e.code, 0) + 1
            secs[e.code] = secs.get(e.code, 0.0) + e.duration
    sides = {it.side for it in s.items if it.side}
    return SetResult(s.exercise, session_id, started_unix, s.score, s.reps, s.hold_s, s.target, s.target_unit,
                     side if side is not None else (sides.pop() if len(sides) == 1 else None),
                     MappingProxyType(counts), MappingProxyType(secs))


def recent_results(conn: sqlite3.Connection, *, exercise: str | None = None, before_unix: float | None = None,
                   before_session: int | None = None, sessions: int = 10) -> list[SetResult]:
    """Scored sets of the last ``sessions`` complete sessions (of
    ``exercise``, started before ``before_unix`` / with an id below
    ``before_session``), oldest first."""
    where = ["t.score IS NOT NULL", "s.status = 'complete'"]
    params: list[Any] = []
    if exercise is not None:
        where.append("t.exercise = ?")
        params.append(exercise)
    if before_unix is not None:
        where.append("s.started_unix < ?")
        params.append(before_unix)
    if before_session is not None:
        where.append("s.id < ?")
        params.append(before_session)
    cond = " AND ".join(where)
    ids = [int(r[0]) for r in conn.execute(
        f"SELECT DISTINCT s.id, s.started_unix FROM sets t JOIN sessions s ON s.id = t.session_id WHERE {cond} "
        "ORDER BY s.started_unix DESC, s.id DESC LIMIT ?", (*params, int(sessions)))]
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(
        "SELECT t.id, t.session_id, s.started_unix, t.exercise, t.score, t.reps, t.hold_s, t.target, "
        f"t.target_unit, t.side FROM sets t JOIN sessions s ON s.id = t.session_id WHERE {cond} "
        f"AND s.id IN ({marks}) ORDER BY s.started_unix, s.id, t.set_index", (*params, *ids)).fetchall()
    out: list[SetResult] = []
    for r in rows:
        counts: dict[str, int] = {}
        secs: dict[str, float] = {}
        for code, n, total in conn.execute(
                "SELECT code, count(*), sum(duration_s) FROM fault_events WHERE set_id = ? AND code != ? "
                "GROUP BY code", (int(r[0]), NOT_VISIBLE)):
            counts[str(code)] = int(n)
            secs[str(code)] = float(total or 0.0)
        out.append(SetResult(str(r[3]), int(r[1]), float(r[2]), float(r[4]), int(r[5]), float(r[6]),
                             None if r[7] is None else float(r[7]), r[8], r[9],
                             MappingProxyType(counts), MappingProxyType(secs)))
    return out


def group_by_session(results: Sequence[SetResult]) -> list[list[SetResult]]:
    """Consecutive results of one session together, in order."""
    groups: list[list[SetResult]] = []
    for r in results:
        if groups and groups[-1][0].session_id == r.session_id and r.session_id is not None:
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups
