"""The hip bridge scenario (:func:`bridge_reps`): a four-bar linkage of
trunk, thigh and shank with the shoulders and feet planted, and its truth
thresholds."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from coach.landmarks import Side
from coach.synth.body import HIP_LYING_H, SHOULDER_LYING_H, BodyDims, Posture, PostureSeq
from coach.synth.camera import View, ViewKind, as_view
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios._common import (
    DEFAULT_FPS,
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
from coach.synth.scenarios.types import FloatArray, Scenario, Span, Truth

# -- truth thresholds: (ambiguous from, clear from) ------------------------------------
BRIDGE_LOW_FAULT = (8.0, 15.0)
"""Hip extension deficit at the top (degrees short of a straight
shoulder-hip-knee line)."""
BRIDGE_ARCH_FAULT = (6.0, 12.0)
"""Hips pushed above that line (degrees)."""
BRIDGE_FAR_FAULT = (108.0, 120.0)
"""Knee angle at the top: feet too far from the hips above ~115 degrees."""
BRIDGE_CLOSE_FAULT = (75.0, 62.0)
"""Knee angle at the top: feet too close below ~65 degrees (decreasing)."""
BRIDGE_UNEVEN_FAULT = (5.0, 10.0)
"""Pelvis roll (degrees): 10 degrees lowers one hip ~3 cm below the other."""

BRIDGE_MOVE_S = 1.1
"""Raising (and lowering) the pelvis takes about a second."""
BRIDGE_START_REST_S = 2.0
"""Lying still before the first rep (the analyzer sees the start position)."""
BRIDGE_END_REST_S = 1.5
"""Lying still after the last rep (at least ``rest_s``)."""
BRIDGE_TOP_PITCH_DEG = 115.0
"""Picks the top-pose branch: the trunk rises ~25 degrees from the floor."""


@dataclass(frozen=True)
class _BridgeGeometry:
    """The sagittal four-bar of a bridge (supine base frame, x towards the
    feet, y up): shoulders and feet fixed on the floor, the trunk, thigh and
    shank rigid; the hip height drives the rest."""

    shoulder: tuple[float, float]
    ankle: tuple[float, float]
    hip_rest_y: float
    hip_top_y: float
    trunk: float
    thigh: float
    shank: float


def _bridge_geometry(dims: BodyDims, top_hip_flexion: float, top_knee_flexion: float) -> _BridgeGeometry:
    """Solve the top pose: with pitch p, hip flexion f and knee flexion k the
    ankle height above the shoulders is
    ``-(T + a cos f + b cos(f-k)) cos p + (a sin f + b sin(f-k)) sin p``;
    it must equal the ankle height minus the lying shoulder height."""
    tr, a, b = dims.trunk, dims.thigh, dims.shank
    f, k = math.radians(top_hip_flexion), math.radians(top_knee_flexion)
    ca = -(tr + a * math.cos(f) + b * math.cos(f - k))
    cb = a * math.sin(f) + b * math.sin(f - k)
    d = dims.ankle_height - SHOULDER_LYING_H
    radius = math.hypot(ca, cb)
    psi = math.atan2(cb, ca)
    spread = math.acos(max(-1.0, min(1.0, d / radius)))
    candidates = [(psi + spread) % (2 * math.pi), (psi - spread) % (2 * math.pi)]
    pitch = min(candidates, key=lambda p: abs(p - math.radians(BRIDGE_TOP_PITCH_DEG)))
    s = np.array([0.0, SHOULDER_LYING_H])

    def seg(angle: float) -> FloatArray:
        return np.array([math.sin(angle), -math.cos(angle)])

    hip = s + tr * seg(pitch)
    knee = hip + a * seg(pitch + f)
    ankle = knee + b * seg(pitch + f - k)
    return _BridgeGeometry(
        shoulder=(float(s[0]), float(s[1])),
        ankle=(float(ankle[0]), float(ankle[1])),
        hip_rest_y=HIP_LYING_H,
        hip_top_y=float(hip[1]),
        trunk=tr,
        thigh=a,
        shank=b,
    )


def _bridge_angles(
    geo: _BridgeGeometry, lift: FloatArray, roll_deg: FloatArray, half_hip: float
) -> dict[str, FloatArray]:
    """Trunk pitch and per-side hip and knee flexion (deg) for hip
    elevations 0..1 and a pelvis roll (``roll_deg``, positive lowers the left
    hip): each side's hip joint sits off the hip midpoint by the roll, and
    each knee is solved so both feet stay planted."""
    sx, sy = geo.shoulder
    h = geo.hip_rest_y + np.clip(lift, -0.2, 1.2) * (geo.hip_top_y - geo.hip_rest_y)
    sin_t = np.clip((h - sy) / geo.trunk, -1.0, 1.0)
    hip_mid = np.stack([sx + geo.trunk * np.sqrt(1.0 - sin_t**2), sy + geo.trunk * sin_t], axis=1)

    def angle_of(v: FloatArray) -> FloatArray:
        return np.asarray(np.arctan2(v[:, 0], -v[:, 1]))

    pitch = angle_of(hip_mid - np.array([sx, sy]))
    out: dict[str, FloatArray] = {"trunk_pitch": np.degrees(pitch)}
    ankle = np.array(geo.ankle)
    a, b = geo.thigh, geo.shank
    roll = np.radians(roll_deg)
    for s, lat in (("l", -1.0), ("r", 1.0)):
        off = lat * half_hip * np.sin(roll)
        hip = hip_mid + off[:, None] * np.stack([np.cos(pitch), np.sin(pitch)], axis=1)
        to_ankle = ankle - hip
        dist = np.linalg.norm(to_ankle, axis=1)
        dc = np.clip(dist, abs(a - b) + 1e-6, (a + b) * (1 - 1e-9))
        along = (a * a - b * b + dc * dc) / (2 * dc)
        up = np.sqrt(np.maximum(a * a - along * along, 0.0))
        u = to_ankle / dist[:, None]
        n = np.stack([-u[:, 1], u[:, 0]], axis=1)
        n = np.where((n[:, 1] < 0)[:, None], -n, n)  # the knee bends upwards
        knee = hip + u * along[:, None] + n * up[:, None]
        thigh = angle_of(knee - hip)
        shank = angle_of(ankle - knee)
        out[f"hip_flexion_{s}"] = np.degrees(np.unwrap(thigh - pitch))
        out[f"knee_flexion_{s}"] = np.degrees(np.unwrap(thigh - shank))
    return out


def bridge_reps(
    n_reps: int = 5,
    *,
    top_hold_s: float = 2.0,
    hip_extension_deficit_deg: float = 0.0,
    overarch_deg: float = 0.0,
    knee_angle_deg: float = 90.0,
    uneven_deg: float = 0.0,
    lower_side: Side = "right",
    rest_s: float = 1.0,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: View | ViewKind | str = "side",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """Hip bridges: lying on the back, knees bent and feet flat, lift the
    pelvis to a straight shoulder-hip-knee line, hold ``top_hold_s``, lower,
    rest ``rest_s``; ``n_reps`` times, starting and ending at rest.

    Shoulders and feet stay planted (a four-bar linkage). At the top the
    shoulder-hip-knee angle is 180 - ``hip_extension_deficit_deg`` with the
    hips below the line, or 180 - ``overarch_deg`` with the hips above it;
    the knee angle (hip-knee-ankle) is ``knee_angle_deg`` (90 normal, > 115
    feet too far, < 65 too close). ``uneven_deg`` rolls the pelvis at the top
    so the ``lower_side`` hip is lower (seen best from the front).
    """
    _check_common(fps, t0)
    if not 0 <= int(n_reps) <= 100:
        raise ValueError(f"n_reps must be 0-100, got {n_reps}")
    n_reps = int(n_reps)
    top_hold_s = _check_range("top_hold_s", top_hold_s, 0.0, 120.0)
    deficit = _check_range("hip_extension_deficit_deg", hip_extension_deficit_deg, 0.0, 60.0)
    overarch = _check_range("overarch_deg", overarch_deg, 0.0, 40.0)
    if deficit > 0 and overarch > 0:
        raise ValueError("give hip_extension_deficit_deg or overarch_deg, not both")
    knee_angle = _check_range("knee_angle_deg", knee_angle_deg, 45.0, 150.0)
    uneven = _check_range("uneven_deg", uneven_deg, 0.0, 30.0)
    if lower_side not in ("left", "right"):
        raise ValueError(f"lower_side must be 'left' or 'right', got {lower_side!r}")
    rest_s = _check_range("rest_s", rest_s, 0.0, 60.0)

    rng_body, rng_motion, rng_noise = _rngs(seed)
    body = dims if dims is not None else BodyDims.sample(rng_body)
    the_view = as_view(view)
    geo = _bridge_geometry(body, deficit - overarch, 180.0 - knee_angle)

    tl = _Timeline({"lift": 0.0}, t0)
    tl.hold(BRIDGE_START_REST_S * _tempo(rng_motion), "down")
    reps: list[Span] = []
    tops: list[Span] = []
    for _ in range(n_reps):
        r0, _r = tl.move(BRIDGE_MOVE_S * _tempo(rng_motion), {"lift": 1.0}, "rising")
        top = tl.hold(top_hold_s, "top")
        _l, r1 = tl.move(BRIDGE_MOVE_S * _tempo(rng_motion), {"lift": 0.0}, "lowering")
        reps.append(Span("rep", r0, r1))
        tops.append(Span("top", *top))
        tl.hold(rest_s * _tempo(rng_motion), "down")
    tl.hold(max(0.0, BRIDGE_END_REST_S - rest_s), "down")

    times = tl.times(fps)
    lift = tl.sample(times)["lift"]
    lift = lift + np.clip(lift, 0.0, 1.0) * _sway(rng_motion, times, 0.015)
    roll = (1.0 if lower_side == "left" else -1.0) * uneven * np.clip(lift, 0.0, 1.0)
    ang = _bridge_angles(geo, lift, roll, body.hip_width / 2.0)
    base = Posture(base="supine", arms="alongside", anchor="shoulders", foot_flat=1.0)
    values = {k: np.full(times.size, v) for k, v in _posture_values(base).items()}
    values.update(ang)
    values["pelvis_rotation"] = roll
    values["trunk_twist"] = -roll
    # the head stays resting on the floor: the neck flexes as the trunk tilts
    rest_pitch = float(_bridge_angles(geo, np.zeros(1), np.zeros(1), 0.0)["trunk_pitch"][0])
    values["neck_flexion"] = np.maximum(ang["trunk_pitch"] - rest_pitch, 0.0) + _sway(rng_motion, times, SWAY_DEG)
    seq = PostureSeq(base.base, base.arms, base.anchor, values)

    uneven_level = _classify(uneven, BRIDGE_UNEVEN_FAULT)
    if uneven_level == "clear" and the_view.kind == "side":
        uneven_level = "ambiguous"  # one hip hides the other in a side view
    levels: list[tuple[str, str | None]] = [
        ("hips_too_low", _classify(deficit, BRIDGE_LOW_FAULT)),
        ("back_overarched", _classify(overarch, BRIDGE_ARCH_FAULT)),
        ("feet_too_far", _classify(knee_angle, BRIDGE_FAR_FAULT)),
        ("feet_too_close", _classify(knee_angle, BRIDGE_CLOSE_FAULT)),
        ("hips_uneven", uneven_level),
    ]
    clear, amb = _collect(levels)
    fault_spans = tuple(Span(code, s.start, s.end) for code, level in levels if level is not None for s in tops)
    truth = Truth(
        exercise="hip_bridge",
        count=n_reps,
        good_count=0 if clear else n_reps,
        hold_s=0.0,
        good_hold_s=0.0,
        faults=clear,
        ambiguous_faults=amb,
        view=the_view.kind,
        near_side=the_view.near_side,
        sides=(the_view.side,) if the_view.near_side else ("left", "right"),
        reps=tuple(reps),
        phases=tuple(tl.spans),
        fault_spans=fault_spans,
        params={
            "n_reps": float(n_reps),
            "top_hold_s": top_hold_s,
            "hip_extension_deficit_deg": deficit,
            "overarch_deg": overarch,
            "knee_angle_deg": knee_angle,
            "uneven_deg": uneven,
            "hip_rise_m": geo.hip_top_y - geo.hip_rest_y,
        },
    )
    return _render(
        name="bridge_reps",
        exercise="hip_bridge",
        seq=seq,
        times=times,
        dims=body,
        view=the_view,
        noise=noise,
        rng=rng_noise,
        fps=fps,
        truth=truth,
    )
