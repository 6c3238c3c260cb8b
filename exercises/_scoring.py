"""The floor exercises' set score: the fraction of the target done, minus
capped deductions per fault episode."""

from __future__ import annotations

import math
from collections.abc import Iterable

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
