"""Small robust filters on scalar signals: a median of the last frames or
seconds (one or two wild frames cannot move it) and a stillness test."""

from __future__ import annotations

import math
from collections import deque

from coach.geometry import NAN


class Median:
    """Median of the last ``n`` finite values (NaN inputs are skipped)."""

    __slots__ = ("_buf", "_n")

    def __init__(self, n: int) -> None:
        self._n = max(1, int(n))
        self._buf: deque[float] = deque(maxlen=self._n)

    def clear(self) -> None:
        self._buf.clear()

    def push(self, value: float) -> float:
        if math.isfinite(value):
            self._buf.append(value)
        return self.value

    @property
    def value(self) -> float:
        k = len(self._buf)
        if k == 0:
            return NAN
        s = sorted(self._buf)
        m = k // 2
        return s[m] if k % 2 else 0.5 * (s[m - 1] + s[m])


class TimedMedian:
    """Median of the finite values of the last ``window_s`` seconds (NaN
    inputs are skipped). For a posture held over seconds (the head resting
    or lifted) whose per-frame measure is dominated by landmark jitter: the
    frame-count :class:`Median` is too short to average it out."""

    __slots__ = ("_buf", "window_s")

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._buf: deque[tuple[float, float]] = deque()

    def clear(self) -> None:
        self._buf.clear()

    def push(self, t: float, value: float) -> float:
        buf = self._buf
        if math.isfinite(value):
            buf.append((t, value))
        while buf and t - buf[0][0] > self.window_s:
            buf.popleft()
        return self.value

    @property
    def value(self) -> float:
        k = len(self._buf)
        if k == 0:
            return NAN
        s = sorted(v for _, v in self._buf)
        m = k // 2
        return s[m] if k % 2 else 0.5 * (s[m - 1] + s[m])


class Stillness:
    """Has a signal stopped changing? True when the (already median-filtered)
    value now differs by at most ``band`` from its values ``window_s`` ago
    and halfway through. Comparing end points (not the max-min spread) keeps
    the test robust to landmark jitter while any real movement (tens of
    degrees per second) fails it. Used to tell a hold from a pull."""

    __slots__ = ("_buf", "band", "window_s")

    def __init__(self, window_s: float, band: float) -> None:
        self.window_s = window_s
        self.band = band
        self._buf: deque[tuple[float, float]] = deque()

    def clear(self) -> None:
        self._buf.clear()

    def push(self, t: float, value: float) -> bool:
        if not math.isfinite(value):
            return False
        buf = self._buf
        buf.append((t, value))
        while len(buf) > 2 and t - buf[1][0] >= self.window_s:
            buf.popleft()
        if t - buf[0][0] < 0.8 * self.window_s:
            return False
        mid = buf[len(buf) // 2][1]
        return abs(value - buf[0][1]) <= self.band and abs(value - mid) <= self.band
