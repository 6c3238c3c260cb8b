"""Per-frame state of the lift coach: one frame's coordinates, its measures,
the standing baselines and the lift in progress."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from coach import geometry as geo
from coach.landmarks import Landmark, Side, other_side, sided
from coach.pose import PoseFrame

# -- per-frame measurement ---------------------------------------------------------

_L = Landmark
_TRUNK4 = (_L.LEFT_SHOULDER, _L.RIGHT_SHOULDER, _L.LEFT_HIP, _L.RIGHT_HIP)


@dataclass(slots=True)
class _Frame:
    """Raw coordinates of one frame as plain floats (fast to index)."""

    pts: list[list[float]]
    vis: list[float]
    z: list[float]
    world: list[list[float]] | None
    aspect: float

    @classmethod
    def of(cls, frame: PoseFrame) -> _Frame:
        pts = frame.xy.tolist()
        a = frame.aspect
        for p in pts:
            p[0] *= a
        world = frame.world.tolist() if frame.world is not None else None
        return cls(pts, frame.visibility.tolist(), frame.z.tolist(), world, a)

    def seen(self, lm: Landmark, threshold: float) -> bool:
        return self.vis[lm] >= threshold and geo.point_ok(self.pts[lm])


def _side_score(f: _Frame, side: Side) -> float:
    joints = ("shoulder", "hip", "knee", "ankle")
    mine = [sided(side, j) for j in joints]
    other = [sided(other_side(side), j) for j in joints]
    vis = sum(f.vis[lm] for lm in mine) / len(mine)
    dz = sum(f.z[lm] for lm in other) / len(other) - sum(f.z[lm] for lm in mine) / len(mine)
    return vis + (0.1 * math.tanh(4.0 * dz) if math.isfinite(dz) else 0.0)


@dataclass(slots=True)
class _Measures:
    """One frame's measures (nan = not measurable in this view)."""

    scale: float = math.nan  # stature in the measuring coordinates (image heights or metres)
    hand_h: float = math.nan  # wrists above the lower ankle, statures
    shoulder_h: float = math.nan  # shoulders above the lower ankle, statures
    trunk: float = math.nan
    knee_l: float = math.nan
    knee_r: float = math.nan
    knee: float = math.nan
    hip: float = math.nan
    ratio: float = math.nan
    h_frac: float = math.nan
    h_cm: float = math.nan
    v_cm: float = math.nan
    twist: float = math.nan
    yaw: float = math.nan
    width_ratio: float = math.nan  # 2D (shoulder + hip width) / segment chain
    width_q: float = math.nan  # 2D shoulder width / hip width
    width_2d: float = math.nan  # 2D hip width
    hips_seen: bool = False
    world_ok: bool = False  # world landmarks usable this frame (metric stature)
    source_world: bool = False  # heights and angles measured in world landmarks
    feet_2d: tuple[float, float] = (math.nan, math.nan)  # image position of the ankle midpoint
    twist_2d: bool = False  # twist from the 2D width proxy (else from world landmarks)
    still: bool = False  # feet planted and body size steady over the last still_window_s
    scale_img: float = math.nan  # 2D stature used (smoothed, frozen during a lift)
    hip_2d: tuple[float, float] = (math.nan, math.nan)
    scale_2d: float = math.nan
    stature_m: float = math.nan
    floor_2d: float = math.nan  # image y of the lower ankle
    hand_s: float = math.nan  # median-filtered hand height (segmentation)
    shoulder_s: float = math.nan  # median-filtered shoulder height
    trunk_s: float = math.nan  # median-filtered trunk flexion


@dataclass(slots=True)
class _Baselines:
    """What standing upright looks like for this person (learned while
    standing, frozen during a lift)."""

    hand_h: float = math.nan
    shoulder_h: float = math.nan
    width_k: float = math.nan  # 2D hip width / 2D stature
    width_q: float = math.nan  # 2D shoulder width / hip width
    yaw: float = math.nan
    floor_2d: float = math.nan  # image y of the floor (lower ankle) while standing
    counts: dict[str, int] = field(default_factory=dict)
    not_upright_since: float | None = None

    def ema(self, name: str, value: float, alpha: float) -> None:
        """Exponential average that starts as a running mean (weight at
        least 1/n), so the first noisy frame does not set the baseline."""
        if not math.isfinite(value):
            return
        n = self.counts.get(name, 0) + 1
        self.counts[name] = n
        old = getattr(self, name)
        w = max(alpha, 1.0 / n)
        setattr(self, name, value if not math.isfinite(old) else old + w * (value - old))


@dataclass(slots=True)
class _LiftTrack:
    """Accumulates one lift in progress."""

    start: float
    side: Side
    view: str
    frames: int = 0
    seen: int = 0
    last_seen_t: float = 0.0
    min_hand: float = math.inf
    min_t: float = 0.0
    min_shoulder: float = math.inf
    feet0: tuple[float, float] = (math.nan, math.nan)
    samples: list[tuple[float, float, float, float, float, float]] = field(default_factory=list)
    """(hand height, knee flexion, hip flexion, h_frac, h_cm, v_cm) per judged frame."""
    trunk_max: float = math.nan
    twist_max: float = math.nan
    h_frac_max: float = math.nan
    faults: set[str] = field(default_factory=set)
    depth_ok: bool = False

    def note(self, name: str, value: float) -> None:
        if math.isfinite(value):
            old = getattr(self, name)
            setattr(self, name, value if not math.isfinite(old) else max(old, value))


def _quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1, nearest rank) of the finite values; nan if none."""
    vals = sorted(v for v in values if math.isfinite(v))
    if not vals:
        return math.nan
    return vals[min(len(vals) - 1, max(0, round(q * (len(vals) - 1))))]
