"""Forward kinematics: where the landmarks sit on the segments, rotation
helpers, and :func:`solve`, which builds the skeleton from the pelvis
outwards and places it on the floor contacts of its base orientation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coach.landmarks import NUM_LANDMARKS, Landmark
from coach.synth.body.dims import (
    ARM_LYING_H,
    ELBOW_FLOOR_H,
    HIP_LYING_H,
    KNEE_FLOOR_H,
    SHOULDER_LYING_H,
    TOE_FLOOR_H,
    WRIST_FLOOR_H,
    BodyDims,
)
from coach.synth.body.posture import Anchor, Base, FloatArray, Posture, PostureSeq

# --------------------------------------------------------------------------------------
# Where the landmarks sit on the segments (fractions of the segment or of H).
# --------------------------------------------------------------------------------------
LUMBAR_FRAC = 0.45
"""The trunk bends (spine flexion) at 45 % of the hip-to-shoulder length,
about the thoracolumbar junction: the lumbar spine plus pelvis below, the
thoracic spine above. This lets a rounded back drop the shoulders below the
straight hip-shoulder line."""
NECK_PIVOT_FRAC = 0.25
"""The head pivots (neck flexion) a quarter of the way from the shoulder line
to the head centre (about C7), so a dropped head swings down and forwards."""
HEEL_BACK_FRAC = 0.20
"""Heel landmark (and heel contact) behind the ankle, as a fraction of the
foot length: the ankle joint sits about a fifth of the way from the heel."""
HEEL_DOWN_FRAC = 0.75
"""Heel landmark below the ankle, fraction of the ankle height (the landmark
is on the back of the heel, a little above the sole)."""
TOE_FWD_FRAC = 0.76
"""Foot-index landmark ahead of the ankle, fraction of the foot length."""
TOE_DOWN_FRAC = 0.80
"""Foot-index landmark below the ankle, fraction of the ankle height."""
HAND_INDEX_FRAC = 0.38
"""Index knuckle (MediaPipe's ``index``) along the hand from the wrist."""
HAND_PINKY_FRAC = 0.36
"""Little-finger knuckle (MediaPipe's ``pinky``) along the hand."""
HAND_THUMB_FRAC = 0.20
"""Thumb knuckle (MediaPipe's ``thumb``) along the hand."""
HAND_KNUCKLE_SPREAD = 0.45
"""Index and pinky knuckles sit +-0.45 hand breadths from the hand's axis."""
HAND_THUMB_SPREAD = 0.60
"""The thumb knuckle sits 0.6 hand breadths to the thumb side."""
FOREARM_INWARD_DEG = 10.0
"""In a forearm plank the forearms point forwards and slightly inwards."""
SHIN_GRIP_FRAC = 0.15
"""Hands holding a shin clasp it just below the knee (15 % down the shank)."""
SHIN_HALF_WIDTH_M = 0.02
"""Hands around a shin sit either side of it: half a hand breadth plus the
shin's own half width (~2 cm) off its axis."""
ARM_ALONGSIDE_ABDUCTION_DEG = 12.0
"""Lying on the back, the arms rest beside the body, slightly spread."""

# Face points on the head sphere, in units of the head radius, in the head
# frame (x forward, y up, z to the body's right; left points get z negated).
_FACE_POINTS: dict[Landmark, tuple[float, float, float]] = {
    Landmark.NOSE: (0.97, -0.22, 0.0),
    Landmark.LEFT_EYE_INNER: (0.86, 0.10, -0.11),
    Landmark.LEFT_EYE: (0.80, 0.10, -0.30),
    Landmark.LEFT_EYE_OUTER: (0.70, 0.10, -0.48),
    Landmark.RIGHT_EYE_INNER: (0.86, 0.10, 0.11),
    Landmark.RIGHT_EYE: (0.80, 0.10, 0.30),
    Landmark.RIGHT_EYE_OUTER: (0.70, 0.10, 0.48),
    Landmark.LEFT_EAR: (-0.05, 0.0, -0.97),
    Landmark.RIGHT_EAR: (-0.05, 0.0, 0.97),
    Landmark.MOUTH_LEFT: (0.82, -0.58, -0.22),
    Landmark.MOUTH_RIGHT: (0.82, -0.58, 0.22),
}
"""Eye spacing 0.6 radii ~ 6.2 cm (adult interpupillary distance ~6.3 cm);
the nose tip is the most forward point; the ears sit on the sides, a little
behind the head centre; the mouth corners are 0.58 radii below it."""
_CLEARANCE_EPS = 1e-6
"""Numerical slack (m) when checking that no contact candidate is below the floor."""


# --------------------------------------------------------------------------------------
# Rotation helpers (vectorised over frames: angles (T,) in radians -> (T, 3, 3))
# --------------------------------------------------------------------------------------
def _rot(axis: int, a: FloatArray) -> FloatArray:
    c, s = np.cos(a), np.sin(a)
    r = np.zeros((a.size, 3, 3))
    i, j = {0: (1, 2), 1: (2, 0), 2: (0, 1)}[axis]
    r[:, axis, axis] = 1.0
    r[:, i, i] = c
    r[:, j, j] = c
    r[:, i, j] = -s
    r[:, j, i] = s
    return r


def rot_x(a: FloatArray) -> FloatArray:
    """Rotation about x: +a tilts y (up) towards z (right)."""
    return _rot(0, a)


def rot_y(a: FloatArray) -> FloatArray:
    """Rotation about y: +a turns x (forward) towards -z (left)."""
    return _rot(1, a)


def rot_z(a: FloatArray) -> FloatArray:
    """Rotation about z: +a turns x (forward) towards y (up), i.e. swings a
    hanging segment forwards."""
    return _rot(2, a)


def _mv(r: FloatArray, v: FloatArray | Sequence[float]) -> FloatArray:
    """Rotate vector(s): ``r`` (T,3,3) times ``v`` (3,) or (T,3) -> (T,3)."""
    arr = np.asarray(v, dtype=np.float64)
    if arr.ndim == 1:
        return np.asarray(r @ arr)
    return np.einsum("tij,tj->ti", r, arr)


def _unit(v: FloatArray) -> FloatArray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.asarray(v / np.maximum(n, 1e-12))


def _reject(v: FloatArray, axis_unit: FloatArray) -> FloatArray:
    """Component of ``v`` perpendicular to the unit vector ``axis_unit``."""
    return np.asarray(v - np.sum(v * axis_unit, axis=-1, keepdims=True) * axis_unit)


# --------------------------------------------------------------------------------------
# Forward kinematics
# --------------------------------------------------------------------------------------
_SIDES: tuple[tuple[str, float], ...] = (("l", -1.0), ("r", 1.0))
"""Side suffix and its lateral sign (left = -z)."""


@dataclass
class _Rig:
    """Mutable scratch space of one FK solve (internal)."""

    pts: dict[str, FloatArray]
    rots: dict[str, FloatArray]
    thumbs: dict[str, FloatArray]

    def transform(self, r: FloatArray) -> None:
        """Rotate every point and frame about the origin by ``r`` (T,3,3)."""
        for k, p in self.pts.items():
            self.pts[k] = _mv(r, p)
        for k, m in self.rots.items():
            self.rots[k] = np.asarray(r @ m)
        for k, t in self.thumbs.items():
            self.thumbs[k] = _mv(r, t)

    def translate(self, shift: FloatArray) -> None:
        for k in self.pts:
            self.pts[k] = self.pts[k] + shift


def _core(seq: PostureSeq, dims: BodyDims) -> _Rig:
    """Joint centres and segment frames, pelvis at the origin, before contacts."""
    v = {k: np.radians(a) for k, a in seq.values.items()}
    sgn = 1.0 if seq.base == "supine" else -1.0
    r_leg = rot_z(sgn * v["trunk_pitch"])
    r_pelvis = r_leg @ rot_y(v["pelvis_rotation"])
    t = len(seq)
    pts: dict[str, FloatArray] = {"pelvis": np.zeros((t, 3))}
    rots: dict[str, FloatArray] = {"pelvis": r_pelvis}
    thumbs: dict[str, FloatArray] = {}
    for s, lat in _SIDES:
        hip = _mv(r_pelvis, [0.0, 0.0, lat * dims.hip_width / 2])
        # the legs do not roll with the pelvis (hip rotation compensates it)
        r_thigh = r_leg @ rot_z(v[f"hip_flexion_{s}"]) @ rot_x(-lat * v[f"hip_abduction_{s}"])
        knee = hip + _mv(r_thigh, [0.0, -dims.thigh, 0.0])
        r_shank = r_thigh @ rot_z(-v[f"knee_flexion_{s}"])
        ankle = knee + _mv(r_shank, [0.0, -dims.shank, 0.0])
        pts[f"hip_{s}"], pts[f"knee_{s}"], pts[f"ankle_{s}"] = hip, knee, ankle
        rots[f"shank_{s}"] = r_shank
    lumbar = _mv(r_pelvis, [0.0, LUMBAR_FRAC * dims.trunk, 0.0])
    r_upper = r_pelvis @ rot_z(-v["spine_flexion"]) @ rot_y(v["trunk_twist"]) @ rot_x(v["trunk_lean"])
    neck = lumbar + _mv(r_upper, [0.0, (1.0 - LUMBAR_FRAC) * dims.trunk, 0.0])
    r_head = r_upper @ rot_z(-v["neck_flexion"])
    head = (
        neck
        + _mv(r_upper, [0.0, NECK_PIVOT_FRAC * dims.head_neck, 0.0])
        + _mv(r_head, [0.0, (1.0 - NECK_PIVOT_FRAC) * dims.head_neck, 0.0])
    )
    pts["lumbar"], pts["neck"], pts["head"] = lumbar, neck, head
    rots["upper"], rots["head"] = r_upper, r_head
    for s, lat in _SIDES:
        shoulder = neck + _mv(r_upper, [0.0, 0.0, lat * dims.shoulder_width / 2])
        pts[f"shoulder_{s}"] = shoulder
        r_uarm = r_upper @ rot_z(v[f"shoulder_flexion_{s}"]) @ rot_x(-lat * v[f"shoulder_abduction_{s}"])
        elbow = shoulder + _mv(r_uarm, [0.0, -dims.upper_arm, 0.0])
        r_farm = r_uarm @ rot_z(v[f"elbow_flexion_{s}"])
        pts[f"elbow_{s}"] = elbow
        pts[f"wrist_{s}"] = elbow + _mv(r_farm, [0.0, -dims.forearm, 0.0])
        # palms face the body: the thumb points forwards from a hanging arm
        thumbs[s] = _mv(r_farm, [1.0, 0.0, 0.0])
    return _Rig(pts, rots, thumbs)


def _feet(rig: _Rig, seq: PostureSeq, dims: BodyDims) -> None:
    """Heel, toe and sole points from the shank frames (after any rotation:
    the flat-foot solution is relative to the current world vertical)."""
    w = np.clip(seq.values["foot_flat"], 0.0, 1.0)
    fl, ah = dims.foot_length, dims.ankle_height
    for s, _lat in _SIDES:
        r_shank = rig.rots[f"shank_{s}"]
        sx, sy = r_shank[:, :, 0], r_shank[:, :, 1]
        flat = np.arctan2(-sx[:, 1], sy[:, 1])
        d = (1.0 - w) * np.radians(seq.values[f"ankle_{s}"]) + w * flat
        r_foot = r_shank @ rot_z(d)
        ankle = rig.pts[f"ankle_{s}"]
        rig.pts[f"heel_{s}"] = ankle + _mv(r_foot, [-HEEL_BACK_FRAC * fl, -HEEL_DOWN_FRAC * ah, 0.0])
        rig.pts[f"toe_{s}"] = ankle + _mv(r_foot, [TOE_FWD_FRAC * fl, -TOE_DOWN_FRAC * ah, 0.0])
        rig.pts[f"sole_heel_{s}"] = ankle + _mv(r_foot, [-HEEL_BACK_FRAC * fl, -ah, 0.0])
        rig.pts[f"sole_toe_{s}"] = ankle + _mv(r_foot, [TOE_FWD_FRAC * fl, -ah, 0.0])


def _mid(rig: _Rig, name: str) -> FloatArray:
    return (rig.pts[f"{name}_l"] + rig.pts[f"{name}_r"]) / 2.0


def _contact_candidates(rig: _Rig, base: Base, dims: BodyDims) -> list[tuple[FloatArray, float]]:
    if base == "prone":
        return [
            (rig.pts["knee_l"], KNEE_FLOOR_H),
            (rig.pts["knee_r"], KNEE_FLOOR_H),
            (rig.pts["toe_l"], TOE_FLOOR_H),
            (rig.pts["toe_r"], TOE_FLOOR_H),
        ]
    return [
        (_mid(rig, "hip"), HIP_LYING_H),
        (rig.pts["ankle_l"], dims.ankle_height),
        (rig.pts["ankle_r"], dims.ankle_height),
    ]


def _upper_contact_height(seq: PostureSeq, dims: BodyDims) -> FloatArray:
    """Height of the shoulder midpoint for the lying bases."""
    if seq.base == "prone":
        incline = np.radians(seq.values["upper_arm_incline"])
        return np.asarray(ELBOW_FLOOR_H + dims.upper_arm * np.cos(incline))
    return np.full(len(seq), SHOULDER_LYING_H)


def solve_contact_rotation(
    upper: FloatArray, upper_h: FloatArray, candidates: Sequence[tuple[FloatArray, float]]
) -> FloatArray:
    """Rotation (rad, about +z through the origin) that rests a lying body on
    the floor: the ``upper`` point at ``upper_h`` and the first of the
    ``candidates`` (point, height) to touch while the lower body swings down
    at its height, with no other candidate below its height.

    For a candidate c with offset v = c - upper in the sagittal (x, y) plane,
    rotating by d gives the height difference v_x sin d + v_y cos d =
    R sin(d + phi), solved in closed form (the branch nearer d = 0)."""
    vx = np.stack([c[:, 0] - upper[:, 0] for c, _ in candidates], axis=1)  # (T, C)
    vy = np.stack([c[:, 1] - upper[:, 1] for c, _ in candidates], axis=1)
    want = np.stack([h - upper_h for _, h in candidates], axis=1)
    radius = np.maximum(np.hypot(vx, vy), 1e-9)
    phi = np.arctan2(vy, vx)
    base_angle = np.arcsin(np.clip(want / radius, -1.0, 1.0))
    d1 = _wrap(base_angle - phi)
    d2 = _wrap(np.pi - base_angle - phi)
    delta = np.where(np.abs(d1) <= np.abs(d2), d1, d2)  # (T, C): one solution per candidate
    # clearance of every candidate k under the solution of candidate j: (T, J, K)
    sd, cd = np.sin(delta)[:, :, None], np.cos(delta)[:, :, None]
    clear = vx[:, None, :] * sd + vy[:, None, :] * cd - want[:, None, :]
    worst = clear.min(axis=2)  # (T, J)
    valid = worst >= -_CLEARANCE_EPS
    # the valid solution that rotates least; if none is valid (numerics), the least bad
    score = np.where(valid, -np.abs(delta), -np.inf)
    pick = np.where(valid.any(axis=1), np.argmax(score, axis=1), np.argmax(worst, axis=1))
    return np.asarray(delta[np.arange(delta.shape[0]), pick])


def _wrap(a: FloatArray) -> FloatArray:
    return np.asarray((a + np.pi) % (2 * np.pi) - np.pi)


def _place_vertically(rig: _Rig, seq: PostureSeq, dims: BodyDims) -> FloatArray:
    """Solve pitch and height from the contacts; returns the pitch change (rad)."""
    t = len(seq)
    delta = np.zeros(t)
    if seq.base == "standing":
        soles = np.stack([rig.pts[f"sole_{p}_{s}"][:, 1] for p in ("heel", "toe") for s, _ in _SIDES], axis=1)
        rig.translate(np.stack([np.zeros(t), -soles.min(axis=1), np.zeros(t)], axis=1))
        return delta
    upper_h = _upper_contact_height(seq, dims)
    delta = solve_contact_rotation(_mid(rig, "shoulder"), upper_h, _contact_candidates(rig, seq.base, dims))
    rig.transform(rot_z(delta))
    _feet(rig, seq, dims)
    shift = upper_h - _mid(rig, "shoulder")[:, 1]
    rig.translate(np.stack([np.zeros(t), shift, np.zeros(t)], axis=1))
    return delta


def _world_arms(rig: _Rig, seq: PostureSeq, dims: BodyDims) -> None:
    """Arms built in world terms for the lying bases (after placement)."""
    t = len(seq)
    if seq.arms == "forearms":
        incline = np.radians(seq.values["upper_arm_incline"])
        inward = math.radians(FOREARM_INWARD_DEG)
        for s, lat in _SIDES:
            sh = rig.pts[f"shoulder_{s}"]
            elbow = sh + dims.upper_arm * np.stack([np.sin(incline), -np.cos(incline), np.zeros(t)], axis=1)
            drop = ELBOW_FLOOR_H - WRIST_FLOOR_H
            flat = math.sqrt(max(dims.forearm**2 - drop**2, 0.0))
            step = np.array([flat * math.cos(inward), -drop, -lat * flat * math.sin(inward)])
            rig.pts[f"elbow_{s}"] = elbow
            rig.pts[f"wrist_{s}"] = elbow + step
            rig.thumbs[s] = np.tile([0.0, 0.0, -lat], (t, 1))  # palms down: thumbs medial
    elif seq.arms == "alongside":
        spread = math.radians(ARM_ALONGSIDE_ABDUCTION_DEG)
        for s, lat in _SIDES:
            sh = rig.pts[f"shoulder_{s}"]
            hdir = np.array([math.cos(spread), 0.0, lat * math.sin(spread)])
            drop_e = np.clip(sh[:, 1] - ARM_LYING_H, 0.0, dims.upper_arm * 0.99)
            horiz_e = np.sqrt(dims.upper_arm**2 - drop_e**2)
            elbow = sh + horiz_e[:, None] * hdir - np.outer(drop_e, [0.0, 1.0, 0.0])
            wrist = elbow + dims.forearm * hdir
            rig.pts[f"elbow_{s}"] = elbow
            rig.pts[f"wrist_{s}"] = wrist
            rig.thumbs[s] = np.tile([0.0, 0.0, -lat], (t, 1))  # palms down: thumbs medial


def _anchor_point(rig: _Rig, anchor: Anchor) -> FloatArray:
    if anchor == "feet":
        return _mid(rig, "ankle")
    if anchor == "shoulders":
        return _mid(rig, "shoulder")
    return rig.pts["pelvis"]


def _two_link(
    root: FloatArray, target: FloatArray, a: float, b: float, pole: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Two-link IK: elbow and wrist for a shoulder ``root`` reaching ``target``
    with segment lengths a, b; the elbow bends towards ``pole``. Out-of-reach
    targets are approached along the straight arm."""
    d_vec = target - root
    d = np.linalg.norm(d_vec, axis=1)
    u = _unit(d_vec)
    dc = np.clip(d, abs(a - b) + 1e-6, (a + b) * (1.0 - 1e-6))
    along = (a * a - b * b + dc * dc) / (2.0 * dc)
    h = np.sqrt(np.maximum(a * a - along * along, 0.0))
    n = _reject(pole - root, u)
    fallback = _reject(np.tile([0.0, -1.0, 0.0], (root.shape[0], 1)), u)
    small = np.linalg.norm(n, axis=1) < 1e-9
    n = _unit(np.where(small[:, None], fallback, n))
    elbow = root + u * along[:, None] + n * h[:, None]
    wrist = root + u * dc[:, None]
    return elbow, wrist


def _grip(rig: _Rig, seq: PostureSeq, dims: BodyDims) -> None:
    """Pull the hands towards their grip targets (world frame, after placement)."""
    v = seq.values
    w_point, w_l, w_r, w_both = v["grip_point"], v["grip_shin_l"], v["grip_shin_r"], v["grip_shins"]
    total = np.clip(w_point + w_l + w_r + w_both, 0.0, None)
    active = total > 1e-9
    if not np.any(active):
        return
    scale = np.where(total > 1.0, 1.0 / np.maximum(total, 1e-12), 1.0)
    wp, wl, wr, wb = (np.clip(w, 0.0, None) * scale for w in (w_point, w_l, w_r, w_both))
    shoulder_axis = rig.pts["shoulder_r"] - rig.pts["shoulder_l"]
    shoulder_axis[:, 1] = 0.0
    lat_sh = _unit(shoulder_axis)
    lat_hip = _unit(rig.pts["hip_r"] - rig.pts["hip_l"])
    point = np.stack([v["grip_x"], v["grip_y"], v["grip_z"]], axis=1)
    shin = {
        s: rig.pts[f"knee_{s}"] + SHIN_GRIP_FRAC * (rig.pts[f"ankle_{s}"] - rig.pts[f"knee_{s}"]) for s, _ in _SIDES
    }
    around = 0.5 * dims.hand_breadth + SHIN_HALF_WIDTH_M
    for s, lat in _SIDES:
        wrist0 = rig.pts[f"wrist_{s}"]
        target = (
            wrist0 * (1.0 - (wp + wl + wr + wb))[:, None]
            + wp[:, None] * (point + lat * lat_sh * (v["grip_spread"] / 2.0)[:, None])
            + wl[:, None] * (shin["l"] + lat * lat_hip * around)
            + wr[:, None] * (shin["r"] + lat * lat_hip * around)
            + wb[:, None] * shin[s]
        )
        elbow, wrist = _two_link(rig.pts[f"shoulder_{s}"], target, dims.upper_arm, dims.forearm, rig.pts[f"elbow_{s}"])
        rig.pts[f"elbow_{s}"] = np.where(active[:, None], elbow, rig.pts[f"elbow_{s}"])
        rig.pts[f"wrist_{s}"] = np.where(active[:, None], wrist, wrist0)


def _hands(rig: _Rig, dims: BodyDims) -> dict[Landmark, FloatArray]:
    out: dict[Landmark, FloatArray] = {}
    hl, hb = dims.hand, dims.hand_breadth
    for s, _lat in _SIDES:
        side = "LEFT" if s == "l" else "RIGHT"
        wrist = rig.pts[f"wrist_{s}"]
        axis = _unit(wrist - rig.pts[f"elbow_{s}"])
        thumb = _reject(rig.thumbs[s], axis)
        bad = np.linalg.norm(thumb, axis=1) < 1e-6
        thumb = _unit(np.where(bad[:, None], _reject(np.tile([0.0, 1.0, 0.0], (wrist.shape[0], 1)), axis), thumb))
        out[Landmark[f"{side}_INDEX"]] = wrist + axis * (HAND_INDEX_FRAC * hl) + thumb * (HAND_KNUCKLE_SPREAD * hb)
        out[Landmark[f"{side}_PINKY"]] = wrist + axis * (HAND_PINKY_FRAC * hl) - thumb * (HAND_KNUCKLE_SPREAD * hb)
        out[Landmark[f"{side}_THUMB"]] = wrist + axis * (HAND_THUMB_FRAC * hl) + thumb * (HAND_THUMB_SPREAD * hb)
    return out


def _assemble(rig: _Rig, dims: BodyDims) -> FloatArray:
    t = rig.pts["pelvis"].shape[0]
    out = np.zeros((t, NUM_LANDMARKS, 3))
    r_head = rig.rots["head"]
    for lm, (fx, fy, fz) in _FACE_POINTS.items():
        out[:, lm] = rig.pts["head"] + _mv(
            r_head, [fx * dims.head_radius, fy * dims.head_radius, fz * dims.head_radius]
        )
    for s, _lat in _SIDES:
        side = "LEFT" if s == "l" else "RIGHT"
        for joint, key in (
            ("SHOULDER", "shoulder"),
            ("ELBOW", "elbow"),
            ("WRIST", "wrist"),
            ("HIP", "hip"),
            ("KNEE", "knee"),
            ("ANKLE", "ankle"),
            ("HEEL", "heel"),
            ("FOOT_INDEX", "toe"),
        ):
            out[:, Landmark[f"{side}_{joint}"]] = rig.pts[f"{key}_{s}"]
    for lm, p in _hands(rig, dims).items():
        out[:, lm] = p
    return out


@dataclass(frozen=True, eq=False)
class Kinematics:
    """The result of a forward-kinematics solve.

    ``points``: (T, 33, 3) landmark positions (internal world frame, metres);
    ``pitch``: (T,) the trunk pitch actually used (degrees; solved from the
    contacts for lying bases); ``soles``: (T, 4, 3) heel and toe sole points
    (left heel, left toe, right heel, right toe).
    """

    points: FloatArray
    pitch: FloatArray
    soles: FloatArray


def solve(seq: PostureSeq, dims: BodyDims) -> Kinematics:
    """Forward kinematics with floor contacts for a whole sequence (vectorised)."""
    rig = _core(seq, dims)
    _feet(rig, seq, dims)
    delta = _place_vertically(rig, seq, dims)
    _world_arms(rig, seq, dims)
    heading = rot_y(np.radians(seq.values["heading"]))
    rig.transform(heading)
    anchor = _anchor_point(rig, seq.anchor)
    t = len(seq)
    shift = np.stack([seq.values["x"] - anchor[:, 0], np.zeros(t), seq.values["z"] - anchor[:, 2]], axis=1)
    rig.translate(shift)
    _grip(rig, seq, dims)
    points = _assemble(rig, dims)
    sgn = 1.0 if seq.base == "supine" else -1.0
    pitch = seq.values["trunk_pitch"] + sgn * np.degrees(delta)
    soles = np.stack([rig.pts[f"sole_{p}_{s}"] for s, _ in _SIDES for p in ("heel", "toe")], axis=1)
    for arr in (points, pitch, soles):
        arr.flags.writeable = False
    return Kinematics(points=points, pitch=np.asarray(pitch), soles=soles)


def forward_kinematics_seq(seq: PostureSeq, dims: BodyDims) -> FloatArray:
    """(T, 33, 3) landmark positions in metres for a posture sequence."""
    return solve(seq, dims).points


def forward_kinematics(posture: Posture, dims: BodyDims) -> FloatArray:
    """(33, 3) landmark positions in metres (internal world frame: y up,
    floor at y = 0) for one posture."""
    return np.array(solve(PostureSeq.from_postures([posture]), dims).points[0])

