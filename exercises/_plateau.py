"""Timing a held level (the top of a bridge, a knee pulled to the chest, a
plank's straight body), with both ends judged on the signal itself."""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterable

from coach.geometry import NAN, clamp, finite


def min_jerk(u: float) -> float:
    """Minimum-jerk position profile 10u^3 - 15u^4 + 6u^5 on [0, 1]: the
    shape of a human point-to-point movement (Flash & Hogan 1985)."""
    u = clamp(u, 0.0, 1.0)
    return u * u * u * (10.0 + u * (-15.0 + 6.0 * u))


def min_jerk_inverse(f: float) -> float:
    """The u at which :func:`min_jerk` reaches ``f`` (bisection)."""
    f = clamp(f, 0.0, 1.0)
    lo, hi = 0.0, 1.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        if min_jerk(mid) < f:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


MJ_U90 = 0.7534
"""A minimum-jerk movement is 90 % done at u = 0.7534 and half done at 0.5:
from its 50 % and 90 % crossing times, it ends (1 - 0.5) / (0.7534 - 0.5) =
1.97 of that interval after the 50 % crossing."""


class PlateauTimer:
    """Time spent holding a level: the top of a bridge, a knee pulled to the
    chest, a plank's straight body.

    A hold is *detected* late (the movement must be seen to stop) and its
    release late (the value must fall clearly). Both ends are therefore
    judged on the signal itself, with one band around the held level:

    * entry: ``credit_delay_s`` after the hold is detected (the level has
      settled), the approach frames already within ``band`` are credited -
      but not before the end of the approach movement, estimated from its
      50 % and 90 % crossings assuming the minimum-jerk profile of human
      movements (Flash & Hogan 1985). Without that, the slow last tenth of
      a movement would count as holding (~0.2 s per end);
    * during the hold, time below ``level - band`` is pending: dropped if a
      release follows, committed if the value comes back (or stays there for
      ``settle_s``: the user settled a little lower, the new level);
    * release: the in-band start of the release movement is removed the
      same way (its duration taken as the approach's), which is why the
      last ``horizon_s`` of committed time is not yet shown
      (:attr:`shown_good_s` never decreases).

    Only the interval between two consecutive seen frames, at most
    ``max_gap_s`` apart, ever counts. ``time_s`` is all time on the plateau,
    ``good_s`` the part on frames flagged good (no fault raised).
    """

    max_ramp_s = 3.0
    """A movement into a hold slower than 3 s is not modelled as one ramp."""
    max_late_s = 0.3
    """The movement is taken to have ended at most 0.3 s after the hold was
    detected (the stillness window)."""

    def __init__(self, band: float, settle_s: float, max_gap_s: float, level_tau_s: float = 1.0,
                 history_s: float = 3.0, credit_delay_s: float = 0.5, horizon_s: float = 0.6) -> None:
        self.band = band
        self.settle_s = settle_s
        self.max_gap_s = max_gap_s
        self.level_tau_s = level_tau_s
        self.history_s = history_s
        self.credit_delay_s = credit_delay_s
        self.horizon_s = horizon_s
        self._hist: deque[tuple[float, float, bool]] = deque()
        self._log: deque[tuple[float, float, float]] = deque()
        self.reset()

    def reset(self) -> None:
        self.time_s = 0.0
        self.good_s = 0.0
        self.level = NAN
        self.active = False
        self._pend = 0.0
        self._pend_good = 0.0
        self._low_since: float | None = None
        self._last: tuple[float, bool] | None = None
        self._hist.clear()
        self._log.clear()
        self._credit_at: float | None = None
        self._credit_good_ok = True
        self._begin_hist: list[tuple[float, float, bool]] = []
        self._ramp_s = NAN
        self._ramp_amp = NAN
        self._shown = 0.0

    @property
    def shown_good_s(self) -> float:
        """Good time for display: what can no longer be taken back."""
        recent = sum(g for _, _, g in self._log)
        self._shown = max(self._shown, self.good_s - recent)
        return self._shown

    def _dt(self, t: float) -> float:
        if self._last is None:
            return 0.0
        dt = t - self._last[0]
        return dt if 0.0 < dt <= self.max_gap_s else 0.0

    def _commit(self, t: float, dt: float, dt_good: float) -> None:
        if dt <= 0.0 and dt_good <= 0.0:
            return
        self.time_s += dt
        self.good_s += dt_good
        self._log.append((t, dt, dt_good))
        while self._log and t - self._log[0][0] > self.horizon_s:
            self._log.popleft()

    def unseen(self) -> None:
        """A frame that was not seen: the next interval does not count."""
        self._last = None
        self._hist.clear()

    def prime(self, items: Iterable[tuple[float, float, bool]]) -> None:
        """Frames seen before this timer existed (the start of the movement)."""
        for t, value, good in items:
            self.approach(t, value, good)

    def approach(self, t: float, value: float, good: bool) -> None:
        """A frame before the hold is detected (kept for the entry credit)."""
        if self.active:
            self.update(t, value, good)
            return
        self._hist.append((t, value, good))
        while self._hist and t - self._hist[0][0] > self.history_s:
            self._hist.popleft()
        self._last = (t, good)

    def begin(self, level: float, credit_good: bool = True) -> None:
        """The hold is detected at the latest frame given to :meth:`approach`
        (the entry credit follows ``credit_delay_s`` later; as good time too
        unless ``credit_good`` is False, e.g. when the level is faulty)."""
        self.active = True
        self.level = level
        self._low_since = None
        self._begin_hist = list(self._hist)
        self._hist.clear()
        t0 = self._begin_hist[-1][0] if self._begin_hist else None
        self._credit_at = None if t0 is None else t0 + self.credit_delay_s
        self._credit_good_ok = credit_good

    def _ramp_end(self, items: list[tuple[float, float, bool]], level: float) -> float:
        """Estimated end time of the approach movement (-inf if unknown)."""
        vals = [v for _, v, _ in items if math.isfinite(v)]
        if len(vals) < 4:
            return -math.inf
        low = min(vals)
        amp = level - low
        if not amp > 4.0 * self.band:
            return -math.inf
        t50 = t90 = math.nan
        v50, v90 = low + 0.5 * amp, low + 0.9 * amp
        for (ta, va, _), (tb, vb, _) in itertools.pairwise(items):
            if not finite(va, vb):
                continue
            if va < v50 <= vb:
                t50 = ta + (tb - ta) * (v50 - va) / (vb - va) if vb != va else tb
            if va < v90 <= vb:
                t90 = ta + (tb - ta) * (v90 - va) / (vb - va) if vb != va else tb
        if not (finite(t50, t90) and t90 > t50):
            return -math.inf
        ramp_s = (t90 - t50) / (MJ_U90 - 0.5)
        if ramp_s > self.max_ramp_s:
            return -math.inf  # not one smooth movement: no model
        self._ramp_s = ramp_s
        self._ramp_amp = amp
        # the hold was detected once the value had stopped changing: the
        # movement cannot have ended much after that
        return min(t50 + 0.5 * ramp_s, items[-1][0] + self.max_late_s)

    def _credit(self) -> None:
        items = self._begin_hist
        self._begin_hist = []
        self._credit_at = None
        level = self.level
        if not math.isfinite(level):
            return
        t_end = self._ramp_end(items, level)
        credit = credit_good = 0.0
        out = 0  # a jittery frame or two below the band does not end the stretch
        for (t0, v0, g0), (t1, _v1, g1) in zip(reversed(items[:-1]), reversed(items[1:]), strict=True):
            if not (math.isfinite(v0) and v0 >= level - self.band):
                out += 1
                if out > 2 or t_end == -math.inf:
                    break
            else:
                out = 0
            dt = t1 - max(t0, t_end)
            if dt <= 0.0:
                break
            if t1 - t0 <= self.max_gap_s:
                credit += dt
                if g0 and g1 and self._credit_good_ok:
                    credit_good += dt
        self.time_s += credit
        self.good_s += credit_good
        # the hold may have been detected before the movement quite ended
        # (a slow ramp is still within the stillness band): what was
        # counted before its estimated end is taken back
        while self._log and self._log[0][0] <= t_end:
            _t, dt, dtg = self._log.popleft()
            self.time_s -= dt
            self.good_s -= dtg

    def update(self, t: float, value: float, good: bool) -> None:
        """A seen frame during the hold."""
        dt = self._dt(t)
        last_good = self._last[1] if self._last is not None else False
        self._last = (t, good)
        if not math.isfinite(value):
            return
        if not math.isfinite(self.level):
            self.level = value
        in_band = value >= self.level - self.band
        if in_band:
            self._commit(t, self._pend + dt, self._pend_good + (dt if good and last_good else 0.0))
            self._pend = self._pend_good = 0.0
            self._low_since = None
            if dt > 0.0:
                a = 1.0 - math.exp(-dt / self.level_tau_s)
                self.level += a * (value - self.level)
        else:
            self._pend += dt
            if good and last_good:
                self._pend_good += dt
            if self._low_since is None:
                self._low_since = t
            elif t - self._low_since >= self.settle_s:
                # settled lower, not released: that is the new level
                self._commit(t, self._pend, self._pend_good)
                self._pend = self._pend_good = 0.0
                self.level = value
                self._low_since = None
        if self._credit_at is not None and t >= self._credit_at:
            self._credit()

    def end(self) -> None:
        """The hold is released: time pending below the level is dropped, and
        so is the in-band start of the release movement."""
        if self._credit_at is not None:
            self._credit()
        if self._low_since is not None and finite(self._ramp_s, self._ramp_amp):
            u_band = min_jerk_inverse(self.band / self._ramp_amp)
            release_start = self._low_since - u_band * self._ramp_s
            while self._log and self._log[-1][0] > release_start:
                _t, dt, dtg = self._log.pop()
                self.time_s -= dt
                self.good_s -= dtg
        self._log.clear()
        self._pend = self._pend_good = 0.0
        self._low_since = None
        self.active = False
        self._hist.clear()
