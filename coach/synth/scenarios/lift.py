"""The lifting scenario (:func:`lift_sequence`): squat, stoop, reach and
twist lifts of a box from the floor, their measures and truth
thresholds."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from coach.landmarks import Landmark
from coach.synth.body import BodyDims, Posture, PostureSeq, bilateral, solve
from coach.synth.camera import View, ViewKind, as_view
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios._common import (
    DEFAULT_FPS,
    STAND_ARMS,
    SWAY_DEG,
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
from coach.synth.scenarios.types import FloatArray, LiftTruth, Scenario, Span, Truth

LiftKind = Literal["squat", "stoop", "reach", "twist"]
LIFT_KINDS: tuple[LiftKind, ...] = ("squat", "stoop", "reach", "twist")

# -- truth thresholds: (ambiguous from, clear from) ------------------------------------
LIFT_KNEES_STRAIGHT_FAULT = ((40.0, 40.0), (25.0, 50.0))
"""(knee flexion below, trunk flexion above) for (ambiguous, clear): a stoop
bends the trunk with the knees nearly straight (< 20-25 degrees)."""
LIFT_BACK_FAULT = (54.0, 66.0)
"""Trunk flexion from vertical (degrees); ergonomic methods (RULA, REBA,
OWAS) put the highest risk band beyond 60 degrees."""
LIFT_LOAD_FAR_FAULT = (0.26, 0.33)
"""Horizontal hand distance from the ankle midpoint as a fraction of
stature (NIOSH H; 0.30 H ~ 51 cm at 1.70 m halves the acceptable load)."""
LIFT_TWIST_FAULT = (18.0, 30.0)
"""Shoulders rotated against the hips (degrees, horizontal plane)."""


@dataclass(frozen=True)
class _LiftStyle:
    """How one kind of lift looks at the bottom. The trunk pitch is solved
    within ``pitch_range`` (the least bend that lets the hands reach the box
    with the elbows slightly bent)."""

    knee_flexion: float
    shank_tilt: float
    pitch_range: tuple[float, float]
    spine_flexion: float
    twist: float
    box_distance_frac: float
    box_angle: float
    hip_abduction: float


LIFT_STYLES: dict[str, _LiftStyle] = {
    # knees 90-120, trunk 20-45 (shank forward ~35 deg, heels down, knees apart)
    "squat": _LiftStyle(120.0, 35.0, (15.0, 45.0), 5.0, 0.0, 0.175, 0.0, 12.0),
    # knees nearly straight (< 20 deg), trunk 70-100 with lumbar rounding
    "stoop": _LiftStyle(18.0, 6.0, (45.0, 95.0), 25.0, 0.0, 0.175, 0.0, 0.0),
    # load far in front: half squat, more trunk flexion
    "reach": _LiftStyle(65.0, 18.0, (25.0, 85.0), 12.0, 0.0, 0.34, 0.0, 5.0),
    # box 45 deg to the left; shoulders turned 42 deg against the hips. The
    # trunk stays fairly upright (deep squat): the more it bends forwards, the
    # less of an axial twist shows as rotation in the horizontal plane.
    "twist": _LiftStyle(118.0, 34.0, (15.0, 40.0), 6.0, 42.0, 0.19, 45.0, 10.0),
}
"""Box distances are fractions of stature from the ankle midpoint to the
hands (0.175 H ~ 30 cm: a box just in front of the toes; 0.34 H ~ 58 cm:
NIOSH H well beyond 0.30 H). The reach distance is capped at 0.62 m."""
REACH_MAX_M = 0.62
"""The default reach distance is capped near the NIOSH H limit (63 cm)."""
REACH_FRACTION = 0.97
"""The hands reach the box with the elbows slightly bent: 97 % of the arm."""
BOX_SPREAD_M = 0.34
"""Hands on the handles of a ~35 cm wide box."""
CARRY_HEIGHT_FRAC = 0.56
"""The box is carried just above hip height (0.53 H)."""
CARRY_DISTANCE_FRAC = 0.17
"""...about 29 cm in front of the ankles for a 1.71 m body."""
BOTTOM_ARM_HINT = {**bilateral(shoulder_flexion=40.0, elbow_flexion=15.0)}
"""Arm angles at the bottom before the hands are pulled to the box: they set
which way the elbows bend (backwards-outwards) in the arm IK."""
LIFT_STAND_S = 1.2
"""Standing still before each lift (and at the end): the analyzer's baseline."""
LIFT_DESCEND_S = 1.3
"""Going down to the box, before tempo variation."""
LIFT_BOTTOM_S = 0.6
"""Gripping the box at the bottom."""
LIFT_ASCEND_S = 1.4
"""Coming up with the load (a little slower than going down)."""
LIFT_CARRY_S = 1.0
"""Standing with the load."""
LIFT_RELEASE_S = 0.8
"""Handing the box over: the arms return to the sides."""


def _box_point(dims: BodyDims, distance: float, angle_deg: float, height: float) -> tuple[float, float, float]:
    a = math.radians(angle_deg)
    return (distance * math.cos(a), height, -distance * math.sin(a))


def _solve_bottom(
    dims: BodyDims, base: Posture, style: _LiftStyle, box: tuple[float, float, float]
) -> dict[str, float]:
    """Bottom posture: pick the least trunk pitch in the style's range that
    lets both hands reach their handle (evaluated with the full FK)."""
    knee = style.knee_flexion
    tilt = style.shank_tilt
    grid = np.arange(style.pitch_range[0], style.pitch_range[1] + 0.25, 0.5)
    bottom = _posture_values(base)
    bottom.update(
        {
            "spine_flexion": style.spine_flexion,
            "trunk_twist": style.twist,
            **bilateral(knee_flexion=knee, hip_abduction=style.hip_abduction),
            **BOTTOM_ARM_HINT,
        }
    )
    cols = {k: np.full(grid.size, v) for k, v in bottom.items()}
    cols["trunk_pitch"] = grid
    hip = knee - tilt + grid  # thigh angle (knee - tilt) plus the pelvis pitch
    cols["hip_flexion_l"] = hip
    cols["hip_flexion_r"] = hip
    kin = solve(PostureSeq(base.base, base.arms, base.anchor, cols), dims)
    pts = kin.points
    sh_l, sh_r = pts[:, Landmark.LEFT_SHOULDER], pts[:, Landmark.RIGHT_SHOULDER]
    lat = sh_r - sh_l
    lat[:, 1] = 0.0
    lat /= np.maximum(np.linalg.norm(lat, axis=1, keepdims=True), 1e-12)
    target = np.asarray(box)
    d_l = np.linalg.norm(target - lat * BOX_SPREAD_M / 2 - sh_l, axis=1)
    d_r = np.linalg.norm(target + lat * BOX_SPREAD_M / 2 - sh_r, axis=1)
    need = np.maximum(d_l, d_r)
    ok = need <= REACH_FRACTION * dims.arm_length
    i = int(np.argmax(ok)) if ok.any() else int(np.argmin(need))
    bottom["trunk_pitch"] = float(grid[i])
    bottom["hip_flexion_l"] = bottom["hip_flexion_r"] = float(hip[i])
    return bottom


def _lift_measures(
    world: FloatArray, times: FloatArray, span: Span, bottom_t: float, stature: float
) -> dict[str, float]:
    sel = (times >= span.start) & (times <= span.end)
    w = world[sel]

    def mid(a: Landmark, b: Landmark) -> FloatArray:
        return np.asarray((w[:, a] + w[:, b]) / 2.0)

    def flex(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
        u, v = a - b, c - b
        cos = np.sum(u * v, axis=1) / np.maximum(np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1), 1e-12)
        return np.asarray(180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))

    sh = mid(Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    hp = mid(Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    trunk = sh - hp
    trunk_flex = np.degrees(np.arccos(np.clip(trunk[:, 1] / np.linalg.norm(trunk, axis=1), -1.0, 1.0)))
    knee = (
        flex(w[:, Landmark.LEFT_HIP], w[:, Landmark.LEFT_KNEE], w[:, Landmark.LEFT_ANKLE])
        + flex(w[:, Landmark.RIGHT_HIP], w[:, Landmark.RIGHT_KNEE], w[:, Landmark.RIGHT_ANKLE])
    ) / 2.0
    hipf = (
        flex(w[:, Landmark.LEFT_SHOULDER], w[:, Landmark.LEFT_HIP], w[:, Landmark.LEFT_KNEE])
        + flex(w[:, Landmark.RIGHT_SHOULDER], w[:, Landmark.RIGHT_HIP], w[:, Landmark.RIGHT_KNEE])
    ) / 2.0
    s_line = w[:, Landmark.RIGHT_SHOULDER] - w[:, Landmark.LEFT_SHOULDER]
    h_line = w[:, Landmark.RIGHT_HIP] - w[:, Landmark.LEFT_HIP]
    twist = np.degrees(np.arctan2(s_line[:, 2], s_line[:, 0]) - np.arctan2(h_line[:, 2], h_line[:, 0]))
    twist = (twist + 180.0) % 360.0 - 180.0
    ib = int(np.argmin(np.abs(times - bottom_t)))
    wb = world[ib]
    hands = (wb[Landmark.LEFT_WRIST] + wb[Landmark.RIGHT_WRIST]) / 2.0
    ankles = (wb[Landmark.LEFT_ANKLE] + wb[Landmark.RIGHT_ANKLE]) / 2.0
    dist = float(math.hypot(hands[0] - ankles[0], hands[2] - ankles[2]))
    return {
        "knee_flexion_deg": float(knee.max()),
        "trunk_flexion_deg": float(trunk_flex.max()),
        "hip_flexion_deg": float(hipf.max()),
        "hand_distance_m": dist,
        "hand_distance_frac": dist / stature,
        "hand_height_m": float(hands[1]),
        "twist_deg": float(np.abs(twist).max()),
    }


def _lift_levels(m: Mapping[str, float], view: ViewKind) -> list[tuple[str, str | None]]:
    (k_amb, t_amb), (k_clear, t_clear) = LIFT_KNEES_STRAIGHT_FAULT
    knee, trunk = m["knee_flexion_deg"], m["trunk_flexion_deg"]
    if knee < k_clear and trunk > t_clear:
        knees: str | None = "clear"
    elif knee < k_amb and trunk > t_amb:
        knees = "ambiguous"
    else:
        knees = None
    twist = _classify(m["twist_deg"], LIFT_TWIST_FAULT)
    if twist == "clear" and view == "side":
        twist = "ambiguous"  # a side view sees the twist end-on: only depth (z) shows it
    return [
        ("knees_straight", knees),
        ("back_rounded", _classify(trunk, LIFT_BACK_FAULT)),
        ("load_far", _classify(m["hand_distance_frac"], LIFT_LOAD_FAR_FAULT)),
        ("twisting", twist),
    ]


def lift_sequence(
    kinds: Sequence[LiftKind] = ("squat", "stoop"),
    *,
    box_height_m: float = 0.25,
    reach_cm: float | None = None,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: View | ViewKind | str = "side",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """Lifts of a box from the floor, one per entry of ``kinds``.

    Each: stand, descend to the box (hands at ``box_height_m``, the handle
    height), grip at the bottom, ascend with the load to a carry position
    just above hip height, stand holding it, hand it over (the arms return).

    * squat: knee flexion ~120, knees apart, trunk (pelvis) pitch 15-45
      degrees (hip-shoulder line ~50 from vertical);
    * stoop: knees ~18 degrees, trunk beyond horizontal with lumbar rounding
      (hip-shoulder line ~100-110 from vertical for a box on the floor);
    * reach: the box far in front (``reach_cm``, default 0.34 stature,
      at most 62 cm, from the ankle midpoint to the hands), half squat;
    * twist: the box 45 degrees to the left, deep squat, shoulders turned
      42 degrees against the hips (~30-33 degrees in the horizontal plane).

    ``reach_cm`` also overrides the box distance of the other kinds. The
    trunk bend is solved so the hands reach the box (if it cannot be reached
    within the kind's range, the arms reach straight towards it and the
    hands stop a few cm short). The truth reports the measured angles and
    distances per lift (:class:`LiftTruth`); their faults follow the
    ``LIFT_*_FAULT`` thresholds. A side view cannot see a twist except
    through depth, so there ``twisting`` is only ambiguous.
    """
    _check_common(fps, t0)
    kinds = tuple(kinds)
    if any(k not in LIFT_STYLES for k in kinds):
        raise ValueError(f"unknown lift kind in {kinds!r}; expected {', '.join(LIFT_KINDS)}")
    box_height = _check_range("box_height_m", box_height_m, 0.05, 0.6)
    reach_m = None if reach_cm is None else _check_range("reach_cm", reach_cm, 15.0, 70.0) / 100.0

    rng_body, rng_motion, rng_noise = _rngs(seed)
    body = dims if dims is not None else BodyDims.sample(rng_body)
    the_view = as_view(view)
    base = Posture(base="standing", arms="angles", anchor="feet", foot_flat=1.0, grip_spread=BOX_SPREAD_M)
    stand = {**_posture_values(base), **STAND_ARMS}
    carry = _box_point(body, CARRY_DISTANCE_FRAC * body.stature, 0.0, CARRY_HEIGHT_FRAC * body.stature)
    tl = _Timeline(stand, t0)
    plan: list[tuple[str, Span, float]] = []
    for kind in kinds:
        style = LIFT_STYLES[kind]
        dist = style.box_distance_frac * body.stature
        if kind == "reach":
            dist = min(dist, REACH_MAX_M) if reach_m is None else reach_m
        elif reach_m is not None:
            dist = reach_m
        box = _box_point(body, dist, style.box_angle, box_height)
        at_box = {"grip_x": box[0], "grip_y": box[1], "grip_z": box[2]}
        tl.move(LIFT_STAND_S * _tempo(rng_motion), {**STAND_ARMS, **at_box, "grip_point": 0.0}, "standing")
        bottom = _solve_bottom(body, base, style, box)
        bottom.update({**at_box, "grip_point": 1.0, "grip_spread": BOX_SPREAD_M})
        d0, _d1 = tl.move(LIFT_DESCEND_S * _tempo(rng_motion), bottom, "descending")
        b0, b1 = tl.hold(LIFT_BOTTOM_S * _tempo(rng_motion), "bottom")
        up = dict(stand)
        up.update({"grip_x": carry[0], "grip_y": carry[1], "grip_z": carry[2], "grip_point": 1.0})
        _a0, a1 = tl.move(LIFT_ASCEND_S * _tempo(rng_motion), up, "ascending")
        tl.hold(LIFT_CARRY_S * _tempo(rng_motion), "standing")
        tl.move(LIFT_RELEASE_S * _tempo(rng_motion), {"grip_point": 0.0}, "standing")
        plan.append((kind, Span("lift", d0, a1, kind=kind), (b0 + b1) / 2.0))
    tl.hold(LIFT_STAND_S * _tempo(rng_motion), "standing")

    times = tl.times(fps)
    values = tl.sample(times)
    values["trunk_pitch"] = values["trunk_pitch"] + _sway(rng_motion, times, 0.7 * SWAY_DEG)
    values["trunk_lean"] = values["trunk_lean"] + _sway(rng_motion, times, 0.5 * SWAY_DEG)
    values["neck_flexion"] = values["neck_flexion"] + _sway(rng_motion, times, SWAY_DEG)
    seq = PostureSeq(base.base, base.arms, base.anchor, values)
    world = solve(seq, body).points

    lifts: list[LiftTruth] = []
    for done_kind, span, bottom_t in plan:
        m = _lift_measures(world, times, span, bottom_t, body.stature)
        clear, amb = _collect(_lift_levels(m, the_view.kind))
        lifts.append(
            LiftTruth(
                kind=done_kind, start=span.start, bottom=bottom_t, end=span.end, faults=clear, ambiguous_faults=amb, **m
            )
        )
    all_clear = frozenset().union(*(lt.faults for lt in lifts)) if lifts else frozenset()
    all_amb = frozenset().union(*(lt.ambiguous_faults for lt in lifts)) - all_clear if lifts else frozenset()
    fault_spans = tuple(
        Span(code, lt.start, lt.end, kind=lt.kind) for lt in lifts for code in sorted(lt.faults | lt.ambiguous_faults)
    )
    truth = Truth(
        exercise="lift",
        count=len(lifts),
        good_count=sum(1 for lt in lifts if not lt.faults),
        hold_s=0.0,
        good_hold_s=0.0,
        faults=all_clear,
        ambiguous_faults=frozenset(all_amb),
        view=the_view.kind,
        near_side=the_view.near_side,
        sides=(the_view.side,) if the_view.near_side else ("left", "right"),
        lift_kinds=kinds,
        lifts=tuple(lifts),
        reps=tuple(span for _k, span, _b in plan),
        phases=tuple(tl.spans),
        fault_spans=fault_spans,
        params={"box_height_m": box_height, "n_lifts": float(len(kinds))},
    )
    return _render(
        name="lift_sequence",
        exercise="lift",
        seq=seq,
        times=times,
        dims=body,
        view=the_view,
        noise=noise,
        rng=rng_noise,
        fps=fps,
        truth=truth,
    )

