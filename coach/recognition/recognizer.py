"""Which exercise is this? A rule set read from the exercise specs and a
state machine with hysteresis in value and in time.

Per frame (:class:`Recognizer.update`):

1. the posture features of the smoothed frame
   (:class:`~coach.recognition.features.FeatureExtractor`);
2. for every exercise with a :class:`~coach.spec.RecognitionSpec`, whether
   the frame is in its *position* and in its *rest* posture (all bounds
   hold; a bound is widened by :data:`MARGINS` while the position lasts,
   so noise at a threshold does not flicker);
3. a position *run* per exercise: it survives drop-outs up to
   ``gap_tolerance_s``; once it has lasted the exercise's ``settle_s``
   (and, for an exercise with ``rest_within_s``, its rest posture was seen
   that shortly before, or comes that soon after) the exercise is
   *recognised*;
4. the sets: a recognised exercise opens a set that starts where the
   movement into the position began (the last rest frame, at most
   ``lead_s`` before the run); the set goes on while its position comes
   back within ``max_gap_s`` and the person stays in the position or the
   rest posture (``leave_s``), and ends where the movement out of the last
   position ended (``trail_s`` at most, or the first rest frame), or where
   another exercise's set begins.

Decisions are causal (the live coach uses them as they come), but a set's
start and end are placed back in time: :class:`SetSpan` says when the set
began and when that was decided. Rules never name an exercise here: they
come from the registry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coach.pose import PoseFrame
from coach.recognition.features import FEATURES, INDEX, FeatureExtractor, Posture
from coach.spec import Bound, ExerciseSpec, RecognitionSpec

ANGLE_MARGIN_DEG = 5.0
HEIGHT_MARGIN = 0.02
MARGINS = {name: (HEIGHT_MARGIN if "(statures" in text else ANGLE_MARGIN_DEG) for name, text in FEATURES.items()}
"""How far a bound is widened while its posture lasts: 5 degrees for an
angle, 0.02 statures (~3.5 cm) for a height (above the frame-to-frame
noise of smoothed MediaPipe landmarks, well inside the gaps between the
exercises' positions)."""

_Compiled = tuple[tuple[int, float, float, float], ...]


def compile_bounds(bounds: Iterable[Bound]) -> _Compiled:
    """(feature index, lo, hi, margin) per bound; an unknown feature name is
    an error (caught by the tests for every registered exercise)."""
    out = []
    for b in bounds:
        if b.feature not in INDEX:
            raise ValueError(f"unknown posture feature {b.feature!r}; known: {', '.join(INDEX)}")
        out.append((INDEX[b.feature], b.lo, b.hi, MARGINS[b.feature]))
    return tuple(out)


_Bounds = tuple[tuple[int, float, float], ...]


@dataclass(frozen=True)
class _Rule:
    """A compiled rule as (feature index, lo, hi) triples, at its own bounds
    and widened by its margins: both worked out once, not per frame and
    bound (the same ``lo - margin`` and ``hi + margin``, so the same
    floats)."""

    bounds: _Bounds
    widened: _Bounds

    @classmethod
    def of(cls, rule: _Compiled) -> _Rule:
        return cls(tuple((i, lo, hi) for i, lo, hi, _m in rule),
                   tuple((i, lo - m, hi + m) for i, lo, hi, m in rule))

    def matches(self, values: Sequence[float], widen: bool) -> bool:
        """Every bound holds (NaN fails), each widened by its margin if
        ``widen``; a rule without bounds never matches."""
        for i, lo, hi in self.widened if widen else self.bounds:
            if not (lo <= values[i] <= hi):
                return False
        return bool(self.bounds)


@dataclass(frozen=True)
class RecognizerConfig:
    gap_tolerance_s: float = 0.4
    """A position run survives this long without the position (a noisy
    frame or two, a landmark lost for a moment)."""
    leave_s: float = 2.0
    """A set ends when its position and its rest posture have both been
    gone this long (the person stood up, walked off, left the picture)."""


@dataclass(frozen=True)
class SetSpan:
    """A set found by the recognizer: ``exercise`` from ``start`` to
    ``end`` (None while it goes on), decided at ``decided_at``."""

    exercise: str
    start: float
    end: float | None
    decided_at: float

    @property
    def duration_s(self) -> float:
        return max(0.0, (self.end if self.end is not None else self.start) - self.start)


@dataclass(frozen=True)
class Recognition:
    """The recognizer's view of one frame. ``current``: the exercise of the
    set in progress (None between sets); ``in_position``: the exercises
    whose position this frame matches; ``opened`` / ``closed``: a set that
    was recognised / ended on this frame (its start and end lie earlier)."""

    t: float
    current: str | None
    in_position: tuple[str, ...]
    opened: SetSpan | None = None
    closed: SetSpan | None = None
    posture: Posture | None = None


class _Track:
    """Position run and rest times of one exercise."""

    def __init__(self, name: str, spec: RecognitionSpec) -> None:
        self.name = name
        self.spec = spec
        self.position = _Rule.of(compile_bounds(spec.position))
        self.rest = _Rule.of(compile_bounds(spec.rest))
        self.reset()

    def reset(self) -> None:
        self.run_start = math.nan
        self.run_last = math.nan
        self.rest_before = math.nan  # last rest frame before the run started
        self.rest_last = math.nan
        self.settled_run = math.nan  # run_start of the last run that lasted settle_s
        self.in_pos = False
        self.in_rest = False

    def step(self, values: Sequence[float], t: float, gap: float) -> None:
        active = math.isfinite(self.run_last) and t - self.run_last <= gap
        self.in_pos = self.position.matches(values, widen=active)
        self.in_rest = bool(self.rest.bounds) and self.rest.matches(values, widen=self.in_rest)
        if self.in_pos:
            if not active:
                self.run_start = t
                self.rest_before = self.rest_last
            self.run_last = t
            if t - self.run_start >= self.spec.settle_s:
                self.settled_run = self.run_start
        if self.in_rest:
            self.rest_last = t

    def recognised(self, t: float, gap: float) -> bool:
        """The last settled run counts: no rest needed, or rest seen within
        ``rest_within_s`` before it, or since it ended."""
        if not math.isfinite(self.settled_run) or self.settled_run != self.run_start:
            return False
        within = self.spec.rest_within_s
        if within is None:
            return self.in_pos
        if math.isfinite(self.rest_before) and self.run_start - self.rest_before <= within:
            return t - self.run_last <= gap
        return self.in_rest and math.isfinite(self.run_last) and t - self.run_last <= within

    def start_of(self, floor: float) -> float:
        """Where the movement into the current run began."""
        start = self.run_start - self.spec.lead_s
        if math.isfinite(self.rest_before) and self.rest_before > start:
            start = self.rest_before
        return max(start, floor)


class Recognizer:
    """``update(frame) -> Recognition`` per smoothed frame; see the module
    docstring. ``specs``: the exercises to tell apart (every registered one
    with a :class:`RecognitionSpec` by default)."""

    def __init__(self, specs: Iterable[ExerciseSpec] | None = None, config: RecognizerConfig | None = None,
                 extractor: FeatureExtractor | None = None) -> None:
        if specs is None:
            from coach.registry import specs as registered

            specs = registered()
        self.config = config or RecognizerConfig()
        self.extractor = extractor or FeatureExtractor()
        self.tracks = [_Track(s.name, s.recognition) for s in specs if s.recognition is not None]
        self._by_name = {tr.name: tr for tr in self.tracks}
        self.reset()

    def reset(self) -> None:
        self.extractor.reset()
        for tr in self.tracks:
            tr.reset()
        self.current: str | None = None
        self._set_start = math.nan
        self._set_decided = math.nan
        self._last_pos = math.nan  # last frame in the current set's position
        self._rest_after = math.nan  # first rest frame after that
        self._last_end = -math.inf
        self._t = math.nan

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(tr.name for tr in self.tracks)

    def spec(self, name: str) -> RecognitionSpec:
        return self._by_name[name].spec

    def update(self, frame: PoseFrame) -> Recognition:
        posture = self.extractor.update(frame)
        return self.update_posture(posture)

    def update_posture(self, posture: Posture) -> Recognition:
        t = posture.t
        if not math.isfinite(self._last_end):
            self._last_end = t
        self._t = t
        gap = self.config.gap_tolerance_s
        values = posture.values
        for tr in self.tracks:
            tr.step(values, t, gap)
        in_position = tuple([tr.name for tr in self.tracks if tr.in_pos])
        opened: SetSpan | None = None
        closed: SetSpan | None = None
        cur = self._by_name.get(self.current) if self.current is not None else None
        if cur is not None:
            if cur.in_pos:
                self._last_pos, self._rest_after = t, math.nan
            elif cur.in_rest and not math.isfinite(self._rest_after):
                self._rest_after = t
        winner = self._winner(t, gap)
        if cur is not None:
            gone = t - self._last_pos
            left = gone > cur.spec.max_gap_s or (
                gone > self.config.leave_s and not cur.in_rest
                and not (math.isfinite(cur.rest_last) and t - cur.rest_last <= self.config.leave_s))
            if winner is not None and winner is not cur:
                closed = self._close(cur, limit=winner.start_of(self._last_end), t=t)
            elif left:
                closed = self._close(cur, limit=t, t=t)
        if self.current is None and winner is not None:
            opened = self._open(winner, t)
        return Recognition(t, self.current, in_position, opened, closed, posture)

    def finish(self) -> SetSpan | None:
        """End of the recording: close the set in progress (None if none)."""
        cur = self._by_name.get(self.current) if self.current is not None else None
        if cur is None:
            return None
        return self._close(cur, limit=self._t, t=self._t)

    def open_set(self) -> SetSpan | None:
        """The set in progress (``end`` None), if any."""
        if self.current is None:
            return None
        return SetSpan(self.current, self._set_start, None, self._set_decided)

    # -- internals ------------------------------------------------------------------
    def _winner(self, t: float, gap: float) -> _Track | None:
        best: _Track | None = None
        for tr in self.tracks:
            if tr.name == self.current or not tr.recognised(t, gap):
                continue
            if best is None or tr.run_start < best.run_start:
                best = tr
        return best

    def _open(self, tr: _Track, t: float) -> SetSpan:
        self.current = tr.name
        self._set_start = tr.start_of(self._last_end)
        self._set_decided = t
        self._last_pos = tr.run_last
        self._rest_after = math.nan
        return SetSpan(tr.name, self._set_start, None, t)

    def _close(self, tr: _Track, limit: float, t: float) -> SetSpan:
        end = self._last_pos + tr.spec.trail_s
        if math.isfinite(self._rest_after):
            end = min(end, self._rest_after)
        end = max(self._set_start, min(end, limit))
        span = SetSpan(tr.name, self._set_start, end, self._set_decided)
        self.current = None
        self._last_end = end
        return span
