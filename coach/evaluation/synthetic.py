"""The synthetic suite (:mod:`coach.synth.suite`) through the same pipeline
and the same metrics as the real corpus.

Matching rules (the truth comes from each scenario's
:class:`~coach.synth.Truth`):

* **Frames**: only frames in the exercise position are scored
  (:func:`coach.synth.suite.frame_truth`, the truth phases in
  :data:`coach.synth.suite.JUDGED_PHASES`). Several faults may be true at once, and
  some are *ambiguous* (borderline: they may or may not be reported). If the
  predicted class is any clear or ambiguous fault true at that time, the
  frame counts as right; otherwise its truth class is the clear fault of
  highest priority (the exercise's own order), or ``correct`` when no clear
  fault is true (:func:`coach.evaluation.classes.pick_truth`). Frames within
  the collar of a change of truth class are not scored, as for the corpus.
* **Counts**: the summary's count against ``truth.count``, and its good items
  against ``truth.good_count``.
* **Hold time**: for exercises with holds (``truth.hold_s > 0``), the
  summary's good-form hold time against ``truth.good_hold_s``.
* **Idle cases** (no exercise): every analyzer runs; counts and hold time are
  false counts.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from coach.evaluation.classes import class_order, fault_codes, pick_truth, predicted_class
from coach.evaluation.metrics import CountError, HoldError
from coach.evaluation.results import SYNTHETIC, EntryResult
from coach.evaluation.runner import DEFAULT_COLLAR_S, OnFrames, evaluate_idle, run_track, score_frames
from coach.synth.suite import SuiteCase, frame_truth


def evaluate_case(case: SuiteCase, collar_s: float = DEFAULT_COLLAR_S, on_frames: OnFrames | None = None,
                  analyzers: Sequence[str] | None = None) -> EntryResult:
    t0 = time.perf_counter()
    sc = case.build()
    if case.exercise is None:
        result = evaluate_idle(case.name, sc.frames, SYNTHETIC, "synthetic", case.view, case.detail,
                               analyzers=analyzers, on_frames=on_frames)
        return _timed(result, t0)
    exercise = case.exercise
    verdicts, summary = run_track(exercise, sc.frames, on_frames)
    priority = fault_codes(exercise)
    times: list[float] = []
    truth: list[str | None] = []
    predicted: list[str] = []
    for frame, verdict in zip(sc.frames, verdicts, strict=True):
        p = predicted_class(verdict)
        ft = frame_truth(sc, frame.t)
        times.append(frame.t)
        predicted.append(p)
        truth.append(None if ft is None else pick_truth(p, sorted(ft[0]), sorted(ft[1]), priority))
    cm = score_frames(times, truth, predicted, collar_s, class_order(exercise))
    t = sc.truth
    hold = HoldError(t.good_hold_s, summary.hold_s) if t.hold_s > 0 else None
    return EntryResult(
        origin=SYNTHETIC, id=case.name, exercise=exercise, kind="synthetic", view=case.view, detail=case.detail,
        frames=len(sc.frames), confusion=cm, count=CountError(t.count, summary.reps),
        good_count=CountError(t.good_count, sum(1 for it in summary.items if it.good)), hold=hold,
        seconds=time.perf_counter() - t0,
    )


def case_frames(case: SuiteCase, analyzers: int) -> int:
    """About how many frames a case runs (for the progress bar)."""
    return case.approx_frames * (analyzers if case.exercise is None else 1)


def _timed(result: EntryResult, t0: float) -> EntryResult:
    from dataclasses import replace

    return replace(result, seconds=time.perf_counter() - t0)
