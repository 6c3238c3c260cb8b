"""Capture: a thread that keeps only the newest camera frame.

The live loop must never work on a stale frame or let a queue build up
while inference runs: :class:`LatestFrameCapture` reads its source in a
thread, keeps one slot, and counts every frame that was overwritten before
the loop took it (``dropped``). In ``lossless`` mode (a video file analysed
as fast as possible) the thread waits for the loop instead, so every frame
is processed.

Any object with ``fps``, ``__iter__() -> VideoFrame`` and ``close()`` is a
:class:`FrameSource`: :class:`~coach.sources.WebcamSource`,
:class:`~coach.sources.VideoSource`, :class:`PacedVideoSource` (a video
played at its frame rate, standing in for a camera) and the tests' fake
camera.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from coach.sources import VideoFrame, VideoSource

Clock = Callable[[], float]


@runtime_checkable
class FrameSource(Protocol):
    """What a camera looks like to the live loop."""

    fps: float

    def __iter__(self) -> Iterator[VideoFrame]: ...

    def close(self) -> None: ...


class PacedVideoSource:
    """A video file played in real time, like a camera: frame ``i`` becomes
    available ``i / fps`` seconds after the first one. A frame whose time
    has passed (the next one is already due, because decoding fell behind)
    is skipped and counted in ``skipped``, as a camera would drop it."""

    def __init__(self, path: str | Path, clock: Clock = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._video = VideoSource(path)
        self.path = self._video.path
        self.fps = self._video.fps
        self.frame_count = self._video.frame_count
        self.skipped = 0
        self._clock = clock
        self._sleep = sleep

    def __iter__(self) -> Iterator[VideoFrame]:
        period = 1.0 / self.fps
        start: float | None = None
        for vf in self._video:
            now = self._clock()
            if start is None:
                start = now
            due = start + vf.index * period
            if now >= due + period:
                self.skipped += 1
                continue
            if due > now:
                self._sleep(due - now)
            yield vf

    def close(self) -> None:
        self._video.close()


@dataclass(frozen=True, eq=False)
class CapturedFrame:
    """A frame as the loop receives it. ``t`` is the timestamp for the pose
    model and the analysis (monotonic capture time since the capture
    started; the video's own time in lossless mode); ``captured_at`` is the
    raw clock reading, the start of the latency measurement."""

    frame: VideoFrame
    t: float
    captured_at: float
    seq: int

    @property
    def image(self) -> NDArray[np.uint8]:
        return self.frame.image


class LatestFrameCapture:
    """``start()``, then ``get()`` the newest frame until ``finished``."""

    def __init__(self, source: FrameSource, lossless: bool = False, clock: Clock = time.monotonic) -> None:
        self.source = source
        self.lossless = lossless
        self._clock = clock
        self._cond = threading.Condition()
        self._slot: CapturedFrame | None = None
        self._stop = False
        self.finished = False
        self.error: BaseException | None = None
        self.captured = 0
        self.overwritten = 0
        self.t0: float | None = None
        self.interval: float | None = None
        """Smoothed time between captured frames (the real camera period)."""
        self._last_at: float | None = None
        self._thread = threading.Thread(target=self._run, name="coach-capture", daemon=True)

    @property
    def dropped(self) -> int:
        """Frames the loop never saw: overwritten here or skipped by the source."""
        return self.overwritten + int(getattr(self.source, "skipped", 0))

    def start(self) -> LatestFrameCapture:
        self._thread.start()
        return self

    def _run(self) -> None:
        frames = iter(self.source)
        try:
            for vf in frames:
                now = self._clock()
                if self.t0 is None:
                    self.t0 = now
                if self._last_at is not None:
                    dt = now - self._last_at
                    self.interval = dt if self.interval is None else self.interval + 0.1 * (dt - self.interval)
                self._last_at = now
                t = vf.t if self.lossless else now - self.t0
                with self._cond:
                    if self._stop:
                        break
                    item = CapturedFrame(vf, t, now, self.captured)
                    self.captured += 1
                    if self.lossless:
                        while self._slot is not None and not self._stop:
                            self._cond.wait()
                    elif self._slot is not None:
                        self.overwritten += 1
                    self._slot = item
                    self._cond.notify_all()
        except BaseException as exc:  # noqa: BLE001 - handed to the loop's thread and re-raised there
            self.error = exc
        finally:
            close = getattr(frames, "close", None)
            if close is not None:
                close()
            with self._cond:
                self.finished = True
                self._cond.notify_all()

    def get(self, timeout: float | None = None) -> CapturedFrame | None:
        """The newest frame not yet taken; None on timeout or when the
        source has ended (then ``finished`` is True)."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._slot is not None or self.finished, timeout):
                return None
            item, self._slot = self._slot, None
            self._cond.notify_all()
            return item

    def stop(self, timeout: float = 2.0) -> None:
        """Stop reading and close the source (if the thread let go of it)."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if not self._thread.is_alive():
            self.source.close()
