"""Turns the stream of :class:`FrameVerdict` into the rows the store keeps
while a set runs: one row per second (phase, reps, hold time, faults), the
per-second aggregates of ``verdict.metrics``, provisional reps/holds/lifts
(when ``verdict.reps`` goes up) and fault episodes (when a code enters or
leaves ``verdict.faults``). Pure logic, no I/O; shared by the recorder and
``coach rescore``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from coach.exercise import FrameVerdict
from coach.registry import find_spec
from coach.store.rows import FaultRow, ItemRow, MetricSecond, SecondRow


def item_kind(exercise: str) -> str:
    """What one counted unit of an exercise is called (its spec's
    ``item_kind``; ``rep`` for an exercise this version does not know)."""
    spec = find_spec(exercise)
    return spec.item_kind if spec is not None else "rep"


@dataclass
class _Stat:
    n: int = 0
    total: float = 0.0
    lo: float = math.inf
    hi: float = -math.inf

    def add(self, x: float) -> None:
        self.n += 1
        self.total += x
        self.lo = min(self.lo, x)
        self.hi = max(self.hi, x)


@dataclass
class _Bucket:
    second: int
    t_last: float = 0.0
    frames: int = 0
    visible: int = 0
    phase: str | None = None
    side: str | None = None
    reps: int = 0
    hold_s: float = 0.0
    faults: dict[str, None] = field(default_factory=dict)
    stats: dict[str, _Stat] = field(default_factory=dict)

    def add(self, v: FrameVerdict) -> None:
        self.t_last = v.t
        self.frames += 1
        self.visible += int(v.visible)
        self.phase = v.phase
        self.side = v.side if v.side is not None else self.side
        self.reps = v.reps
        self.hold_s = v.hold_s
        for code in v.faults:
            self.faults.setdefault(code, None)
        for name, value in v.metrics.items():
            x = float(value)
            if math.isfinite(x):
                self.stats.setdefault(name, _Stat()).add(x)

    def second_row(self) -> SecondRow:
        return SecondRow(self.second, self.t_last, self.frames, self.visible, self.phase, self.side,
                         self.reps, self.hold_s, tuple(self.faults))

    def metric_rows(self) -> list[MetricSecond]:
        return [MetricSecond(name, self.second, s.n, s.total / s.n, s.lo, s.hi)
                for name, s in self.stats.items() if s.n]


@dataclass
class _ItemSpan:
    start: float
    faults: dict[str, None] = field(default_factory=dict)
    stats: dict[str, _Stat] = field(default_factory=dict)
    side: str | None = None


class SetAccumulator:
    """Feed verdicts with :meth:`add`; take finished rows with
    :meth:`drain`; :meth:`open_rows` gives the not-yet-finished second and
    fault episodes (for crash-safe upserts); :meth:`finish` ends the set."""

    def __init__(self, set_id: int, exercise: str) -> None:
        self.set_id = set_id
        self.kind = item_kind(exercise)
        self.last: FrameVerdict | None = None
        self._bucket: _Bucket | None = None
        self._span: _ItemSpan | None = None
        self._open: dict[str, float] = {}
        self.seconds: list[SecondRow] = []
        self.metrics: list[MetricSecond] = []
        self.items: list[ItemRow] = []
        self.closed_faults: list[FaultRow] = []
        self.frames = 0
        self.first_t: float | None = None

    # -- input ----------------------------------------------------------------
    def add(self, v: FrameVerdict) -> None:
        if self.first_t is None:
            self.first_t = v.t
        sec = math.floor(v.t)
        if self._bucket is not None and sec != self._bucket.second:
            self._finish_bucket()
        if self._bucket is None:
            self._bucket = _Bucket(sec)
        self._bucket.add(v)
        self._track_faults(v)
        self._track_items(v)
        self.last = v
        self.frames += 1

    def _finish_bucket(self) -> None:
        if self._bucket is not None and self._bucket.frames:
            self.seconds.append(self._bucket.second_row())
            self.metrics.extend(self._bucket.metric_rows())
        self._bucket = None

    def _track_faults(self, v: FrameVerdict) -> None:
        active = set(v.faults)
        for code in [c for c in self._open if c not in active]:
            self.closed_faults.append(FaultRow(self.set_id, code, self._open.pop(code), v.t, True))
        for code in v.faults:
            self._open.setdefault(code, v.t)

    def _track_items(self, v: FrameVerdict) -> None:
        if self._span is None:
            self._span = _ItemSpan(v.t)
        span = self._span
        for code in v.faults:
            span.faults.setdefault(code, None)
        for name, value in v.metrics.items():
            x = float(value)
            if math.isfinite(x):
                span.stats.setdefault(name, _Stat()).add(x)
        span.side = v.side if v.side is not None else span.side
        done = v.reps - (self.last.reps if self.last is not None else 0)
        if done > 0:
            measures: dict[str, float | None] = {}
            for name, s in span.stats.items():
                measures[f"{name}_min"] = s.lo
                measures[f"{name}_max"] = s.hi
            for k in range(done):
                idx = v.reps - done + k + 1
                self.items.append(ItemRow(self.set_id, idx, self.kind, span.start, v.t, None, None,
                                          span.side, tuple(span.faults), measures, True))
            self._span = _ItemSpan(v.t)

    # -- output ---------------------------------------------------------------
    def drain(self) -> tuple[list[SecondRow], list[MetricSecond], list[ItemRow], list[FaultRow]]:
        """Rows finished since the last drain."""
        out = (self.seconds, self.metrics, self.items, self.closed_faults)
        self.seconds, self.metrics, self.items, self.closed_faults = [], [], [], []
        return out

    def open_second(self) -> tuple[SecondRow, list[MetricSecond]] | None:
        """The second in progress so far (written as an upsert on each commit)."""
        if self._bucket is None or not self._bucket.frames:
            return None
        return self._bucket.second_row(), self._bucket.metric_rows()

    def open_faults(self) -> list[FaultRow]:
        """Fault episodes still going on, ending at the latest frame."""
        t = self.last.t if self.last is not None else 0.0
        return [FaultRow(self.set_id, code, start, t, True) for code, start in self._open.items()]

    @property
    def elapsed(self) -> float:
        if self.last is None or self.first_t is None:
            return 0.0
        return max(0.0, self.last.t - self.first_t)

    def finish(self) -> None:
        """End of the set: the open second and open faults become finished rows."""
        self._finish_bucket()
        self.closed_faults.extend(self.open_faults())
        self._open.clear()
