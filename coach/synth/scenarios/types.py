"""The scenario types: a labelled time :class:`Span`, the ground
:class:`Truth` (with a :class:`LiftTruth` per lift) and the generated
:class:`Scenario`. The truth conventions are described in
:mod:`coach.synth.scenarios`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from coach.landmarks import Side
from coach.pose import PoseFrame
from coach.synth.body import BodyDims
from coach.synth.camera import Camera

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Span:
    """A labelled time span (seconds, same clock as the frames)."""

    label: str
    start: float
    end: float
    side: str | None = None
    kind: str | None = None

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    def contains(self, t: float) -> bool:
        return self.start <= t <= self.end


@dataclass(frozen=True)
class LiftTruth:
    """One lift: its kind and times and the measures of the clean motion.

    Measures are taken from the noise-free 3D skeleton over the lift:
    ``knee_flexion_deg`` (max, mean of both knees), ``trunk_flexion_deg``
    (max, hip-midpoint to shoulder-midpoint from vertical),
    ``hip_flexion_deg`` (max, shoulder-hip-knee), ``hand_distance_m`` /
    ``hand_distance_frac`` (horizontal wrist midpoint to ankle midpoint at the
    bottom, metres / fraction of stature), ``hand_height_m`` (wrist midpoint
    above the floor at the bottom), ``twist_deg`` (max absolute shoulder-line
    against hip-line rotation in the horizontal plane)."""

    kind: str
    start: float
    bottom: float
    end: float
    knee_flexion_deg: float
    trunk_flexion_deg: float
    hip_flexion_deg: float
    hand_distance_m: float
    hand_distance_frac: float
    hand_height_m: float
    twist_deg: float
    faults: frozenset[str]
    ambiguous_faults: frozenset[str]


@dataclass(frozen=True)
class Truth:
    """What a correct analyzer should conclude (see the module docstring)."""

    exercise: str | None
    count: int
    good_count: int
    hold_s: float
    good_hold_s: float
    faults: frozenset[str]
    ambiguous_faults: frozenset[str]
    view: str
    near_side: Side | None
    sides: tuple[str, ...] = ()
    lift_kinds: tuple[str, ...] = ()
    lifts: tuple[LiftTruth, ...] = ()
    reps: tuple[Span, ...] = ()
    phases: tuple[Span, ...] = ()
    fault_spans: tuple[Span, ...] = ()
    judgeable: bool = True
    params: Mapping[str, float] = field(default_factory=dict)

    def phase_at(self, t: float) -> Span | None:
        """The truth phase span containing time ``t`` (None outside)."""
        for span in self.phases:
            if span.contains(t):
                return span
        return None

    def faults_at(self, t: float) -> frozenset[str]:
        """Fault codes whose truth span contains ``t``."""
        return frozenset(s.label for s in self.fault_spans if s.contains(t))


@dataclass(frozen=True, eq=False)
class Scenario:
    """A generated sequence: its ``frames`` (what a pose backend would give,
    with noise if asked), ground ``truth`` and how it was made.

    ``clean_times`` / ``clean_world`` are the full-rate, noise-free timestamps
    and (T, 33, 3) skeleton in the internal world frame (metres, y up, floor
    y = 0); ``kept`` maps each frame to its row there (frames dropped by the
    noise model are missing)."""

    name: str
    exercise: str | None
    frames: tuple[PoseFrame, ...]
    truth: Truth
    camera: Camera
    dims: BodyDims
    fps: float
    clean_times: FloatArray
    clean_world: FloatArray
    kept: NDArray[np.int64]

    @property
    def start(self) -> float:
        return float(self.clean_times[0]) if self.clean_times.size else 0.0

    @property
    def end(self) -> float:
        return float(self.clean_times[-1]) if self.clean_times.size else 0.0

    @property
    def duration_s(self) -> float:
        return self.end - self.start
