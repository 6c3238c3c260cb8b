"""The contract between the engine and every exercise analyzer.

Every analyzer has the same three methods (``update``, ``reset``,
``summary``); the engine never looks inside one. Analyzers see only
:class:`~coach.pose.PoseFrame` objects, never pixels or mediapipe types.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from coach.landmarks import Landmark
from coach.pose import PoseFrame

NOT_VISIBLE = "not_visible"


def _num(x: float) -> float | None:
    """JSON-safe float: rounded, and None for nan/inf."""
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), 4)


@dataclass(frozen=True)
class FrameVerdict:
    """What an analyzer concludes about one frame (one JSONL line).

    ``faults`` are the debounced, currently active fault codes (docs/formats.md),
    highest priority first. ``cue`` is the analyzer's suggested cue for this
    frame (the feedback policy decides what is actually said). ``metrics``
    carries the key measures (angles in degrees, ratios) for plots and the
    per-second store; ``fault_joints`` are the landmarks the overlay colours.
    """

    t: float
    phase: str
    faults: tuple[str, ...] = ()
    reps: int = 0
    hold_s: float = 0.0
    visible: bool = True
    cue: str | None = None
    side: str | None = None
    metrics: Mapping[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    """Faults that are building up but not yet reported (amber in overlay)."""
    fault_joints: tuple[Landmark, ...] = ()
    item_good: bool | None = None
    """On the frame that completes a rep, hold or lift: whether the analyzer
    judged that item clean (its ``RepRecord.good``); None on other frames.
    The feedback policy praises only items the analyzer calls clean."""

    def to_json(self, cue: str | None = None, include_metrics: bool = True) -> dict[str, Any]:
        """The JSONL object of docs/formats.md. ``cue`` overrides the analyzer's own
        (the pipeline passes the feedback policy's choice)."""
        out: dict[str, Any] = {
            "t": round(self.t, 4),
            "phase": self.phase,
            "faults": list(self.faults),
            "reps": self.reps,
            "hold_s": round(self.hold_s, 3),
            "visible": self.visible,
            "cue": cue,
        }
        if self.side is not None:
            out["side"] = self.side
        if include_metrics and self.metrics:
            out["metrics"] = {k: _num(v) for k, v in self.metrics.items()}
        return out


@dataclass(frozen=True)
class FaultEvent:
    """One debounced fault episode."""

    code: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "start": round(self.start, 3), "end": round(self.end, 3),
                "duration": round(self.duration, 3)}


@dataclass(frozen=True)
class RepRecord:
    """One rep, hold or lift: its time span, score, faults and worst measures."""

    index: int
    kind: str  # "rep" | "hold" | "lift"
    start: float
    end: float
    score: float
    faults: tuple[str, ...] = ()
    side: str | None = None
    good: bool = True
    measures: Mapping[str, float] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": self.kind,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "duration": round(self.duration, 3),
            "score": round(self.score, 1),
            "good": self.good,
            "faults": list(self.faults),
            "side": self.side,
            "measures": {k: _num(v) for k, v in self.measures.items()},
        }


@dataclass(frozen=True)
class SetSummary:
    """The result of one set: counts, times, score and its detail.

    ``score`` is 0-100; ``score_formula`` states how it was computed, in
    words, so reports can print it.
    """

    exercise: str
    reps: int
    hold_s: float
    score: float
    score_formula: str
    duration_s: float = 0.0
    best_hold_s: float = 0.0
    target: float | None = None
    target_unit: str | None = None  # "reps" | "s" | "lifts"
    items: tuple[RepRecord, ...] = ()
    fault_events: tuple[FaultEvent, ...] = ()
    visible_fraction: float = 1.0
    extra: Mapping[str, Any] = field(default_factory=dict)

    def fault_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for ev in self.fault_events:
            counts[ev.code] = counts.get(ev.code, 0) + 1
        return counts

    def top_fault(self) -> str | None:
        durations: dict[str, float] = {}
        for ev in self.fault_events:
            if ev.code == NOT_VISIBLE:
                continue
            durations[ev.code] = durations.get(ev.code, 0.0) + ev.duration
        if not durations:
            return None
        return max(durations.items(), key=lambda kv: kv[1])[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "reps": self.reps,
            "hold_s": round(self.hold_s, 3),
            "best_hold_s": round(self.best_hold_s, 3),
            "score": round(self.score, 1),
            "score_formula": self.score_formula,
            "duration_s": round(self.duration_s, 3),
            "target": self.target,
            "target_unit": self.target_unit,
            "visible_fraction": round(self.visible_fraction, 4),
            "fault_counts": self.fault_counts(),
            "top_fault": self.top_fault(),
            "items": [it.to_json() for it in self.items],
            "fault_events": [ev.to_json() for ev in self.fault_events],
            "extra": dict(self.extra),
        }


@runtime_checkable
class ExerciseAnalyzer(Protocol):
    """One protocol for all analyzers: a streaming state machine."""

    name: ClassVar[str]

    def update(self, frame: PoseFrame) -> FrameVerdict:
        """Consume one (smoothed) frame, return the verdict for it."""
        ...

    def reset(self) -> None:
        """Forget all state; the next frame starts a new set."""
        ...

    def summary(self) -> SetSummary:
        """The set so far (callable at any time, e.g. on quit)."""
        ...
