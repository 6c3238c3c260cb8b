"""Gentle target progression over days.

The rule (also in the README, "Programmes"):

1. The *current target* of an exercise is the target of its most recent
   complete session (else the target asked for, else the exercise's default).
2. A session is *clean* when every set of the exercise in it scored at
   least :data:`CLEAN_SCORE`, met its target and had no lower-back safety
   fault.
3. When the last :data:`CLEAN_SESSIONS` sessions of the exercise were
   clean, were done on at least :data:`CLEAN_SESSIONS` different calendar
   days and all used the current target (or more), the next target is the
   current one plus :data:`STEP_FRACTION` (10 %), at least one unit (1 s or
   1 rep), rounded to whole units.
4. The target never goes above the exercise's cap (``ExerciseSpec.max_target``,
   else twice its default) and never goes down by itself.

So a target rises at most one step per two days of clean work. It is the
"2-for-2" overload rule of strength training (raise the load when the goal
is beaten in two consecutive sessions; NSCA, Essentials of Strength Training
and Conditioning) with the 2-10 % increments of the ACSM position stand
(Progression models in resistance training for healthy adults, 2009).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from coach.registry import find_spec
from coach.store.results import SetResult, group_by_session

CLEAN_SCORE = 90.0
CLEAN_SESSIONS = 2
STEP_FRACTION = 0.10


@dataclass(frozen=True)
class TargetAdvice:
    """The next target of an exercise and why, in plain words."""

    exercise: str
    target: float | None
    unit: str | None
    raised: bool
    reason: str


def cap_for(exercise: str) -> float | None:
    spec = find_spec(exercise)
    if spec is None or spec.default_target is None:
        return None
    return spec.max_target if spec.max_target is not None else 2.0 * spec.default_target


def is_clean(r: SetResult) -> bool:
    spec = find_spec(r.exercise)
    safety = spec.safety_codes if spec is not None else frozenset()
    return (r.score is not None and r.score >= CLEAN_SCORE and r.target_met
            and not any(code in safety for code in r.fault_counts))


def _day(unix: float) -> str:
    return datetime.fromtimestamp(unix).strftime("%Y-%m-%d")


def next_target(exercise: str, history: Sequence[SetResult], requested: float | None = None,
                start: float | None = None) -> TargetAdvice:
    """The next target of ``exercise`` from its past results (oldest first;
    other exercises are ignored). ``requested`` (``--target``) wins;
    ``start`` is the first target (a programme's) when there is no history."""
    spec = find_spec(exercise)
    unit = spec.unit if spec is not None else None
    if requested is not None:
        return TargetAdvice(exercise, requested, unit, False, "the target you asked for")
    mine = [r for r in history if r.exercise == exercise and r.target]
    default = start if start is not None else (spec.default_target if spec is not None else None)
    if not mine:
        return TargetAdvice(exercise, default, unit, False, "the starting target")
    sessions = group_by_session(mine)
    current = max(float(r.target or 0.0) for r in sessions[-1])
    cap = cap_for(exercise)
    recent = sessions[-CLEAN_SESSIONS:]
    clean = (len(recent) == CLEAN_SESSIONS
             and all(is_clean(r) and float(r.target or 0.0) >= current for g in recent for r in g)
             and len({_day(g[0].started_unix) for g in recent}) >= CLEAN_SESSIONS)
    if cap is not None and current >= cap:
        return TargetAdvice(exercise, current, unit, False, "the top of the progression: keep it steady")
    if not clean:
        return TargetAdvice(exercise, current, unit, False,
                            f"the same target until {CLEAN_SESSIONS} sessions on different days are clean")
    step = max(1.0, math.ceil(current * STEP_FRACTION))
    raised = current + step
    if cap is not None:
        raised = min(raised, cap)
    return TargetAdvice(exercise, raised, unit, True,
                        f"up from {current:g} after {CLEAN_SESSIONS} clean sessions on different days")
