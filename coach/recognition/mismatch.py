"""The one-line warning when the named exercise is clearly not the one
being done: "This looks like a plank, not a hip bridge".

:class:`MismatchWatcher` runs the recognizer beside the named exercise's
analyzer and speaks up once per run, only when it is sure:

* the recognizer has found a set of another exercise, and that set has
  gone on for ``confirm_s`` (several seconds of the other exercise's
  position, not a passing resemblance);
* the named exercise's own position has not been seen for ``quiet_s``
  (someone bridging between planks is not told off).

An exercise without a :class:`~coach.spec.RecognitionSpec` is never
warned about (nothing to compare with). Names and words come from the
registry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coach.pose import PoseFrame
from coach.recognition.recognizer import Recognition, Recognizer
from coach.registry import find_spec


@dataclass(frozen=True)
class MismatchConfig:
    confirm_s: float = 3.0
    """The other exercise's set must have lasted this long (from when it
    was recognised)."""
    quiet_s: float = 10.0
    """...and the named exercise's position not been seen for this long."""


def called(exercise: str) -> str:
    """The exercise in words, from its spec's ``recognition.called`` ("a
    plank"); its name when it has none."""
    spec = find_spec(exercise)
    return spec.recognition.called if spec is not None and spec.recognition is not None else exercise


def mismatch_text(seen: str, named: str) -> str:
    """``This looks like a plank, not a hip bridge``."""
    return f"This looks like {called(seen)}, not {called(named)}"


class MismatchWatcher:
    """``update(smoothed_frame) -> str | None``: the warning, on the one
    frame it is due (at most once per run)."""

    def __init__(self, exercise: str, recognizer: Recognizer | None = None,
                 config: MismatchConfig | None = None) -> None:
        self.exercise = exercise
        self.recognizer = recognizer or Recognizer()
        self.config = config or MismatchConfig()
        self.enabled = exercise in self.recognizer.names
        self.warned: str | None = None
        self.warned_at: float | None = None
        self.last: Recognition | None = None
        """The recognizer's view of the last frame."""
        self._own_last = -math.inf
        self._since: float | None = None

    def reset(self) -> None:
        self.recognizer.reset()
        self.warned = None
        self.warned_at = None
        self._own_last = -math.inf
        self._since = None

    def update(self, frame: PoseFrame) -> str | None:
        if not self.enabled or self.warned is not None:
            return None
        rec = self.last = self.recognizer.update(frame)
        t = rec.t
        if self.exercise in rec.in_position:
            self._own_last = t
        other = rec.current if rec.current != self.exercise else None
        if other is None:
            self._since = None
            return None
        if self._since is None:
            self._since = t
        c = self.config
        if t - self._since >= c.confirm_s and t - self._own_last >= c.quiet_s:
            self.warned = mismatch_text(other, self.exercise)
            self.warned_at = t
            return self.warned
        return None
