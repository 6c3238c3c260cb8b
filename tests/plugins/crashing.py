"""A test exercise whose analyzer crashes (a bug) one second into the set,
to check that a crash midway leaves the session ``interrupted`` with its
partial data (tests/test_data_safety.py). Loaded with
``COACH_PLUGINS=tests.plugins.crashing``."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from coach.exercise import FrameVerdict
from coach.pose import PoseFrame
from coach.registry import register
from coach.spec import ExerciseSpec
from tests.plugins.stand_tall import SPEC as STAND_TALL
from tests.plugins.stand_tall import StandTallAnalyzer

CRASH_AT_S = 1.0
SPEC = replace(STAND_TALL, name="crash_test", description="stand tall, then crash after one second (a test)",
               faults=())


@register(SPEC)
class CrashingAnalyzer(StandTallAnalyzer):
    name: ClassVar[str] = "crash_test"
    SPEC: ClassVar[ExerciseSpec] = SPEC

    def update(self, frame: PoseFrame) -> FrameVerdict:
        if frame.t >= CRASH_AT_S:
            raise RuntimeError("the crash_test analyzer crashes on purpose")
        return super().update(frame)
