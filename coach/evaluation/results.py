"""Evaluation results: one :class:`EntryResult` per corpus entry or
synthetic case, summed per exercise into :class:`ExerciseReport`, and the
whole run as an :class:`EvalReport` (what ``--json`` writes)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coach.evaluation.classes import class_order
from coach.evaluation.metrics import (
    ClassScores,
    ConfusionMatrix,
    CountError,
    CountStats,
    HoldError,
    HoldStats,
    accuracy,
    all_class_scores,
    count_stats,
    hold_stats,
    macro_f1,
)

REAL = "real"
SYNTHETIC = "synthetic"
ORIGINS: tuple[str, ...] = (REAL, SYNTHETIC)


@dataclass(frozen=True)
class EntryResult:
    """What one entry (a real recording or a synthetic case) gave.

    ``confusion`` holds the scored frames (static entries: one per row);
    ``count`` / ``good_count`` / ``hold`` are None when the entry has no
    such truth. For an entry without an exercise, ``false_counts`` and
    ``false_hold`` hold what each analyzer counted on it (all should be 0)."""

    origin: str
    id: str
    exercise: str | None
    kind: str
    view: str
    detail: str = ""
    derived: bool = False
    frames: int = 0
    confusion: ConfusionMatrix = field(default_factory=ConfusionMatrix)
    count: CountError | None = None
    good_count: CountError | None = None
    hold: HoldError | None = None
    false_counts: Mapping[str, CountError] = field(default_factory=dict)
    false_hold: Mapping[str, HoldError] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "exercise": self.exercise,
            "kind": self.kind,
            "view": self.view,
            "detail": self.detail,
            "derived": self.derived,
            "frames": self.frames,
            "scored": self.confusion.total,
            "accuracy": _r(accuracy(self.confusion)),
            "confusion": self.confusion.to_json(),
            "count": self.count.to_json() if self.count else None,
            "good_count": self.good_count.to_json() if self.good_count else None,
            "hold": self.hold.to_json() if self.hold else None,
            "false_counts": {k: v.to_json() for k, v in self.false_counts.items()},
            "false_hold": {k: v.to_json() for k, v in self.false_hold.items()},
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class ExerciseReport:
    """One exercise over the entries of one origin."""

    origin: str
    exercise: str
    entries: tuple[EntryResult, ...]
    confusion: ConfusionMatrix
    count: CountStats
    good_count: CountStats
    hold: HoldStats

    @property
    def scores(self) -> tuple[ClassScores, ...]:
        return all_class_scores(self.confusion)

    @property
    def accuracy(self) -> float | None:
        return accuracy(self.confusion)

    @property
    def macro_f1(self) -> float | None:
        return macro_f1(self.confusion)

    def score_of(self, label: str) -> ClassScores | None:
        return next((s for s in self.scores if s.label == label), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "entries": len(self.entries),
            "frames": sum(e.frames for e in self.entries),
            "scored": self.confusion.total,
            "accuracy": _r(self.accuracy),
            "macro_f1": _r(self.macro_f1),
            "confusion": self.confusion.to_json(),
            "classes": {s.label: s.to_json() for s in self.scores},
            "count": self.count.to_json(),
            "good_count": self.good_count.to_json(),
            "hold": self.hold.to_json(),
        }


def summarise(origin: str, exercise: str, entries: Sequence[EntryResult]) -> ExerciseReport:
    order = class_order(exercise)
    cm = ConfusionMatrix()
    for e in entries:
        cm = cm.merged(e.confusion, order)
    return ExerciseReport(
        origin=origin,
        exercise=exercise,
        entries=tuple(entries),
        confusion=cm,
        count=count_stats(e.count for e in entries if e.count is not None),
        good_count=count_stats(e.good_count for e in entries if e.good_count is not None),
        hold=hold_stats(e.hold for e in entries if e.hold is not None),
    )


@dataclass(frozen=True)
class IdleReport:
    """Entries without an exercise: what each analyzer counted on them."""

    origin: str
    entries: tuple[EntryResult, ...]

    def false_counts(self) -> dict[str, int]:
        """Analyzer -> total false count over the entries."""
        out: dict[str, int] = {}
        for e in self.entries:
            for name, err in e.false_counts.items():
                out[name] = out.get(name, 0) + err.predicted
        return out

    def false_hold_s(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for e in self.entries:
            for name, err in e.false_hold.items():
                out[name] = out.get(name, 0.0) + err.predicted_s
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "entries": len(self.entries),
            "false_counts": self.false_counts(),
            "false_hold_s": {k: round(v, 3) for k, v in self.false_hold_s().items()},
        }


@dataclass(frozen=True)
class OriginReport:
    """All exercises of one origin (real or synthetic)."""

    origin: str
    exercises: tuple[ExerciseReport, ...]
    idle: IdleReport
    notes: tuple[str, ...] = ()

    @property
    def entries(self) -> tuple[EntryResult, ...]:
        return (*(e for r in self.exercises for e in r.entries), *self.idle.entries)

    def exercise(self, name: str) -> ExerciseReport | None:
        return next((r for r in self.exercises if r.exercise == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "exercises": {r.exercise: r.to_json() for r in self.exercises},
            "idle": self.idle.to_json(),
            "entries": [e.to_json() for e in self.entries],
            "notes": list(self.notes),
        }


def build_origin(origin: str, results: Iterable[EntryResult], exercises: Sequence[str],
                 notes: Sequence[str] = ()) -> OriginReport:
    """Group entry results by exercise (in ``exercises`` order; exercises
    without entries are left out)."""
    all_results = list(results)
    reports = []
    for name in exercises:
        mine = [r for r in all_results if r.exercise == name]
        if mine:
            reports.append(summarise(origin, name, mine))
    idle = IdleReport(origin, tuple(r for r in all_results if r.exercise is None))
    return OriginReport(origin, tuple(reports), idle, tuple(notes))


@dataclass(frozen=True)
class EvalReport:
    """A whole ``coach eval`` run."""

    origins: tuple[OriginReport, ...]
    settings: Mapping[str, Any]
    command: str
    seconds: float = 0.0
    recognition: Any = None
    """The recognition measurements (a
    :class:`coach.evaluation.recognition.RecognitionReport`), None when not run."""

    def origin(self, name: str) -> OriginReport | None:
        return next((o for o in self.origins if o.origin == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "settings": dict(self.settings),
            "seconds": round(self.seconds, 2),
            **{o.origin: o.to_json() for o in self.origins},
            **({"recognition": self.recognition.to_json()} if self.recognition is not None else {}),
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)
