"""The knee-to-chest stretch scenario (:func:`knee_to_chest`) and its truth
thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from coach.synth.body import (
    BodyDims,
    Posture,
    PostureSeq,
    bilateral,
    supine_knee_bent_hip_flexion,
    supine_straight_leg_hip_flexion,
)
from coach.synth.camera import View, ViewKind, as_view
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios._common import (
    BREATH_DEG,
    DEFAULT_FPS,
    SWAY_DEG,
    _breath,
    _check_common,
    _check_range,
    _classify,
    _collect,
    _posture_values,
    _render,
    _rngs,
    _sway,
    _tempo,
    _Timeline,
)
from coach.synth.scenarios.types import Scenario, Span, Truth

KneeSide = Literal["left", "right", "both"]

# -- truth thresholds: (ambiguous from, clear from) ------------------------------------
KTC_CLOSE_FAULT = (110.0, 95.0)
"""Hip flexion (decreasing): >= 110-120 degrees brings the thigh to the chest;
95 or less is clearly not close."""
KTC_HEAD_FAULT = (10.0, 20.0)
"""Neck flexion lifting the head off the floor (degrees)."""
KTC_OTHER_LEG_FAULT = (10.0, 20.0)
"""Extra hip flexion of the resting leg (degrees)."""

KTC_START_REST_S = 2.0
"""Lying at rest before the first side (default of ``rest_s``)."""
KTC_PULL_S = 1.5
"""Drawing the knee in with the hands, before tempo variation."""
KTC_RELEASE_S = 1.5
"""Letting the leg back down."""
KTC_BETWEEN_S = 1.5
"""Rest between sides."""
KTC_OTHER_LEG_RAMP_S = 1.0
"""The resting leg lifts over the first second of the hold."""
KTC_REST_KNEE_DEG = 90.0
"""Resting with the knees bent, feet flat (the usual starting position)."""
KTC_PULL_ADDUCTION_DEG = 10.0
"""The pulled knee comes towards the midline (towards the chest, within reach
of both hands)."""
KTC_EXTENDED_ANKLE_DEG = -25.0
"""A straight leg lying on the floor: the foot relaxes into plantarflexion."""


def knee_to_chest(
    sides: Sequence[KneeSide] = ("left", "right"),
    *,
    hold_s: float = 20.0,
    hip_flexion_deg: float = 120.0,
    knee_flexion_deg: float = 115.0,
    head_lift_deg: float = 0.0,
    other_leg_lift_deg: float = 0.0,
    rest_legs: Literal["bent", "extended"] = "bent",
    rest_s: float = KTC_START_REST_S,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: View | ViewKind | str = "side",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """Single (or double) knee-to-chest stretch lying on the back.

    From rest (``rest_legs`` bent with the feet flat, or extended), pull one
    knee towards the chest with both hands around the shin (hip flexion
    ``hip_flexion_deg``: good >= 110-120, poor ~80), hold ``hold_s``, release,
    rest, then the next side. ``"both"`` pulls both knees, each hand on its
    own shin. ``head_lift_deg`` flexes the neck (head off the floor) while
    pulling; ``other_leg_lift_deg`` raises the resting leg during the hold.
    ``rest_s``: lying at rest before the first and after the last side.
    """
    _check_common(fps, t0)
    sides = tuple(sides)
    if not sides or any(s not in ("left", "right", "both") for s in sides):
        raise ValueError(f"sides must be a non-empty sequence of 'left', 'right', 'both', got {sides!r}")
    hold_s = _check_range("hold_s", hold_s, 0.5, 600.0)
    hip_target = _check_range("hip_flexion_deg", hip_flexion_deg, 30.0, 140.0)
    knee_target = _check_range("knee_flexion_deg", knee_flexion_deg, 30.0, 150.0)
    head_lift = _check_range("head_lift_deg", head_lift_deg, 0.0, 60.0)
    other_lift = _check_range("other_leg_lift_deg", other_leg_lift_deg, 0.0, 60.0)
    rest_s = _check_range("rest_s", rest_s, 0.0, 60.0)
    if rest_legs not in ("bent", "extended"):
        raise ValueError(f"rest_legs must be 'bent' or 'extended', got {rest_legs!r}")

    rng_body, rng_motion, rng_noise = _rngs(seed)
    body = dims if dims is not None else BodyDims.sample(rng_body)
    the_view = as_view(view)
    base = Posture(base="supine", arms="alongside", anchor="shoulders", trunk_pitch=90.0)
    if rest_legs == "bent":
        rest = {
            "foot_flat": 1.0,
            **bilateral(
                hip_flexion=supine_knee_bent_hip_flexion(body, KTC_REST_KNEE_DEG),
                knee_flexion=KTC_REST_KNEE_DEG,
                ankle=0.0,
            ),
        }
    else:
        rest = {
            "foot_flat": 0.0,
            **bilateral(
                hip_flexion=supine_straight_leg_hip_flexion(body), knee_flexion=0.0, ankle=KTC_EXTENDED_ANKLE_DEG
            ),
        }
    tl = _Timeline({**_posture_values(base), **rest}, t0)
    tl.hold(rest_s * _tempo(rng_motion), "setup")
    holds: list[Span] = []
    for i, side in enumerate(sides):
        pulled = ("l", "r") if side == "both" else (side[0],)
        pull: dict[str, float] = {"neck_flexion": head_lift}
        for s in pulled:
            pull[f"hip_flexion_{s}"] = hip_target
            pull[f"knee_flexion_{s}"] = knee_target
            if side != "both":
                pull[f"hip_abduction_{s}"] = -KTC_PULL_ADDUCTION_DEG
        pull["grip_shins" if side == "both" else f"grip_shin_{side[0]}"] = 1.0
        tl.move(KTC_PULL_S * _tempo(rng_motion), pull, "pulling", side)
        h0 = tl.t
        if other_lift > 0 and side != "both":
            other = "r" if side == "left" else "l"
            ramp = min(KTC_OTHER_LEG_RAMP_S, hold_s)
            tl.move(ramp, {f"hip_flexion_{other}": rest[f"hip_flexion_{other}"] + other_lift}, "hold", side)
        tl.hold(h0 + hold_s - tl.t, "hold", side)
        holds.append(Span("hold", h0, h0 + hold_s, side))
        release = dict(rest)
        release.update(
            {
                "neck_flexion": 0.0,
                "grip_shins": 0.0,
                "grip_shin_l": 0.0,
                "grip_shin_r": 0.0,
                "hip_abduction_l": 0.0,
                "hip_abduction_r": 0.0,
            }
        )
        tl.move(KTC_RELEASE_S * _tempo(rng_motion), release, "release", side)
        tl.hold((KTC_BETWEEN_S if i < len(sides) - 1 else rest_s) * _tempo(rng_motion), "setup")

    times = tl.times(fps)
    values = tl.sample(times)
    values["neck_flexion"] = values["neck_flexion"] + _sway(rng_motion, times, SWAY_DEG)
    values["spine_flexion"] = values["spine_flexion"] + _breath(rng_motion, times, 0.5 * BREATH_DEG)
    for s in ("l", "r"):
        grip = np.clip(values[f"grip_shin_{s}"] + values["grip_shins"], 0.0, 1.0)
        values[f"hip_flexion_{s}"] = values[f"hip_flexion_{s}"] + grip * _sway(rng_motion, times, 1.5 * SWAY_DEG)
    seq = PostureSeq(base.base, base.arms, base.anchor, values)

    other_level = _classify(other_lift, KTC_OTHER_LEG_FAULT) if any(s != "both" for s in sides) else None
    levels: list[tuple[str, str | None]] = [
        ("knee_not_close", _classify(hip_target, KTC_CLOSE_FAULT)),
        ("head_lifted", _classify(head_lift, KTC_HEAD_FAULT)),
        ("other_leg_lifted", other_level),
    ]
    clear, amb = _collect(levels)
    other_delay = min(KTC_OTHER_LEG_RAMP_S, hold_s) / 2.0  # the resting leg rises over the ramp

    def applies(code: str, hold: Span) -> bool:
        return not (code == "other_leg_lifted" and hold.side == "both")

    def onset(code: str, hold: Span) -> float:
        return hold.start + (other_delay if code == "other_leg_lifted" else 0.0)

    fault_spans = tuple(
        Span(code, onset(code, h), h.end, h.side)
        for code, level in levels
        if level is not None
        for h in holds
        if applies(code, h)
    )
    good_per_hold = [min((onset(c, h) for c in clear if applies(c, h)), default=h.end) - h.start for h in holds]
    truth = Truth(
        exercise="knee_to_chest",
        count=len(holds),
        good_count=sum(1 for h in holds if not any(applies(c, h) for c in clear)),
        hold_s=hold_s * len(holds),
        good_hold_s=float(sum(good_per_hold)),
        faults=clear,
        ambiguous_faults=amb,
        view=the_view.kind,
        near_side=the_view.near_side,
        sides=sides,
        reps=tuple(holds),
        phases=tuple(tl.spans),
        fault_spans=fault_spans,
        params={
            "hold_s": hold_s,
            "hip_flexion_deg": hip_target,
            "knee_flexion_deg": knee_target,
            "head_lift_deg": head_lift,
            "other_leg_lift_deg": other_lift,
        },
    )
    return _render(
        name="knee_to_chest",
        exercise="knee_to_chest",
        seq=seq,
        times=times,
        dims=body,
        view=the_view,
        noise=noise,
        rng=rng_noise,
        fps=fps,
        truth=truth,
    )
