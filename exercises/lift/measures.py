"""Pure measures for the lift analyzer: small functions, no state, no I/O.

Everything here works on plain tuples of floats (2D image points in units of
image height, or 3D MediaPipe world points in metres), with **y pointing
down** in both. Plain Python floats rather than numpy: the analyzer calls
these a few dozen times per frame and numpy's per-call overhead on
two-element arrays would cost more than the arithmetic (update() has a
0.3 ms budget).

Every function returns ``nan`` when an input is not finite, so a missing
landmark never raises; callers check visibility first. Thresholds and
constants are *parameters* here: their values and reasons live in
:class:`exercises.lift.LiftConfig`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from coach.geometry import NAN, finite

Point = Sequence[float]


def hip_knee_ratio(hip_flexion: float, knee_flexion: float, knee_floor_deg: float) -> float:
    """Hip flexion divided by knee flexion: about 1 in a squat lift (hips
    and knees bend together), large in a stoop lift (hips bend, knees stay
    straight). The knee flexion is floored at ``knee_floor_deg`` so a
    straight knee gives a large finite ratio instead of infinity."""
    if not finite(hip_flexion, knee_flexion):
        return NAN
    return max(0.0, hip_flexion) / max(knee_flexion, knee_floor_deg)


def classify_lift(
    knee_flexion: float,
    ratio: float,
    *,
    stoop_knee_max_deg: float,
    stoop_ratio_min: float,
    squat_knee_min_deg: float,
    squat_ratio_max: float,
) -> str:
    """``"stoop"``, ``"squat"``, ``"semi-squat"`` or ``"unknown"`` from the
    knee flexion and hip/knee flexion ratio at the bottom of a lift.

    Stoop: knees nearly straight, or the hips doing almost all the bending.
    Squat: knees deeply bent and hips and knees bending about equally.
    Anything else is the "something in between" (Burgess-Limerick 2003)."""
    if not math.isfinite(knee_flexion):
        return "unknown"
    if knee_flexion < stoop_knee_max_deg or (math.isfinite(ratio) and ratio >= stoop_ratio_min):
        return "stoop"
    if knee_flexion >= squat_knee_min_deg and (not math.isfinite(ratio) or ratio <= squat_ratio_max):
        return "squat"
    return "semi-squat"


def knee_trunk_allowance(knee_flexion: float, start_deg: float, full_deg: float, allowance_deg: float) -> float:
    """Degrees of trunk flexion that the knee bend explains (added to the
    straight-knee trunk limit for ``back_rounded``): 0 with the knees flexed
    up to ``start_deg``, rising linearly to ``allowance_deg`` at ``full_deg``
    and beyond. An unseen knee (nan) gets the full allowance: the benefit of
    the doubt, never a guessed knee."""
    if not math.isfinite(knee_flexion):
        return allowance_deg
    w = (knee_flexion - start_deg) / max(full_deg - start_deg, 1e-9)
    return allowance_deg * max(0.0, min(1.0, w))


def unexplained_trunk_flexion(trunk_flexion: float, knee_flexion: float, start_deg: float, full_deg: float,
                              allowance_deg: float) -> float:
    """Trunk flexion minus what the knee bend explains
    (:func:`knee_trunk_allowance`): compared with the straight-knee limit,
    this is the ``back_rounded`` measure."""
    if not math.isfinite(trunk_flexion):
        return NAN
    return trunk_flexion - knee_trunk_allowance(knee_flexion, start_deg, full_deg, allowance_deg)


# -- view and twist ------------------------------------------------------------


def yaw_from_world(l_sh: Point, r_sh: Point, l_hip: Point, r_hip: Point) -> float:
    """How far the body is turned away from facing the camera, in degrees
    (0 = front view, 90 = side view), from the shoulder and hip lines in
    MediaPipe world coordinates (x right, z away from the camera)."""
    dx = abs(r_sh[0] - l_sh[0]) + abs(r_hip[0] - l_hip[0])
    dz = abs(r_sh[2] - l_sh[2]) + abs(r_hip[2] - l_hip[2])
    if not finite(dx, dz) or dx + dz < 1e-9:
        return NAN
    return math.degrees(math.atan2(dz, dx))


def yaw_from_widths(width_ratio: float, frontal_ratio: float) -> float:
    """Body yaw in degrees from the 2D width ratio (shoulder width + hip
    width) / (trunk + thigh + shank length): a frontal body shows its full
    width (``frontal_ratio``), a body turned by ``yaw`` shows cos(yaw) of it.
    Valid while the body is upright; sign (left/right) is lost."""
    if not finite(width_ratio, frontal_ratio) or frontal_ratio <= 0:
        return NAN
    return math.degrees(math.acos(max(0.0, min(1.0, width_ratio / frontal_ratio))))


def twist_world(l_sh: Point, r_sh: Point, l_hip: Point, r_hip: Point) -> float:
    """Unsigned twist in degrees (0..180) of the shoulder line against the
    hip line, both projected on the floor plane (x, z) of world coordinates."""
    a_s = math.atan2(r_sh[2] - l_sh[2], r_sh[0] - l_sh[0])
    a_h = math.atan2(r_hip[2] - l_hip[2], r_hip[0] - l_hip[0])
    if not finite(a_s, a_h):
        return NAN
    d = abs(math.degrees(a_s - a_h)) % 360.0
    return 360.0 - d if d > 180.0 else d


def twist_proxy_2d(width_quotient: float, baseline_quotient: float, baseline_yaw_deg: float) -> float:
    """2D twist proxy for front and oblique views, in degrees (unsigned).

    ``width_quotient`` is the 2D shoulder width divided by the 2D hip width
    now, ``baseline_quotient`` the same while standing untwisted. If the
    hips keep their yaw ``y0`` and the shoulders turn by ``theta``, the
    quotient scales by cos(y0 + theta) / cos(y0); this inverts that.

    Only a *narrowing* counts: bending toward the camera widens the
    shoulders by perspective (they come nearer), which looks just like
    shoulders turning to face the camera, so a widening reads as 0.

    Limits: the sign is lost; below ~15 degrees the cosine barely changes
    (cos 15 = 0.97, inside 2D landmark noise), so small twists read as 0;
    a twist that swings the shoulders through facing the camera (standing
    20-30 degrees off a front view and turning toward it) hardly changes
    the width and is missed; shoulder protraction (reaching forward) and
    side bending also narrow the shoulders; it assumes the hips did not turn
    (turning with the feet turns both lines and correctly reads as 0).
    """
    if not finite(width_quotient, baseline_quotient, baseline_yaw_deg) or baseline_quotient <= 1e-9:
        return NAN
    y0 = math.radians(max(0.0, min(89.0, baseline_yaw_deg)))
    c = max(0.0, min(1.0, (width_quotient / baseline_quotient) * math.cos(y0)))
    return max(0.0, math.degrees(math.acos(c) - y0))


# -- NIOSH revised lifting equation (Waters et al. 1993; Applications Manual 1994) --


def horizontal_multiplier(h_cm: float, h_min_cm: float, h_max_cm: float) -> float:
    """HM = 25/H with H in cm; 1 when H < 25 cm (the load cannot be
    closer), 0 beyond 63 cm (out of reach for most people)."""
    if not math.isfinite(h_cm):
        return NAN
    if h_cm <= h_min_cm:
        return 1.0
    if h_cm > h_max_cm:
        return 0.0
    return h_min_cm / h_cm


def vertical_multiplier(v_cm: float, v_opt_cm: float, slope_per_cm: float, v_max_cm: float) -> float:
    """VM = 1 - 0.003 |V - 75| (V: hand height above the floor at the
    origin, cm); 0 above 175 cm."""
    if not math.isfinite(v_cm):
        return NAN
    v = max(0.0, v_cm)
    if v > v_max_cm:
        return 0.0
    return max(0.0, 1.0 - slope_per_cm * abs(v - v_opt_cm))


def distance_multiplier(d_cm: float, d_min_cm: float, d_max_cm: float, a: float, b: float) -> float:
    """DM = 0.82 + 4.5/D (D: vertical travel, cm); 1 below 25 cm, 0 above 175."""
    if not math.isfinite(d_cm):
        return NAN
    d = abs(d_cm)
    if d <= d_min_cm:
        return 1.0
    if d > d_max_cm:
        return 0.0
    return min(1.0, a + b / d)


def asymmetric_multiplier(a_deg: float, slope_per_deg: float, a_max_deg: float) -> float:
    """AM = 1 - 0.0032 A (A: asymmetry angle, degrees); 0 beyond 135."""
    if not math.isfinite(a_deg):
        return NAN
    a = abs(a_deg)
    if a > a_max_deg:
        return 0.0
    return max(0.0, 1.0 - slope_per_deg * a)
