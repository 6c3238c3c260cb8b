"""A 3D kinematic body model that produces MediaPipe's 33 landmarks.

Coordinates (the *internal world frame*, metres): ``y`` points up and the
floor is ``y = 0``; a body with heading 0 stands facing ``+x`` with its
right side towards ``+z`` (so its left side faces ``-z``). Lying bodies keep
that convention: a prone body (plank) has its head towards ``+x``, a supine
body (bridge, knee-to-chest) has its head towards ``-x`` and its feet
towards ``+x``. The camera module turns this frame into MediaPipe's.

Angles are anatomical and in degrees (see :class:`Posture`). Forward
kinematics (:func:`forward_kinematics`) builds the skeleton from the pelvis
outwards, then *solves* the whole-body pitch and the pelvis height from the
floor contacts of the base orientation, so that e.g. a sagging plank really
has its hips lower while the forearms and toes stay on the floor.

Segment lengths are fractions of stature H from Drillis & Contini (1966),
as tabulated in D. A. Winter, *Biomechanics and Motor Control of Human
Movement* (4th ed., Wiley 2009), Fig. 4.1.

Split into :mod:`~coach.synth.body.dims` (segment lengths, floor-contact
heights, :class:`BodyDims`), :mod:`~coach.synth.body.posture`
(:class:`Posture`, :class:`PostureSeq`, resting postures) and
:mod:`~coach.synth.body.kinematics` (landmark placement and the solve).
"""

from __future__ import annotations

from coach.synth.body.dims import (
    ANKLE_HEIGHT_FRAC,
    ARM_LYING_H,
    ELBOW_FLOOR_H,
    FOOT_LENGTH_FRAC,
    FOREARM_FRAC,
    HAND_BREADTH_FRAC,
    HAND_FRAC,
    HEAD_NECK_FRAC,
    HEAD_RADIUS_FRAC,
    HIP_LYING_H,
    HIP_WIDTH_FRAC,
    KNEE_FLOOR_H,
    PROPORTION_MAX_DEV,
    PROPORTION_SD,
    SHANK_FRAC,
    SHOULDER_LYING_H,
    SHOULDER_WIDTH_FRAC,
    STATURE_MEAN_M,
    STATURE_RANGE_M,
    STATURE_SD_M,
    THIGH_FRAC,
    TOE_FLOOR_H,
    TRUNK_FRAC,
    UPPER_ARM_FRAC,
    WRIST_FLOOR_H,
    BodyDims,
)
from coach.synth.body.kinematics import (
    ARM_ALONGSIDE_ABDUCTION_DEG,
    FOREARM_INWARD_DEG,
    HAND_INDEX_FRAC,
    HAND_KNUCKLE_SPREAD,
    HAND_PINKY_FRAC,
    HAND_THUMB_FRAC,
    HAND_THUMB_SPREAD,
    HEEL_BACK_FRAC,
    HEEL_DOWN_FRAC,
    LUMBAR_FRAC,
    NECK_PIVOT_FRAC,
    SHIN_GRIP_FRAC,
    SHIN_HALF_WIDTH_M,
    TOE_DOWN_FRAC,
    TOE_FWD_FRAC,
    Kinematics,
    forward_kinematics,
    forward_kinematics_seq,
    rot_x,
    rot_y,
    rot_z,
    solve,
    solve_contact_rotation,
)
from coach.synth.body.posture import (
    ANCHORS,
    ARM_MODES,
    BASES,
    NUMERIC_FIELDS,
    Anchor,
    ArmMode,
    Base,
    FloatArray,
    Posture,
    PostureSeq,
    bilateral,
    supine_knee_bent_hip_flexion,
    supine_straight_leg_hip_flexion,
    supine_trunk_tilt,
)

__all__ = [
    "ANCHORS",
    "ANKLE_HEIGHT_FRAC",
    "ARM_ALONGSIDE_ABDUCTION_DEG",
    "ARM_LYING_H",
    "ARM_MODES",
    "BASES",
    "ELBOW_FLOOR_H",
    "FOOT_LENGTH_FRAC",
    "FOREARM_FRAC",
    "FOREARM_INWARD_DEG",
    "HAND_BREADTH_FRAC",
    "HAND_FRAC",
    "HAND_INDEX_FRAC",
    "HAND_KNUCKLE_SPREAD",
    "HAND_PINKY_FRAC",
    "HAND_THUMB_FRAC",
    "HAND_THUMB_SPREAD",
    "HEAD_NECK_FRAC",
    "HEAD_RADIUS_FRAC",
    "HEEL_BACK_FRAC",
    "HEEL_DOWN_FRAC",
    "HIP_LYING_H",
    "HIP_WIDTH_FRAC",
    "KNEE_FLOOR_H",
    "LUMBAR_FRAC",
    "NECK_PIVOT_FRAC",
    "NUMERIC_FIELDS",
    "PROPORTION_MAX_DEV",
    "PROPORTION_SD",
    "SHANK_FRAC",
    "SHIN_GRIP_FRAC",
    "SHIN_HALF_WIDTH_M",
    "SHOULDER_LYING_H",
    "SHOULDER_WIDTH_FRAC",
    "STATURE_MEAN_M",
    "STATURE_RANGE_M",
    "STATURE_SD_M",
    "THIGH_FRAC",
    "TOE_DOWN_FRAC",
    "TOE_FLOOR_H",
    "TOE_FWD_FRAC",
    "TRUNK_FRAC",
    "UPPER_ARM_FRAC",
    "WRIST_FLOOR_H",
    "Anchor",
    "ArmMode",
    "Base",
    "BodyDims",
    "FloatArray",
    "Kinematics",
    "Posture",
    "PostureSeq",
    "bilateral",
    "forward_kinematics",
    "forward_kinematics_seq",
    "rot_x",
    "rot_y",
    "rot_z",
    "solve",
    "solve_contact_rotation",
    "supine_knee_bent_hip_flexion",
    "supine_straight_leg_hip_flexion",
    "supine_trunk_tilt",
]
