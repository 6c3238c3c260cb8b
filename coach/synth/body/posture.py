"""Postures in anatomical terms: one :class:`Posture`, a
:class:`PostureSeq` of them as columns, and the resting postures of a body
lying on its back."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from coach.synth.body.dims import HIP_LYING_H, SHOULDER_LYING_H, BodyDims

FloatArray = NDArray[np.float64]

Base = Literal["standing", "prone", "supine"]
ArmMode = Literal["angles", "forearms", "alongside"]
Anchor = Literal["pelvis", "feet", "shoulders"]
BASES: tuple[Base, ...] = ("standing", "prone", "supine")
ARM_MODES: tuple[ArmMode, ...] = ("angles", "forearms", "alongside")
ANCHORS: tuple[Anchor, ...] = ("pelvis", "feet", "shoulders")

# --------------------------------------------------------------------------------------
# Posture
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Posture:
    """One body posture in anatomical terms (angles in degrees, lengths in m).

    Sign conventions (all relative to the parent segment, body frame
    x forward / y up / z right):

    * ``trunk_pitch``: the pelvis and lower trunk from upright; 0 = upright,
      90 = horizontal. Standing and prone bodies pitch face-down (forwards),
      supine bodies face-up. For ``prone`` and ``supine`` the pitch is
      *solved* from the floor contacts; the value given only picks the branch.
    * ``heading``: yaw of the whole body about the vertical, 0 = facing
      (standing) or head towards (prone) ``+x``; positive turns to the left.
    * ``x``, ``z``: horizontal position of the ``anchor`` point (the hip
      midpoint, the ankle midpoint or the shoulder midpoint).
    * ``pelvis_rotation``: the pelvis about the body's long axis (positive
      turns the front to the left; in a supine body it lowers the left hip).
      It moves the hip joints; the legs keep their orientation (the hips
      rotate to compensate), so planted feet stay planted.
    * ``trunk_twist``: upper trunk about its long axis relative to the pelvis,
      positive = shoulders turned to the left. ``trunk_lean``: upper trunk
      sideways, positive = to the right. ``spine_flexion``: the upper trunk
      bends forwards (rounded back) at :data:`LUMBAR_FRAC`; negative arches.
    * ``neck_flexion``: chin towards the chest (head drops in a plank, lifts
      off the floor when supine).
    * ``hip_flexion_*``: thigh forwards (negative = extension);
      ``hip_abduction_*``: leg away from the midline; ``knee_flexion_*``: 0 =
      straight; ``ankle_*``: dorsiflexion (toes up), blended with the
      flat-foot solution by ``foot_flat`` (0 = use ``ankle_*``, 1 = the sole
      is kept parallel to the floor).
    * ``shoulder_flexion_*``: arm forwards/up from hanging; ``shoulder_abduction_*``:
      arm sideways; ``elbow_flexion_*``: 0 = straight. Used when ``arms`` is
      ``"angles"``. ``arms="forearms"`` (prone) puts the forearms flat on the
      floor with the upper arm ``upper_arm_incline`` degrees from vertical
      (positive = elbows ahead of the shoulders, towards the head);
      ``arms="alongside"`` (supine) rests the arms on the floor beside the body.
    * Grip: the hands are pulled (two-link arm IK) towards targets with
      weights 0..1: ``grip_point`` towards the world point
      (``grip_x``, ``grip_y``, ``grip_z``), hands ``grip_spread`` apart;
      ``grip_shin_l``/``grip_shin_r`` both hands around one shin;
      ``grip_shins`` each hand around its own shin.
    """

    base: Base = "standing"
    arms: ArmMode = "angles"
    anchor: Anchor = "pelvis"
    trunk_pitch: float = 0.0
    heading: float = 0.0
    x: float = 0.0
    z: float = 0.0
    pelvis_rotation: float = 0.0
    trunk_twist: float = 0.0
    trunk_lean: float = 0.0
    spine_flexion: float = 0.0
    neck_flexion: float = 0.0
    hip_flexion_l: float = 0.0
    hip_flexion_r: float = 0.0
    hip_abduction_l: float = 0.0
    hip_abduction_r: float = 0.0
    knee_flexion_l: float = 0.0
    knee_flexion_r: float = 0.0
    ankle_l: float = 0.0
    ankle_r: float = 0.0
    foot_flat: float = 0.0
    shoulder_flexion_l: float = 0.0
    shoulder_flexion_r: float = 0.0
    shoulder_abduction_l: float = 0.0
    shoulder_abduction_r: float = 0.0
    elbow_flexion_l: float = 0.0
    elbow_flexion_r: float = 0.0
    upper_arm_incline: float = 0.0
    grip_x: float = 0.0
    grip_y: float = 0.0
    grip_z: float = 0.0
    grip_spread: float = 0.35
    grip_point: float = 0.0
    grip_shin_l: float = 0.0
    grip_shin_r: float = 0.0
    grip_shins: float = 0.0

    def __post_init__(self) -> None:
        _check_modes(self.base, self.arms, self.anchor)
        for name in NUMERIC_FIELDS:
            value = float(getattr(self, name))
            if not math.isfinite(value):
                raise ValueError(f"Posture.{name} must be finite, got {value!r}")
            object.__setattr__(self, name, value)


NUMERIC_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Posture) if f.name not in ("base", "arms", "anchor"))
"""The interpolatable (float) fields of :class:`Posture`."""


def _check_modes(base: str, arms: str, anchor: str) -> None:
    if base not in BASES:
        raise ValueError(f"unknown base {base!r}; expected one of {', '.join(BASES)}")
    if arms not in ARM_MODES:
        raise ValueError(f"unknown arms mode {arms!r}; expected one of {', '.join(ARM_MODES)}")
    if anchor not in ANCHORS:
        raise ValueError(f"unknown anchor {anchor!r}; expected one of {', '.join(ANCHORS)}")


def bilateral(**angles: float) -> dict[str, Any]:
    """``bilateral(knee_flexion=20)`` -> ``{"knee_flexion_l": 20, "knee_flexion_r": 20}``
    (typed ``Any`` so it can be splatted into ``Posture(...)``)."""
    out: dict[str, Any] = {}
    for key, value in angles.items():
        out[f"{key}_l"] = value
        out[f"{key}_r"] = value
    return out


@dataclass(frozen=True, eq=False)
class PostureSeq:
    """A sequence of postures as columns: one (T,) array per numeric field.

    ``base``, ``arms`` and ``anchor`` are shared by the whole sequence (a body
    does not switch from standing to lying within one sequence). Missing
    fields take the :class:`Posture` default; scalars and length-1 arrays
    are broadcast to the sequence length.
    """

    base: Base
    arms: ArmMode
    anchor: Anchor
    values: Mapping[str, FloatArray]

    def __post_init__(self) -> None:
        _check_modes(self.base, self.arms, self.anchor)
        unknown = set(self.values) - set(NUMERIC_FIELDS)
        if unknown:
            raise ValueError(f"PostureSeq has unknown fields: {', '.join(sorted(unknown))}")
        defaults = Posture()
        cols: dict[str, FloatArray] = {}
        for name in NUMERIC_FIELDS:
            raw = self.values[name] if name in self.values else getattr(defaults, name)
            cols[name] = np.array(raw, dtype=np.float64).reshape(-1)
        sizes = {arr.size for arr in cols.values()} - {1}
        if len(sizes) > 1 or 0 in sizes:
            raise ValueError(f"PostureSeq columns must share one length (or be scalars), got {sorted(sizes)}")
        length = sizes.pop() if sizes else 1
        for name, arr in cols.items():
            if arr.size != length:
                arr = np.full(length, arr[0])
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"PostureSeq.values[{name!r}] must be finite")
            arr.flags.writeable = False
            cols[name] = arr
        object.__setattr__(self, "values", cols)

    def __len__(self) -> int:
        return int(self.values["x"].size)

    def col(self, name: str) -> FloatArray:
        return self.values[name]

    @classmethod
    def from_postures(cls, postures: Sequence[Posture]) -> PostureSeq:
        if not postures:
            raise ValueError("PostureSeq.from_postures needs at least one posture")
        first = postures[0]
        for p in postures:
            if (p.base, p.arms, p.anchor) != (first.base, first.arms, first.anchor):
                raise ValueError("all postures of a sequence must share base, arms and anchor")
        values = {name: np.array([getattr(p, name) for p in postures], dtype=np.float64) for name in NUMERIC_FIELDS}
        return cls(first.base, first.arms, first.anchor, values)

    def posture(self, i: int) -> Posture:
        """The ``i``-th posture as a :class:`Posture`."""
        kw = {name: float(arr[i]) for name, arr in self.values.items()}
        return Posture(base=self.base, arms=self.arms, anchor=self.anchor, **kw)



# --------------------------------------------------------------------------------------
# Resting on the back
# --------------------------------------------------------------------------------------
def supine_knee_bent_hip_flexion(dims: BodyDims, knee_flexion_deg: float) -> float:
    """Hip flexion (deg) that rests a bent leg's foot flat on the floor while
    lying on the back (shoulders and pelvis on the floor).

    The trunk rises by ``tilt`` from the shoulders to the hips (they rest at
    different heights); the thigh then points along (cos g, sin g) and the
    shank along (cos(g - k), sin(g - k)) with g = f + tilt. The ankle height
    ``HIP_LYING_H + a sin g + b sin(g - k)`` must equal the ankle height,
    i.e. ``(a + b cos k) sin g - b sin k cos g = d`` -> closed form."""
    a, b = dims.thigh, dims.shank
    k = math.radians(knee_flexion_deg)
    d = dims.ankle_height - HIP_LYING_H
    p, q = a + b * math.cos(k), b * math.sin(k)
    radius = math.hypot(p, q)
    phi = math.atan2(q, p)
    g = phi + math.asin(max(-1.0, min(1.0, d / radius)))
    return math.degrees(g - supine_trunk_tilt(dims))


def supine_trunk_tilt(dims: BodyDims) -> float:
    """Angle (rad) by which the trunk of a body lying on its back rises from
    the shoulders to the hips (the two rest at different heights)."""
    return math.asin((HIP_LYING_H - SHOULDER_LYING_H) / dims.trunk)


def supine_straight_leg_hip_flexion(dims: BodyDims) -> float:
    """Hip flexion (deg, slightly negative) of a straight leg resting on the
    floor: the ankle at its resting height, the hip at :data:`HIP_LYING_H`."""
    g = math.asin((dims.ankle_height - HIP_LYING_H) / dims.leg_length)
    return math.degrees(g - supine_trunk_tilt(dims))
