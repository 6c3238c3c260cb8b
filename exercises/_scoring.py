"""The floor exercises' set score: the fraction of the target done, minus
capped deductions per fault episode."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from coach.exercise import NOT_VISIBLE, FaultEvent
from coach.geometry import clamp


# --------------------------------------------------------------------------
# scoring
# --------------------------------------------------------------------------
def deductions(events: Iterable[FaultEvent], per_fault: float, cap_per_code: float) -> float:
    per_code: dict[str, float] = {}
    for ev in events:
        if ev.code == NOT_VISIBLE:
            continue
        per_code[ev.code] = min(cap_per_code, per_code.get(ev.code, 0.0) + per_fault)
    return sum(per_code.values())


def set_score(fraction: float, events: Iterable[FaultEvent], per_fault: float, cap_per_code: float) -> float:
    """``clamp(100 * min(1, fraction) - deductions, 0, 100)``."""
    frac = clamp(fraction, 0.0, 1.0) if math.isfinite(fraction) else 0.0
    return clamp(100.0 * frac - deductions(events, per_fault, cap_per_code), 0.0, 100.0)


def hold_form(good_s: float, faulty_s: float) -> float:
    """The form of a hold, 0..1: the share of its judged time (time in
    position, seen, held still) that was in good form. 0 when nothing was
    judged."""
    total = max(0.0, good_s) + max(0.0, faulty_s)
    return max(0.0, good_s) / total if total > 0 else 0.0


def hold_set_score(holds: Sequence[tuple[float, float]], target_s: float) -> float:
    """The set score of a hold exercise from its completed holds' ``(good_s,
    faulty_s)``: ``100 * completion * form`` where completion is the mean
    over holds of ``min(1, good_s / target_s)`` and form is the share of
    all judged hold time in good form (:func:`hold_form` over the set).

    Properties (tested): a fault never raises it (it moves time from good
    to faulty); splitting the same good time into more holds never raises
    it; all-faulty holds score 0; clean holds of the target length score
    100. No completed hold scores 0."""
    if not holds or not target_s > 0:
        return 0.0
    completion = sum(min(1.0, max(0.0, g) / target_s) for g, _f in holds) / len(holds)
    form = hold_form(sum(g for g, _f in holds), sum(f for _g, f in holds))
    return clamp(100.0 * completion * form, 0.0, 100.0)
