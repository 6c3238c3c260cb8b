"""Recording a personal baseline (``coach calibrate``), camera or file alike.

:class:`CalibrationRun` wraps the exercise's pipeline, judged by the
exercise's own thresholds: every frame goes to a
:class:`~coach.baseline.BaselineCollector` that keeps the working position
(frames with a safety fault left out, so a sagging plank can never become
anyone's baseline), and the verdict's ``hold_s`` is replaced by the
seconds collected, so the live screen's hold counter shows the progress
towards the seconds needed and the live loop ends the run once they are
in (``LiveConfig.end_at_target``).

:func:`outcome` turns the collector into a :class:`Calibration`, or the
one-line reason there is none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coach.baseline import BaselineCollector, BaselineSpec
from coach.pipeline import Pipeline, Sample
from coach.pose import PoseFrame
from coach.spec import ExerciseSpec


class CalibrationRun:
    """A :class:`~coach.live.loop.LivePipeline` that records a baseline."""

    def __init__(self, pipeline: Pipeline, spec: ExerciseSpec, seconds: float) -> None:
        if spec.baseline is None:
            raise ValueError(f"{spec.name} has no baseline to calibrate")
        self.pipeline = pipeline
        self.spec = spec
        self.baseline_spec: BaselineSpec = spec.baseline
        self.seconds = seconds
        self.collector = self._new_collector()

    def _new_collector(self) -> BaselineCollector:
        return BaselineCollector(self.baseline_spec, safety_codes=self.spec.safety_codes, exclude_safety=True)

    @property
    def policy(self) -> Any:
        return self.pipeline.policy

    @property
    def done(self) -> bool:
        return self.collector.seconds >= self.seconds - 1e-9

    def step(self, raw: PoseFrame, image: NDArray[np.uint8] | None = None) -> Sample:
        sample = self.pipeline.step(raw, image)
        self.collector.push(sample.verdict)
        shown = replace(sample.verdict, hold_s=min(self.collector.seconds, self.seconds), reps=0)
        return replace(sample, verdict=shown)

    def reset(self) -> None:
        self.pipeline.reset()
        self.collector = self._new_collector()

    def summary(self) -> Any:
        return self.pipeline.summary()


@dataclass(frozen=True)
class Calibration:
    """What a run measured: the medians, over ``seconds`` of ``frames``."""

    values: dict[str, float]
    seconds: float
    frames: int


def outcome(run: CalibrationRun, source: str) -> Calibration | str:
    """The calibration, or why there is none (one line)."""
    c, b, name = run.collector, run.baseline_spec, run.spec.name.replace("_", " ")
    if run.done and c.frames > 0:
        return Calibration(c.medians(), c.seconds, c.frames)
    why = f"no {name} baseline: {c.seconds:.1f} s of {b.what} in good form seen in {source}, {run.seconds:g} s needed"
    if c.rejected:
        code, spent = max(c.rejected.items(), key=lambda kv: kv[1])
        return f"{why}; {run.spec.label(code)} for {spent:.1f} s ({run.spec.cue(code)})"
    return f"{why} ({b.how})"
