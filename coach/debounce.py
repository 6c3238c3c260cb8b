"""Small stateful building blocks shared by the analyzers.

* :class:`FaultDebouncer` - a fault must be seen for ``on_s`` before it is
  reported and must be absent for ``off_s`` before it clears, so one jittery
  frame never flips a verdict. It also records fault episodes.
* :class:`Hysteresis` - a two-threshold switch for phase detection.
* :class:`HoldTimer` - accumulates good-form time with a grace period for
  short blips, and tracks the longest continuous good hold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coach.exercise import FaultEvent


@dataclass
class _FaultState:
    first_seen: float | None = None  # raw fault present since
    last_seen: float | None = None  # raw fault last present at
    active_since: float | None = None  # reported since


class FaultDebouncer:
    """Debounce raw per-frame fault flags into reported faults.

    ``priority`` orders the reported faults (first = most important; codes
    not listed come last, alphabetically).
    """

    def __init__(self, on_s: float, off_s: float, priority: Sequence[str] = ()) -> None:
        if on_s < 0 or off_s < 0:
            raise ValueError("debounce times must be >= 0")
        self.on_s = on_s
        self.off_s = off_s
        self._rank = {code: i for i, code in enumerate(priority)}
        self._states: dict[str, _FaultState] = {}
        self._events: list[FaultEvent] = []

    def reset(self) -> None:
        self._states.clear()
        self._events.clear()

    def _sort(self, codes: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(codes, key=lambda c: (self._rank.get(c, len(self._rank)), c)))

    def update(self, t: float, raw: Iterable[str]) -> tuple[str, ...]:
        """Feed the raw faults of the frame at time ``t``; returns the
        reported (debounced) faults, highest priority first."""
        raw_set = set(raw)
        for code in raw_set:
            st = self._states.setdefault(code, _FaultState())
            if st.first_seen is None:
                st.first_seen = t
            st.last_seen = t
        for code, st in self._states.items():
            if code in raw_set:
                if st.active_since is None and st.first_seen is not None and t - st.first_seen >= self.on_s:
                    st.active_since = st.first_seen
            else:
                # raw fault absent this frame
                if st.active_since is None:
                    st.first_seen = None  # never confirmed: a blip, forget it
                elif st.last_seen is not None and t - st.last_seen >= self.off_s:
                    self._events.append(FaultEvent(code, st.active_since, st.last_seen))
                    st.active_since = None
                    st.first_seen = None
        return self._sort(c for c, st in self._states.items() if st.active_since is not None)

    def pending(self) -> tuple[str, ...]:
        """Faults seen but not yet confirmed (for amber warnings)."""
        return self._sort(
            c for c, st in self._states.items() if st.active_since is None and st.first_seen is not None
        )

    def clear_all(self, t: float) -> None:
        """Close every open episode at ``t`` (e.g. when the set pauses)."""
        for code, st in self._states.items():
            if st.active_since is not None:
                self._events.append(FaultEvent(code, st.active_since, max(st.active_since, t)))
            st.active_since = None
            st.first_seen = None

    def events(self, now: float | None = None) -> tuple[FaultEvent, ...]:
        """Finished episodes plus, when ``now`` is given, the open ones
        closed at ``now``."""
        out = list(self._events)
        if now is not None:
            for code, st in self._states.items():
                if st.active_since is not None:
                    out.append(FaultEvent(code, st.active_since, max(st.active_since, now)))
        return tuple(sorted(out, key=lambda e: (e.start, e.code)))


class Hysteresis:
    """Boolean switch with separate on/off thresholds.

    With ``rising=True`` it turns on when the value goes above ``on`` and
    off when it drops below ``off`` (``off < on``). With ``rising=False``
    the comparisons are reversed (``off > on``). NaN keeps the state.
    """

    def __init__(self, on: float, off: float, rising: bool = True) -> None:
        if (rising and off > on) or (not rising and off < on):
            raise ValueError("hysteresis thresholds are the wrong way round")
        self.on = on
        self.off = off
        self.rising = rising
        self.state = False

    def reset(self) -> None:
        self.state = False

    def update(self, value: float) -> bool:
        if not math.isfinite(value):
            return self.state
        if self.rising:
            if not self.state and value >= self.on:
                self.state = True
            elif self.state and value <= self.off:
                self.state = False
        else:
            if not self.state and value <= self.on:
                self.state = True
            elif self.state and value >= self.off:
                self.state = False
        return self.state


class HoldTimer:
    """Good-form hold time with a grace period.

    Time accrues only between consecutive frames that are both *good*. A
    bad stretch shorter than ``grace_s`` does not break the current hold
    (its time is not counted either); a longer one ends the hold. ``max_dt``
    caps the time one frame gap may add, so a dropped-frame gap never
    counts as holding.
    """

    def __init__(self, grace_s: float, max_dt: float = 0.5) -> None:
        self.grace_s = grace_s
        self.max_dt = max_dt
        self.reset()

    def reset(self) -> None:
        self.total_s = 0.0
        self.current_s = 0.0
        self.best_s = 0.0
        self.current_start: float | None = None
        self._last_t: float | None = None
        self._last_good = False
        self._bad_since: float | None = None
        self.completed: list[tuple[float, float, float]] = []  # (start, end, held_s)

    @property
    def holding(self) -> bool:
        return self.current_start is not None

    def update(self, t: float, good: bool) -> float:
        """Feed one frame; returns the total good time so far."""
        dt = 0.0 if self._last_t is None else t - self._last_t
        if good:
            if self._last_good and 0.0 < dt <= self.max_dt:
                self.total_s += dt
                self.current_s += dt
            if self.current_start is None:
                self.current_start = t
                self.current_s = 0.0
            self._bad_since = None
        else:
            if self._bad_since is None:
                self._bad_since = t
            if self.current_start is not None and t - self._bad_since >= self.grace_s:
                self._end(self._bad_since)
        self.best_s = max(self.best_s, self.current_s)
        self._last_t = t
        self._last_good = good
        return self.total_s

    def _end(self, t_end: float) -> None:
        if self.current_start is not None:
            self.completed.append((self.current_start, t_end, self.current_s))
        self.current_start = None
        self.current_s = 0.0

    def finish(self, t: float) -> None:
        """Close the current hold (end of set)."""
        end = self._bad_since if self._bad_since is not None else t
        self._end(end)
