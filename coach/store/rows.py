"""Rows read back from the store: frozen, typed, JSON-ready."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from coach.registry import find_spec


@dataclass(frozen=True)
class SessionRow:
    id: int
    started_at: str
    started_unix: float
    ended_at: str | None
    status: str  # running | complete | interrupted
    mode: str  # analyze | live | demo
    source: str
    host: str
    pid: int
    coach_version: str
    has_track: bool
    last_seen_unix: float
    end_reason: str | None = None
    """Why an ``interrupted`` session ended (None: ran to its end, or unknown)."""
    uid: str = ""
    """Identity across databases (export/import)."""
    models: str | None = None
    """The pose model files used, in order, comma-separated (None: none ran, or not recorded)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SetRow:
    id: int
    session_id: int
    set_index: int
    exercise: str
    side: str | None
    target: float | None
    target_unit: str | None
    reps: int
    hold_s: float
    best_hold_s: float | None
    duration_s: float
    score: float | None
    score_formula: str | None
    visible_fraction: float | None
    top_fault: str | None
    scored_at: str | None
    extra: Mapping[str, Any] = field(default_factory=dict)
    target_requested: float | None = None
    """The target the user asked for (None: the exercise default)."""

    @property
    def kind(self) -> str:
        """What the set counts: ``hold`` (seconds), ``lift`` or ``rep``."""
        if self.target_unit == "s":
            return "hold"
        if self.target_unit == "lifts":
            return "lift"
        spec = find_spec(self.exercise)
        return spec.item_kind if spec is not None else "rep"

    def result_text(self) -> str:
        """``42.0 s hold / 60 s`` or ``8 reps / 10``."""
        if self.kind == "hold":
            text = f"{self.hold_s:.1f} s hold"
            return text + (f" / {self.target:g} s" if self.target else "")
        unit = "lift" if self.kind == "lift" else "rep"
        text = f"{self.reps} {unit}" + ("" if self.reps == 1 else "s")
        return text + (f" / {self.target:g}" if self.target else "")

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["extra"] = dict(self.extra)
        return out


@dataclass(frozen=True)
class ItemRow:
    """One rep, hold or lift (``provisional`` while its set is running)."""

    set_id: int
    index: int
    kind: str
    start: float
    end: float
    score: float | None
    good: bool | None
    side: str | None
    faults: tuple[str, ...]
    measures: Mapping[str, float | None]
    provisional: bool

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["faults"] = list(self.faults)
        out["measures"] = dict(self.measures)
        out["duration"] = round(self.duration, 3)
        return out


@dataclass(frozen=True)
class FaultRow:
    set_id: int
    code: str
    start: float
    end: float
    provisional: bool

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["duration"] = round(self.duration, 3)
        return out


@dataclass(frozen=True)
class SecondRow:
    """One second of a set (``second`` = floor of the frame time)."""

    second: int
    t_last: float
    frames: int
    visible_frames: int
    phase: str | None
    side: str | None
    reps: int
    hold_s: float
    faults: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["faults"] = list(self.faults)
        return out


@dataclass(frozen=True)
class MetricSecond:
    name: str
    second: int
    n: int
    mean: float
    min: float
    max: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScoreRow:
    scored_at: str
    source: str  # recorded | rescore
    score: float
    reps: int
    hold_s: float
    score_formula: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TrackChunkRow:
    """One stored chunk of the raw pose track (see :mod:`coach.store.trackblob`)."""

    seq: int
    t0: float
    t1: float
    frames: int
    data: bytes

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "t0": self.t0, "t1": self.t1, "frames": self.frames,
                "data": base64.b64encode(self.data).decode("ascii")}


@dataclass(frozen=True)
class SetDetail:
    """A set with everything stored about it."""

    set: SetRow
    items: tuple[ItemRow, ...]
    faults: tuple[FaultRow, ...]
    seconds: tuple[SecondRow, ...]
    metrics: tuple[MetricSecond, ...]
    scores: tuple[ScoreRow, ...]
    track_frames: int
    chunks: tuple[TrackChunkRow, ...] = ()
    """The pose track itself, when it was asked for (export)."""

    def metric_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for m in self.metrics:
            seen.setdefault(m.name, None)
        return list(seen)

    def metric_series(self, name: str) -> list[MetricSecond]:
        return [m for m in self.metrics if m.name == name]

    def to_json(self, with_seconds: bool = True) -> dict[str, Any]:
        out = self.set.to_json()
        out["items"] = [i.to_json() for i in self.items]
        out["fault_events"] = [f.to_json() for f in self.faults]
        out["score_history"] = [s.to_json() for s in self.scores]
        out["track_frames"] = self.track_frames
        if self.chunks:
            out["track_chunks"] = [c.to_json() for c in self.chunks]
        if with_seconds:
            by_sec: dict[int, dict[str, Any]] = {}
            for m in self.metrics:
                by_sec.setdefault(m.second, {})[m.name] = {
                    "n": m.n, "mean": m.mean, "min": m.min, "max": m.max,
                }
            out["seconds"] = [
                {**s.to_json(), "metrics": by_sec.get(s.second, {})} for s in self.seconds
            ]
        return out


@dataclass(frozen=True)
class SessionDetail:
    session: SessionRow
    sets: tuple[SetDetail, ...]

    def to_json(self, with_seconds: bool = True) -> dict[str, Any]:
        out = self.session.to_json()
        out["sets"] = [s.to_json(with_seconds) for s in self.sets]
        return out


@dataclass(frozen=True)
class HistoryRow:
    """One line of ``coach history``: a session and one of its sets."""

    session: SessionRow
    set: SetRow | None
