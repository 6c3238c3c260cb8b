"""Routines: several exercises in a row, with the truth of where each set
is (:func:`routine_track`, :func:`set_span`), for testing and measuring how
coach splits a recording into sets.

A set's truth span runs from the start of the first movement into the
exercise to the end of the last movement out of it (the truth phases of
:data:`SET_PHASES`): for a plank the hold, for a bridge from the first
rise to the last lowering, for a knee-to-chest from the first pull to the
last release, for a lift from the first descent to the last ascent.
Kneeling before a plank, lying still before the first bridge, standing
before the first lift, and the transitions and walking between exercises
belong to no set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from coach.pose import PoseFrame
from coach.synth.body import BodyDims
from coach.synth.camera import View
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios._common import _rngs
from coach.synth.scenarios.bridge import bridge_reps
from coach.synth.scenarios.demo import DEMO_GAP_S, demo_track
from coach.synth.scenarios.idle import standing_still, walking
from coach.synth.scenarios.knee_to_chest import knee_to_chest
from coach.synth.scenarios.lift import lift_sequence
from coach.synth.scenarios.plank import plank_hold
from coach.synth.scenarios.types import Scenario

SET_PHASES: Mapping[str, frozenset[str]] = {
    "plank": frozenset({"hold"}),
    "hip_bridge": frozenset({"rising", "top", "lowering"}),
    "knee_to_chest": frozenset({"pulling", "hold", "release"}),
    "lift": frozenset({"descending", "bottom", "ascending"}),
}
"""Truth phases that make up a set (see the module docstring)."""


def set_span(exercise: str, sc: Scenario) -> tuple[float, float] | None:
    """(start, end) of the set in scenario ``sc`` (None if it has none)."""
    phases = [p for p in sc.truth.phases if p.label in SET_PHASES.get(exercise, frozenset())]
    if not phases:
        return None
    return phases[0].start, phases[-1].end


@dataclass(frozen=True)
class TrueSet:
    exercise: str
    start: float
    end: float


@dataclass(frozen=True, eq=False)
class Routine:
    """A generated routine: its ``frames`` (one recording), the scenarios
    it was made of (``None`` for a transition) and the true sets."""

    name: str
    frames: tuple[PoseFrame, ...]
    segments: tuple[tuple[str | None, Scenario], ...]
    sets: tuple[TrueSet, ...]

    @property
    def duration_s(self) -> float:
        return self.frames[-1].t - self.frames[0].t if self.frames else 0.0


def _sets(segments: Sequence[tuple[str | None, Scenario]]) -> tuple[TrueSet, ...]:
    out = []
    for exercise, sc in segments:
        if exercise is None:
            continue
        span = set_span(exercise, sc)
        if span is not None:
            out.append(TrueSet(exercise, *span))
    return tuple(out)


def demo_routine(seed: int = 0, noise: NoiseConfig | None = None) -> Routine:
    """The ``coach demo`` track as one recording."""
    segments = tuple(demo_track(seed=seed, noise=noise))
    frames = tuple(f for _, sc in segments for f in sc.frames)
    return Routine(f"demo seed {seed}", frames, tuple(segments), _sets(segments))


Step = Callable[..., Scenario]

HOME_ROUTINE: tuple[str, ...] = ("knee_to_chest", "hip_bridge", "plank")
"""The home routine of the issue: knee-to-chest, bridges, then a plank."""
FULL_ROUTINE: tuple[str, ...] = ("knee_to_chest", "hip_bridge", "plank", "lift")


def _exercise(name: str, rng_pick: int) -> tuple[Step, dict[str, object]]:
    if name == "plank":
        return plank_hold, {"duration_s": 8.0 + 4.0 * (rng_pick % 3)}
    if name == "hip_bridge":
        return bridge_reps, {"n_reps": 3 + rng_pick % 3, "top_hold_s": 1.5}
    if name == "knee_to_chest":
        return knee_to_chest, {"sides": ("left", "right"), "hold_s": 6.0 + 2.0 * (rng_pick % 2)}
    if name == "lift":
        return lift_sequence, {"kinds": ("squat", "squat", "stoop")[: 2 + rng_pick % 2]}
    raise ValueError(f"no routine step for {name!r}")


def routine_track(
    exercises: Sequence[str] = HOME_ROUTINE,
    *,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: str = "side",
    between: str = "walk",
    gap_s: float = DEMO_GAP_S,
) -> Routine:
    """One body doing ``exercises`` in a row, filmed from ``view`` (floor
    exercises: side or oblique; a lift any view), with ``between`` each
    pair: ``"walk"`` (stand, walk about for 4 s, stand) or ``"rest"``
    (nothing: straight from one exercise into the next, as in the demo).
    Timestamps continue across segments, ``gap_s`` apart."""
    if between not in ("walk", "rest"):
        raise ValueError("between must be 'walk' or 'rest'")
    rng_body, _m, _n = _rngs(seed)
    body = BodyDims.sample(rng_body)
    cfg = NoiseConfig.jitter_only() if noise is None else noise
    segments: list[tuple[str | None, Scenario]] = []
    t = 0.0
    for i, name in enumerate(exercises):
        if i > 0 and between == "walk":
            for step, dur in ((standing_still, 1.5), (walking, 4.0), (standing_still, 1.5)):
                sc = step(dur, seed=seed * 100 + i * 10 + len(segments), noise=cfg, view="side" if step is walking
                          else "front", dims=body, t0=t)
                segments.append((None, sc))
                t = sc.end + gap_s
        gen, params = _exercise(name, seed + i)
        side = "left" if (seed + i) % 2 == 0 else "right"
        kind = view if (name == "lift" or view != "front") else "side"
        sc = gen(**params, seed=seed * 100 + i, noise=cfg, view=View(kind, side=side), dims=body, t0=t)  # type: ignore[arg-type]
        segments.append((name, sc))
        t = sc.end + gap_s
    frames = tuple(f for _, sc in segments for f in sc.frames)
    label = "-".join(exercises)
    return Routine(f"{label}/{view}/{between}/seed {seed}", frames, tuple(segments), _sets(segments))
