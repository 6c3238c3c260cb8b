"""A whole new exercise in one module, outside ``exercises/``: the proof
that adding an exercise touches nothing else (tests/test_new_exercise.py).

``stand_tall``: stand upright and still; good-form hold time counts while
the trunk is within ``lean_on_deg`` of vertical. One fault, ``leaning``.
Loaded with ``COACH_PLUGINS=tests.plugins.stand_tall``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from coach import geometry as geo
from coach.debounce import HoldTimer, Hysteresis
from coach.exercise import NOT_VISIBLE, FrameVerdict, RepRecord, SetSummary
from coach.landmarks import Landmark
from coach.pose import PoseFrame
from coach.registry import register
from coach.spec import ExerciseSpec, FaultSpec, MetricSpec
from exercises._base import AnalyzerBase

LEANING = "leaning"


@dataclass(frozen=True)
class StandTallConfig:
    """Thresholds, each with its reason (a test exercise, but done properly)."""

    lean_on_deg: float = 15.0
    """Quiet standing sways the trunk a few degrees; 15 is a visible lean."""
    lean_off_deg: float = 10.0
    """Hysteresis: the lean clears only back under 10 degrees."""
    min_visibility: float = 0.5
    """MediaPipe's own presence cut-off."""
    fault_on_s: float = 0.3
    fault_off_s: float = 0.4
    not_visible_on_s: float = 0.2
    not_visible_off_s: float = 0.0
    gap_s: float = 1.0
    """A longer gap between frames was not seen."""
    default_target_s: float = 10.0


SPEC = ExerciseSpec(
    name="stand_tall",
    description="stand upright and still (a test exercise)",
    item_kind="hold",
    unit="s",
    default_target=StandTallConfig.default_target_s,
    faults=(FaultSpec(LEANING, "leaning", "Stand up tall", joints=("left_shoulder", "right_shoulder")),),
    metrics=(MetricSpec("trunk_lean", "trunk lean from vertical", "deg"),),
    color="#7c3aed",
)

_L = Landmark


@register(SPEC)
class StandTallAnalyzer(AnalyzerBase):
    name: ClassVar[str] = "stand_tall"
    SPEC: ClassVar[ExerciseSpec] = SPEC

    def __init__(self, config: StandTallConfig | None = None, target: float | None = None) -> None:
        self.config = config or StandTallConfig()
        self.target = target or self.config.default_target_s
        super().__init__(self.config)
        self._reset_state()

    def _gap_s(self) -> float:
        return self.config.gap_s

    def _reset_state(self) -> None:
        self._lean = Hysteresis(self.config.lean_on_deg, self.config.lean_off_deg)
        self._timer = HoldTimer(0.5, self.config.gap_s)
        self._items: list[RepRecord] = []

    def _on_gap(self, t_last: float, t_now: float) -> None:
        self._faults.clear_all(t_last)

    def _on_frame(self, frame: PoseFrame, t: float, dt: float) -> FrameVerdict:
        v = frame.visibility
        joints = (_L.LEFT_SHOULDER, _L.RIGHT_SHOULDER, _L.LEFT_HIP, _L.RIGHT_HIP)
        if any(v[j] < self.config.min_visibility for j in joints):
            self._timer.update(t, False)
            nv = self._nv.update(t, (NOT_VISIBLE,))
            return FrameVerdict(t=frame.t, phase="setup", faults=nv, hold_s=self._timer.total_s, visible=False,
                                cue=self.SPEC.cue(NOT_VISIBLE) if nv else None)
        self._nv.update(t, ())
        self._clock.mark_seen()
        xy = frame.xy
        a = frame.aspect
        sh = ((xy[_L.LEFT_SHOULDER, 0] + xy[_L.RIGHT_SHOULDER, 0]) * a / 2,
              (xy[_L.LEFT_SHOULDER, 1] + xy[_L.RIGHT_SHOULDER, 1]) / 2)
        hp = ((xy[_L.LEFT_HIP, 0] + xy[_L.RIGHT_HIP, 0]) * a / 2, (xy[_L.LEFT_HIP, 1] + xy[_L.RIGHT_HIP, 1]) / 2)
        lean = geo.inclination_deg(hp, sh)
        faults = self._faults.update(t, (LEANING,) if self._lean.update(lean) else ())
        self._timer.update(t, not faults)
        return FrameVerdict(t=frame.t, phase="hold", faults=faults, hold_s=self._timer.total_s,
                            cue=self.fault_cue(faults[0]) if faults else None, metrics={"trunk_lean": lean},
                            fault_joints=self.fault_landmarks(faults, "left"))

    def summary(self) -> SetSummary:
        hold = self._timer.total_s
        frac = min(1.0, hold / self.target) if self.target else 0.0
        return SetSummary(exercise=self.name, reps=0, hold_s=hold, score=round(100 * frac, 1),
                          score_formula="100 * good-form hold time / target", duration_s=self.duration_s,
                          best_hold_s=hold, target=self.target, target_unit="s",
                          fault_events=self.fault_events(), visible_fraction=self.visible_fraction,
                          extra={"lean_limit_deg": self.config.lean_on_deg if math.isfinite(hold) else None})
