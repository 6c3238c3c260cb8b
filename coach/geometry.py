"""Pure geometry on landmark coordinates (numpy, no state, no I/O).

Conventions: 2D points are image coordinates with y pointing *down*
(aspect-corrected, see :attr:`PoseFrame.points`); 3D points are any metric
frame. Every function returns ``nan`` when an input is not finite, so callers
check visibility first and never get an exception from missing data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from coach.landmarks import SIDES, Landmark, Side, sided
from coach.pose import PoseFrame

FloatArray = NDArray[np.float64]


def _vec(p: ArrayLike) -> FloatArray:
    return np.asarray(p, dtype=np.float64)


def distance(a: ArrayLike, b: ArrayLike) -> float:
    """Euclidean distance (2D or 3D)."""
    return float(np.linalg.norm(_vec(a) - _vec(b)))


def midpoint(a: ArrayLike, b: ArrayLike) -> FloatArray:
    return (_vec(a) + _vec(b)) / 2.0


def joint_angle(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> float:
    """Angle ABC at vertex ``b`` in degrees, 0..180 (2D or 3D).

    180 means A, B, C are in a straight line (a straight knee); smaller means
    more flexed. Degenerate (zero-length) segments give ``nan``.
    """
    ba = _vec(a) - _vec(b)
    bc = _vec(c) - _vec(b)
    nba = float(np.linalg.norm(ba))
    nbc = float(np.linalg.norm(bc))
    if not (nba > 1e-12 and nbc > 1e-12):
        return math.nan
    cos = float(np.dot(ba, bc)) / (nba * nbc)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def flexion(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> float:
    """Flexion at ``b`` = 180 - joint angle: 0 for a straight joint."""
    return 180.0 - joint_angle(a, b, c)


def inclination_from_vertical(lower: ArrayLike, upper: ArrayLike) -> float:
    """Angle in degrees (0..180) between the 2D segment lower->upper and
    straight up in the image. 0 = upright, 90 = horizontal, 180 = upside down.
    """
    d = _vec(upper) - _vec(lower)
    n = float(np.hypot(d[0], d[1]))
    if not n > 1e-12:
        return math.nan
    # "up" in image coordinates is -y
    cos = float(-d[1]) / n
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def inclination_from_horizontal(a: ArrayLike, b: ArrayLike) -> float:
    """Acute angle in degrees (0..90) between the 2D segment a-b and the
    image horizontal. 0 = level, 90 = vertical."""
    d = _vec(b) - _vec(a)
    if not float(np.hypot(d[0], d[1])) > 1e-12:
        return math.nan
    return math.degrees(math.atan2(abs(float(d[1])), abs(float(d[0]))))


def offset_below_line(p: ArrayLike, a: ArrayLike, b: ArrayLike) -> float:
    """Signed perpendicular distance of 2D point ``p`` from the line a-b,
    positive when ``p`` lies *below* the line in the image (y down).

    Meant for near-horizontal lines (a plank's shoulder-ankle line, a
    bridge's shoulder-knee line); the sign does not depend on which way the
    person faces.
    """
    pa, pb, pp = _vec(a), _vec(b), _vec(p)
    if pb[0] < pa[0]:
        pa, pb = pb, pa
    d = pb - pa
    n = float(np.hypot(d[0], d[1]))
    if not n > 1e-12:
        return math.nan
    cross = d[0] * (pp[1] - pa[1]) - d[1] * (pp[0] - pa[0])
    return float(cross) / n


def line_angle(a1: ArrayLike, a2: ArrayLike, b1: ArrayLike, b2: ArrayLike) -> float:
    """Unsigned angle in degrees (0..90) between the lines a1-a2 and b1-b2,
    ignoring direction. Used for shoulder-line against hip-line twist."""
    u = _vec(a2) - _vec(a1)
    v = _vec(b2) - _vec(b1)
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    if not (nu > 1e-12 and nv > 1e-12):
        return math.nan
    cos = abs(float(np.dot(u, v))) / (nu * nv)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def horizontal_twist(
    l_shoulder: ArrayLike, r_shoulder: ArrayLike, l_hip: ArrayLike, r_hip: ArrayLike
) -> float:
    """Twist in degrees between the shoulder line and the hip line projected
    on the horizontal plane of a y-up-or-down metric frame (x, z kept).

    Signed: positive when the shoulders are rotated counter-clockwise seen
    from above relative to the hips. Returns a value in (-180, 180].
    """
    s = _vec(r_shoulder) - _vec(l_shoulder)
    h = _vec(r_hip) - _vec(l_hip)
    a_s = math.atan2(float(s[2]), float(s[0]))
    a_h = math.atan2(float(h[2]), float(h[0]))
    if not (math.isfinite(a_s) and math.isfinite(a_h)):
        return math.nan
    d = math.degrees(a_s - a_h)
    while d <= -180.0:
        d += 360.0
    while d > 180.0:
        d -= 360.0
    return d


def normalised(length: float, scale: float) -> float:
    """``length / scale`` or nan when the scale is unusable."""
    if not (math.isfinite(length) and math.isfinite(scale) and scale > 1e-9):
        return math.nan
    return length / scale


def trunk_length(frame: PoseFrame, side: Side | None = None) -> float:
    """Shoulder-to-hip length in image-height units (per side, or between
    the shoulder and hip midpoints). The body-size unit for normalising
    distances: it does not change when a limb bends."""
    pts = frame.points
    if side is None:
        sh = midpoint(pts[Landmark.LEFT_SHOULDER], pts[Landmark.RIGHT_SHOULDER])
        hp = midpoint(pts[Landmark.LEFT_HIP], pts[Landmark.RIGHT_HIP])
        return distance(sh, hp)
    return distance(pts[sided(side, "shoulder")], pts[sided(side, "hip")])


SIDE_KEY_JOINTS: tuple[str, ...] = ("shoulder", "hip", "knee", "ankle")


def side_score(frame: PoseFrame, side: Side, joints: Sequence[str] = SIDE_KEY_JOINTS) -> float:
    """How well one body side is seen: mean visibility of its key joints,
    plus a small bonus when it is nearer the camera (smaller MediaPipe z)."""
    idx = [int(sided(side, j)) for j in joints]
    other = [int(sided("right" if side == "left" else "left", j)) for j in joints]
    vis = float(np.mean(frame.visibility[idx]))
    dz = float(np.mean(frame.z[other]) - np.mean(frame.z[idx]))  # > 0: this side nearer
    return vis + 0.1 * float(np.tanh(4.0 * dz))


def choose_side(frame: PoseFrame, joints: Sequence[str] = SIDE_KEY_JOINTS) -> Side:
    """The body side nearer the camera, judged by visibility and z.

    In a side view the far limbs are occluded and MediaPipe guesses them
    (FACTS.md: far hip/knee visibility 0.05-0.35), so analyzers judge from
    the side this returns.
    """
    scores = {s: side_score(frame, s, joints) for s in SIDES}
    return "left" if scores["left"] >= scores["right"] else "right"


def facing_sign(frame: PoseFrame, side: Side) -> float:
    """+1 if the body's front (nose) points to image +x of the hips, else -1.
    Used to tell "in front of" from "behind" in a side view."""
    pts = frame.points
    nose = pts[Landmark.NOSE]
    hip = pts[sided(side, "hip")]
    toe = pts[sided(side, "foot_index")]
    heel = pts[sided(side, "heel")]
    # feet point forward; fall back to the nose when the feet are unknown
    d = float(toe[0] - heel[0])
    if math.isfinite(d) and abs(d) > 1e-3:
        return 1.0 if d > 0 else -1.0
    d = float(nose[0] - hip[0])
    return 1.0 if (math.isfinite(d) and d >= 0) else -1.0
