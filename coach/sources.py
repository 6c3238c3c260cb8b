"""Frame sources: a video file or a webcam.

Both yield :class:`VideoFrame` (a BGR image with a timestamp); timestamps
always increase strictly. A pose-track CSV (:func:`is_pose_track`) is read
by :func:`coach.posetrack.read_pose_track`, which yields
:class:`~coach.pose.PoseFrame` directly.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from coach.cvlog import cv2
from coach.errors import CameraError, InputError

POSE_TRACK_SUFFIXES = frozenset({".csv"})
DEFAULT_FPS = 30.0


@dataclass(frozen=True, eq=False)
class VideoFrame:
    t: float
    image: NDArray[np.uint8]
    index: int

    @property
    def aspect(self) -> float:
        h, w = self.image.shape[:2]
        return w / h


def is_pose_track(path: str | Path) -> bool:
    return Path(path).suffix.lower() in POSE_TRACK_SUFFIXES


class VideoSource:
    """Frames of a video file, timestamped by frame index / fps (so
    analysis of a file is deterministic, whatever the machine's speed)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputError(f"{path}: no such file")
        if not self.path.is_file():
            raise InputError(f"{path}: not a file")
        if self.path.stat().st_size == 0:
            raise InputError(f"{path}: the file is empty (0 bytes)")
        try:
            with self.path.open("rb") as fh:
                fh.read(1)
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        cap = cv2.VideoCapture(str(self.path))
        if not cap.isOpened():
            cap.release()
            raise InputError(f"{path}: not a readable video (corrupt, or a format OpenCV cannot decode)")
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 1.0 <= fps <= 240.0 else DEFAULT_FPS
        n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.frame_count: int | None = n if n > 0 else None
        self.width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
        self.height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
        self._cap = cap

    def __iter__(self) -> Iterator[VideoFrame]:
        cap = self._cap
        index = 0
        try:
            while True:
                ok, image = cap.read()
                if not ok or image is None:
                    break
                yield VideoFrame(t=index / self.fps, image=np.asarray(image, dtype=np.uint8), index=index)
                index += 1
        finally:
            cap.release()
        if index == 0:
            raise InputError(f"{self.path}: no frame could be decoded (corrupt or truncated video)")
        self.decoded = index

    def close(self) -> None:
        self._cap.release()


class WebcamSource:
    """Frames from a camera, timestamped by ``time.monotonic()``."""

    def __init__(self, index: int = 0, width: int | None = None, height: int | None = None) -> None:
        self.index = index
        cap = cv2.VideoCapture(index)
        if not cap.isOpened():
            cap.release()
            raise CameraError(
                f"cannot open camera {index} (no camera, a bad index, or it is busy); "
                "try --camera N, or run `coach demo` or `coach analyze VIDEO` instead"
            )
        if width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        if height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        ok, _ = cap.read()
        if not ok:
            cap.release()
            raise CameraError(f"camera {index} opened but gives no frames (busy?); close other apps using it")
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 1.0 <= fps <= 240.0 else DEFAULT_FPS
        self._cap = cap
        self._t0 = time.monotonic()

    def __iter__(self) -> Iterator[VideoFrame]:
        index = 0
        last = -1.0
        try:
            while True:
                ok, image = self._cap.read()
                if not ok or image is None:
                    break
                t = max(time.monotonic() - self._t0, last + 1e-6)
                last = t
                yield VideoFrame(t=t, image=np.asarray(image, dtype=np.uint8), index=index)
                index += 1
        finally:
            self._cap.release()

    def close(self) -> None:
        self._cap.release()
