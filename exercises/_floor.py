"""Shared machinery of the three floor exercises (plank, hip bridge,
knee-to-chest).

What lives here, and why it is shared:

* :class:`FloorConfig` - the thresholds every floor exercise needs
  (visibility, debouncing, hold grace, side stickiness, scoring), each with
  its reason. The exercise configs inherit from it.
* Fast scalar geometry (:func:`angle_deg`, :func:`offset_below`, ...). They
  follow exactly the conventions of :mod:`coach.geometry` (2D, y down,
  aspect-corrected, ``nan`` for unusable input) but work on Python floats:
  ``update()`` computes a dozen angles per frame, and numpy's per-call
  overhead on 2-vectors would eat most of the 0.3 ms budget.
* :class:`View` - one frame's landmarks as float lists, read once per frame.
* :class:`SideSelector` - the near body side, with stickiness so it does not
  flip every frame (FACTS.md: far-side joints read visibility 0.05-0.35).
* :class:`VisibilityGate` and :func:`visibility_cue` - refuse to judge when
  the key joints are not seen, and tell the user what to change.
* :class:`Median`, :class:`Stillness` - small robust filters (a median of the
  last few frames removes single-frame spikes and teleporting landmarks).
* :class:`FloorAnalyzer` - the per-frame skeleton shared by the analyzers:
  clock (duplicate timestamps, time going back, long gaps), side choice,
  visibility gate with a debounced ``not_visible`` fault, the fault debouncer,
  cues, the verdict and the set score.

Scoring (all three exercises, documented again in each module):
``score = clamp(100 * fraction - deductions, 0, 100)`` where ``fraction`` is
the good reps (or the good hold time) against the target, and
``deductions = fault_deduction`` points for every debounced fault episode
(``not_visible`` excluded: it is the camera, not the form), at most
``max_deduction_per_code`` per fault code.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from coach.aspect import EVIDENCE_VERTICAL, SEGMENT_FRACS, AspectConfig, AspectEstimator
from coach.debounce import FaultDebouncer, Hysteresis
from coach.exercise import NOT_VISIBLE, FaultEvent, FrameVerdict, SetSummary
from coach.landmarks import SIDES, Landmark, Side, other_side, sided
from coach.pose import PoseFrame

Point = tuple[float, float]
NAN = math.nan


# --------------------------------------------------------------------------
# configuration shared by the floor exercises
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class FloorConfig:
    """Thresholds shared by the floor exercises. Every number has its reason.

    Angles are degrees, distances are in trunk lengths (shoulder to hip, the
    body-size unit that does not change when a limb bends), times seconds.
    """

    # -- visibility ---------------------------------------------------------
    vis_on: float = 0.5
    """A key joint must reach this visibility before coach starts judging:
    0.5 is MediaPipe's own default presence/visibility cut-off."""
    vis_off: float = 0.3
    """...and once judging, keeps judging while the joints stay above this
    (hysteresis). Below 0.3 MediaPipe is guessing the joint (FACTS.md: hidden
    far-side joints read 0.05-0.35)."""
    frame_margin: float = 0.03
    """A joint predicted more than 3 % of the image outside the picture is
    out of frame, whatever its visibility says (MediaPipe extrapolates joints
    beyond the image edge)."""
    side_on_max_width: float = 0.6
    """Shoulder-to-shoulder distance in the image, in trunk lengths, above
    which the body is not side-on. Side-on, both shoulders project onto the
    same spot (ratio ~0-0.3); facing the camera they are ~0.7-0.8 trunk
    lengths apart (biacromial breadth ~0.2 H vs trunk ~0.29 H, Winter 2009
    anthropometric tables); 0.6 is a 50-55 degree turn."""

    # -- unknown image aspect ------------------------------------------------------
    guess_aspect: bool = True
    """A pose track without its image aspect reads as aspect 1.0; from a
    16:9 video that squashes x by 1.78 and every angle with it (a 90 degree
    knee reads ~60). When a frame says 1.0, the x scale is estimated from the
    body itself (see :class:`AspectGuess`) and snapped to a common camera
    format. Frames that carry another aspect are trusted as they are."""
    aspect_switch_margin: float = 0.05
    """The estimate is snapped to the nearest of 1, 4/3 and 16/9 (29 % apart
    in log terms); it moves to another one only when that is nearer by 5 %,
    so it does not flicker between two. On synthetic bodies with +-4 %
    proportions the estimate falls within -23 %..+7 % of the truth (median
    -5 %), so it lands on the right format or the next one down."""
    aspect_min_weight: float = 5.0
    """Evidence (sum of squared sines of the segments' tilts) needed before
    the estimate is used: ~5 frames of a vertical upper arm or bent knees,
    so even a 0.5 s clip is judged on the corrected scale. Horizontal
    segments alone cannot tell x scale from body size."""

    # -- side choice ----------------------------------------------------------
    side_tau_s: float = 0.6
    """Time constant of the running visibility score per side: the near side
    is chosen from ~0.6 s of evidence, not from one frame."""
    side_switch_margin: float = 0.12
    """The other side must score this much better (mean visibility, 0..1)
    before the judged side switches: a stickiness band well above the
    frame-to-frame jitter of MediaPipe visibility (~0.02-0.05)."""

    # -- robust filtering -----------------------------------------------------
    median_frames: int = 5
    """Each measured angle is the median of the last 5 frames (~0.17 s at
    30 fps): one or two wild frames (a teleporting landmark) cannot move it,
    and it lags a real movement by only ~2 frames."""

    # -- debouncing -----------------------------------------------------------
    fault_on_s: float = 0.3
    """A form fault must persist 0.3 s before it is reported: longer than
    MediaPipe jitter bursts (a few frames), short enough that a plank held
    still for 0.5 s still gets its verdict."""
    fault_off_s: float = 0.4
    """A reported fault clears after 0.4 s without it (hysteresis in time),
    so a fault hovering at its threshold is not re-announced every frame."""
    not_visible_on_s: float = 0.2
    """Key joints must be lost for 0.2 s before ``not_visible`` is reported:
    a single dropped or garbled frame is not worth a "move back" cue."""
    not_visible_off_s: float = 0.0
    """...and it clears on the first frame in which they are seen again
    (re-opening already needs visibility ``vis_on``, the hysteresis): a frame
    is either judged or reported ``not_visible``, never both."""

    # -- time -----------------------------------------------------------------
    hold_grace_s: float = 0.5
    """A bad-form or unseen blip shorter than this does not break a
    continuous hold (its time is not counted either)."""
    max_frame_gap_s: float = 0.35
    """Time between two frames counts towards a hold only up to this gap
    (~10 dropped frames at 30 fps); a longer gap was not seen, so it never
    counts."""
    reset_gap_s: float = 1.0
    """A gap between frames longer than this (tracking lost, video paused)
    resets the filters and abandons the rep or hold in progress: what
    happened in the gap was not seen."""

    # -- scoring --------------------------------------------------------------
    fault_deduction: float = 5.0
    """Score points taken off per debounced fault episode."""
    max_deduction_per_code: float = 20.0
    """At most this many points off per fault code, so one recurring fault
    cannot zero a set that was otherwise completed."""


# --------------------------------------------------------------------------
# fast scalar geometry (coach.geometry conventions, on floats)
# --------------------------------------------------------------------------
def finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def dist(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def angle_deg(a: Point, b: Point, c: Point) -> float:
    """Angle ABC at ``b`` in degrees (0..180); 180 = straight. Same as
    :func:`coach.geometry.joint_angle`."""
    ux, uy = a[0] - b[0], a[1] - b[1]
    vx, vy = c[0] - b[0], c[1] - b[1]
    nu = math.hypot(ux, uy)
    nv = math.hypot(vx, vy)
    if not (nu > 1e-9 and nv > 1e-9):
        return NAN
    cos = (ux * vx + uy * vy) / (nu * nv)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def offset_below(p: Point, a: Point, b: Point) -> float:
    """Signed distance of ``p`` from the line a-b, positive when ``p`` is
    below it in the image. Same as :func:`coach.geometry.offset_below_line`."""
    ax, ay, bx, by = a[0], a[1], b[0], b[1]
    if bx < ax:
        ax, ay, bx, by = bx, by, ax, ay
    dx, dy = bx - ax, by - ay
    n = math.hypot(dx, dy)
    if not n > 1e-9:
        return NAN
    return (dx * (p[1] - ay) - dy * (p[0] - ax)) / n


def incline_from_horizontal(a: Point, b: Point) -> float:
    """Acute angle (0..90) between segment a-b and the image horizontal."""
    dx, dy = abs(b[0] - a[0]), abs(b[1] - a[1])
    if not (dx + dy) > 1e-9:
        return NAN
    return math.degrees(math.atan2(dy, dx))


def bend_deg(a: Point, b: Point, c: Point) -> float:
    """How far the chain a-b-c is bent at ``b``, signed: ``180 - angle``,
    positive when ``b`` lies above the line a-c in the image, negative when
    below. 0 = straight. Camera-facing independent."""
    ang = angle_deg(a, b, c)
    off = offset_below(b, a, c)
    if not finite(ang, off):
        return NAN
    dev = 180.0 - ang
    return dev if off <= 0.0 else -dev


def elevation_deg(p: Point, origin: Point, base: Point) -> float:
    """Angle of ``origin -> p`` against the direction ``base -> origin``
    (the segment continued), positive when ``p`` is above that line in the
    image. E.g. the ear against the hip->shoulder line: 0 = head in line with
    the trunk, + = raised towards the ceiling, - = dropped."""
    dx, dy = origin[0] - base[0], origin[1] - base[1]
    n = math.hypot(dx, dy)
    if not n > 1e-9:
        return NAN
    ux, uy = dx / n, dy / n
    ex, ey = p[0] - origin[0], p[1] - origin[1]
    along = ex * ux + ey * uy
    up = -offset_below(p, base, origin)
    if not finite(along, up):
        return NAN
    return math.degrees(math.atan2(up, along))


def clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


# --------------------------------------------------------------------------
# one frame, read once
# --------------------------------------------------------------------------
class View:
    """A frame's landmarks as float lists (aspect-corrected x, y down)."""

    __slots__ = ("raw_x", "raw_y", "v", "x", "y", "z")

    def __init__(self, frame: PoseFrame, x_scale: float = 1.0) -> None:
        xs: list[float] = frame.xy[:, 0].tolist()
        a = frame.aspect * x_scale
        self.raw_x = xs
        self.raw_y: list[float] = frame.xy[:, 1].tolist()
        self.x = [x * a for x in xs]
        self.y = self.raw_y
        self.v: list[float] = frame.visibility.tolist()
        self.z: list[float] = frame.z.tolist()

    def rescale(self, x_scale: float, aspect: float) -> None:
        """Use ``aspect * x_scale`` as the aspect (see :class:`AspectGuess`)."""
        a = aspect * x_scale
        self.x = [x * a for x in self.raw_x]

    def p(self, lm: Landmark) -> Point:
        return (self.x[lm], self.y[lm])

    def in_frame(self, lm: Landmark, margin: float) -> bool:
        x, y = self.raw_x[lm], self.raw_y[lm]
        return -margin <= x <= 1.0 + margin and -margin <= y <= 1.0 + margin

    def seen(self, lm: Landmark, thr: float, margin: float) -> bool:
        """Visible enough (visibility >= thr > 0 implies finite coordinates,
        PoseFrame guarantees it) and inside the picture."""
        return self.v[lm] >= thr and thr > 0.0 and self.in_frame(lm, margin)

    @property
    def has_person(self) -> bool:
        return any(v > 0.0 for v in self.v)


# --------------------------------------------------------------------------
# small filters
# --------------------------------------------------------------------------
class Median:
    """Median of the last ``n`` finite values (NaN inputs are skipped)."""

    __slots__ = ("_buf", "_n")

    def __init__(self, n: int) -> None:
        self._n = max(1, int(n))
        self._buf: deque[float] = deque(maxlen=self._n)

    def clear(self) -> None:
        self._buf.clear()

    def push(self, value: float) -> float:
        if math.isfinite(value):
            self._buf.append(value)
        return self.value

    @property
    def value(self) -> float:
        k = len(self._buf)
        if k == 0:
            return NAN
        s = sorted(self._buf)
        m = k // 2
        return s[m] if k % 2 else 0.5 * (s[m - 1] + s[m])


class TimedMedian:
    """Median of the finite values of the last ``window_s`` seconds (NaN
    inputs are skipped). For a posture held over seconds (the head resting
    or lifted) whose per-frame measure is dominated by landmark jitter: the
    frame-count :class:`Median` is too short to average it out."""

    __slots__ = ("_buf", "window_s")

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._buf: deque[tuple[float, float]] = deque()

    def clear(self) -> None:
        self._buf.clear()

    def push(self, t: float, value: float) -> float:
        buf = self._buf
        if math.isfinite(value):
            buf.append((t, value))
        while buf and t - buf[0][0] > self.window_s:
            buf.popleft()
        return self.value

    @property
    def value(self) -> float:
        k = len(self._buf)
        if k == 0:
            return NAN
        s = sorted(v for _, v in self._buf)
        m = k // 2
        return s[m] if k % 2 else 0.5 * (s[m - 1] + s[m])


class Stillness:
    """Has a signal stopped changing? True when the (already median-filtered)
    value now differs by at most ``band`` from its values ``window_s`` ago
    and halfway through. Comparing end points (not the max-min spread) keeps
    the test robust to landmark jitter while any real movement (tens of
    degrees per second) fails it. Used to tell a hold from a pull."""

    __slots__ = ("_buf", "band", "window_s")

    def __init__(self, window_s: float, band: float) -> None:
        self.window_s = window_s
        self.band = band
        self._buf: deque[tuple[float, float]] = deque()

    def clear(self) -> None:
        self._buf.clear()

    def push(self, t: float, value: float) -> bool:
        if not math.isfinite(value):
            return False
        buf = self._buf
        buf.append((t, value))
        while len(buf) > 2 and t - buf[1][0] >= self.window_s:
            buf.popleft()
        if t - buf[0][0] < 0.8 * self.window_s:
            return False
        mid = buf[len(buf) // 2][1]
        return abs(value - buf[0][1]) <= self.band and abs(value - mid) <= self.band


def min_jerk(u: float) -> float:
    """Minimum-jerk position profile 10u^3 - 15u^4 + 6u^5 on [0, 1]: the
    shape of a human point-to-point movement (Flash & Hogan 1985)."""
    u = clamp(u, 0.0, 1.0)
    return u * u * u * (10.0 + u * (-15.0 + 6.0 * u))


def min_jerk_inverse(f: float) -> float:
    """The u at which :func:`min_jerk` reaches ``f`` (bisection)."""
    f = clamp(f, 0.0, 1.0)
    lo, hi = 0.0, 1.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        if min_jerk(mid) < f:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


MJ_U90 = 0.7534
"""A minimum-jerk movement is 90 % done at u = 0.7534 and half done at 0.5:
from its 50 % and 90 % crossing times, it ends (1 - 0.5) / (0.7534 - 0.5) =
1.97 of that interval after the 50 % crossing."""


class PlateauTimer:
    """Time spent holding a level: the top of a bridge, a knee pulled to the
    chest, a plank's straight body.

    A hold is *detected* late (the movement must be seen to stop) and its
    release late (the value must fall clearly). Both ends are therefore
    judged on the signal itself, with one band around the held level:

    * entry: ``credit_delay_s`` after the hold is detected (the level has
      settled), the approach frames already within ``band`` are credited -
      but not before the end of the approach movement, estimated from its
      50 % and 90 % crossings assuming the minimum-jerk profile of human
      movements (Flash & Hogan 1985). Without that, the slow last tenth of
      a movement would count as holding (~0.2 s per end);
    * during the hold, time below ``level - band`` is pending: dropped if a
      release follows, committed if the value comes back (or stays there for
      ``settle_s``: the user settled a little lower, the new level);
    * release: the in-band start of the release movement is removed the
      same way (its duration taken as the approach's), which is why the
      last ``horizon_s`` of committed time is not yet shown
      (:attr:`shown_good_s` never decreases).

    Only the interval between two consecutive seen frames, at most
    ``max_gap_s`` apart, ever counts. ``time_s`` is all time on the plateau,
    ``good_s`` the part on frames flagged good (no fault raised).
    """

    max_ramp_s = 3.0
    """A movement into a hold slower than 3 s is not modelled as one ramp."""
    max_late_s = 0.3
    """The movement is taken to have ended at most 0.3 s after the hold was
    detected (the stillness window)."""

    def __init__(self, band: float, settle_s: float, max_gap_s: float, level_tau_s: float = 1.0,
                 history_s: float = 3.0, credit_delay_s: float = 0.5, horizon_s: float = 0.6) -> None:
        self.band = band
        self.settle_s = settle_s
        self.max_gap_s = max_gap_s
        self.level_tau_s = level_tau_s
        self.history_s = history_s
        self.credit_delay_s = credit_delay_s
        self.horizon_s = horizon_s
        self._hist: deque[tuple[float, float, bool]] = deque()
        self._log: deque[tuple[float, float, float]] = deque()
        self.reset()

    def reset(self) -> None:
        self.time_s = 0.0
        self.good_s = 0.0
        self.level = NAN
        self.active = False
        self._pend = 0.0
        self._pend_good = 0.0
        self._low_since: float | None = None
        self._last: tuple[float, bool] | None = None
        self._hist.clear()
        self._log.clear()
        self._credit_at: float | None = None
        self._credit_good_ok = True
        self._begin_hist: list[tuple[float, float, bool]] = []
        self._ramp_s = NAN
        self._ramp_amp = NAN
        self._shown = 0.0

    @property
    def shown_good_s(self) -> float:
        """Good time for display: what can no longer be taken back."""
        recent = sum(g for _, _, g in self._log)
        self._shown = max(self._shown, self.good_s - recent)
        return self._shown

    def _dt(self, t: float) -> float:
        if self._last is None:
            return 0.0
        dt = t - self._last[0]
        return dt if 0.0 < dt <= self.max_gap_s else 0.0

    def _commit(self, t: float, dt: float, dt_good: float) -> None:
        if dt <= 0.0 and dt_good <= 0.0:
            return
        self.time_s += dt
        self.good_s += dt_good
        self._log.append((t, dt, dt_good))
        while self._log and t - self._log[0][0] > self.horizon_s:
            self._log.popleft()

    def unseen(self) -> None:
        """A frame that was not seen: the next interval does not count."""
        self._last = None
        self._hist.clear()

    def prime(self, items: Iterable[tuple[float, float, bool]]) -> None:
        """Frames seen before this timer existed (the start of the movement)."""
        for t, value, good in items:
            self.approach(t, value, good)

    def approach(self, t: float, value: float, good: bool) -> None:
        """A frame before the hold is detected (kept for the entry credit)."""
        if self.active:
            self.update(t, value, good)
            return
        self._hist.append((t, value, good))
        while self._hist and t - self._hist[0][0] > self.history_s:
            self._hist.popleft()
        self._last = (t, good)

    def begin(self, level: float, credit_good: bool = True) -> None:
        """The hold is detected at the latest frame given to :meth:`approach`
        (the entry credit follows ``credit_delay_s`` later; as good time too
        unless ``credit_good`` is False, e.g. when the level is faulty)."""
        self.active = True
        self.level = level
        self._low_since = None
        self._begin_hist = list(self._hist)
        self._hist.clear()
        t0 = self._begin_hist[-1][0] if self._begin_hist else None
        self._credit_at = None if t0 is None else t0 + self.credit_delay_s
        self._credit_good_ok = credit_good

    def _ramp_end(self, items: list[tuple[float, float, bool]], level: float) -> float:
        """Estimated end time of the approach movement (-inf if unknown)."""
        vals = [v for _, v, _ in items if math.isfinite(v)]
        if len(vals) < 4:
            return -math.inf
        low = min(vals)
        amp = level - low
        if not amp > 4.0 * self.band:
            return -math.inf
        t50 = t90 = math.nan
        v50, v90 = low + 0.5 * amp, low + 0.9 * amp
        for (ta, va, _), (tb, vb, _) in itertools.pairwise(items):
            if not finite(va, vb):
                continue
            if va < v50 <= vb:
                t50 = ta + (tb - ta) * (v50 - va) / (vb - va) if vb != va else tb
            if va < v90 <= vb:
                t90 = ta + (tb - ta) * (v90 - va) / (vb - va) if vb != va else tb
        if not (finite(t50, t90) and t90 > t50):
            return -math.inf
        ramp_s = (t90 - t50) / (MJ_U90 - 0.5)
        if ramp_s > self.max_ramp_s:
            return -math.inf  # not one smooth movement: no model
        self._ramp_s = ramp_s
        self._ramp_amp = amp
        # the hold was detected once the value had stopped changing: the
        # movement cannot have ended much after that
        return min(t50 + 0.5 * ramp_s, items[-1][0] + self.max_late_s)

    def _credit(self) -> None:
        items = self._begin_hist
        self._begin_hist = []
        self._credit_at = None
        level = self.level
        if not math.isfinite(level):
            return
        t_end = self._ramp_end(items, level)
        credit = credit_good = 0.0
        out = 0  # a jittery frame or two below the band does not end the stretch
        for (t0, v0, g0), (t1, _v1, g1) in zip(reversed(items[:-1]), reversed(items[1:]), strict=True):
            if not (math.isfinite(v0) and v0 >= level - self.band):
                out += 1
                if out > 2 or t_end == -math.inf:
                    break
            else:
                out = 0
            dt = t1 - max(t0, t_end)
            if dt <= 0.0:
                break
            if t1 - t0 <= self.max_gap_s:
                credit += dt
                if g0 and g1 and self._credit_good_ok:
                    credit_good += dt
        self.time_s += credit
        self.good_s += credit_good
        # the hold may have been detected before the movement quite ended
        # (a slow ramp is still within the stillness band): what was
        # counted before its estimated end is taken back
        while self._log and self._log[0][0] <= t_end:
            _t, dt, dtg = self._log.popleft()
            self.time_s -= dt
            self.good_s -= dtg

    def update(self, t: float, value: float, good: bool) -> None:
        """A seen frame during the hold."""
        dt = self._dt(t)
        last_good = self._last[1] if self._last is not None else False
        self._last = (t, good)
        if not math.isfinite(value):
            return
        if not math.isfinite(self.level):
            self.level = value
        in_band = value >= self.level - self.band
        if in_band:
            self._commit(t, self._pend + dt, self._pend_good + (dt if good and last_good else 0.0))
            self._pend = self._pend_good = 0.0
            self._low_since = None
            if dt > 0.0:
                a = 1.0 - math.exp(-dt / self.level_tau_s)
                self.level += a * (value - self.level)
        else:
            self._pend += dt
            if good and last_good:
                self._pend_good += dt
            if self._low_since is None:
                self._low_since = t
            elif t - self._low_since >= self.settle_s:
                # settled lower, not released: that is the new level
                self._commit(t, self._pend, self._pend_good)
                self._pend = self._pend_good = 0.0
                self.level = value
                self._low_since = None
        if self._credit_at is not None and t >= self._credit_at:
            self._credit()

    def end(self) -> None:
        """The hold is released: time pending below the level is dropped, and
        so is the in-band start of the release movement."""
        if self._credit_at is not None:
            self._credit()
        if self._low_since is not None and finite(self._ramp_s, self._ramp_amp):
            u_band = min_jerk_inverse(self.band / self._ramp_amp)
            release_start = self._low_since - u_band * self._ramp_s
            while self._log and self._log[-1][0] > release_start:
                _t, dt, dtg = self._log.pop()
                self.time_s -= dt
                self.good_s -= dtg
        self._log.clear()
        self._pend = self._pend_good = 0.0
        self._low_since = None
        self.active = False
        self._hist.clear()


class Latch(Hysteresis):
    """A two-threshold flag on a scalar: :class:`coach.debounce.Hysteresis`
    (same rule: on at ``value >= on``, off at ``value <= off``, mirrored when
    not ``above``; NaN keeps the state), under the name and ``above``
    keyword the floor exercises use."""

    def __init__(self, on: float, off: float, above: bool = True) -> None:
        super().__init__(on, off, rising=above)

    @property
    def above(self) -> bool:
        return self.rising


# --------------------------------------------------------------------------
# unknown image aspect (the estimation itself lives in coach.aspect)
# --------------------------------------------------------------------------
class AspectGuess:
    """Estimates the x scale ``c`` that a track without its aspect needs,
    from the near side's trunk, thigh, shank and upper arm
    (:data:`coach.aspect.SEGMENT_FRACS`, least squares in
    :class:`coach.aspect.AspectEstimator`). Lying on the floor, horizontal
    segments are always there, so the evidence is the sum of squared sines
    of the segments' tilts (``evidence="vertical"``). The estimate is
    snapped to a common format (:data:`coach.aspect.ASPECT_CANDIDATES`),
    switching only by ``switch_margin``.
    """

    def __init__(self, switch_margin: float, min_weight: float, vis: float) -> None:
        self.vis = vis
        self._est = AspectEstimator(AspectConfig(switch_margin=switch_margin, min_weight=min_weight,
                                                 evidence=EVIDENCE_VERTICAL))
        self._pairs = {s: tuple((sided(s, j1), sided(s, j2), r) for j1, j2, r in SEGMENT_FRACS) for s in SIDES}

    def reset(self) -> None:
        self._est.reset()

    @property
    def scale(self) -> float:
        return self._est.scale

    @property
    def estimate(self) -> float:
        return self._est.estimate

    def update(self, view: View, side: Side) -> float:
        """Add one frame's evidence (its near side), return the x scale."""
        vis, v, x, y = self.vis, view.v, view.raw_x, view.y
        segs = [(x[a2] - x[a1], y[a2] - y[a1], r) for a1, a2, r in self._pairs[side]
                if v[a1] >= vis and v[a2] >= vis]
        return self._est.update(segs)


# --------------------------------------------------------------------------
# side choice with stickiness
# --------------------------------------------------------------------------
class SideSelector:
    """The body side nearer the camera, judged from a running visibility
    score per side (plus a small bonus for being nearer in MediaPipe z, as
    :func:`coach.geometry.side_score`), switching only when the other side is
    clearly better. Starts from the first frame's best side, so a short clip
    is judged from its first frame on."""

    def __init__(self, joints: Sequence[str], tau_s: float, margin: float) -> None:
        self._idx = {s: [int(sided(s, j)) for j in joints] for s in SIDES}
        self.tau_s = tau_s
        self.margin = margin
        self.reset()

    def reset(self) -> None:
        self.side: Side = "left"
        self._ema: dict[Side, float] | None = None
        self._t: float | None = None

    def _scores(self, view: View) -> dict[Side, float]:
        out: dict[Side, float] = {}
        zmean: dict[Side, float] = {}
        for s in SIDES:
            idx = self._idx[s]
            out[s] = sum(view.v[i] for i in idx) / len(idx)
            zmean[s] = sum(view.z[i] for i in idx) / len(idx)
        dz = zmean["right"] - zmean["left"]  # > 0: left nearer the camera
        if math.isfinite(dz):
            bonus = 0.1 * math.tanh(4.0 * dz)
            out["left"] += bonus
            out["right"] -= bonus
        return out

    def update(self, view: View, t: float, usable: Mapping[Side, bool] | None = None) -> Side:
        """``usable`` says which sides have all their key joints seen now; a
        side that is unusable while the other is usable is left at once."""
        sc = self._scores(view)
        if self._ema is None or self._t is None:
            self._ema = dict(sc)
            self.side = "left" if sc["left"] >= sc["right"] else "right"
        else:
            dt = max(0.0, t - self._t)
            a = 1.0 - math.exp(-dt / self.tau_s) if self.tau_s > 0 else 1.0
            for s in SIDES:
                self._ema[s] += a * (sc[s] - self._ema[s])
            other = other_side(self.side)
            if self._ema[other] > self._ema[self.side] + self.margin:
                self.side = other
        self._t = t
        if usable is not None and not usable[self.side] and usable[other_side(self.side)]:
            self.side = other_side(self.side)
        return self.side


# --------------------------------------------------------------------------
# visibility: refuse to judge, and say what to change
# --------------------------------------------------------------------------
CUE_NOBODY = "I can't see you: lie down side-on to the camera, whole body in view"
CUE_FEET = "Move back so your feet are in view"
CUE_HEAD = "Move back so your head and shoulders are in view"
CUE_TURN = "Turn side-on to the camera"

LOWER_JOINTS = frozenset({"knee", "ankle", "heel", "foot_index"})
UPPER_JOINTS = frozenset({"shoulder", "elbow", "wrist", "ear", "nose", "eye"})


def visibility_cue(view: View, missing: Iterable[str], front_view: bool = False) -> str:
    """What the user should change when key joints are not seen.

    Lower-body joints missing -> move back (feet cut off); upper-body joints
    missing -> move back (head cut off); only middle joints (hips) missing,
    or seen from the front -> turn side-on.
    """
    if not view.has_person:
        return CUE_NOBODY
    miss = set(missing)
    if miss & LOWER_JOINTS:
        return CUE_FEET
    if miss & UPPER_JOINTS:
        return CUE_HEAD
    if front_view or miss:
        return CUE_TURN
    return CUE_TURN


class VisibilityGate:
    """Are the key joints of one side seen? Hysteresis on visibility: all
    must reach ``vis_on`` to start judging, judging goes on while all stay
    above ``vis_off``."""

    def __init__(self, joints: Sequence[str], vis_on: float, vis_off: float, margin: float) -> None:
        self.joints = tuple(joints)
        self._lms = {s: tuple(sided(s, j) for j in self.joints) for s in SIDES}
        self.vis_on = vis_on
        self.vis_off = vis_off
        self.margin = margin
        self.open = False

    def reset(self) -> None:
        self.open = False

    def missing(self, view: View, side: Side, thr: float | None = None) -> list[str]:
        th = (self.vis_off if self.open else self.vis_on) if thr is None else thr
        return [j for j, lm in zip(self.joints, self._lms[side], strict=True)
                if not view.seen(lm, th, self.margin)]

    def usable(self, view: View) -> dict[Side, bool]:
        return {s: not self.missing(view, s) for s in SIDES}

    def check(self, view: View, side: Side) -> list[str]:
        miss = self.missing(view, side)
        self.open = not miss
        return miss


def shoulder_width_ratio(view: View, thr: float, margin: float) -> float:
    """Shoulder-to-shoulder distance over the trunk length (shoulder
    midpoint to hip midpoint, or one side's trunk when that is all there
    is). NaN when both shoulders are not seen: a hidden far shoulder means
    side-on."""
    ls, rs = Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER
    lh, rh = Landmark.LEFT_HIP, Landmark.RIGHT_HIP
    if not (view.seen(ls, thr, margin) and view.seen(rs, thr, margin)):
        return NAN
    width = dist(view.p(ls), view.p(rs))
    trunks = [dist(view.p(s), view.p(h)) for s, h in ((ls, lh), (rs, rh))
              if view.seen(h, thr, margin)]
    if not trunks:
        return NAN
    trunk = max(trunks)
    return width / trunk if trunk > 1e-9 else NAN


# --------------------------------------------------------------------------
# scoring
# --------------------------------------------------------------------------
def deductions(events: Iterable[FaultEvent], per_fault: float, cap_per_code: float) -> float:
    per_code: dict[str, float] = {}
    for ev in events:
        if ev.code == NOT_VISIBLE:
            continue
        per_code[ev.code] = min(cap_per_code, per_code.get(ev.code, 0.0) + per_fault)
    return sum(per_code.values())


def set_score(fraction: float, events: Iterable[FaultEvent], per_fault: float, cap_per_code: float) -> float:
    """``clamp(100 * min(1, fraction) - deductions, 0, 100)``."""
    frac = clamp(fraction, 0.0, 1.0) if math.isfinite(fraction) else 0.0
    return clamp(100.0 * frac - deductions(events, per_fault, cap_per_code), 0.0, 100.0)


# --------------------------------------------------------------------------
# the analyzer skeleton
# --------------------------------------------------------------------------
@dataclass
class Judgement:
    """What an exercise concludes from one visible frame."""

    phase: str
    raw: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    setup_cue: str | None = None
    side_label: str | None = None


class FloorAnalyzer:
    """Per-frame skeleton of a floor exercise analyzer.

    Subclasses set the class attributes and implement :meth:`_judge` (one
    visible frame: update the state machine, return the phase and the raw
    faults), :meth:`_blind` (a frame that cannot be judged), :meth:`_restart`
    (a long gap: abandon what is in progress), :meth:`_reset_state` and
    :meth:`summary`.
    """

    name: ClassVar[str]
    KEY_JOINTS: ClassVar[tuple[str, ...]]
    """Joints of the judged side that must be seen (never heel/foot_index:
    a 17-landmark COCO track has none)."""
    SIDE_JOINTS: ClassVar[tuple[str, ...]] = ("shoulder", "hip", "knee", "ankle")
    PRIORITY: ClassVar[tuple[str, ...]]
    CUES: ClassVar[Mapping[str, str]]
    FAULT_JOINTS: ClassVar[Mapping[str, tuple[str, ...]]]
    """Fault code -> sided joint names (or plain landmark names) to colour."""
    ALLOW_FRONT_VIEW: ClassVar[bool] = False
    SETUP_PHASE: ClassVar[str] = "setup"

    def __init__(self, config: FloorConfig) -> None:
        self._cfg = config
        c = config
        self._sides = SideSelector(self.SIDE_JOINTS, c.side_tau_s, c.side_switch_margin)
        self._gate = VisibilityGate(self.KEY_JOINTS, c.vis_on, c.vis_off, c.frame_margin)
        self._faults = FaultDebouncer(c.fault_on_s, c.fault_off_s, priority=self.PRIORITY)
        self._nv = FaultDebouncer(c.not_visible_on_s, c.not_visible_off_s)
        self._aspect = AspectGuess(c.aspect_switch_margin, c.aspect_min_weight, c.vis_on)
        self._base_reset()

    # -- bookkeeping -------------------------------------------------------------
    def _base_reset(self) -> None:
        self._sides.reset()
        self._aspect.reset()
        self._gate.reset()
        self._faults.reset()
        self._nv.reset()
        self._t: float | None = None  # monotonic clock
        self._t_first: float | None = None
        self._frames = 0
        self._seen_frames = 0
        self._blind_since: float | None = None
        self._nv_active = False
        self._last_faults: tuple[str, ...] = ()
        self._last_phase = self.SETUP_PHASE
        self._hold_seen = 0.0  # hold time shown on the last seen frame
        self._front_latch = Hysteresis(self._cfg.side_on_max_width, 0.8 * self._cfg.side_on_max_width)

    def reset(self) -> None:
        self._base_reset()
        self._reset_state()

    # -- hooks -------------------------------------------------------------------
    def _reset_state(self) -> None:
        raise NotImplementedError

    def _judge(self, view: View, side: Side, t: float, dt: float, front: bool) -> Judgement:
        raise NotImplementedError

    def _blind(self, t: float, dt: float) -> str:
        """A frame that cannot be judged; returns the phase to report."""
        raise NotImplementedError

    def _restart(self, t_last: float) -> None:
        """A gap longer than ``reset_gap_s`` after ``t_last``."""
        raise NotImplementedError

    def _hold_total(self) -> float:
        raise NotImplementedError

    def _rescaled(self) -> None:
        """The estimated x scale changed: measures filtered so far are stale."""

    def _reps(self) -> int:
        raise NotImplementedError

    def _side_label(self, side: Side) -> str:
        return side

    def _front_ok(self, view: View) -> bool:
        """In a front view: are the joints needed to judge it seen?"""
        return False

    # -- the per-frame step --------------------------------------------------------
    def update(self, frame: PoseFrame) -> FrameVerdict:
        c = self._cfg
        t_in = frame.t
        if self._t is None:
            t, dt = t_in, 0.0
            self._t_first = t
        else:
            t = max(t_in, self._t)  # duplicate or backward timestamps: time stands still
            dt = t - self._t
            if dt > c.reset_gap_s:
                self._gap(self._t)
        self._t = t
        self._frames += 1
        view = View(frame)

        # which side, and seen from where
        side = self._sides.update(view, t, self._gate.usable(view))
        if c.guess_aspect and frame.aspect == 1.0:
            before = self._aspect.scale
            scale = self._aspect.update(view, side)
            if scale != before:
                self._rescaled()
            if scale != 1.0:
                view.rescale(scale, frame.aspect)
        ratio = shoulder_width_ratio(view, c.vis_on, c.frame_margin)
        front = self._front_latch.update(ratio) if math.isfinite(ratio) else False
        if not math.isfinite(ratio):
            self._front_latch.reset()
        if front and self.ALLOW_FRONT_VIEW:
            missing = [] if self._front_ok(view) else ["hip"]
            self._gate.open = not missing
        else:
            missing = self._gate.check(view, side)
            if front and not missing:
                missing = ["front"]
        visible = not missing

        cue: str | None
        warnings: tuple[str, ...]
        if visible:
            self._seen_frames += 1
            self._blind_since = None
            self._nv.update(t, ())
            self._nv_active = False
            j = self._judge(view, side, t, dt, front)
            faults = self._faults.update(t, j.raw)
            self._last_faults = faults
            phase, metrics, label = j.phase, j.metrics, j.side_label or self._side_label(side)
            warnings = self._faults.pending()
            if faults:
                cue = self.CUES.get(faults[0])
            else:
                cue = j.setup_cue if phase == self.SETUP_PHASE else None
        else:
            if self._blind_since is None:
                self._blind_since = t
            phase = self._blind(t, dt)
            confirmed = bool(self._nv.update(t, (NOT_VISIBLE,)))
            if confirmed and not self._nv_active:
                # the view is lost: close the form-fault episodes where it was lost
                self._faults.clear_all(self._blind_since)
                self._last_faults = ()
            self._nv_active = confirmed
            metrics, label = {}, self._side_label(side)
            if confirmed:
                faults = (NOT_VISIBLE,)
                warnings = ()
                cue = visibility_cue(view, missing, front)
            else:  # a blip: keep the last verdict, judge nothing, count nothing
                faults = self._last_faults
                warnings = (NOT_VISIBLE,)
                if faults:
                    cue = self.CUES.get(faults[0])
                else:
                    cue = visibility_cue(view, missing, front) if phase == self.SETUP_PHASE else None

        self._last_phase = phase
        return FrameVerdict(
            t=t_in,
            phase=phase,
            faults=faults,
            reps=self._reps(),
            hold_s=self._shown_hold(visible),
            visible=visible,
            cue=cue,
            side=label,
            metrics=metrics,
            warnings=warnings,
            fault_joints=self._fault_landmarks(faults, side),
        )

    def _shown_hold(self, visible: bool) -> float:
        """The hold time to report on this frame.

        Hold time is only ever earned on seen frames, but some of it is
        *confirmed* later: a hold timer withholds its last moments until it
        knows whether they were the start of a release
        (:attr:`PlateauTimer.shown_good_s`), and a hold closed by a long gap
        is finalised on the first frame after the gap, which may well be
        unseen. Time confirmed on an unseen frame is therefore shown from the
        next seen frame on: the reported value never grows on a frame that
        was not seen. :meth:`summary` reports the full total."""
        hold = self._hold_total()
        if visible:
            self._hold_seen = hold
            return hold
        return min(hold, self._hold_seen)

    def _gap(self, t_last: float) -> None:
        """A long gap: nothing in it was seen. Close episodes at the last
        frame and abandon whatever was in progress."""
        self._faults.clear_all(t_last)
        self._last_faults = ()
        self._restart(t_last)

    def _fault_landmarks(self, faults: Sequence[str], side: Side) -> tuple[Landmark, ...]:
        out: list[Landmark] = []
        for code in faults:
            for name in self.FAULT_JOINTS.get(code, ()):
                lm = Landmark[name.upper()] if name.upper() in Landmark.__members__ else sided(side, name)
                if lm not in out:
                    out.append(lm)
        return tuple(out)

    # -- summary helpers -----------------------------------------------------------
    @property
    def duration_s(self) -> float:
        if self._t is None or self._t_first is None:
            return 0.0
        return max(0.0, self._t - self._t_first)

    @property
    def visible_fraction(self) -> float:
        return self._seen_frames / self._frames if self._frames else 0.0

    def fault_events(self) -> tuple[FaultEvent, ...]:
        return self._faults.events(self._t) + self._nv.events(self._t)

    def score(self, fraction: float) -> float:
        c = self._cfg
        return set_score(fraction, self._faults.events(self._t), c.fault_deduction, c.max_deduction_per_code)

    def summary(self) -> SetSummary:
        raise NotImplementedError


def sorted_events(events: Iterable[FaultEvent]) -> tuple[FaultEvent, ...]:
    return tuple(sorted(events, key=lambda e: (e.start, e.code)))
