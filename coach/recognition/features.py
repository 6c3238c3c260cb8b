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

_L = Landmark
_SIDES = (
    (_L.LEFT_SHOULDER, _L.LEFT_ELBOW, _L.LEFT_WRIST, _L.LEFT_HIP, _L.LEFT_KNEE, _L.LEFT_ANKLE),
    (_L.RIGHT_SHOULDER, _L.RIGHT_ELBOW, _L.RIGHT_WRIST, _L.RIGHT_HIP, _L.RIGHT_KNEE, _L.RIGHT_ANKLE),
)
_FLOOR = (_L.LEFT_ANKLE, _L.RIGHT_ANKLE, _L.LEFT_HEEL, _L.RIGHT_HEEL, _L.LEFT_FOOT_INDEX, _L.RIGHT_FOOT_INDEX,
          _L.LEFT_KNEE, _L.RIGHT_KNEE, _L.LEFT_HIP, _L.RIGHT_HIP, _L.LEFT_SHOULDER, _L.RIGHT_SHOULDER,
          _L.LEFT_ELBOW, _L.RIGHT_ELBOW, _L.LEFT_WRIST, _L.RIGHT_WRIST, _L.NOSE)
_TRUNK = (_L.LEFT_SHOULDER, _L.RIGHT_SHOULDER, _L.LEFT_HIP, _L.RIGHT_HIP)
_SEG_FRAC = {(a, b): r for a, b, r in SEGMENT_FRACS}
TRUNK_FRAC = _SEG_FRAC[("shoulder", "hip")]
THIGH_FRAC = _SEG_FRAC[("hip", "knee")]
SHANK_FRAC = _SEG_FRAC[("knee", "ankle")]
UPPER_ARM_FRAC = _SEG_FRAC[("shoulder", "elbow")]

SEEN = 0.05
"""A landmark counts as present above this visibility. Far-side joints of
a side view read 0.05-0.35 (MediaPipe guesses them close to the truth);
only landmarks MediaPipe did not place at all are left out."""

Pt = Sequence[float]


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


def _down_angle(a: Pt, b: Pt) -> float:
    """Angle (0..180) of a->b from straight down (+y), 2D or 3D."""
    d = [y - x for x, y in zip(a, b, strict=False)]
    n = math.sqrt(sum(v * v for v in d))
    if not n > 1e-9:
        return NAN
    return math.degrees(math.acos(max(-1.0, min(1.0, d[1] / n))))


def _flexion(a: Pt, b: Pt, c: Pt) -> float:
    """180 - angle abc (0 = straight)."""
    u = [x - y for x, y in zip(a, b, strict=False)]
    v = [x - y for x, y in zip(c, b, strict=False)]
    nu = math.sqrt(sum(x * x for x in u))
    nv = math.sqrt(sum(x * x for x in v))
    if not (nu > 1e-9 and nv > 1e-9):
        return NAN
    cos = sum(x * y for x, y in zip(u, v, strict=False)) / (nu * nv)
    return 180.0 - math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _length(a: Pt, b: Pt) -> float:
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=False)))


def _mid(a: Pt, b: Pt) -> list[float]:
    return [(x + y) / 2.0 for x, y in zip(a, b, strict=False)]


def _mins(values: Sequence[float]) -> tuple[float, float]:
    ok = [v for v in values if math.isfinite(v)]
    return (min(ok), max(ok)) if ok else (NAN, NAN)


def body_points(frame: PoseFrame, x_scale: float = 1.0) -> tuple[list[list[float] | None], bool]:
    """Per landmark a point (None where not seen) and whether they are
    world landmarks: the world landmarks when every trunk landmark has one,
    else the 2D image points (x times the aspect times ``x_scale``)."""
    vis = frame.visibility.tolist()
    world = frame.world
    if world is not None:
        w = world.tolist()
        if all(vis[lm] > SEEN and math.isfinite(w[lm][0]) for lm in _TRUNK):
            return [p if (vis[i] > SEEN and math.isfinite(p[0])) else None for i, p in enumerate(w)], True
    sx = frame.aspect * x_scale
    xy = frame.xy.tolist()
    return [[p[0] * sx, p[1]] if vis[i] > SEEN and math.isfinite(p[0]) else None for i, p in enumerate(xy)], False


def size_estimate(pts: Sequence[Sequence[float] | None], world: bool = False) -> float:
    """The body's stature in the points' unit from its segment lengths
    (length / its fraction of stature). In 2D the second largest estimate,
    so one mis-placed landmark cannot inflate it and a foreshortened
    segment does not shrink it; in 3D (nothing foreshortens, but depth
    noise lengthens) the median. NaN if under two segments."""
    est: list[float] = []
    for sh, el, _wr, hp, kn, an in _SIDES:
        for a, b, frac in ((sh, hp, TRUNK_FRAC), (hp, kn, THIGH_FRAC), (kn, an, SHANK_FRAC), (sh, el, UPPER_ARM_FRAC)):
            pa, pb = pts[a], pts[b]
            if pa is not None and pb is not None:
                est.append(_length(pa, pb) / frac)
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


def floor_tilt(pts: Sequence[Sequence[float] | None], stature: float, max_tilt_deg: float = 30.0,
               min_span: float = 0.35) -> float:
    """The floor's slope (deg) along the body's long axis, from the body's
    own contacts: the lower support line of the points seen along that axis
    (the lower convex hull, y down), the hull edge that spans the longest
    stretch of the body. A body lying, planking or bridging rests on both
    ends, so that edge is the floor, tilted by the camera's pitch (world
    landmarks follow the camera) or roll (2D). NaN when no edge spans
    ``min_span`` statures within ``max_tilt_deg`` (a standing body: only
    its feet touch the floor)."""
    axis = _long_axis(pts)
    if axis is None or not stature > 1e-9:
        return NAN
    sy = sorted((_along(p, axis), p[1]) for lm in _FLOOR if (p := pts[lm]) is not None)
    if len(sy) < 3:
        return NAN
    hull: list[tuple[float, float]] = []  # lower hull: the largest y (y down) from below
    for q in sy:
        while len(hull) >= 2 and _cross(hull[-2], hull[-1], q) >= 0.0:
            hull.pop()
        hull.append(q)
    best, best_span = NAN, min_span * stature
    limit = math.tan(math.radians(max_tilt_deg))
    for (s0, y0), (s1, y1) in itertools.pairwise(hull):
        span = s1 - s0
        if span > best_span and abs(y1 - y0) <= limit * span:
            best, best_span = math.degrees(math.atan2(y1 - y0, span)), span
    return best


def _cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """z of (a - o) x (b - o) in (s, y) with y down: < 0 turns towards +y."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _long_axis(pts: Sequence[Sequence[float] | None]) -> tuple[float, float] | None:
    """Unit horizontal direction (x, z) from the feet towards the head (2D:
    (+-1, 0)); None without the hips and shoulders."""
    ls, rs, lh, rh = (pts[lm] for lm in _TRUNK)
    if ls is None or rs is None or lh is None or rh is None:
        return None
    head, tail = _mid(ls, rs), _mid(lh, rh)
    dx = head[0] - tail[0]
    dz = head[2] - tail[2] if len(head) > 2 else 0.0
    n = math.hypot(dx, dz)
    if not n > 1e-9:
        return None
    return dx / n, dz / n


def _along(p: Sequence[float], axis: tuple[float, float]) -> float:
    return p[0] * axis[0] + (p[2] * axis[1] if len(p) > 2 else 0.0)


def level(pts: Sequence[Sequence[float] | None], tilt_deg: float) -> list[Sequence[float] | None]:
    """The points rotated so that a floor sloping ``tilt_deg`` along the
    body's long axis becomes level (about the horizontal axis across the
    body)."""
    axis = _long_axis(pts)
    if axis is None or not (math.isfinite(tilt_deg) and tilt_deg != 0.0):
        return list(pts)
    th = math.radians(tilt_deg)
    c, s = math.cos(th), math.sin(th)
    ax, az = axis
    out: list[Sequence[float] | None] = []
    for p in pts:
        if p is None:
            out.append(None)
            continue
        a = _along(p, axis)
        y = p[1]
        a2 = a * c + y * s
        y2 = -a * s + y * c
        da = a2 - a
        if len(p) > 2:
            out.append((p[0] + da * ax, y2, p[2] + da * az))
        else:
            out.append((p[0] + da * ax, y2))
    return out


def _features(t: float, pts: Sequence[Sequence[float] | None], world: bool, stature: float) -> Posture:
    nan = NAN
    ls, rs, lh, rh = (pts[lm] for lm in _TRUNK)
    if ls is None or rs is None or lh is None or rh is None:
        return Posture(t, (nan,) * len(FEATURE_NAMES), world, stature)
    sh, hp = _mid(ls, rs), _mid(lh, rh)
    trunk_incl = 180.0 - _down_angle(hp, sh)
    thigh, shank, arm, knee, hipf, knee_y, ankle_y, wrist_y = [], [], [], [], [], [], [], []
    elbow, elbow_y, pushup = [], [], []
    for s_lm, e_lm, w_lm, h_lm, k_lm, a_lm in _SIDES:
        s, e, w, h, k, a = (pts[lm] for lm in (s_lm, e_lm, w_lm, h_lm, k_lm, a_lm))
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
    floor = max((p[1] for lm in _FLOOR if (p := pts[lm]) is not None), default=nan)
    scale = stature if stature > 1e-9 else nan

    def height(y: float) -> float:
        return (floor - y) / scale

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
        (floor - max(elbow_y)) / (floor - sh[1]) if elbow_y and floor - sh[1] > 1e-9 else nan,
        _mins(pushup)[0],
        knee_min,
        knee_max,
        hip_min,
        hip_max,
        height(sh[1]),
        height(hp[1]),
        height(ky_top),
        height(ay_hi),
        height(ay_lo),
        height(wy_low),
        (wy_low - knee_mean) / scale,
    )
    return Posture(t, values, world, stature)


def aspect_segments(frame: PoseFrame) -> list[Segment]:
    """The near side's trunk, thigh, shank and upper arm as ``(dx, dy, r)``
    for :class:`AspectEstimator` (normalised image units)."""
    vis = frame.visibility.tolist()
    xy = frame.xy.tolist()
    near = max(_SIDES, key=lambda s: sum(vis[lm] for lm in s))
    sh, el, _wr, hp, kn, an = near
    out: list[Segment] = []
    for a, b, frac in ((sh, hp, TRUNK_FRAC), (hp, kn, THIGH_FRAC), (kn, an, SHANK_FRAC), (sh, el, UPPER_ARM_FRAC)):
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
        if frame.aspect == 1.0:
            self.x_scale = self._aspect.update(aspect_segments(frame))
        pts, world = body_points(frame, self.x_scale if frame.aspect == 1.0 else 1.0)
        est = size_estimate(pts, world)
        size = self._hold(world, est, frame.t)
        tilt = self._level(floor_tilt(pts, size), world, frame.t)
        return _features(frame.t, level(pts, tilt), world, size)

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
