"""Frame-rate and latency meters for the live loop: constant memory
whatever the session length."""

from __future__ import annotations

import math
from collections import deque

import numpy as np


class RateMeter:
    """Frames per second over the last ``window_s`` seconds."""

    def __init__(self, window_s: float = 1.0) -> None:
        self.window_s = window_s
        self._times: deque[float] = deque()

    def tick(self, t: float) -> None:
        self._times.append(t)
        while self._times and t - self._times[0] > self.window_s:
            self._times.popleft()

    @property
    def fps(self) -> float | None:
        if len(self._times) < 2:
            return None
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else None


class Recent:
    """The last ``size`` values of a measure (a fixed ring buffer) plus the
    count and maximum over everything seen."""

    def __init__(self, size: int = 20_000) -> None:
        self._buf = np.zeros(size, dtype=np.float64)
        self.count = 0
        self.max = -math.inf
        self.last = math.nan

    def add(self, value: float) -> None:
        self._buf[self.count % len(self._buf)] = value
        self.count += 1
        self.last = value
        if value > self.max:
            self.max = value

    @property
    def values(self) -> np.ndarray:
        return self._buf[: min(self.count, len(self._buf))]

    def percentile(self, q: float) -> float | None:
        vals = self.values
        return float(np.percentile(vals, q)) if len(vals) else None
