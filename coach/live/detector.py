"""Kept only for ``coach/bench.py``: :class:`~coach.pose_backend.MediaPipePose`
is itself a :class:`~coach.live.loop.PoseDetector` (``detect(bgr, t)``), so
the live loop takes it directly. Delete this module once the bench passes
the backend itself."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from coach.pose import PoseFrame
from coach.pose_backend import MediaPipePose


class MediaPipeDetector:
    """Deprecated adapter: forwards to :meth:`MediaPipePose.detect`."""

    def __init__(self, backend: MediaPipePose) -> None:
        self.backend = backend

    def detect(self, image_bgr: NDArray[np.uint8], t: float) -> PoseFrame:
        return self.backend.detect(image_bgr, t)
