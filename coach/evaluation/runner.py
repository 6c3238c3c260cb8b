"""Running the analyzers over the real corpus, exactly as ``coach analyze
TRACK.csv --exercise NAME`` does: the frames as the CSV reader gives them
(its ``aspect`` column, else 1.0 and the analyzer's own aspect estimate),
then :class:`~coach.pipeline.Pipeline` (One Euro smoothing, the analyzer and
the feedback policy) with the exercise's default options.

Matching rules:

* **Static entries** (each CSV row an independent pose): the row is replayed
  as a held track of :data:`STATIC_HOLD_S` seconds at :data:`STATIC_FPS`
  (identical frames; the pipeline is reset between rows) and judged on the
  verdict of the last frame, after smoothing and debouncing have settled.
  Rows labelled with a non-form class are not replayed.
* **Track entries**: the track runs once; every frame whose segment class is
  a form class (``correct`` or a fault of the exercise) is scored against the
  predicted class of its verdict (:func:`coach.evaluation.classes.predicted_class`),
  except frames within the collar (``collar_s``) of a change between two form
  classes (:func:`coach.evaluation.metrics.collar_mask`).
* **Counts**: the summary's count (reps, holds or lifts) against
  :meth:`Labels.expected_count` (``labels.counts`` where given, else the
  number of labelled reps + holds + lifts; an item marked ``"complete":
  false``, cut off by the end of the clip, is not counted). When every item
  is labelled, the
  good count (summary items with ``good``) is compared with the labelled
  items that no fault segment overlaps.
* **Hold time**: when holds are labelled, the summary's good-form ``hold_s``
  against the labelled holds' time in ``correct`` segments (their whole
  duration when the entry has no segments).
* **Entries without an exercise** (``exercise: none``, tracks): every
  registered analyzer runs on the track; its count and hold time are false
  counts (expected 0).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

from coach.evaluation.classes import NO_EXERCISE, class_order, fault_codes, is_form_class, predicted_class
from coach.evaluation.corpus import CorpusEntry
from coach.evaluation.metrics import ConfusionMatrix, CountError, HoldError, collar_mask
from coach.evaluation.results import REAL, EntryResult
from coach.exercise import FrameVerdict, SetSummary
from coach.pipeline import Pipeline
from coach.pose import PoseFrame
from coach.registry import exercise_names, get_exercise

STATIC_HOLD_S = 3.0
"""A static pose is held this long: enough for the position to be
recognised (0.1-0.5 s), the One Euro filter to settle and faults to pass
their debounce (0.3 s), with room to spare."""
STATIC_FPS = 30.0
DEFAULT_COLLAR_S = 0.5
"""Frames this close to a change of form class are not scored: the
debouncers need 0.25-0.4 s to report a fault and as long to clear it, and
a labeller cannot place the change to the frame either."""

OnFrames = Callable[[int], None]


def run_track(exercise: str, frames: Iterable[PoseFrame],
              on_frames: OnFrames | None = None) -> tuple[list[FrameVerdict], SetSummary]:
    """Every verdict and the summary of one pass of the pipeline."""
    pipeline = Pipeline(get_exercise(exercise))
    verdicts = []
    for i, frame in enumerate(frames, 1):
        verdicts.append(pipeline.step(frame).verdict)
        if on_frames is not None and i % 256 == 0:
            on_frames(256)
    if on_frames is not None:
        on_frames(len(verdicts) % 256)
    return verdicts, pipeline.summary()


def static_frames(hold_s: float = STATIC_HOLD_S, fps: float = STATIC_FPS) -> int:
    """Frames in the replay of one static pose."""
    return max(1, round(hold_s * fps))


def judge_static(pipeline: Pipeline, pose: PoseFrame, hold_s: float = STATIC_HOLD_S,
                 fps: float = STATIC_FPS) -> FrameVerdict:
    """The settled verdict on ``pose`` held still for ``hold_s`` seconds."""
    pipeline.reset()
    n = static_frames(hold_s, fps)
    verdict: FrameVerdict | None = None
    for i in range(n):
        verdict = pipeline.step(pose.replace(t=i / fps)).verdict
    assert verdict is not None
    return verdict


def evaluate_static(entry: CorpusEntry, on_frames: OnFrames | None = None,
                    hold_s: float = STATIC_HOLD_S) -> EntryResult:
    t0 = time.perf_counter()
    exercise = entry.exercise
    order = class_order(exercise)
    pipeline = Pipeline(get_exercise(exercise))
    pairs = []
    replayed = 0
    for frame, label in zip(entry.frames, entry.labels.per_row, strict=True):
        if not is_form_class(label, exercise):
            continue
        verdict = judge_static(pipeline, frame, hold_s)
        pairs.append((label, predicted_class(verdict)))
        replayed += 1
        if on_frames is not None:
            on_frames(static_frames(hold_s))
    return EntryResult(
        origin=REAL, id=entry.id, exercise=exercise, kind=entry.kind, view=entry.view,
        detail=_detail(entry), derived=entry.derived, frames=replayed,
        confusion=ConfusionMatrix.from_pairs(pairs, order), seconds=time.perf_counter() - t0,
    )


def score_frames(times: Sequence[float], truth: Sequence[str | None], predicted: Sequence[str],
                 collar_s: float, order: Sequence[str]) -> ConfusionMatrix:
    """The confusion matrix of the scored frames (truth None: not scored)."""
    keep = collar_mask(times, truth, collar_s)
    return ConfusionMatrix.from_pairs(
        ((t, p) for t, p, k in zip(truth, predicted, keep, strict=True) if k and t is not None), order
    )


def evaluate_track(entry: CorpusEntry, collar_s: float = DEFAULT_COLLAR_S,
                   on_frames: OnFrames | None = None) -> EntryResult:
    t0 = time.perf_counter()
    exercise = entry.exercise
    labels = entry.labels
    verdicts, summary = run_track(exercise, entry.frames, on_frames)
    times = [f.t for f in entry.frames]
    truth = [form_or_none(labels.class_at(t), exercise) for t in times]
    cm = score_frames(times, truth, [predicted_class(v) for v in verdicts], collar_s, class_order(exercise))
    expected = labels.expected_count()
    count = CountError(expected, summary.reps) if expected is not None else None
    good = None
    if labels.complete_items and labels.counts_from_items():
        faults = fault_codes(exercise)
        good = CountError(sum(labels.item_is_good(it, faults) for it in labels.complete_items),
                          sum(1 for it in summary.items if it.good))
    hold = None
    holds = labels.items_of("holds")
    if holds:
        expected_s = sum((labels.good_time(h.start, h.end) if labels.segments else h.end - h.start) for h in holds)
        hold = HoldError(expected_s, summary.hold_s)
    return EntryResult(
        origin=REAL, id=entry.id, exercise=exercise, kind=entry.kind, view=entry.view,
        detail=_detail(entry), derived=entry.derived, frames=len(entry.frames), confusion=cm,
        count=count, good_count=good, hold=hold, seconds=time.perf_counter() - t0,
    )


def evaluate_idle(entry_id: str, frames: Sequence[PoseFrame], origin: str, kind: str, view: str,
                  detail: str = "", derived: bool = False, analyzers: Sequence[str] | None = None,
                  on_frames: OnFrames | None = None) -> EntryResult:
    """Every analyzer over a recording without an exercise: false counts."""
    t0 = time.perf_counter()
    counts: dict[str, CountError] = {}
    holds: dict[str, HoldError] = {}
    for name in analyzers or exercise_names():
        _, summary = run_track(name, frames, on_frames)
        counts[name] = CountError(0, summary.reps)
        holds[name] = HoldError(0.0, summary.hold_s)
    return EntryResult(
        origin=origin, id=entry_id, exercise=None, kind=kind, view=view, detail=detail, derived=derived,
        frames=len(frames), false_counts=counts, false_hold=holds, seconds=time.perf_counter() - t0,
    )


def evaluate_entry(entry: CorpusEntry, collar_s: float = DEFAULT_COLLAR_S,
                   on_frames: OnFrames | None = None, analyzers: Sequence[str] | None = None) -> EntryResult | None:
    """One corpus entry (None: nothing to evaluate, a static entry without an
    exercise)."""
    if entry.exercise == NO_EXERCISE:
        if entry.kind != "track":
            return None
        return evaluate_idle(entry.id, entry.frames, REAL, entry.kind, entry.view, _detail(entry),
                             entry.derived, analyzers, on_frames)
    if entry.kind == "static":
        return evaluate_static(entry, on_frames)
    return evaluate_track(entry, collar_s, on_frames)


def work_units(entry: CorpusEntry, analyzers: int) -> int:
    """Progress units of an entry: frames run (a static row is replayed as
    :func:`static_frames` frames)."""
    if entry.exercise == NO_EXERCISE:
        return len(entry.frames) * analyzers if entry.kind == "track" else 0
    if entry.kind == "static":
        return sum(is_form_class(c, entry.exercise) for c in entry.labels.per_row) * static_frames()
    return len(entry.frames)


def form_or_none(label: str | None, exercise: str) -> str | None:
    return label if label is not None and is_form_class(label, exercise) else None


def _detail(entry: CorpusEntry) -> str:
    if entry.derived_from is not None:
        return f"derived from {entry.derived_from['id']}"
    return ""
