"""Small builders for hand-made PoseFrames used by the unit tests."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from coach.landmarks import NUM_LANDMARKS, Landmark
from coach.pose import PoseFrame


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
