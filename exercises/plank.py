"""Forearm plank, filmed side-on.

Rules (all thresholds in :class:`PlankConfig`, each with its reason):

* **Position** (phase ``setup`` until in position, then ``hold``): the
  shoulder-ankle line within 30 degrees of horizontal, the upper arm within 50
  degrees of vertical (weight on the forearms, elbow below the shoulder) and,
  when the knee is seen, the legs straight (knee >= 140 degrees). The position
  must hold 0.1 s to start, and be lost for 0.5 s to end.
* **Body line** - the aim is a neutral spine, shoulders, hips and ankles in
  one line (McGill, *Low Back Disorders*, 3rd ed. 2016; a sagging plank puts
  the lumbar spine in loaded extension, a piked one takes the load off the
  abdominal wall). Measured on the near side: the hip's perpendicular offset
  from the shoulder-ankle line in trunk lengths (``hip_offset``, + = below)
  and the shoulder-hip-ankle angle (``body_angle``, 180 = straight).
  ``hips_sagging`` when the hip is >= 0.08 trunk lengths below the line *and*
  the body is bent >= 6 degrees; ``hips_piking`` only for an inverted V:
  >= 0.27 above and bent >= 28 degrees. Real people in a good plank hold
  their hips a little high (the hip landmark is rarely on the line), and
  mildly high hips do not load the back, so they are good form; sagging is
  the fault that matters. The numbers come from 459 real correct planks
  and the real and derived faulty ones (:class:`PlankConfig`, ACCURACY.md).
* ``elbows_not_under_shoulders``: upper arm more than 25 degrees off vertical
  towards the head, or 35 towards the feet (the standard cue: elbows
  stacked under the shoulders).
* ``head_dropped``: the ear more than 35 degrees below the hip-shoulder line
  continued (neck hanging; looking down at the floor is normal); falls back
  to the nose, corrected for the face being in front of the ear, when the
  ear is not seen.
* **Hold time** counts only in ``hold``, while the frame is seen, no fault
  is raised on it (after a 5-frame median, with hysteresis) and the body is
  *held*: its line (hip bend plus knee bend) has been still for 0.3 s and
  stays within 3 degrees of its held level, so moving into or out of the
  plank does not count. A blip shorter than 0.5 s does not break a
  continuous hold (:class:`coach.debounce.HoldTimer`). ``hold_s`` is the
  total good-form time, ``best_hold_s`` the longest continuous one. The hip
  line is judged only with the knees straighter than 160 degrees (stepping
  into a plank the hips are high while the knees are bent: not piking).
* ``reps`` counts completed planks: a ``hold`` episode that ended (back to
  ``setup``) after at least ``min_hold_s`` in position (form aside, as a
  faulty rep is still a rep).

Score (:data:`SCORE_FORMULA`, :func:`exercises._scoring.hold_set_score`):
``100 * completion * form`` over the completed holds, where completion is
the mean of ``min(1, good-form hold time / target)`` and form is the share
of the judged hold time (in position, held still) spent in good form. A
hold's own score is its form (100 = clean). So a set of sagging holds
scores low however long it lasted, and a clean hold of the target length
scores 100. The default target is 30 s.

All measures are 2D image geometry on the near side (no world coordinates,
no heel/foot landmarks needed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from coach.baseline import Baseline, BaselineMeasure, BaselineSpec, PersonalRule
from coach.debounce import HoldTimer, Hysteresis
from coach.exercise import FrameVerdict, RepRecord, SetSummary
from coach.geometry import angle_deg, bend_deg, dist, elevation_deg, finite, incline_from_horizontal, offset_below
from coach.landmarks import Landmark, Side, other_side, sided
from coach.registry import register
from coach.spec import Bound, ExerciseSpec, FaultSpec, MetricSpec, RecognitionSpec
from exercises._filters import Median, Stillness
from exercises._floor import FloorAnalyzer, FloorConfig, Judgement
from exercises._scoring import hold_form, hold_set_score
from exercises._view import View

HIPS_SAGGING = "hips_sagging"
HIPS_PIKING = "hips_piking"
ELBOWS = "elbows_not_under_shoulders"
HEAD_DROPPED = "head_dropped"

SCORE_FORMULA = (
    "score = 100 * completion * form over the completed holds: completion = mean of min(1, good-form hold "
    "time / target seconds), form = good-form time / all judged hold time; each hold's score = 100 * its form"
)


@dataclass(frozen=True)
class PlankConfig(FloorConfig):
    """Forearm plank thresholds (degrees, trunk lengths, seconds)."""

    # -- position --------------------------------------------------------------
    level_on_deg: float = 30.0
    """Shoulder-ankle line within 30 degrees of horizontal to be in a plank.
    On the forearms the shoulders sit an upper arm (~0.19 H) above the floor
    over a body ~0.8 H long: ~10-15 degrees. 30 leaves room for camera tilt and
    an unknown image aspect; kneeling or standing is 45-90."""
    level_off_deg: float = 40.0
    """...and out of it beyond 40 degrees (hysteresis)."""
    arm_on_deg: float = 50.0
    """Upper arm within 50 degrees of vertical: the elbow is under the body,
    the weight on the forearms. Lying flat with the arms forward or at the
    sides reads 70-90."""
    arm_off_deg: float = 60.0
    """...and out of position beyond 60 degrees."""
    knee_on_deg: float = 140.0
    """Knee angle (hip-knee-ankle) of at least 140 degrees: legs straight. A
    kneeling (modified) plank reads 90-120 and is a different exercise."""
    knee_off_deg: float = 130.0
    """...out of position below 130."""
    body_bend_on_deg: float = 60.0
    """The body bent at most 60 degrees at the hip (shoulder-hip-ankle angle
    120 or more): a sharper inverted V is a downward dog or a pike stretch,
    not a plank (seen in a real yoga flow, ``mediapipe_doc_yoga_flow``,
    at ~90 degrees); the most piked real planks in the corpus reach 120."""
    body_bend_off_deg: float = 70.0
    """...out of position beyond 70 degrees."""
    judge_knee_deg: float = 160.0
    """Piking is judged only with the knees straighter than 160 degrees:
    stepping into or out of the plank the hips are high while the knees are
    still bent, which is not piking. (A straight leg reads 170-180.) A sag
    is judged whatever the knees: hips below the line load the back."""
    enter_s: float = 0.1
    """The position must hold 0.1 s (3 frames) before ``hold`` starts: a
    pass through plank-like poses is not a plank, and a 0.5 s still plank
    still gets judged."""
    exit_s: float = 0.5
    """The position must be lost for 0.5 s before the plank ends: a wobble is
    not an exit."""

    # -- body line ---------------------------------------------------------------
    sag_offset_on: float = 0.08
    """Hip this far below the shoulder-ankle line (trunk lengths) is a sag.
    Sagging is the fault that matters for the back: the lumbar spine hangs
    into loaded extension (McGill 2016), and the coaching norm is "no
    visible sag". Real correct planks almost never have the hip below the
    line at all: over 459 real correct planks (``mlkit_pushups_up``,
    ``pck_plank``, docs/accuracy in ACCURACY.md) the offset has p90 -0.006
    and p95 +0.018, while real and derived sagging planks start at +0.095
    (p5). 0.08 sits between, ~7 degrees of bend at the hip, and clears
    MediaPipe-like jitter on a body 2-3 degrees low (no false sag in 160
    generated planks; 0.06 gave 20)."""
    sag_offset_off: float = 0.06
    """...cleared below 0.06 (hysteresis)."""
    sag_bend_on_deg: float = 6.0
    """...and the shoulder-hip-ankle angle must be at least 5 degrees short of
    straight: guards the offset against a foreshortened trunk (body turned
    towards the camera), where a small offset is a large share of a short
    trunk."""
    sag_bend_off_deg: float = 4.0
    """...cleared below 4 degrees."""
    pike_offset_on: float = 0.27
    """Hip this far above the line is piking. Mildly high hips are good
    form, or at most a gentle cue: piking unloads the abdominal wall but
    does not load the lumbar spine. Real correct planks sit high - offset
    median -0.085 (pck) to -0.16 (ML Kit), p5 -0.26 - while planks a
    physiotherapist would call piked (an inverted V) are beyond -0.28 (p95
    of the labelled piked planks)."""
    pike_offset_off: float = 0.22
    """...cleared below 0.22."""
    pike_bend_on_deg: float = 28.0
    """...and the body bent at least 28 degrees at the hip (shoulder-hip-ankle
    angle 152 or less): real correct planks have that angle at p5 155, the
    labelled piked ones at p95 151."""
    pike_bend_off_deg: float = 22.0
    """...cleared below 22 degrees."""

    # -- arms and head -------------------------------------------------------------
    elbow_on_deg: float = 25.0
    """Upper arm more than 25 degrees off vertical towards the head: elbows
    reaching out in front of the shoulders (the standard plank cue: elbows
    stacked under the shoulders, e.g. ACE/NSCA exercise libraries). 25
    tolerates the common slight forward placement."""
    elbow_off_deg: float = 18.0
    """...cleared below 18 degrees."""
    elbow_behind_on_deg: float = 35.0
    """Towards the feet the arm may lean further before it is a fault: with
    the shoulders ahead of the elbows the body weight shifts forward onto
    the shoulders, which is how many people plank and does not load the
    spine. Real correct planks lean back to 30 degrees (p5 of 459)."""
    elbow_behind_off_deg: float = 28.0
    """...cleared below 28 degrees."""
    head_drop_on_deg: float = -35.0
    """Ear 35 degrees or more below the hip-shoulder line continued: the head
    hangs (neck flexed under load). Looking down at the floor is normal: in
    real correct planks the ear sits a median 12 degrees below the line,
    p10 29 degrees; a neutral neck keeps it within ~10-15."""
    head_drop_off_deg: float = -28.0
    """...cleared above -28 degrees."""
    nose_ventral_deg: float = 20.0
    """When the ear is not seen the nose is used: it sits ~10 cm in front of
    the ear at ~25 cm from the shoulder, i.e. ~20 degrees towards the floor
    in a prone plank, so 20 degrees is added back."""

    # -- holding still ---------------------------------------------------------------
    knee_straight_deg: float = 175.0
    """Knee angles above 175 count as straight (the unsigned knee angle of a
    straight leg reads 175-180 with landmark jitter)."""
    hold_still_s: float = 0.3
    """Hold time starts once the body line (hip bend plus knee bend) has
    stopped changing for 0.3 s: moving into the plank is not holding it..."""
    hold_still_deg: float = 3.0
    """...within 3 degrees."""
    shoulder_still: float = 0.15
    """...and the shoulders' height above the wrists has stayed within 0.15
    trunk lengths over ``hold_still_s``: a push-up keeps the body line
    straight but moves the shoulders up and down by ~0.5 trunk lengths (an
    upper arm), so a set of push-ups is not a plank hold (real push-ups,
    ``mediapipe_doc_pushups``). Jitter of the median-filtered height is
    ~0.03."""
    hold_band_deg: float = 4.0
    """It keeps counting while the body line stays within 4 degrees of its
    held level (a 1 s running mean): moving out of the plank (tens of
    degrees) stops the count at once, before the position is lost. A body
    held with the hips a little high (as real people hold it) wobbles a few
    degrees more than a straight one: with a 3 degree band breathing and
    landmark jitter broke good holds."""
    hold_level_tau_s: float = 1.0
    """Time constant of that running mean."""
    hold_settle_s: float = 2.0
    """A body line that stays lower for 2 s is the new held level (a slow
    sag: its hold time then depends on the fault checks alone)."""

    # -- counting --------------------------------------------------------------------
    min_hold_s: float = 2.0
    """A plank counts as a completed hold (``reps``) once it has been held
    still in position for 2 s (good form or not, like a faulty rep is still
    a rep): shorter is a false start, and moving through plank-like poses
    (push-ups, a yoga flow) is not holding."""
    default_target_s: float = 30.0
    """Target hold when none is given: 30 s, within the 10-60 s holds of
    common core-endurance programmes (McGill's "big 3" builds up from
    repeated ~10 s holds)."""

    # -- personal baseline (``coach calibrate``, :data:`BASELINE`) -----------------------
    calibrate_s: float = 5.0
    """A baseline is the median of 5 s of the plank held (150 frames at 30
    fps): long enough to average out breathing and landmark jitter, short
    enough to hold in best form."""
    personal_sag_margin: float = 0.10
    """Calibrated, the hips sag when 0.10 trunk lengths below the person's
    own line: 3x the filtered frame-to-frame jitter of the offset (~0.03).
    Most people hold their hips a little high (real correct planks: median
    -0.085 to -0.16), so for them a drop to the straight line is already a
    sag. The safety limit ``sag_offset_on`` is never loosened."""
    personal_sag_floor: float = 0.02
    """...and never above 0.02 below the straight line: a sag means the
    hips below the line (the fault's meaning), not just lower than usual."""
    personal_sag_bend_margin_deg: float = 6.0
    """...with the body bent 6 degrees further down than the person's own
    line (the same pairing as ``sag_bend_on_deg``, ~0.1 trunk lengths)..."""
    personal_sag_bend_floor_deg: float = 2.0
    """...and at least 2 degrees below straight."""
    personal_pike_margin: float = 0.12
    """Calibrated, the hips are too high 0.12 trunk lengths above the
    person's own line, and at least that far above the straight line:
    their own line, not the population's inverted V, says what too high
    is. Only ever stricter than ``pike_offset_on``."""
    personal_pike_bend_margin_deg: float = 12.0
    """...with the body bent 12 degrees further up than the person's own
    line, and at least 12 degrees in all."""


@dataclass
class _Episode:
    start: float
    end: float | None = None
    good_start: float = 0.0  # HoldTimer.total_s at the start
    good_s: float = 0.0
    faulty_s: float = 0.0  # time held in position with a form fault raised
    held_s: float = 0.0  # time in position and held still (good form or not)
    seen_s: float = 0.0  # time in position, seen
    last_t: float | None = None
    worst_sag: float = -math.inf
    worst_pike: float = math.inf
    min_body_angle: float = math.inf
    max_elbow: float = 0.0
    min_head: float = math.inf


RECOGNITION = RecognitionSpec(
    called="a plank",
    # body about horizontal, legs straight, the hips not folded (a downward
    # dog is not a plank), propped up on the forearms or hands: shoulders
    # off the floor over a near-vertical upper arm, hands on the floor.
    # Forearm and straight-arm planks both pass; kneeling on the forearms
    # (knees bent) and the bottom of a push-up (a bent elbow over an upright
    # forearm) do not.
    position=(
        Bound("trunk_incl", 55.0, 130.0),
        Bound("knee_flex_min", hi=25.0),
        Bound("hip_flex_min", hi=60.0),
        Bound("shoulder_h", 0.09, 0.5),
        Bound("hip_h", hi=0.4),
        Bound("upper_arm_down_min", hi=50.0),
        Bound("wrist_h_min", hi=0.1),
        Bound("pushup_bend", hi=40.0),
    ),
    settle_s=1.0,
    max_gap_s=3.0,
)
"""A held plank: 1 s in position (a push-up passes through it in well under
a second)."""

def _baseline_sample(v: FrameVerdict) -> dict[str, float] | None:
    """A frame of the plank held: its hip offset and the hip's drop below
    the shoulder-ankle line in degrees (+ = below, - = hips high)."""
    if v.phase != "hold":
        return None
    off, angle = v.metrics.get("hip_offset", math.nan), v.metrics.get("body_angle", math.nan)
    if not finite(off, angle):
        return None
    return {"hip_offset": off, "hip_drop_deg": math.copysign(180.0 - angle, off)}


BASELINE = BaselineSpec(
    what="your plank body line",
    how="Hold your best plank, side-on to the camera, body in one line",
    measures=(
        BaselineMeasure("hip_offset", "hip below the shoulder-ankle line (- = above)", "trunk lengths",
                        better="closer", digits=3),
        BaselineMeasure("hip_drop_deg", "body bent at the hip, hips down (- = up)", "deg", better="closer"),
    ),
    sample=_baseline_sample,
    rules=(
        PersonalRule("sag_offset_on", "sag_offset_off", "hip_offset", margin=PlankConfig.personal_sag_margin,
                     lo=PlankConfig.personal_sag_floor, fault_when="above", safety=True,
                     reason="a sag below your own line; never looser than every plank's limit"),
        PersonalRule("sag_bend_on_deg", "sag_bend_off_deg", "hip_drop_deg",
                     margin=PlankConfig.personal_sag_bend_margin_deg, lo=PlankConfig.personal_sag_bend_floor_deg,
                     fault_when="above", safety=True, reason="...bent down from your own line"),
        PersonalRule("pike_offset_on", "pike_offset_off", "hip_offset", sign=-1.0,
                     margin=PlankConfig.personal_pike_margin, lo=PlankConfig.personal_pike_margin,
                     fault_when="above", safety=False, reason="hips above your own line; only ever stricter"),
        PersonalRule("pike_bend_on_deg", "pike_bend_off_deg", "hip_drop_deg", sign=-1.0,
                     margin=PlankConfig.personal_pike_bend_margin_deg, lo=PlankConfig.personal_pike_bend_margin_deg,
                     fault_when="above", safety=False, reason="...bent up from your own line"),
    ),
    seconds=PlankConfig.calibrate_s,
    headline="hip_offset",
)
"""``coach calibrate --exercise plank``: the body line of the person's best
plank; later planks are judged against it as well as against
:class:`PlankConfig`'s limits (a sag is never judged more leniently)."""

SPEC = ExerciseSpec(
    name="plank",
    description="forearm plank hold, side view: body line, elbows, head; good-form hold time",
    item_kind="hold",
    unit="s",
    default_target=PlankConfig.default_target_s,
    faults=(
        # a sagging plank puts the lumbar spine in loaded extension: a safety fault
        FaultSpec(HIPS_SAGGING, "hips sagging", "Lift your hips into a straight line", safety=True,
                  joints=("hip",)),
        FaultSpec(HIPS_PIKING, "hips too high", "Lower your hips into a straight line", joints=("hip",)),
        FaultSpec(ELBOWS, "elbows not under shoulders", "Put your elbows under your shoulders",
                  joints=("elbow", "shoulder")),
        FaultSpec(HEAD_DROPPED, "head dropped", "Lift your head: neck long, in line with your back",
                  joints=("ear",)),
    ),
    metrics=(
        MetricSpec("body_angle", "body angle (shoulder-hip-ankle)", "deg"),
        MetricSpec("hip_offset", "hip offset below the shoulder-ankle line", "trunk lengths"),
    ),
    measures=(
        MetricSpec("body_incline", "body incline from horizontal", "deg"),
        MetricSpec("elbow_angle", "upper arm lean from vertical", "deg"),
        MetricSpec("head_angle", "head angle below the back line", "deg"),
        MetricSpec("knee_angle", "knee angle", "deg"),
        MetricSpec("hold_current_s", "current hold", "s"),
        MetricSpec("held_s", "good-form time", "s"),
        MetricSpec("faulty_s", "time with a fault", "s"),
        MetricSpec("in_position_s", "time in position", "s"),
        MetricSpec("worst_sag_offset", "worst hip sag", "trunk lengths"),
        MetricSpec("worst_pike_offset", "worst hip pike", "trunk lengths"),
        MetricSpec("min_body_angle", "lowest body angle", "deg"),
        MetricSpec("max_elbow_angle", "largest upper arm lean", "deg"),
        MetricSpec("min_head_angle", "lowest head angle", "deg"),
    ),
    color="#2563eb",
    # progression cap: endurance holds beyond 60 s add little for back care
    # (McGill, Low Back Disorders, 3rd ed., 2016: repeated short holds)
    max_target=60.0,
    recognition=RECOGNITION,
    baseline=BASELINE,
)


@register(SPEC)
class PlankAnalyzer(FloorAnalyzer):
    """Forearm plank analyzer (streaming state machine)."""

    name: ClassVar[str] = "plank"
    SPEC: ClassVar[ExerciseSpec] = SPEC
    KEY_JOINTS: ClassVar[tuple[str, ...]] = ("shoulder", "elbow", "hip", "ankle")
    SIDE_JOINTS: ClassVar[tuple[str, ...]] = ("shoulder", "elbow", "hip", "knee", "ankle")

    def __init__(self, config: PlankConfig | None = None, target: float | None = None,
                 baseline: Baseline | None = None) -> None:
        self.config = self._personal(config or PlankConfig(), baseline)
        self.target = float(target) if target is not None and target > 0 else self.config.default_target_s
        super().__init__(self.config)
        self._reset_state()

    def _reset_state(self) -> None:
        c = self.config
        n = c.median_frames
        self._m_off = Median(n)
        self._m_bend = Median(n)
        self._m_level = Median(n)
        self._m_arm = Median(n)
        self._m_knee = Median(n)
        self._m_head = Median(n)
        self._level = Hysteresis(c.level_on_deg, c.level_off_deg, rising=False)
        self._arm = Hysteresis(c.arm_on_deg, c.arm_off_deg, rising=False)
        self._knee = Hysteresis(c.knee_on_deg, c.knee_off_deg, rising=True)
        self._body_line = Hysteresis(c.body_bend_on_deg, c.body_bend_off_deg, rising=False)
        self._sag = False
        self._pike = False
        self._elbow = Hysteresis(c.elbow_on_deg, c.elbow_off_deg, rising=True)  # ahead (towards the head)
        self._elbow_behind = Hysteresis(c.elbow_behind_on_deg, c.elbow_behind_off_deg, rising=True)
        self._head = Hysteresis(c.head_drop_on_deg, c.head_drop_off_deg, rising=False)
        self._timer = HoldTimer(c.hold_grace_s, c.max_frame_gap_s)
        self._phase = "setup"
        self._pos_since: float | None = None
        self._out_since: float | None = None
        self._episode: _Episode | None = None
        self._done: list[_Episode] = []
        self._count = 0
        self._body_still = Stillness(c.hold_still_s, c.hold_still_deg)
        self._shoulder_still = Stillness(c.hold_still_s, c.shoulder_still)
        self._m_shoulder_h = Median(n)
        self._plat_level = math.nan
        self._plat_low_since: float | None = None
        self._plat_t: float | None = None

    # -- hooks -------------------------------------------------------------------------
    def _reps(self) -> int:
        return self._count

    def _hold_total(self) -> float:
        return self._timer.total_s

    def _rescaled(self) -> None:
        self._clear_filters()

    def _clear_filters(self) -> None:
        for m in (self._m_off, self._m_bend, self._m_level, self._m_arm, self._m_knee, self._m_head,
                  self._m_shoulder_h):
            m.clear()

    def _restart(self, t_last: float) -> None:
        self._clear_filters()
        self._end_episode(t_last)
        self._timer.update(t_last, False)
        self._phase = "setup"
        self._pos_since = None
        self._out_since = None

    def _blind(self, t: float, dt: float) -> str:
        self._timer.update(t, False)
        self._pos_since = None
        if self._episode is not None:
            self._episode.good_s = self._timer.total_s - self._episode.good_start
            self._episode.last_t = None
        return self._phase

    def _end_episode(self, t_end: float) -> None:
        ep = self._episode
        if ep is None:
            return
        ep.end = max(ep.start, t_end)
        ep.good_s = self._timer.total_s - ep.good_start
        self._done.append(ep)
        if ep.held_s >= self.config.min_hold_s:
            self._count += 1
            self._item_done(not self.faults_during(ep.start, ep.end))
        self._episode = None

    def _judge(self, view: View, side: Side, t: float, dt: float, front: bool) -> Judgement:
        c = self.config
        sh = view.p(sided(side, "shoulder"))
        el = view.p(sided(side, "elbow"))
        hp = view.p(sided(side, "hip"))
        an = view.p(sided(side, "ankle"))
        trunk = dist(sh, hp)

        # measures (median of the last frames)
        off = self._m_off.push(offset_below(hp, sh, an) / trunk if trunk > 1e-9 else math.nan)
        bend = self._m_bend.push(bend_deg(sh, hp, an))
        level = self._m_level.push(incline_from_horizontal(sh, an))
        arm = self._m_arm.push(self._arm_angle(sh, el, hp))
        knee_lm = sided(side, "knee")
        knee_raw = math.nan
        if view.seen(knee_lm, c.vis_off, c.frame_margin):
            knee_raw = angle_deg(hp, view.p(knee_lm), an)
        knee = self._m_knee.push(knee_raw)
        head = self._m_head.push(self._head_angle(view, side, sh, hp))

        # position (hysteresis on each criterion)
        is_level = self._level.update(level)
        arms_ok = self._arm.update(abs(arm)) if math.isfinite(arm) else False
        legs_ok = self._knee.update(knee) if math.isfinite(knee) else True
        body_ok = self._body_line.update(abs(bend)) if math.isfinite(bend) else False
        in_pos = is_level and arms_ok and legs_ok and body_ok
        setup_cue = None
        if not is_level:
            setup_cue = "Get into a forearm plank, side-on to the camera"
        elif not arms_ok:
            setup_cue = "Rest on your forearms, elbows under your shoulders"
        elif not legs_ok:
            setup_cue = "Straighten your legs and lift your knees off the floor"

        # body-line faults, judged only in a plank-like position with the
        # legs straight (stepping into or out of a plank, the hips are high
        # while the knees are still bent: that is not piking)
        raw: list[str] = []
        legs_straight = not (knee < c.judge_knee_deg)
        if in_pos:
            if finite(off, bend):  # a sag is a sag whatever the knees do
                if self._sag:
                    self._sag = off > c.sag_offset_off and -bend > c.sag_bend_off_deg
                else:
                    self._sag = off >= c.sag_offset_on and -bend >= c.sag_bend_on_deg
            if not legs_straight:
                self._pike = False
            elif finite(off, bend):
                if self._pike:
                    self._pike = -off > c.pike_offset_off and bend > c.pike_bend_off_deg
                else:
                    self._pike = -off >= c.pike_offset_on and bend >= c.pike_bend_on_deg
            if self._sag:
                raw.append(HIPS_SAGGING)
            if self._pike:
                raw.append(HIPS_PIKING)
            if math.isfinite(arm):
                ahead = self._elbow.update(arm)
                behind = self._elbow_behind.update(-arm)
                if ahead or behind:
                    raw.append(ELBOWS)
            if math.isfinite(head) and self._head.update(head):
                raw.append(HEAD_DROPPED)
        else:
            self._sag = self._pike = False
            self._elbow.reset()
            self._elbow_behind.reset()
            self._head.reset()

        # phase
        if self._phase == "setup":
            if in_pos:
                if self._pos_since is None:
                    self._pos_since = t
                if t - self._pos_since >= c.enter_s:
                    self._phase = "hold"
                    self._out_since = None
                    self._episode = _Episode(start=self._pos_since, good_start=self._timer.total_s)
            else:
                self._pos_since = None
        else:
            if in_pos:
                self._out_since = None
            else:
                if self._out_since is None:
                    self._out_since = t
                if t - self._out_since >= c.exit_s:
                    self._phase = "setup"
                    self._pos_since = None
                    self._end_episode(self._out_since)

        # the body must be *held*: still, and within a band of its held line
        knee_dev = max(0.0, c.knee_straight_deg - knee) if math.isfinite(knee) else 0.0
        straight = -(abs(bend) + knee_dev) if math.isfinite(bend) else math.nan
        shoulder_h = self._m_shoulder_h.push(self._shoulder_height(view, side, sh, trunk))
        moving = math.isfinite(shoulder_h) and not self._shoulder_still.push(t, shoulder_h)
        held = self._held(t, straight, in_pos) and not moving
        good = self._phase == "hold" and in_pos and not raw and held
        self._timer.update(t, good)
        ep = self._episode
        if ep is not None:
            ep.good_s = self._timer.total_s - ep.good_start
            if self._phase == "hold" and in_pos and 0.0 < dt <= c.max_frame_gap_s:
                if raw:
                    ep.faulty_s += dt
                if held:
                    ep.held_s += dt
            if in_pos and ep.last_t is not None and 0.0 < t - ep.last_t <= c.max_frame_gap_s:
                ep.seen_s += t - ep.last_t  # in position and seen: the wait before an exit is not a hold
            ep.last_t = t
            if in_pos:
                if math.isfinite(off):
                    ep.worst_sag = max(ep.worst_sag, off)
                    ep.worst_pike = min(ep.worst_pike, off)
                if math.isfinite(bend):
                    ep.min_body_angle = min(ep.min_body_angle, 180.0 - abs(bend))
                if math.isfinite(arm):
                    ep.max_elbow = max(ep.max_elbow, abs(arm))
                if math.isfinite(head):
                    ep.min_head = min(ep.min_head, head)

        metrics = {
            "body_angle": 180.0 - abs(bend) if math.isfinite(bend) else math.nan,
            "hip_offset": off,
            "body_incline": level,
            "elbow_angle": arm,
            "head_angle": head,
            "knee_angle": knee,
            "hold_current_s": self._timer.current_s,
        }
        return Judgement(self._phase, raw, metrics, setup_cue if self._phase == "setup" else None)

    def _held(self, t: float, straight: float, in_pos: bool) -> bool:
        """Is the plank being held (not moving into or out of it)? Holding
        starts once the body line has been still for ``hold_still_s`` and
        lasts while it stays within ``hold_band_deg`` of its held level (a
        running mean); a new, lower level is accepted after ``hold_settle_s``
        (e.g. a sag developing: the sag itself is judged by the faults)."""
        c = self.config
        if not in_pos or not math.isfinite(straight):
            self._plat_level = math.nan
            self._plat_low_since = None
            self._body_still.clear()
            return False
        still = self._body_still.push(t, straight)  # from the position entry on
        if self._phase != "hold":
            return False
        if not math.isfinite(self._plat_level):
            if not still:
                return False
            self._plat_level = straight
        if straight >= self._plat_level - c.hold_band_deg:
            self._plat_low_since = None
            dt = 0.0 if self._plat_t is None else max(0.0, t - self._plat_t)
            self._plat_t = t
            self._plat_level += (1.0 - math.exp(-dt / c.hold_level_tau_s)) * (straight - self._plat_level)
            return True
        self._plat_t = t
        if self._plat_low_since is None:
            self._plat_low_since = t
        elif t - self._plat_low_since >= c.hold_settle_s:
            self._plat_level = straight
            self._plat_low_since = None
            return True
        return False

    # -- measures ------------------------------------------------------------------------
    def _shoulder_height(self, view: View, side: Side, sh: tuple[float, float], trunk: float) -> float:
        """The shoulder's height above the wrist (the hands or forearms on the
        floor), in trunk lengths; nan when no wrist is seen."""
        c = self.config
        for lm in (sided(side, "wrist"), sided(other_side(side), "wrist")):
            if view.seen(lm, c.vis_off, c.frame_margin) and trunk > 1e-9:
                return (view.p(lm)[1] - sh[1]) / trunk
        return math.nan

    @staticmethod
    def _arm_angle(sh: tuple[float, float], el: tuple[float, float], hp: tuple[float, float]) -> float:
        """Upper arm angle from vertical (elbow below shoulder = 0), + when the
        elbow is ahead of the shoulder (towards the head), - behind. 180 when
        the elbow is straight above the shoulder."""
        dx, dy = el[0] - sh[0], el[1] - sh[1]
        if not (math.hypot(dx, dy) > 1e-9 and finite(dx, dy)):
            return math.nan
        ang = math.degrees(math.atan2(abs(dx), dy))  # 0 = straight down, 180 = up
        head_dir = sh[0] - hp[0]
        return ang if dx * head_dir >= 0 else -ang

    def _head_angle(self, view: View, side: Side, sh: tuple[float, float], hp: tuple[float, float]) -> float:
        c = self.config
        for lm in (sided(side, "ear"), sided(other_side(side), "ear")):
            if view.seen(lm, c.vis_off, c.frame_margin):
                return elevation_deg(view.p(lm), sh, hp)
        if view.seen(Landmark.NOSE, c.vis_off, c.frame_margin):
            # prone: the face is towards the floor, below the ear
            return elevation_deg(view.p(Landmark.NOSE), sh, hp) + c.nose_ventral_deg
        return math.nan

    # -- summary ---------------------------------------------------------------------------
    def _record(self, i: int, ep: _Episode, now: float) -> RepRecord:
        end = ep.end if ep.end is not None else now
        codes = self.faults_during(ep.start, end)
        measures = {
            "held_s": ep.good_s,
            "faulty_s": ep.faulty_s,
            "in_position_s": ep.seen_s,
            "worst_sag_offset": ep.worst_sag if math.isfinite(ep.worst_sag) else math.nan,
            "worst_pike_offset": -ep.worst_pike if math.isfinite(ep.worst_pike) else math.nan,
            "min_body_angle": ep.min_body_angle if math.isfinite(ep.min_body_angle) else math.nan,
            "max_elbow_angle": ep.max_elbow,
            "min_head_angle": ep.min_head if math.isfinite(ep.min_head) else math.nan,
        }
        return RepRecord(
            index=i, kind="hold", start=ep.start, end=end,
            score=100.0 * hold_form(ep.good_s, ep.faulty_s) if codes else 100.0,
            faults=codes, side=self._sides.side, good=not codes, measures=measures,
        )

    def summary(self) -> SetSummary:
        now = self._clock.last if self._clock.last is not None else 0.0
        min_s = self.config.min_hold_s  # shorter is a false start: not a hold, not scored
        eps = [ep for ep in self._done if ep.held_s >= min_s]
        if self._episode is not None and self._episode.held_s >= min_s:
            eps.append(self._episode)  # the hold in progress
        items = tuple(self._record(i + 1, ep, now) for i, ep in enumerate(eps))
        hold = self._timer.total_s
        return SetSummary(
            exercise=self.name,
            reps=len(items),  # completed holds, and the one in progress when it already counts
            hold_s=hold,
            score=hold_set_score([(ep.good_s, ep.faulty_s) for ep in eps], self.target),
            score_formula=SCORE_FORMULA,
            duration_s=self.duration_s,
            best_hold_s=self._timer.best_s,
            target=self.target,
            target_unit="s",
            items=items,
            fault_events=self.fault_events(),
            visible_fraction=self.visible_fraction,
            extra={"aspect": self.aspect_note(), "side": self._sides.side, **self.baseline_extra()},
        )
