"""Knee-to-chest stretch (supine, one knee or both), filmed side-on.

Rules (all thresholds in :class:`KneeToChestConfig`, each with its reason):

* **Measure**: hip flexion per leg, ``180 - angle(shoulder, hip, knee)``: the
  thigh against the trunk line, 0 = leg in line with the trunk, ~45 with the
  knee bent and the foot flat, 120 = the normal end of hip flexion with the
  knee bent (AAOS normal range; the stretch adds some lumbar flexion on top).
  The trunk line is the near side's shoulder-hip; each leg's thigh is its own
  hip-knee (the far knee is used down to visibility ``vis_off``: a knee pulled
  up is rarely hidden).
* **Which leg**: a leg is *pulled* above 70 degrees of hip flexion (hysteresis
  60), clear of a resting bent leg (~40-57 degrees with the foot flat). One leg
  pulled -> ``side`` "left"/"right"; both, within 25 degrees of each other,
  while pulling -> "both". The near hip is the pivot for both thighs.
* **Phases** ``setup`` (nothing pulled) -> ``pulling`` -> ``hold`` once the
  flexion stops changing (within 6 degrees over 0.3 s) -> ``release`` when it
  drops 25 degrees below the held level -> ``setup`` when the pulled leg(s)
  have stayed below 60 for 0.4 s.
* ``knee_not_close``: holding below 102 degrees of hip flexion, judged on
  the held level (a running mean that ignores dips shorter than 1 s; 120 is
  the normal range (AAOS), ~95 or less is clearly short).
* ``head_lifted``: the ear more than 18 degrees above the hip-shoulder line
  continued (the head curled off the floor; lying flat it reads ~5; the
  stretch is done with the head down, e.g. Mayo Clinic and physiotherapy
  handouts), as the median of the last second (the ear is close to the
  shoulder, so landmark jitter moves the per-frame angle by several
  degrees). Judged while pulling and holding.
* ``other_leg_lifted`` (one-knee holds): the resting leg's ankle more than
  0.27 trunk lengths (~13 cm) above the shoulder-hip (floor) line, judged
  while holding; works for a straight or a bent resting leg, whose foot
  stays on the floor.
* **Hold time** per hold: time within 2 degrees of the held level, seen,
  with no fault raised on the frame; both ends judged alike and corrected
  for the slow ends of human (minimum-jerk) movements
  (:class:`exercises._floor.PlateauTimer`). A hold with at least 1 s on the
  level counts (``reps``); each is a :class:`RepRecord` (kind "hold", with
  its side) measured against the target (default 20 s: ACSM advises static
  stretches of 10-30 s; physiotherapy handouts give 15-30 s). ``hold_s`` is
  the total over holds, ``best_hold_s`` the longest.

Score (:data:`SCORE_FORMULA`, :func:`exercises._scoring.hold_set_score`):
``100 * completion * form`` over the completed holds, where completion is
the mean of ``min(1, good-form hold time / target)`` and form is the share
of the time on the hold (knee held at the chest) spent in good form. A
hold's own score is its form (100 = clean). No holds scores 0.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import ClassVar

from coach.baseline import Baseline, BaselineMeasure, BaselineSpec, PersonalRule
from coach.debounce import Hysteresis
from coach.exercise import FrameVerdict, RepRecord, SetSummary
from coach.geometry import angle_deg, dist, elevation_deg, incline_from_horizontal, offset_below
from coach.landmarks import SIDES, Landmark, Side, other_side, sided
from coach.registry import register
from coach.spec import Bound, ExerciseSpec, FaultSpec, MetricSpec, RecognitionSpec
from exercises._filters import Median, Stillness, TimedMedian
from exercises._floor import FloorAnalyzer, FloorConfig, Judgement
from exercises._plateau import PlateauTimer
from exercises._scoring import hold_form, hold_set_score
from exercises._view import View

KNEE_NOT_CLOSE = "knee_not_close"
HEAD_LIFTED = "head_lifted"
OTHER_LEG_LIFTED = "other_leg_lifted"

SCORE_FORMULA = (
    "score = 100 * completion * form over the completed holds: completion = mean of min(1, good-form hold "
    "time / target seconds), form = good-form time / all time held; each hold's score = 100 * its form"
)


@dataclass(frozen=True)
class KneeToChestConfig(FloorConfig):
    """Knee-to-chest thresholds (degrees, trunk lengths, seconds)."""

    lying_on_deg: float = 35.0
    """Shoulder-hip line within 35 degrees of horizontal: lying on the back
    (pulling both knees rolls the pelvis up a little; sitting is 60-90)."""
    lying_off_deg: float = 45.0
    """...no longer lying beyond 45 degrees."""
    feet_below_hip_on: float = 0.8
    """Lying also means the hips are down on the floor with the feet: the
    lowest seen ankle at most 0.8 trunk lengths below the hip. Supine, with
    a foot flat or a leg straight on the floor, it is ~0; both knees pulled
    in, the ankles are above the hip. A standing forward fold (a yoga flow,
    ``mediapipe_doc_yoga_flow``) also has a horizontal trunk and a deeply
    flexed hip, but its ankles are a whole leg (~1.7 trunk lengths) below."""
    feet_below_hip_off: float = 1.0
    """...and stops counting as lying beyond 1.0."""
    pull_on_deg: float = 70.0
    """A leg is being pulled above 70 degrees of hip flexion. A resting leg
    reads ~0 (straight) or 40-57 (knee bent 90-120 degrees, foot flat)."""
    pull_off_deg: float = 60.0
    """...and is back down below 60 (hysteresis)."""
    hold_still_s: float = 0.3
    """The pull has stopped when the flexion has not changed by more than
    ``hold_still_deg`` over 0.3 s..."""
    hold_still_deg: float = 6.0
    """...6 degrees: a pull moves ~50-100 degrees/s, filtered landmark jitter
    is ~1-2 degrees."""
    hold_band_deg: float = 2.0
    """Hold time is time within 2 degrees of the held level (both ends of the
    hold judged alike, so detection lags cancel; ~1.5x the filtered jitter,
    brief dips below it are kept pending, not lost)."""
    hold_settle_s: float = 1.0
    """Easing off more than ``hold_band_deg`` for 1 s without releasing is a
    new, lower hold level (its time counts)."""
    far_vis: float = 0.04
    """The far leg's knee and ankle are used whenever MediaPipe places them
    in the picture (visibility >= 0.04; off-image joints read ~0.02). Side-on
    it rates far-side joints 0.05-0.35 (docs/measured.md) yet places them from the
    whole-body context, and a knee pulled up above the near leg is in plain
    view. The near side must still pass ``vis_on``/``vis_off``."""
    release_drop_deg: float = 25.0
    """Falling 25 degrees below the held level is a release. People ease off
    a few degrees within a hold, and the far leg's landmarks drift by up to
    ~10 degrees (MediaPipe guesses them); a real release drops 60-120. The
    time already below the level is not counted (see ``hold_band_deg``), so
    a late detection adds nothing."""
    rest_confirm_s: float = 0.4
    """The leg(s) must stay below ``pull_off_deg`` for 0.4 s before the hold
    is over: a guessed far leg can dip for a moment (occluded, its landmarks
    drift)."""
    both_max_diff_deg: float = 25.0
    """Both knees are being pulled only if their flexions are within 25
    degrees of each other; a second leg merely raised (the resting leg
    lifted, ~60 degrees) beside a knee at the chest (~120) is not."""
    close_on_deg: float = 102.0
    """Holding below 102 degrees of hip flexion: the knee is not close to the
    chest. Normal hip flexion with the knee bent is ~120 (AAOS); the pull
    should approach it (110-120 brings the thigh to the chest), ~95 or less
    is clearly short. 102 sits between, leaving room for stiff hips and for
    the far leg's guessed landmarks."""
    close_off_deg: float = 107.0
    """...cleared at 107 degrees (hysteresis)."""
    far_close_margin_deg: float = 6.0
    """A hold of the far leg (side-on, the leg behind the body) is judged 6
    degrees more leniently: its landmarks are MediaPipe's guess and drift
    slowly (docs/measured.md; on the synthetic model its flexion wanders by ~6
    degrees over a hold), so 102 would flag good 115-120 degree holds."""
    head_lift_on_deg: float = 18.0
    """Ear more than 18 degrees above the hip-shoulder line continued: the
    head is lifted (curled) off the floor. Lying flat the ear sits ~4-5
    degrees above that line (the ear is a little dorsal to the shoulder
    joint). The head pivots at the lower neck, below the ear, so the ear's
    elevation seen from the shoulder rises ~0.75-0.8 degree per degree of
    neck flexion: 20 degrees - enough to lift the head clear of the floor -
    holds it at ~20, 5 degrees (head resting) at ~9 (synthetic body model,
    noise-free)."""
    head_lift_off_deg: float = 13.0
    """...cleared below 13 degrees."""
    head_window_s: float = 1.0
    """The head angle is the median of the last 1 s. The ear is only ~0.12
    image heights from the shoulder, so MediaPipe's jitter on a body lying on
    the floor (~0.008 image heights per landmark and frame, the jitter_sd_floor of coach/synth/noise.py) moves
    the per-frame angle by ~5-7 degrees (sd): a 5-frame median still peaks
    at the 18 degree threshold within a few seconds of a resting head. A
    lifted head is a posture held for the whole stretch, so a 1 s window
    costs no detection, and brings those peaks (with the landmarks' slow
    bias) down to ~+8 degrees above the level (synthetic model, 60 clean
    holds: at most 17 for a 5 degree lift)."""
    nose_offset_window_s: float = 10.0
    """The nose's elevation less the ear's is learned (median) over the last
    10 s in which both are seen: it depends on the face and the neck, and
    moves only with the head's rotation, which the ear measures anyway."""
    nose_ventral_deg: float = 40.0
    """When the ear is not seen the nose is used, less its elevation above
    the ear's direction from the shoulder: learned whenever both are seen,
    40 degrees until then (the nose tip is ~11 cm ventral of the ear, which
    is ~12-20 cm cranial of the shoulder: 30-45 degrees; the synthetic body
    model gives 46). The former 20 read a resting head as lifted (~26)."""
    other_leg_on: float = 0.27
    """Resting leg's ankle more than 0.27 trunk lengths (~13 cm) above the
    floor line: the resting leg is lifted (a straight leg raised ~10 degrees,
    or a bent leg's foot clearly off the floor: +20 degrees of hip flexion
    lifts it ~0.33). Resting, the ankle is level with the line (+-0.05)."""
    other_leg_off: float = 0.2
    """...cleared below 0.2 trunk lengths."""
    min_hold_s: float = 1.0
    """A hold counts after 1 s in ``hold``: a shorter stop is a pass-through."""
    default_target_s: float = 20.0
    """Target per hold when none is given: 20 s (ACSM: hold static stretches
    10-30 s)."""

    # -- personal baseline (``coach calibrate``, :data:`BASELINE`) -----------------------
    calibrate_s: float = 5.0
    """A baseline is the median hip flexion over 5 s of the knee held at
    the chest (one hold, or part of each of two)."""
    personal_close_margin_deg: float = -10.0
    """Calibrated, the knee is not close 10 degrees short of the person's
    own range: the held level wanders a few degrees within a hold, and a
    guessed far leg by up to ~6 (``far_close_margin_deg``)..."""
    personal_close_loosen_deg: float = 15.0
    """...following a stiff hip down by at most 15 degrees below
    ``close_on_deg`` (to 87: below that the knee is hardly drawn in at
    all), and up without limit for a supple one. Not a safety limit: the
    stretch is judged on the person's own range, as a physiotherapist
    would progress it."""


@dataclass
class _Cycle:
    start: float
    legs: frozenset[str]
    timer: PlateauTimer
    hold_start: float | None = None
    hold_end: float | None = None
    peak: float = -math.inf
    min_hold_flex: float = math.inf
    max_head: float = -math.inf
    max_other: float = -math.inf
    down_since: float | None = None

    @property
    def label(self) -> str:
        if len(self.legs) == 2:
            return "both"
        return next(iter(self.legs))


def _baseline_sample(v: FrameVerdict) -> dict[str, float] | None:
    """A frame of the knee held at the chest: the hip flexion of the leg(s) held."""
    flex = v.metrics.get("hip_flexion", math.nan)
    return {"hold_flexion": flex} if v.phase == "hold" and math.isfinite(flex) else None


BASELINE = BaselineSpec(
    what="your knee-to-chest range",
    how="Pull your knee (or both) to your chest as far as is comfortable and hold it, side-on to the camera",
    measures=(BaselineMeasure("hold_flexion", "hip flexion in the hold", "deg", better="higher"),),
    sample=_baseline_sample,
    rules=(
        PersonalRule("close_on_deg", "close_off_deg", "hold_flexion",
                     margin=KneeToChestConfig.personal_close_margin_deg, fault_when="below", safety=False,
                     max_loosen=KneeToChestConfig.personal_close_loosen_deg, reason="short of your own range"),
    ),
    seconds=KneeToChestConfig.calibrate_s,
)
"""``coach calibrate --exercise knee_to_chest``: the person's own range."""

RECOGNITION = RecognitionSpec(
    called="a knee-to-chest stretch",
    # lying on the back, one or both hips flexed well past a bridge's
    # resting ~50 degrees, the hands off the floor (holding the knee)
    position=(
        Bound("trunk_incl", 60.0, 115.0),
        Bound("shoulder_h", hi=0.15),
        Bound("hip_h", hi=0.12),
        Bound("hip_flex_max", lo=72.0),
        Bound("wrist_h_min", lo=0.07),
    ),
    settle_s=1.0,
    # lying on the back between sides, neither knee drawn in
    rest=(
        Bound("trunk_incl", 65.0, 115.0),
        Bound("shoulder_h", hi=0.12),
        Bound("hip_h", hi=0.12),
        Bound("hip_flex_max", hi=65.0),
    ),
    max_gap_s=8.0,
    lead_s=1.5,
    trail_s=1.5,
)
"""A hold of 1 s; the set runs from the first pull (the last frame at rest
before it, within 1.5 s) to the last release, through the rest between
sides."""

SPEC = ExerciseSpec(
    name="knee_to_chest",
    description="supine knee-to-chest stretch, side view: hip flexion, head down, other leg down; holds per side",
    item_kind="hold",
    unit="s",
    default_target=KneeToChestConfig.default_target_s,
    faults=(
        FaultSpec(HEAD_LIFTED, "head lifted", "Rest your head on the floor", joints=("ear",)),
        FaultSpec(OTHER_LEG_LIFTED, "other leg lifted", "Keep your other leg resting on the floor"),
        FaultSpec(KNEE_NOT_CLOSE, "knee not close to the chest", "Pull your knee closer to your chest",
                  joints=("knee", "hip")),
    ),
    metrics=(MetricSpec("hip_flexion", "hip flexion", "deg"),),
    measures=(
        MetricSpec("hip_flexion_left", "left hip flexion", "deg"),
        MetricSpec("hip_flexion_right", "right hip flexion", "deg"),
        MetricSpec("head_angle", "head lift angle", "deg"),
        MetricSpec("other_leg_height", "resting leg lift", "trunk lengths"),
        MetricSpec("hold_current_s", "current hold", "s"),
        MetricSpec("held_s", "good-form time", "s"),
        MetricSpec("hold_time_s", "time in the hold", "s"),
        MetricSpec("peak_hip_flexion", "peak hip flexion", "deg"),
        MetricSpec("min_hold_hip_flexion", "lowest hip flexion in the hold", "deg"),
        MetricSpec("max_head_angle", "largest head lift", "deg"),
        MetricSpec("max_other_leg_height", "largest resting leg lift", "trunk lengths"),
    ),
    color="#0d9488",
    # progression cap: a 30 s static stretch is as effective as 60 s
    # (Bandy, Irion & Briggler, Phys Ther 1997; ACSM: 10-30 s holds)
    max_target=30.0,
    sides=("left", "right"),
    side_prompt="Pull your {side} knee to your chest",
    recognition=RECOGNITION,
    baseline=BASELINE,
)


@register(SPEC)
class KneeToChestAnalyzer(FloorAnalyzer):
    """Knee-to-chest analyzer (streaming state machine, holds per side)."""

    name: ClassVar[str] = "knee_to_chest"
    SPEC: ClassVar[ExerciseSpec] = SPEC
    KEY_JOINTS: ClassVar[tuple[str, ...]] = ("shoulder", "hip", "knee", "ankle")

    def __init__(self, config: KneeToChestConfig | None = None, target: float | None = None,
                 baseline: Baseline | None = None) -> None:
        self.config = self._personal(config or KneeToChestConfig(), baseline)
        self.target = float(target) if target is not None and target > 0 else self.config.default_target_s
        super().__init__(self.config)
        self._reset_state()

    def _reset_state(self) -> None:
        c = self.config
        n = c.median_frames
        self._m_flex = {s: Median(n) for s in SIDES}
        self._m_head = TimedMedian(c.head_window_s)
        self._nose_offset = TimedMedian(c.nose_offset_window_s)
        self._m_other = Median(n)
        self._m_lying = Median(n)
        self._pulled = {s: Hysteresis(c.pull_on_deg, c.pull_off_deg, rising=True) for s in SIDES}
        self._lying = Hysteresis(c.lying_on_deg, c.lying_off_deg, rising=False)
        self._down = Hysteresis(c.feet_below_hip_on, c.feet_below_hip_off, rising=False)
        self._down.state = True  # until an ankle says otherwise
        self._m_feet = Median(n)
        self._close_fault = Hysteresis(c.close_on_deg, c.close_off_deg, rising=False)
        self._head_fault = Hysteresis(c.head_lift_on_deg, c.head_lift_off_deg, rising=True)
        self._other_fault = Hysteresis(c.other_leg_on, c.other_leg_off, rising=True)
        self._still = Stillness(c.hold_still_s, c.hold_still_deg)
        self._recent: dict[str, deque[tuple[float, float, bool]]] = {s: deque(maxlen=30) for s in SIDES}
        self._phase = "setup"
        self._cycle: _Cycle | None = None
        self._records: list[RepRecord] = []
        self._done_s = 0.0
        self._count = 0
        self._last_label: str | None = None

    # -- hooks -----------------------------------------------------------------------
    def _reps(self) -> int:
        return self._count

    def _hold_total(self) -> float:
        cur = self._cycle.timer.shown_good_s if self._cycle is not None else 0.0
        return self._done_s + cur

    def _side_label(self, side: Side) -> str:
        if self._cycle is not None:
            return self._cycle.label
        return self._last_label or side

    def _rescaled(self) -> None:
        self._clear_filters()

    def _clear_filters(self) -> None:
        for m in (*self._m_flex.values(), self._m_other, self._m_lying, self._m_feet):
            m.clear()
        self._m_head.clear()
        self._nose_offset.clear()
        self._still.clear()

    def _restart(self, t_last: float) -> None:
        self._clear_filters()
        self._end_cycle(t_last)
        self._phase = "setup"

    def _blind(self, t: float, dt: float) -> str:
        if self._cycle is not None:
            self._cycle.timer.unseen()
        return self._phase

    # -- judging -------------------------------------------------------------------------
    def _feet_below_hip(self, view: View, hp: tuple[float, float], trunk: float) -> float:
        """How far the lowest seen ankle is below the hip, in trunk lengths
        (y down); nan when no ankle is seen (then the last verdict stands)."""
        c = self.config
        ys = [view.p(sided(s, "ankle"))[1] for s in SIDES if view.seen(sided(s, "ankle"), c.vis_off, c.frame_margin)]
        if not ys or not trunk > 1e-9:
            return math.nan
        return (max(ys) - hp[1]) / trunk

    def _judge(self, view: View, side: Side, t: float, dt: float, front: bool) -> Judgement:
        c = self.config
        sh = view.p(sided(side, "shoulder"))
        hp = view.p(sided(side, "hip"))
        trunk = dist(sh, hp)
        lying = self._lying.update(self._m_lying.push(incline_from_horizontal(sh, hp)))
        down = self._down.update(self._m_feet.push(self._feet_below_hip(view, hp, trunk)))
        lying = lying and down

        flex: dict[str, float] = {}
        for s in SIDES:
            knee_lm = sided(s, "knee")
            raw_flex = math.nan
            if s == side or view.seen(knee_lm, c.far_vis, c.frame_margin):
                # the near hip is the pivot for both thighs: side-on the two
                # hips project onto nearly the same point, and the far one is
                # only MediaPipe's guess
                raw_flex = 180.0 - angle_deg(sh, hp, view.p(knee_lm))
            flex[s] = self._m_flex[s].push(raw_flex)
        pulled = {s for s in SIDES if lying and self._pulled[s].update(flex[s])}
        if self._cycle is None:
            for s in SIDES:
                if math.isfinite(flex[s]):
                    self._recent[s].append((t, flex[s], True))
        if not lying:
            for latch in self._pulled.values():
                latch.reset()

        head = self._m_head.push(t, self._head_angle(view, side, sh, hp))

        # state machine
        together = len(pulled) == 2 and abs(flex["left"] - flex["right"]) <= c.both_max_diff_deg
        if self._phase == "setup" and pulled:
            legs = pulled if len(pulled) == 1 or together else {max(pulled, key=lambda s: flex[s])}
            self._cycle = _Cycle(start=t, legs=frozenset(legs),
                                 timer=PlateauTimer(c.hold_band_deg, c.hold_settle_s, c.max_frame_gap_s))
            lead = max(legs, key=lambda s: flex[s])
            self._cycle.timer.prime(self._recent[lead])  # the start of the pull
            self._still.clear()
            self._phase = "pulling"
        cyc = self._cycle
        if cyc is not None and self._phase == "pulling" and together and len(cyc.legs) == 1:
            cyc.legs = frozenset(SIDES)  # the second knee joins while pulling: a both-knees hold
        active = self._active_flex(flex, side)
        still = self._still.push(t, active) if cyc is not None else False

        # the resting leg
        other_h = math.nan
        if cyc is not None and len(cyc.legs) == 1:
            rest_leg: Side = other_side("left" if "left" in cyc.legs else "right")
            ank = sided(rest_leg, "ankle")
            if view.seen(ank, c.far_vis, c.frame_margin) and trunk > 1e-9:
                other_h = -offset_below(view.p(ank), sh, hp) / trunk
        other = self._m_other.push(other_h)
        if cyc is None:
            self._m_other.clear()

        # faults that do not depend on the phase change below: the head while
        # pulling or holding; the other leg only once holding (while pulling,
        # it may be the second knee on its way up)
        raw: list[str] = []
        if cyc is not None and self._phase in ("pulling", "hold"):
            if math.isfinite(head) and self._head_fault.update(head):
                raw.append(HEAD_LIFTED)
        else:
            self._head_fault.reset()
        if cyc is not None and self._phase == "hold" and len(cyc.legs) == 1:
            if math.isfinite(other) and self._other_fault.update(other):
                raw.append(OTHER_LEG_LIFTED)
        else:
            self._other_fault.reset()

        if cyc is not None:
            timer = cyc.timer
            down = not (pulled & cyc.legs)
            if not down:
                cyc.down_since = None
            elif cyc.down_since is None:
                cyc.down_since = t
            gone = cyc.down_since is not None and t - cyc.down_since >= c.rest_confirm_s
            if self._phase == "pulling":
                timer.approach(t, active, not raw)
                if gone:
                    self._end_cycle(cyc.down_since if cyc.down_since is not None else t)
                elif still and math.isfinite(active) and not down:
                    self._enter_hold(cyc, t, active, other)
            elif self._phase == "hold":
                if down or (math.isfinite(active) and active < timer.level - c.release_drop_deg):
                    self._phase = "release"
                    cyc.hold_end = t
                    timer.end()
            elif self._phase == "release":
                timer.approach(t, active, not raw)
                if gone:
                    self._end_cycle(cyc.down_since if cyc.down_since is not None else t)
                elif (not down and still and math.isfinite(active)
                      and active >= timer.level - 0.5 * c.release_drop_deg):
                    self._enter_hold(cyc, t, active, other)  # pulled back in: holding again
        cyc = self._cycle

        if cyc is not None and self._phase == "hold":
            # closeness is judged on the held level (a running mean over the
            # hold that ignores dips shorter than hold_settle_s), not frame
            # by frame: a guessed far leg drifts
            level = cyc.timer.level if math.isfinite(cyc.timer.level) else active
            if side not in cyc.legs:
                level += c.far_close_margin_deg  # a guessed far leg gets the benefit of the doubt
            if math.isfinite(level) and self._close_fault.update(min(level, active + c.release_drop_deg)):
                raw.append(KNEE_NOT_CLOSE)
            cyc.timer.update(t, active, not raw)
            if math.isfinite(active):
                cyc.min_hold_flex = min(cyc.min_hold_flex, active)
        else:
            self._close_fault.reset()
        if cyc is not None:
            if math.isfinite(active):
                cyc.peak = max(cyc.peak, active)
            if math.isfinite(head) and self._phase in ("pulling", "hold"):
                cyc.max_head = max(cyc.max_head, head)
            if math.isfinite(other) and self._phase in ("pulling", "hold"):
                cyc.max_other = max(cyc.max_other, other)

        setup_cue = None
        if self._phase == "setup":
            setup_cue = ("Lie on your back, side-on to the camera" if not lying
                         else "Pull one knee, or both, towards your chest")
        metrics = {
            "hip_flexion": active,
            "hip_flexion_left": flex["left"],
            "hip_flexion_right": flex["right"],
            "head_angle": head,
            "other_leg_height": other,
            "hold_current_s": cyc.timer.shown_good_s if cyc is not None else 0.0,
        }
        label = cyc.label if cyc is not None else None
        return Judgement(self._phase, raw, metrics, setup_cue, side_label=label)

    def _enter_hold(self, cyc: _Cycle, t: float, level: float, other: float) -> None:
        c = self.config
        self._phase = "hold"
        if cyc.hold_start is None:
            cyc.hold_start = t
        cyc.hold_end = None
        # the stretch just before is credited as good only if the hold is
        # judged good at once (the hold-only checks were not made on it)
        good = not (level < c.close_on_deg) and not (len(cyc.legs) == 1 and other >= c.other_leg_on)
        cyc.timer.begin(level, credit_good=good)

    def _active_flex(self, flex: dict[str, float], near: Side) -> float:
        """Flexion of the leg(s) being worked. For both knees, the near leg's:
        the far leg's landmarks are MediaPipe's guess (biased by up to ~10
        degrees), the near one is seen."""
        cyc = self._cycle
        if cyc is None:
            return max((v for v in flex.values() if math.isfinite(v)), default=math.nan)
        if len(cyc.legs) == 2 and math.isfinite(flex[near]):
            return flex[near]
        vals = [flex[s] for s in cyc.legs if math.isfinite(flex[s])]
        return min(vals) if vals else math.nan

    def _head_angle(self, view: View, side: Side, sh: tuple[float, float], hp: tuple[float, float]) -> float:
        """The ear's elevation above the hip->shoulder line continued (one
        frame). Without an ear, the nose's, less its offset from the ear's
        direction: learned on the frames where both are seen (it depends on
        the face and on the neck's length), ``nose_ventral_deg`` until then."""
        c = self.config
        nose = math.nan
        if view.seen(Landmark.NOSE, c.vis_off, c.frame_margin):
            nose = elevation_deg(view.p(Landmark.NOSE), sh, hp)
        for lm in (sided(side, "ear"), sided(other_side(side), "ear")):
            if view.seen(lm, c.vis_off, c.frame_margin):
                ear = elevation_deg(view.p(lm), sh, hp)
                if math.isfinite(nose) and lm == sided(side, "ear"):
                    self._nose_offset.push(self._clock.last if self._clock.last is not None else 0.0, nose - ear)
                return ear
        offset = self._nose_offset.value
        return nose - (offset if math.isfinite(offset) else c.nose_ventral_deg)

    # -- holds ------------------------------------------------------------------------------
    def _end_cycle(self, t: float) -> None:
        cyc = self._cycle
        self._cycle = None
        self._phase = "setup"
        self._still.clear()
        if cyc is None:
            return
        cyc.timer.end()
        self._done_s += cyc.timer.good_s
        self._last_label = cyc.label
        if cyc.hold_start is None or cyc.timer.time_s < self.config.min_hold_s:
            return
        self._count += 1
        rec = self._record(self._count, cyc, t)
        self._records.append(rec)
        self._item_done(rec.good)

    def _record(self, index: int, cyc: _Cycle, now: float) -> RepRecord:
        end = cyc.hold_end if cyc.hold_end is not None else now
        start = cyc.hold_start if cyc.hold_start is not None else cyc.start
        faults = self.faults_during(cyc.start, now, now)
        held = cyc.timer.good_s
        return RepRecord(
            index=index, kind="hold", start=start, end=end,
            score=100.0 * hold_form(held, cyc.timer.time_s - held) if faults else 100.0,
            faults=faults, side=cyc.label, good=not faults,
            measures={
                "held_s": held,
                "hold_time_s": cyc.timer.time_s,
                "peak_hip_flexion": cyc.peak,
                "min_hold_hip_flexion": cyc.min_hold_flex if math.isfinite(cyc.min_hold_flex) else math.nan,
                "max_head_angle": cyc.max_head if math.isfinite(cyc.max_head) else math.nan,
                "max_other_leg_height": cyc.max_other if math.isfinite(cyc.max_other) else math.nan,
            },
        )

    # -- summary ----------------------------------------------------------------------------
    def summary(self) -> SetSummary:
        now = self._clock.last if self._clock.last is not None else 0.0
        items = list(self._records)
        cyc = self._cycle
        if cyc is not None and cyc.hold_start is not None and cyc.timer.time_s >= self.config.min_hold_s:
            items.append(self._record(len(items) + 1, cyc, now))  # the hold in progress
        helds = [it.measures.get("held_s", 0.0) for it in items]
        holds = [(it.measures.get("held_s", 0.0), it.measures.get("hold_time_s", 0.0) - it.measures.get("held_s", 0.0))
                 for it in items]
        per_side: dict[str, float] = {}
        for it in items:
            key = it.side or "?"
            per_side[key] = per_side.get(key, 0.0) + it.measures.get("held_s", 0.0)
        return SetSummary(
            exercise=self.name,
            reps=len(items),  # completed holds, and the one in progress when it already counts
            hold_s=self._hold_total(),
            score=hold_set_score(holds, self.target),
            score_formula=SCORE_FORMULA,
            duration_s=self.duration_s,
            best_hold_s=max(helds, default=0.0),
            target=self.target,
            target_unit="s",
            items=tuple(items),
            fault_events=self.fault_events(),
            visible_fraction=self.visible_fraction,
            extra={"aspect": self.aspect_note(), "hold_s_per_side": per_side, "holds_per_side": {
                k: sum(1 for it in items if it.side == k) for k in ("left", "right", "both")}, **self.baseline_extra()},
        )
