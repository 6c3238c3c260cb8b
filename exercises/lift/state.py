"""Per-frame state of the lift coach: one frame's coordinates, its measures,
the standing baselines and the lift in progress."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from coach import geometry as geo
from coach.landmarks import Landmark, Side
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


@dataclass(slots=True)
class _Measures:
    """One frame's measures (nan = not measurable in this view)."""

    scale: float = math.nan  # stature in the measuring coordinates (image heights or metres)
    hand_h: float = math.nan  # wrists above the floor (lower ankle), statures
    shoulder_h: float = math.nan  # shoulders above the floor, statures
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
    legs_seen: bool = False  # the judged side's knee and ankle seen in this frame
    world_ok: bool = False  # world landmarks usable this frame (metric stature)
    source_world: bool = False  # heights and angles measured in world landmarks
    feet_2d: tuple[float, float] = (math.nan, math.nan)  # image position of the ankle midpoint
    twist_2d: bool = False  # twist from the 2D width proxy (else from world landmarks)
    still: bool = False  # feet planted and body size steady over the last still_window_s
    moving: bool = False  # feet or body size seen changing over the last still_window_s
    scale_img: float = math.nan  # 2D stature used (smoothed, frozen during a lift)
    hip_2d: tuple[float, float] = (math.nan, math.nan)
    scale_2d: float = math.nan
    stature_m: float = math.nan
    floor_2d: float = math.nan  # image y of the lower ankle
    knee_y: float = math.nan  # image y of the knees (seen, or remembered)
    hands_below: float = math.nan  # wrists below the knees, statures (image)
    height_img: float = math.nan  # shoulders over the floor line, image heights (views without flexion)
    below_s: float = math.nan  # median-filtered hands_below (segmentation)
    seg_trunk: float = math.nan  # trunk flexion for segmentation (2D image angle in an oblique 2D view)
    seg_knee: float = math.nan  # the straighter knee's flexion for segmentation (likewise)
    trunk_s: float = math.nan  # median-filtered trunk flexion (the lift's record)
    seg_trunk_s: float = math.nan  # median-filtered seg_trunk
    seg_knee_s: float = math.nan  # median-filtered seg_knee
    height_s: float = math.nan  # median-filtered height_w


@dataclass(slots=True)
class _Baselines:
    """What standing upright looks like for this person (learned while
    standing upright, frozen during a lift). The lift segmentation does not
    use these: they serve the view, the 2D body size and twist of a front
    view and the floor line."""

    width_k: float = math.nan  # 2D hip width / 2D stature
    width_q: float = math.nan  # 2D shoulder width / hip width
    yaw: float = math.nan
    floor_2d: float = math.nan  # image y of the floor (lower ankle) while standing
    counts: dict[str, int] = field(default_factory=dict)
    learned_s: dict[str, float] = field(default_factory=dict)

    def ema(self, name: str, value: float, alpha: float, dt: float = 0.0) -> None:
        """Exponential average that starts as a running mean (weight at
        least 1/n), so the first noisy frame does not set the baseline;
        ``dt`` adds to the time it has been learned."""
        if not math.isfinite(value):
            return
        n = self.counts.get(name, 0) + 1
        self.counts[name] = n
        self.learned_s[name] = self.learned_s.get(name, 0.0) + dt
        old = getattr(self, name)
        w = max(alpha, 1.0 / n)
        setattr(self, name, value if not math.isfinite(old) else old + w * (value - old))


class _TimedMedian:
    """The median of the values of the last ``window_s`` seconds (at least
    the newest value): a median filter whose length is a time, not a number
    of frames, so it behaves the same at any frame rate."""

    __slots__ = ("_items", "window_s")

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._items: deque[tuple[float, float]] = deque()

    def clear(self) -> None:
        self._items.clear()

    def push(self, t: float, value: float) -> float:
        """Add ``value`` at time ``t`` (a non-finite value is skipped) and
        return the median (nan when empty)."""
        items = self._items
        if math.isfinite(value):
            items.append((t, value))
        while items and (items[0][0] < t - self.window_s or items[0][0] > t):
            items.popleft()
        if not items:
            return math.nan
        vals = sorted(v for _, v in items)
        n = len(vals)
        return vals[n // 2] if n % 2 else 0.5 * (vals[n // 2 - 1] + vals[n // 2])


class _SlidingMax:
    """The maximum of the values of the last ``window_s`` seconds (a
    monotonic deque: O(1) per value on average)."""

    __slots__ = ("_items", "window_s")

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._items: deque[tuple[float, float]] = deque()

    def clear(self) -> None:
        self._items.clear()

    def push(self, t: float, value: float) -> float:
        items = self._items
        while items and (items[0][0] < t - self.window_s or items[0][0] > t):
            items.popleft()
        if math.isfinite(value):
            while items and items[-1][1] <= value:
                items.pop()
            items.append((t, value))
        return items[0][1] if items else math.nan


@dataclass(slots=True)
class _LiftTrack:
    """Accumulates one lift in progress."""

    start: float
    side: Side
    view: str
    from_rest: bool = False  # began with a descent from standing at rest
    frames: int = 0  # frames since the hands first reached the load (judged or not)
    seen: int = 0  # judged frames among them
    at_load_seen: bool = False  # the hands have been at the load in this lift
    last_seen_t: float = 0.0
    max_below: float = -math.inf  # lowest the hands went, statures below the knees
    min_hand: float = math.inf  # lowest hand height above the floor, statures
    feet0: tuple[float, float] = (math.nan, math.nan)  # where the feet were first seen in it
    rest_scale: float = math.nan  # 2D stature at rest before the lift (nan: not from rest)
    load_since: float | None = None  # the hands have been at the load since
    reached: bool = False  # the hands stayed at the load at least at_load_min_s
    samples: list[tuple[float, float, float, float, float, float]] = field(default_factory=list)
    """(hands below the knees, knee flexion, hip flexion, h_frac, h_cm, v_cm) per judged frame."""
    trunk_max: float = math.nan
    twist_max: float = math.nan
    h_frac_max: float = math.nan
    faults: set[str] = field(default_factory=set)

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
