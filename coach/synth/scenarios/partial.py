"""A scenario filmed too close (:func:`partial_body`): the framing cuts the
body off, so the exercise cannot be judged."""

from __future__ import annotations

from coach.synth.body import BodyDims
from coach.synth.camera import Cut, View, ViewKind
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios._common import DEFAULT_FPS, EXERCISES
from coach.synth.scenarios.bridge import bridge_reps
from coach.synth.scenarios.idle import standing_still
from coach.synth.scenarios.knee_to_chest import knee_to_chest
from coach.synth.scenarios.lift import lift_sequence
from coach.synth.scenarios.plank import plank_hold
from coach.synth.scenarios.types import Scenario, Span, Truth


def partial_body(
    exercise: str | None = "lift",
    cut: Cut = "knees",
    *,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: ViewKind = "side",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """The exercise's default scenario filmed too close: the framing cuts the
    body off at the knees (or hips), so the lower landmarks are outside the
    image with low visibility. The exercise cannot be judged: the truth
    expects ``not_visible`` and no reps, holds or lifts."""
    if cut not in ("knees", "hips"):
        raise ValueError(f"cut must be 'knees' or 'hips', got {cut!r}")
    the_view = View(kind=view, cut=cut)
    common = {"seed": seed, "noise": noise, "view": the_view, "dims": dims, "fps": fps, "t0": t0}
    if exercise == "plank":
        sc = plank_hold(10.0, **common)  # type: ignore[arg-type]
    elif exercise == "hip_bridge":
        sc = bridge_reps(3, **common)  # type: ignore[arg-type]
    elif exercise == "knee_to_chest":
        sc = knee_to_chest(("left",), hold_s=8.0, **common)  # type: ignore[arg-type]
    elif exercise == "lift":
        sc = lift_sequence(("squat",), **common)  # type: ignore[arg-type]
    elif exercise is None:
        sc = standing_still(8.0, **common)  # type: ignore[arg-type]
    else:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of {', '.join(EXERCISES)} or None")
    t = sc.truth
    truth = Truth(
        exercise=t.exercise,
        count=0,
        good_count=0,
        hold_s=0.0,
        good_hold_s=0.0,
        faults=frozenset({"not_visible"}) if exercise is not None else frozenset(),
        ambiguous_faults=frozenset(),
        view=t.view,
        near_side=t.near_side,
        sides=t.sides,
        lift_kinds=t.lift_kinds,
        lifts=(),
        reps=(),
        phases=t.phases,
        fault_spans=(Span("not_visible", sc.start, sc.end),) if exercise is not None else (),
        judgeable=False,
        params={**t.params, "intended_count": float(t.count)},
    )
    return Scenario(
        name=f"partial_body_{cut}",
        exercise=sc.exercise,
        frames=sc.frames,
        truth=truth,
        camera=sc.camera,
        dims=sc.dims,
        fps=sc.fps,
        clean_times=sc.clean_times,
        clean_world=sc.clean_world,
        kept=sc.kept,
    )

