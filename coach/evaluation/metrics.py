"""Pure metric functions on frozen dataclasses: confusion matrices,
per-class precision / recall / F1, accuracy, count and hold-time errors,
and the boundary collar. No I/O, no analyzers, no exercise knowledge.

Conventions (the same as scikit-learn's, except that an undefined value is
``None`` instead of a warning and a 0):

* rows of a confusion matrix are the truth, columns the prediction;
* ``precision(c) = TP / (TP + FP)``: ``None`` when nothing was predicted ``c``;
* ``recall(c) = TP / (TP + FN)``: ``None`` when no frame is truly ``c``;
* ``f1(c) = 2 TP / (2 TP + FP + FN)``: ``None`` only when ``c`` is neither
  true nor predicted anywhere. A class that is present but never predicted
  has F1 = 0 (not ``None``), and so does one predicted but never present;
* ``accuracy = trace / total``: ``None`` for an empty matrix;
* ``macro_f1`` is the mean F1 over the classes that occur in the truth.

Count errors are ``predicted - expected`` (signed), its absolute value and
the relative error ``|predicted - expected| / expected`` (``None`` when
``expected`` is 0: any count is then a false count, reported as such).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


def _ordered(labels: Iterable[str], order: Sequence[str]) -> tuple[str, ...]:
    """``labels`` (deduplicated) in ``order``; unknown ones after, sorted."""
    seen = set(labels)
    first = [lab for lab in order if lab in seen]
    rest = sorted(seen - set(first))
    return (*first, *rest)


@dataclass(frozen=True)
class ConfusionMatrix:
    """Counts of (truth, predicted) label pairs.

    ``truth_labels`` and ``predicted_labels`` fix the row and column order;
    ``counts[i][j]`` is how often truth ``truth_labels[i]`` was predicted as
    ``predicted_labels[j]``."""

    truth_labels: tuple[str, ...] = ()
    predicted_labels: tuple[str, ...] = ()
    counts: tuple[tuple[int, ...], ...] = ()

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.truth_labels):
            raise ValueError("one row of counts per truth label")
        for row in self.counts:
            if len(row) != len(self.predicted_labels):
                raise ValueError("one column of counts per predicted label")
            if any(c < 0 for c in row):
                raise ValueError("counts must be non-negative")
        if len(set(self.truth_labels)) != len(self.truth_labels) or len(set(self.predicted_labels)) != len(
            self.predicted_labels
        ):
            raise ValueError("labels must be unique")

    # -- construction --------------------------------------------------------------
    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], order: Sequence[str] = ()) -> ConfusionMatrix:
        """Count (truth, predicted) pairs; labels are ordered by ``order``
        first, then alphabetically."""
        tally: dict[tuple[str, str], int] = {}
        for pair in pairs:
            tally[pair] = tally.get(pair, 0) + 1
        return cls.from_mapping(tally, order)

    @classmethod
    def from_mapping(cls, tally: Mapping[tuple[str, str], int], order: Sequence[str] = ()) -> ConfusionMatrix:
        rows = _ordered((t for t, _ in tally), order)
        cols = _ordered((p for _, p in tally), order)
        counts = tuple(tuple(int(tally.get((t, p), 0)) for p in cols) for t in rows)
        return cls(rows, cols, counts)

    def pairs(self) -> dict[tuple[str, str], int]:
        """The non-zero cells as a mapping."""
        return {
            (t, p): c
            for t, row in zip(self.truth_labels, self.counts, strict=True)
            for p, c in zip(self.predicted_labels, row, strict=True)
            if c
        }

    def merged(self, other: ConfusionMatrix, order: Sequence[str] = ()) -> ConfusionMatrix:
        tally = self.pairs()
        for key, c in other.pairs().items():
            tally[key] = tally.get(key, 0) + c
        return ConfusionMatrix.from_mapping(tally, order)

    def reordered(self, order: Sequence[str]) -> ConfusionMatrix:
        return ConfusionMatrix.from_mapping(self.pairs(), order)

    # -- sums ------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)

    def cell(self, truth: str, predicted: str) -> int:
        if truth not in self.truth_labels or predicted not in self.predicted_labels:
            return 0
        return self.counts[self.truth_labels.index(truth)][self.predicted_labels.index(predicted)]

    def row_total(self, truth: str) -> int:
        if truth not in self.truth_labels:
            return 0
        return sum(self.counts[self.truth_labels.index(truth)])

    def column_total(self, predicted: str) -> int:
        if predicted not in self.predicted_labels:
            return 0
        j = self.predicted_labels.index(predicted)
        return sum(row[j] for row in self.counts)

    @property
    def correct(self) -> int:
        return sum(self.cell(t, t) for t in self.truth_labels)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label, truth labels first."""
        return (*self.truth_labels, *(p for p in self.predicted_labels if p not in self.truth_labels))

    def to_json(self) -> dict[str, Any]:
        return {
            "truth_labels": list(self.truth_labels),
            "predicted_labels": list(self.predicted_labels),
            "counts": [list(row) for row in self.counts],
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> ConfusionMatrix:
        return cls(
            tuple(obj["truth_labels"]),
            tuple(obj["predicted_labels"]),
            tuple(tuple(int(c) for c in row) for row in obj["counts"]),
        )


@dataclass(frozen=True)
class ClassScores:
    """Precision, recall and F1 of one class (``None`` = undefined, see the
    module docstring); ``support`` is the number of truly-``label`` frames."""

    label: str
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else None

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "support": self.support,
            "predicted": self.predicted,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "f1": _round(self.f1),
        }


def class_scores(cm: ConfusionMatrix, label: str) -> ClassScores:
    tp = cm.cell(label, label)
    return ClassScores(label, tp, cm.column_total(label) - tp, cm.row_total(label) - tp)


def all_class_scores(cm: ConfusionMatrix) -> tuple[ClassScores, ...]:
    """Scores of every label that is true or predicted (truth labels first)."""
    return tuple(class_scores(cm, lab) for lab in cm.labels)


def accuracy(cm: ConfusionMatrix) -> float | None:
    total = cm.total
    return cm.correct / total if total else None


def macro_f1(cm: ConfusionMatrix) -> float | None:
    """Mean F1 over the classes present in the truth (rows with frames)."""
    values = [class_scores(cm, t).f1 for t in cm.truth_labels if cm.row_total(t) > 0]
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


@dataclass(frozen=True)
class CountError:
    """A count (reps, holds, lifts) against its expected value."""

    expected: int
    predicted: int

    def __post_init__(self) -> None:
        if self.expected < 0 or self.predicted < 0:
            raise ValueError("counts must be non-negative")

    @property
    def error(self) -> int:
        return self.predicted - self.expected

    @property
    def abs_error(self) -> int:
        return abs(self.error)

    @property
    def rel_error(self) -> float | None:
        return self.abs_error / self.expected if self.expected else None

    @property
    def exact(self) -> bool:
        return self.error == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "predicted": self.predicted,
            "error": self.error,
            "abs_error": self.abs_error,
            "rel_error": _round(self.rel_error),
        }


@dataclass(frozen=True)
class HoldError:
    """Good-form hold time (seconds) against its expected value."""

    expected_s: float
    predicted_s: float

    def __post_init__(self) -> None:
        for v in (self.expected_s, self.predicted_s):
            if not (math.isfinite(v) and v >= 0):
                raise ValueError("hold times must be finite and non-negative")

    @property
    def error_s(self) -> float:
        return self.predicted_s - self.expected_s

    @property
    def abs_error_s(self) -> float:
        return abs(self.error_s)

    @property
    def rel_error(self) -> float | None:
        return self.abs_error_s / self.expected_s if self.expected_s > 0 else None

    def to_json(self) -> dict[str, Any]:
        return {
            "expected_s": _round(self.expected_s),
            "predicted_s": _round(self.predicted_s),
            "error_s": _round(self.error_s),
            "abs_error_s": _round(self.abs_error_s),
            "rel_error": _round(self.rel_error),
        }


@dataclass(frozen=True)
class CountStats:
    """Count errors over several entries."""

    n: int = 0
    exact: int = 0
    total_abs_error: int = 0
    total_expected: int = 0
    mean_abs_error: float | None = None
    max_abs_error: int = 0
    errors: tuple[int, ...] = field(default=())

    @property
    def exact_fraction(self) -> float | None:
        return self.exact / self.n if self.n else None

    @property
    def rel_error(self) -> float | None:
        """Total absolute error over the total expected count."""
        return self.total_abs_error / self.total_expected if self.total_expected else None

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "exact": self.exact,
            "exact_fraction": _round(self.exact_fraction),
            "total_expected": self.total_expected,
            "total_abs_error": self.total_abs_error,
            "mean_abs_error": _round(self.mean_abs_error),
            "max_abs_error": self.max_abs_error,
            "rel_error": _round(self.rel_error),
        }


def count_stats(errors: Iterable[CountError]) -> CountStats:
    errs = list(errors)
    if not errs:
        return CountStats()
    abs_errs = [e.abs_error for e in errs]
    return CountStats(
        n=len(errs),
        exact=sum(e.exact for e in errs),
        total_abs_error=sum(abs_errs),
        total_expected=sum(e.expected for e in errs),
        mean_abs_error=sum(abs_errs) / len(errs),
        max_abs_error=max(abs_errs),
        errors=tuple(e.error for e in errs),
    )


@dataclass(frozen=True)
class HoldStats:
    """Hold-time errors over several entries (seconds)."""

    n: int = 0
    mean_abs_error_s: float | None = None
    max_abs_error_s: float | None = None
    mean_error_s: float | None = None
    total_expected_s: float = 0.0
    total_abs_error_s: float = 0.0

    @property
    def rel_error(self) -> float | None:
        """Total absolute error over the total expected hold time."""
        return self.total_abs_error_s / self.total_expected_s if self.total_expected_s > 0 else None

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mean_abs_error_s": _round(self.mean_abs_error_s),
            "max_abs_error_s": _round(self.max_abs_error_s),
            "mean_error_s": _round(self.mean_error_s),
            "total_expected_s": _round(self.total_expected_s),
            "total_abs_error_s": _round(self.total_abs_error_s),
            "rel_error": _round(self.rel_error),
        }


def hold_stats(errors: Iterable[HoldError]) -> HoldStats:
    errs = list(errors)
    if not errs:
        return HoldStats()
    abs_errs = [e.abs_error_s for e in errs]
    return HoldStats(
        n=len(errs),
        mean_abs_error_s=sum(abs_errs) / len(errs),
        max_abs_error_s=max(abs_errs),
        mean_error_s=sum(e.error_s for e in errs) / len(errs),
        total_expected_s=sum(e.expected_s for e in errs),
        total_abs_error_s=sum(abs_errs),
    )


def collar_mask(times: Sequence[float], labels: Sequence[str | None], collar_s: float) -> list[bool]:
    """Which frames to score: ``labels[i]`` is the truth class of the frame
    at ``times[i]`` (``None``: not scored anyway). A frame is dropped when a
    change to a *different* non-None class lies strictly within ``collar_s``
    of it (a change is placed halfway between the two frames),
    because neither a labeller nor a debounced analyzer can place a change
    of form to the frame (the collar of speaker diarisation and sound-event
    scoring). Edges between a class and ``None`` (the start or end of the
    scored part) keep their frames. ``times`` must be non-decreasing."""
    n = len(times)
    if len(labels) != n:
        raise ValueError("times and labels must have the same length")
    keep = [lab is not None for lab in labels]
    if collar_s <= 0:
        return keep
    # times at which the (non-None) class changes, from one class to another
    changes: list[float] = []
    last: tuple[float, str] | None = None
    for t, lab in zip(times, labels, strict=True):
        if lab is None:
            continue
        if last is not None and last[1] != lab:
            changes.append((last[0] + t) / 2.0)
        last = (t, lab)
    if not changes:
        return keep
    j = 0
    for i, t in enumerate(times):
        if not keep[i]:
            continue
        while j < len(changes) and changes[j] <= t - collar_s:
            j += 1
        if j < len(changes) and abs(changes[j] - t) < collar_s - 1e-9:
            keep[i] = False
    return keep


def _round(x: float | None, nd: int = 4) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), nd)
