"""The live loop's pose detector: MediaPipe behind the small
:class:`~coach.live.loop.PoseDetector` interface (``detect(bgr, t)``)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from coach.cvlog import cv2
from coach.pose import PoseFrame
from coach.pose_backend import MediaPipePose


class MediaPipeDetector:
    """Converts camera BGR to RGB with OpenCV (~0.1 ms at 640x480, ten
    times faster than a numpy channel flip) and runs the landmarker."""

    def __init__(self, backend: MediaPipePose) -> None:
        self.backend = backend

    def detect(self, image_bgr: NDArray[np.uint8], t: float) -> PoseFrame:
        rgb = np.asarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
        return self.backend.detect_rgb(rgb, t)
