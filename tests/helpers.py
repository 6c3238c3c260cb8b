"""Small builders for hand-made PoseFrames used by the unit tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from coach.exercise import NOT_VISIBLE, FrameVerdict, SetSummary
from coach.landmarks import NUM_LANDMARKS, Landmark
from coach.pose import PoseFrame
from coach.registry import get_exercise
from coach.smoothing import PoseSmoother
from coach.synth.scenarios import Scenario


def frame_from_points(
    points: Mapping[Landmark, tuple[float, float]],
    t: float = 0.0,
    vis: float = 0.99,
    aspect: float = 1.0,
    world: Mapping[Landmark, tuple[float, float, float]] | None = None,
) -> PoseFrame:
    """A frame with the given landmarks visible and all others hidden."""
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    v = np.zeros(NUM_LANDMARKS)
    for lm, p in points.items():
        xy[lm] = p
        v[lm] = vis
    w = None
    if world is not None:
        w = np.full((NUM_LANDMARKS, 3), np.nan)
        for lm, p3 in world.items():
            w[lm] = p3
    return PoseFrame(t=t, xy=xy, z=np.zeros(NUM_LANDMARKS), visibility=v, world=w, aspect=aspect)


def run_exercise(name: str, frames: Iterable[PoseFrame], smooth: bool = False,
                 **options: object) -> tuple[SetSummary, list[FrameVerdict]]:
    """Feed frames (optionally smoothed) to a fresh analyzer; the summary and
    every verdict."""
    analyzer = get_exercise(name, **options)
    smoother = PoseSmoother() if smooth else None
    verdicts = [analyzer.update(smoother(f) if smoother else f) for f in frames]
    return analyzer.summary(), verdicts


def reported(summary: SetSummary) -> set[str]:
    """Fault codes reported in a set, not_visible aside."""
    return {e.code for e in summary.fault_events} - {NOT_VISIBLE}


def check_faults(sc: Scenario, summary: SetSummary) -> None:
    """Every clear fault of the scenario's truth is reported, and nothing
    beyond its clear and ambiguous faults."""
    got = reported(summary)
    assert set(sc.truth.faults) <= got, f"missed {set(sc.truth.faults) - got}"
    extra = got - set(sc.truth.faults) - set(sc.truth.ambiguous_faults)
    assert not extra, f"false alarms {extra}"
