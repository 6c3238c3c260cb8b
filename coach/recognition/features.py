"""Posture features for recognising the exercise: the body's orientation
against gravity, which parts are near the floor, and joint angles.

Every feature is the same whichever side of the body faces the camera
(left and right are folded into ``_max``/``_min`` pairs, angles are
unsigned) and does not depend on the image aspect or the body's size:

* **Coordinates.** MediaPipe's world landmarks (metres, y down) when the
  frame has them: they are metric 3D, so a supine body seen from its feet
  is as flat as one seen from the side. Otherwise the 2D image points with
  x in true proportions (``PoseFrame.points``); a pose track without its
  aspect (read as 1.0) gets its x scale estimated from the body
  (:class:`coach.aspect.AspectEstimator`, the analyzers' own estimator).
  "Down" is the y axis in both: the camera is assumed level.
* **Orientation against gravity**: segment inclinations from vertical
  (trunk from "up", thigh, shank and upper arm from "down").
* **Floor contacts**: heights above the floor in statures, the floor being
  the lowest visible body point. The body's size in the image is estimated
  from its segment lengths (trunk, thigh, shank, upper arm as fractions of
  stature), held over a few seconds, so a foreshortened segment cannot
  shrink it.
* **Joint angles**: knee and hip flexion (0 = straight), both sides.

:class:`FeatureExtractor` is the only stateful part (the body-size hold and
the aspect estimate); :func:`features_of` is a pure function of a frame and
those two numbers. Both cost a few tens of microseconds per frame.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coach.aspect import EVIDENCE_MIXED, SEGMENT_FRACS, AspectConfig, AspectEstimator, Segment
from coach.geometry import NAN
from coach.landmarks import Landmark
from coach.pose import PoseFrame

FEATURES: Mapping[str, str] = {
    "trunk_incl": "hip-to-shoulder line from straight up (deg): 0 upright, 90 lying, 180 head down",
    "thigh_down_min": "hip-to-knee from straight down (deg), the less raised thigh: 0 standing, 90 lying flat",
    "thigh_down_max": "hip-to-knee from straight down (deg), the more raised thigh: 180 knee straight above hip",
    "shank_down_max": "knee-to-ankle from straight down (deg), the flatter shin: 0 upright, 90 on the floor",
    "upper_arm_down_min": "shoulder-to-elbow from straight down (deg), the more vertical upper arm",
    "upper_arm_down_max": "shoulder-to-elbow from straight down (deg), the less vertical upper arm",
    "elbow_flex_min": "elbow flexion (deg), the straighter elbow: 0 straight",
    "elbow_h_rel": "the lower elbow's height above the floor over the shoulders' (0 on the floor, 1 level)",
    "pushup_bend": "elbow flexion times the cosine of the forearm's angle from vertical, the smaller of the "
                   "two arms (deg): a bent elbow over an upright forearm (a push-up's bottom) reads high, "
                   "a straight arm or a forearm flat on the floor (a plank) low",
    "knee_flex_min": "knee flexion (deg), the straighter knee: 0 straight",
    "knee_flex_max": "knee flexion (deg), the more bent knee",
    "hip_flex_min": "hip flexion (deg, trunk line against thigh), the straighter hip: 0 straight",
    "hip_flex_max": "hip flexion (deg), the more flexed hip (the knee drawn towards the chest)",
    "shoulder_h": "shoulder midpoint above the floor (statures)",
    "hip_h": "hip midpoint above the floor (statures)",
    "knee_h_max": "the higher knee above the floor (statures)",
    "ankle_h_min": "the lower ankle above the floor (statures)",
    "ankle_h_max": "the higher ankle above the floor (statures)",
    "wrist_h_min": "the lower wrist above the floor (statures)",
    "hands_below_knees": "lower wrist below the mean knee height (statures; + = below)",
}
"""Feature name -> meaning. Exercise specs name these in their recognition
rules (:class:`coach.spec.RecognitionSpec`)."""

FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)
INDEX: Mapping[str, int] = {name: i for i, name in enumerate(FEATURE_NAMES)}


def _ints(*landmarks: Landmark) -> tuple[int, ...]:
    """Landmark indices as plain ints: they index lists on every frame, and
    a list indexed by an IntEnum member takes CPython's slow path."""
    return tuple(int(lm) for lm in landmarks)


_L = Landmark
_SIDES = (
    _ints(_L.LEFT_SHOULDER, _L.LEFT_ELBOW, _L.LEFT_WRIST, _L.LEFT_HIP, _L.LEFT_KNEE, _L.LEFT_ANKLE),
    _ints(_L.RIGHT_SHOULDER, _L.RIGHT_ELBOW, _L.RIGHT_WRIST, _L.RIGHT_HIP, _L.RIGHT_KNEE, _L.RIGHT_ANKLE),
)
_FLOOR = _ints(_L.LEFT_ANKLE, _L.RIGHT_ANKLE, _L.LEFT_HEEL, _L.RIGHT_HEEL, _L.LEFT_FOOT_INDEX, _L.RIGHT_FOOT_INDEX,
               _L.LEFT_KNEE, _L.RIGHT_KNEE, _L.LEFT_HIP, _L.RIGHT_HIP, _L.LEFT_SHOULDER, _L.RIGHT_SHOULDER,
               _L.LEFT_ELBOW, _L.RIGHT_ELBOW, _L.LEFT_WRIST, _L.RIGHT_WRIST, _L.NOSE)
_TRUNK = _ints(_L.LEFT_SHOULDER, _L.RIGHT_SHOULDER, _L.LEFT_HIP, _L.RIGHT_HIP)
_LS, _RS, _LH, _RH = _TRUNK
_BODY = tuple(sorted(set(_FLOOR).union(*_SIDES, _TRUNK)))
"""Every landmark a feature reads; the others are never converted to
points (per-frame path)."""
_SEG_FRAC = {(a, b): r for a, b, r in SEGMENT_FRACS}
TRUNK_FRAC = _SEG_FRAC[("shoulder", "hip")]
THIGH_FRAC = _SEG_FRAC[("hip", "knee")]
SHANK_FRAC = _SEG_FRAC[("knee", "ankle")]
UPPER_ARM_FRAC = _SEG_FRAC[("shoulder", "elbow")]


def _side_segments(side: tuple[int, ...]) -> tuple[tuple[int, int, float], ...]:
    """(from, to, fraction of stature) of one side's trunk, thigh, shank and
    upper arm."""
    sh, el, _wr, hp, kn, an = side
    return (sh, hp, TRUNK_FRAC), (hp, kn, THIGH_FRAC), (kn, an, SHANK_FRAC), (sh, el, UPPER_ARM_FRAC)


_SEGMENTS = _side_segments(_SIDES[0]) + _side_segments(_SIDES[1])
"""Both sides' segments, left side first (the order the size estimates are
collected in)."""

SEEN = 0.05
"""A landmark counts as present above this visibility. Far-side joints of
a side view read 0.05-0.35 (MediaPipe guesses them close to the truth);
only landmarks MediaPipe did not place at all are left out."""

TINY = 1e-9
"""A length or a body size at or below this is degenerate (no direction, no
scale): the feature it would give is NaN."""

Pt = Sequence[float]
"""A point ``(x, y, z)``; a 2D image point has z = 0.0 (:func:`body_points`)."""
Points = Sequence[Pt | None]
"""Points indexed by landmark, None where there is none."""


@dataclass(frozen=True)
class Posture:
    """The features of one frame (``values`` in :data:`FEATURE_NAMES`
    order, NaN where not measurable) and how they were measured."""

    t: float
    values: tuple[float, ...]
    world: bool
    """Measured on the world landmarks (else the 2D image)."""
    stature: float
    """The body's size used for the heights (metres, or image heights)."""

    def get(self, name: str) -> float:
        return self.values[INDEX[name]]

    def as_dict(self) -> dict[str, float]:
        return dict(zip(FEATURE_NAMES, self.values, strict=True))

    @property
    def person(self) -> bool:
        """Enough of the body was seen to measure the trunk."""
        return math.isfinite(self.values[0])


_UNMEASURED = (NAN,) * len(FEATURE_NAMES)
"""The values of a frame without a trunk."""


# The geometry below runs a few dozen times per frame, so it is scalar math
# on Python floats, with every operation in the order the generator sums it
# replaced had (bit for bit the same results on Python 3.11, whose sum()
# adds floats left to right): sums of squares and dot products add x, y, z
# left to right.
def _unit_clip(c: float) -> float:
    """``max(-1.0, min(1.0, c))``, NaN included (it reads as 1.0)."""
    c = c if c < 1.0 else 1.0
    return c if c > -1.0 else -1.0


def _down_angle(a: Pt, b: Pt) -> float:
    """Angle (0..180) of a->b from straight down (+y)."""
    ax, ay, az = a
    bx, by, bz = b
    dx, dy, dz = bx - ax, by - ay, bz - az
    n = math.sqrt(dx * dx + dy * dy + dz * dz)
    if not n > TINY:
        return NAN
    return math.degrees(math.acos(_unit_clip(dy / n)))


def _flexion(a: Pt, b: Pt, c: Pt) -> float:
    """180 - angle abc (0 = straight). A zero dot product's sign (-0.0 or
    0.0, which the order of its terms decides) does not matter: acos reads
    both as pi/2."""
    ax, ay, az = a
    bx, by, bz = b
    cx, cy, cz = c
    ux, uy, uz = ax - bx, ay - by, az - bz
    vx, vy, vz = cx - bx, cy - by, cz - bz
    nu = math.sqrt(ux * ux + uy * uy + uz * uz)
    nv = math.sqrt(vx * vx + vy * vy + vz * vz)
    if not (nu > TINY and nv > TINY):
        return NAN
    cos = _unit_clip((ux * vx + uy * vy + uz * vz) / (nu * nv))
    return 180.0 - math.degrees(math.acos(cos))


def _mid(a: Pt, b: Pt) -> Pt:
    ax, ay, az = a
    bx, by, bz = b
    return (ax + bx) / 2.0, (ay + by) / 2.0, (az + bz) / 2.0


def _mins(values: Sequence[float]) -> tuple[float, float]:
    ok = [v for v in values if math.isfinite(v)]
    return (min(ok), max(ok)) if ok else (NAN, NAN)


def body_points(frame: PoseFrame, x_scale: float = 1.0) -> tuple[list[Pt | None], bool]:
    """Per landmark a point (None where not seen, and for the landmarks no
    feature reads) and whether they are world landmarks: the world
    landmarks when every trunk landmark has one, else the 2D image points
    (x times the aspect times ``x_scale``) with z = 0.0.

    One set of 3D formulas then serves both, bit for bit what 2D formulas
    give: a zero z adds +0.0 to sums of squares and dot products (at most
    the sign of a zero dot product changes, see :func:`_flexion`), and a
    2D long axis has z = 0.0 (:func:`long_axis`)."""
    return _body_points(frame.visibility.tolist(), frame, x_scale)


def _body_points(vis: list[float], frame: PoseFrame, x_scale: float) -> tuple[list[Pt | None], bool]:
    """:func:`body_points` with the visibilities already read as floats
    (read once per frame: the aspect estimate reads them too)."""
    pts: list[Pt | None] = [None] * len(vis)
    world = frame.world
    if world is not None:
        w = world.tolist()
        if _trunk_seen(vis, w):
            for lm in _BODY:
                p = w[lm]
                if vis[lm] > SEEN and math.isfinite(p[0]):
                    pts[lm] = p
            return pts, True
    sx = frame.aspect * x_scale
    xy = frame.xy.tolist()
    for lm in _BODY:
        x, y = xy[lm]
        if vis[lm] > SEEN and math.isfinite(x):
            pts[lm] = (x * sx, y, 0.0)
    return pts, False


def _trunk_seen(vis: list[float], world: list[list[float]]) -> bool:
    """Every trunk landmark is seen and has a world point."""
    for lm in _TRUNK:
        if not (vis[lm] > SEEN and math.isfinite(world[lm][0])):
            return False
    return True


def size_estimate(pts: Points, world: bool = False) -> float:
    """The body's stature in the points' unit from its segment lengths
    (length / its fraction of stature). In 2D the second largest estimate,
    so one mis-placed landmark cannot inflate it and a foreshortened
    segment does not shrink it; in 3D (nothing foreshortens, but depth
    noise lengthens) the median. NaN if under two segments."""
    est: list[float] = []
    for a, b, frac in _SEGMENTS:
        pa, pb = pts[a], pts[b]
        if pa is not None and pb is not None:
            ax, ay, az = pa
            bx, by, bz = pb
            est.append(math.sqrt((ax - bx) ** 2 + (ay - by) ** 2 + (az - bz) ** 2) / frac)
    if len(est) < 2:
        return NAN
    est.sort()
    if world:
        n = len(est)
        return est[n // 2] if n % 2 else (est[n // 2 - 1] + est[n // 2]) / 2.0
    return est[-2]


def features_of(frame: PoseFrame, stature: float, x_scale: float = 1.0) -> Posture:
    """The :class:`Posture` of one frame, heights in units of ``stature``
    (in the unit of the points used: metres for world landmarks, image
    heights otherwise; pass :func:`size_estimate` of the frame when no
    better estimate is known)."""
    pts, world = body_points(frame, x_scale)
    return _features(frame.t, pts, world, stature)


def long_axis(pts: Points) -> tuple[float, float] | None:
    """Unit horizontal direction (x, z) from the feet towards the head (2D:
    (+-1, 0.0)); None without the hips and shoulders."""
    ls, rs, lh, rh = pts[_LS], pts[_RS], pts[_LH], pts[_RH]
    if ls is None or rs is None or lh is None or rh is None:
        return None
    head, tail = _mid(ls, rs), _mid(lh, rh)
    dx = head[0] - tail[0]
    dz = head[2] - tail[2]
    n = math.hypot(dx, dz)
    if not n > TINY:
        return None
    return dx / n, dz / n


def floor_tilt(pts: Points, axis: tuple[float, float] | None, stature: float, max_tilt_deg: float = 30.0,
               min_span: float = 0.35) -> float:
    """The floor's slope (deg) along the body's long axis (``axis``, from
    :func:`long_axis`), from the body's own contacts: the lower support
    line of the points seen along that axis (the lower convex hull, y
    down), the hull edge that spans the longest stretch of the body. A body
    lying, planking or bridging rests on both ends, so that edge is the
    floor, tilted by the camera's pitch (world landmarks follow the camera)
    or roll (2D). NaN when no edge spans ``min_span`` statures within
    ``max_tilt_deg`` (a standing body: only its feet touch the floor)."""
    if axis is None or not stature > TINY:
        return NAN
    ax, az = axis
    sy = sorted([(p[0] * ax + p[2] * az, p[1]) for lm in _FLOOR if (p := pts[lm]) is not None])
    if len(sy) < 3:
        return NAN
    hull = _lower_hull(sy)
    best, best_span = NAN, min_span * stature
    limit = math.tan(math.radians(max_tilt_deg))
    for (s0, y0), (s1, y1) in itertools.pairwise(hull):
        span = s1 - s0
        if span > best_span and abs(y1 - y0) <= limit * span:
            best, best_span = math.degrees(math.atan2(y1 - y0, span)), span
    return best


def _lower_hull(sy: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The lower convex hull (the largest y, y down) of three or more (s, y)
    points sorted by s (Andrew's monotone chain): the last point is dropped
    while the turn from the one before it to the next point is not towards
    +y (cross product of (last - before) and (next - before) >= 0; NaN
    keeps it). The last hull point is held in locals (s1, y1), off the
    list: this loop is the costliest part of a frame's features."""
    hull = [sy[0]]
    last = sy[1]
    s1, y1 = last
    for q in sy[2:]:
        qs, qy = q
        while hull:
            s0, y0 = hull[-1]
            if not (s1 - s0) * (qy - y0) - (y1 - y0) * (qs - s0) >= 0.0:
                break
            last = hull.pop()
            s1, y1 = last
        hull.append(last)
        last, s1, y1 = q, qs, qy
    hull.append(last)
    return hull


def level(pts: Points, axis: tuple[float, float] | None, tilt_deg: float) -> list[Pt | None]:
    """The points rotated so that a floor sloping ``tilt_deg`` along the
    body's long axis (``axis``, from :func:`long_axis`) becomes level
    (about the horizontal axis across the body). Only the landmarks the
    features read are rotated (the others are None)."""
    if axis is None or not (math.isfinite(tilt_deg) and tilt_deg != 0.0):
        return list(pts)
    th = math.radians(tilt_deg)
    c, s = math.cos(th), math.sin(th)
    ax, az = axis
    out: list[Pt | None] = [None] * len(pts)
    for lm in _BODY:
        p = pts[lm]
        if p is None:
            continue
        px, y, pz = p
        a = px * ax + pz * az
        a2 = a * c + y * s
        y2 = -a * s + y * c
        da = a2 - a
        out[lm] = (px + da * ax, y2, pz + da * az)
    return out


def _features(t: float, pts: Points, world: bool, stature: float) -> Posture:
    nan = NAN
    ls, rs, lh, rh = pts[_LS], pts[_RS], pts[_LH], pts[_RH]
    if ls is None or rs is None or lh is None or rh is None:
        return Posture(t, _UNMEASURED, world, stature)
    sh, hp = _mid(ls, rs), _mid(lh, rh)
    trunk_incl = 180.0 - _down_angle(hp, sh)
    thigh, shank, arm, knee, hipf, knee_y, ankle_y, wrist_y = [], [], [], [], [], [], [], []
    elbow, elbow_y, pushup = [], [], []
    for s_lm, e_lm, w_lm, h_lm, k_lm, a_lm in _SIDES:
        s, e, w, h, k, a = pts[s_lm], pts[e_lm], pts[w_lm], pts[h_lm], pts[k_lm], pts[a_lm]
        if h is not None and k is not None:
            thigh.append(_down_angle(h, k))
            knee_y.append(k[1])
            if s is not None:
                hipf.append(_flexion(s, h, k))
            if a is not None:
                knee.append(_flexion(h, k, a))
        if k is not None and a is not None:
            shank.append(_down_angle(k, a))
        if s is not None and e is not None:
            arm.append(_down_angle(s, e))
            elbow_y.append(e[1])
            if w is not None:
                flex = _flexion(s, e, w)
                elbow.append(flex)
                pushup.append(flex * abs(math.cos(math.radians(_down_angle(e, w)))))
        if a is not None:
            ankle_y.append(a[1])
        if w is not None:
            wrist_y.append(w[1])
    floor_ys = [p[1] for lm in _FLOOR if (p := pts[lm]) is not None]
    floor = max(floor_ys) if floor_ys else nan
    scale = stature if stature > TINY else nan
    thigh_min, thigh_max = _mins(thigh)
    knee_min, knee_max = _mins(knee)
    hip_min, hip_max = _mins(hipf)
    ky_top = min(knee_y) if knee_y else nan
    ay_lo, ay_hi = _mins(ankle_y)
    wy_low = max(wrist_y) if wrist_y else nan
    knee_mean = sum(knee_y) / len(knee_y) if knee_y else nan
    values = (
        trunk_incl,
        thigh_min,
        thigh_max,
        max(shank) if shank else nan,
        min(arm) if arm else nan,
        max(arm) if arm else nan,
        min(elbow) if elbow else nan,
        (floor - max(elbow_y)) / (floor - sh[1]) if elbow_y and floor - sh[1] > TINY else nan,
        _mins(pushup)[0],
        knee_min,
        knee_max,
        hip_min,
        hip_max,
        (floor - sh[1]) / scale,
        (floor - hp[1]) / scale,
        (floor - ky_top) / scale,
        (floor - ay_hi) / scale,
        (floor - ay_lo) / scale,
        (floor - wy_low) / scale,
        (wy_low - knee_mean) / scale,
    )
    return Posture(t, values, world, stature)


def aspect_segments(frame: PoseFrame) -> list[Segment]:
    """The near side's trunk, thigh, shank and upper arm as ``(dx, dy, r)``
    for :class:`AspectEstimator` (normalised image units)."""
    return _aspect_segments(frame.visibility.tolist(), frame.xy.tolist())


def _aspect_segments(vis: list[float], xy: list[list[float]]) -> list[Segment]:
    """:func:`aspect_segments` on the frame's arrays read as floats."""
    near = max(_SIDES, key=lambda s: sum(vis[lm] for lm in s))
    out: list[Segment] = []
    for a, b, frac in _side_segments(near):
        if vis[a] >= 0.5 and vis[b] >= 0.5:
            out.append((xy[b][0] - xy[a][0], xy[b][1] - xy[a][1], frac))
    return out


RECOGNITION_ASPECT = AspectConfig(evidence=EVIDENCE_MIXED)
"""The x scale of a track without its aspect: only frames that mix
vertical and horizontal segments count as evidence (any posture may come)."""


@dataclass(frozen=True)
class ExtractorConfig:
    """``size_hold_s``: the body's size is held (a decaying maximum) over
    this time, so a body lying end-on to the camera keeps the size it
    showed when it lay down; ``size_jump``: a new estimate more than this
    factor above the held one is a mis-placed landmark, not a bigger body,
    and is taken only in part."""

    size_hold_s: float = 6.0
    size_jump: float = 1.4
    tilt_tau_s: float = 1.0
    """The floor's slope is averaged over about a second..."""
    tilt_hold_s: float = 5.0
    """...and kept this long when the body shows none (standing up)."""
    aspect: AspectConfig = RECOGNITION_ASPECT


class FeatureExtractor:
    """``update(frame) -> Posture`` per (smoothed) frame."""

    def __init__(self, config: ExtractorConfig | None = None) -> None:
        self.config = config or ExtractorConfig()
        self.reset()

    def reset(self) -> None:
        self._size: dict[bool, float] = {True: NAN, False: NAN}
        self._size_t: dict[bool, float] = {True: NAN, False: NAN}
        self._aspect = AspectEstimator(self.config.aspect)
        self.x_scale = 1.0
        self.tilt = 0.0
        self._tilt_t = NAN
        self._tilt_world: bool | None = None

    def update(self, frame: PoseFrame) -> Posture:
        t = frame.t
        vis = frame.visibility.tolist()
        x_scale = 1.0
        if frame.aspect == 1.0:
            self.x_scale = x_scale = self._aspect.update(_aspect_segments(vis, frame.xy.tolist()))
        pts, world = _body_points(vis, frame, x_scale)
        size = self._hold(world, size_estimate(pts, world), t)
        axis = long_axis(pts)
        tilt = self._level(floor_tilt(pts, axis, size), world, t)
        return _features(t, level(pts, axis, tilt), world, size)

    def _level(self, tilt: float, world: bool, t: float) -> float:
        c = self.config
        if world is not self._tilt_world:  # another coordinate system: another slope
            self.tilt, self._tilt_t, self._tilt_world = 0.0, NAN, world
        if math.isfinite(tilt):
            dt = t - self._tilt_t if math.isfinite(self._tilt_t) else math.inf
            a = 1.0 if not math.isfinite(dt) or dt > c.tilt_hold_s else 1.0 - math.exp(-max(dt, 0.0) / c.tilt_tau_s)
            self.tilt += a * (tilt - self.tilt)
            self._tilt_t = t
        elif math.isfinite(self._tilt_t) and t - self._tilt_t > c.tilt_hold_s:
            self.tilt = 0.0
        return self.tilt

    def _hold(self, world: bool, est: float, t: float) -> float:
        c = self.config
        held, since = self._size[world], self._size_t[world]
        if math.isfinite(held):
            held *= math.exp(-max(0.0, t - since) / c.size_hold_s)
        if math.isfinite(est):
            if not math.isfinite(held):
                held = est
            elif est > held * c.size_jump:
                held = held * c.size_jump
            else:
                held = max(held, est)
        self._size[world], self._size_t[world] = held, t
        return held
