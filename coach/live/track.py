"""A recorded pose track (``coach record`` CSV) played through the live
coach in place of the camera and the pose model: ``coach live --source
track.csv``. Frame by frame, in order (there is no real time to keep up
with), on a blank picture; everything after the pose model (smoothing,
analysis, recognition, cues, voice, the session) is the live coach's own.

:class:`PoseTrackSource` is the camera (blank images, the track's own
timestamps); :class:`PoseTrackDetector` is the pose model: it returns the
track's frame for the timestamp it is asked about. The two share a short
queue, so a long track is streamed, never loaded whole.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from coach.pose import PoseFrame
from coach.sources import VideoFrame

BLANK_HEIGHT = 360
"""Height of the blank picture the overlay draws on (its width follows the
track's aspect)."""


class PoseTrackSource:
    """The frames of a pose-track CSV as a :class:`~coach.live.capture.FrameSource`."""

    def __init__(self, path: str | Path, aspect: float | None = None) -> None:
        from coach.posetrack import read_pose_track

        self.path = Path(path)
        self._frames = read_pose_track(self.path, aspect=aspect)
        self._first: PoseFrame | None = next(self._frames, None)  # a bad file fails here, before the loop
        second = next(self._frames, None)
        self.fps = 30.0 if second is None or self._first is None or second.t <= self._first.t \
            else 1.0 / (second.t - self._first.t)
        self._second = second
        self._queue: deque[PoseFrame] = deque()
        self._lock = threading.Lock()
        aspect_ = self._first.aspect if self._first is not None and self._first.aspect else 1.0
        self._blank = np.zeros((BLANK_HEIGHT, max(16, round(BLANK_HEIGHT * aspect_)), 3), dtype=np.uint8)

    def __iter__(self) -> Iterator[VideoFrame]:
        head = [f for f in (self._first, self._second) if f is not None]
        self._first = self._second = None
        index = 0
        for frames in (iter(head), self._frames):
            for frame in frames:
                with self._lock:
                    self._queue.append(frame)
                yield VideoFrame(frame.t, self._blank.copy(), index)
                index += 1

    def take(self, t: float) -> PoseFrame:
        """The track's frame at ``t`` (frames before it are dropped)."""
        with self._lock:
            while self._queue:
                frame = self._queue.popleft()
                if frame.t >= t - 1e-9:
                    return frame
        return PoseFrame.empty(t)

    def close(self) -> None:
        close = getattr(self._frames, "close", None)
        if close is not None:
            close()


class PoseTrackDetector:
    """The pose model of a pose-track replay: the recorded landmarks."""

    def __init__(self, source: PoseTrackSource) -> None:
        self.source = source

    def detect(self, image_bgr: NDArray[np.uint8], t: float) -> PoseFrame:
        del image_bgr
        frame = self.source.take(t)
        return frame if frame.t == t else frame.replace(t=t)

    def close(self) -> None:
        pass
