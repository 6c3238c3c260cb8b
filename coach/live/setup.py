"""The setup screen before a set: get the user into position, then 3-2-1.

The analyzer decides whether the body is visible enough to judge
(``verdict.visible``); this screen adds one check of its own, that the user
is side-on to the camera (every coach exercise is judged from the side),
from the 2D shoulder width relative to the torso length. Once both hold
for ``ready_s`` a countdown runs and the set starts; leaving the position
during the countdown (for longer than ``grace_s``) goes back a step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np

from coach.exercise import FrameVerdict
from coach.landmarks import Landmark
from coach.overlay import SetupView
from coach.pose import PoseFrame

STEP_BACK = "Step back so your whole body is visible"
TURN_SIDE_ON = "Turn side-on to the camera"
HOLD_STILL = "Good - hold that position"


@dataclass(frozen=True)
class SetupConfig:
    """``side_on_ratio``: facing the camera, the shoulders are ~0.7 torso
    lengths apart in the image; side-on they nearly overlap (< 0.3). 0.45
    splits the two with room for a slightly turned stance."""

    ready_s: float = 2.0
    countdown: int = 3
    step_s: float = 1.0
    grace_s: float = 0.5
    require_side_on: bool = True
    side_on_ratio: float = 0.45
    remind_s: float = 10.0
    """An instruction is said again if the problem lasts this long."""

    def __post_init__(self) -> None:
        if self.ready_s < 0 or self.countdown < 0 or self.step_s <= 0 or self.grace_s < 0:
            raise ValueError("SetupConfig times must be >= 0 (step_s > 0)")


class SetupState(Enum):
    POSITION = "position"
    COUNTDOWN = "countdown"
    DONE = "done"


@dataclass(frozen=True)
class SetupStep:
    view: SetupView
    say: str | None
    done: bool


def side_on(frame: PoseFrame, ratio: float = 0.45) -> bool | None:
    """True if the shoulders nearly overlap relative to the torso; None
    when the shoulders or hips were not found at all."""
    lms = (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    if not all(frame.visibility[lm] > 0 for lm in lms):
        return None
    ls, rs, lh, rh = (frame.point(lm) for lm in lms)
    torso = float(np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2))
    if not math.isfinite(torso) or torso < 1e-6:
        return None
    return bool(np.linalg.norm(ls - rs) / torso < ratio)


class SetupScreen:
    """``update(t, verdict, frame)`` per frame until ``done``."""

    def __init__(self, config: SetupConfig | None = None, exercise: str | None = None) -> None:
        self.config = config or SetupConfig()
        self.exercise = exercise
        self.reset()

    def reset(self) -> None:
        self.state = SetupState.POSITION
        self._ready_since: float | None = None
        self._lost_since: float | None = None
        self._countdown_start = 0.0
        self._said: str | None = None
        self._said_at = 0.0

    def _problem(self, verdict: FrameVerdict, frame: PoseFrame) -> str | None:
        if not frame.has_person or not verdict.visible:
            return STEP_BACK
        if self.config.require_side_on and side_on(frame, self.config.side_on_ratio) is False:
            return TURN_SIDE_ON
        return None

    def _say_once(self, text: str, t: float) -> str | None:
        if text == self._said and t - self._said_at < self.config.remind_s:
            return None
        self._said = text
        self._said_at = t
        return text

    def update(self, t: float, verdict: FrameVerdict, frame: PoseFrame) -> SetupStep:
        c = self.config
        problem = self._problem(verdict, frame)
        if self.state is SetupState.COUNTDOWN:
            if problem is None:
                self._lost_since = None
            elif self._lost_since is None:
                self._lost_since = t
            elif t - self._lost_since > c.grace_s:
                self.state = SetupState.POSITION
                self._ready_since = None
                self._said = None
        if self.state is SetupState.POSITION:
            if problem is not None:
                self._ready_since = None
                lines = (STEP_BACK, TURN_SIDE_ON) if problem == STEP_BACK else (TURN_SIDE_ON,)
                return SetupStep(SetupView(lines, 0.0, None, self.exercise), self._say_once(problem, t), False)
            if self._ready_since is None:
                self._ready_since = t
            held = t - self._ready_since
            if held < c.ready_s:
                view = SetupView((HOLD_STILL,), held / c.ready_s if c.ready_s else 1.0, None, self.exercise)
                return SetupStep(view, None, False)
            self.state = SetupState.COUNTDOWN
            self._countdown_start = t
            self._lost_since = None
        if self.state is SetupState.COUNTDOWN:
            left = c.countdown - int((t - self._countdown_start) // c.step_s)
            if left > 0:
                return SetupStep(SetupView((), 1.0, left, self.exercise), self._say_once(str(left), t), False)
            self.state = SetupState.DONE
        return SetupStep(SetupView((), 1.0, 0, self.exercise), self._say_once("Go", t), True)
