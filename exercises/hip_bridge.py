"""Hip bridge (supine, knees bent, feet flat), filmed side-on; a front view
(camera at the feet or the head) is judged for ``hips_uneven``.

Rules (all thresholds in :class:`HipBridgeConfig`, each with its reason):

* **Measure** (side view, near side): ``hip_bend``, the signed bend of the
  shoulder-hip-knee chain at the hip: 0 = shoulders, hips and knees in one
  straight line (the top of a good bridge), negative = hips below that line
  (about -40 lying with the knees at 90 degrees), positive = hips pushed
  above it (lumbar hyperextension).
* **Rep state machine** ``setup``/``down``/``rising``/``top``/``lowering`` on
  the rep progress ``p = (hip_bend - rest) / (0 - rest)``, where ``rest`` is
  the user's own resting bend (learnt while ``down``), so foot placement and
  body shape do not move the thresholds. Hysteresis: rising at p >= 0.35,
  back down at p < 0.2 (or below 0.45 once still, after coming down 0.3);
  ``top`` once the hips stop rising (still within 3 degrees for 0.25 s) at
  p >= 0.5; ``lowering`` when they stay 8 degrees below the top level for 3
  frames. A rep counts when it comes back ``down`` after a peak of
  p >= 0.5, seen throughout (after a visibility gap the hips must be where
  they were). A rise that never gets halfway is not counted (and is
  flagged ``hips_too_low``).
* ``hips_too_low``: the top stays more than 12 degrees short of straight;
  ``back_overarched``: more than 9 degrees past straight. Judged live while
  at the top and, for reps too quick to be debounced, latched for 0.45 s
  once the peak is known.
* ``feet_too_far`` / ``feet_too_close``: knee angle (hip-knee-ankle) at the
  top above 115 or below 66 degrees. The standard bridge has the knees at
  ~90 degrees (Lehecka et al. 2017, Int J Sports Phys Ther 12(4):543); with
  the feet far (knee flexion 40-60, knee angle 120-140) the hamstrings and
  erector spinae take over from the gluteus maximus (Ho et al. 2020, Res
  Sports Med, doi:10.1080/15438627.2020.1777552); with the heels under the
  buttocks the knee is loaded and the hips cannot extend fully. In the
  setup, before the first rep, the same placement is judged from the knee
  lying down (104 / 48 degrees: at rest the knee is 10-19 degrees more bent
  than at the top, shoulders and feet planted). Kept between checks (the
  feet do not move mid-rep).
* ``hips_uneven`` (front view only): hip line tilted more than 10 degrees
  against the shoulder line while the hips are up (one side dropping or the
  pelvis rotating).
* **Top hold**: the time the hips stay within 3 degrees of the top level,
  both ends judged alike and corrected for the slow ends of human
  (minimum-jerk) movements (:class:`exercises._floor.PlateauTimer`); each
  rep's is in its record, ``top_hold_target_s`` (2 s) is the target.
  ``hold_s`` is the total top time with good form.

Score: ``clamp(100 * sum(rep quality) / target reps - 5 * fault episodes, 0,
100)``, at most 20 points off per fault code, ``not_visible`` not deducted
(:data:`SCORE_FORMULA`). A rep's quality (its own score / 100) is
``(1 - pause_weight) + pause_weight * min(1, top hold / top_hold_target_s)``
for a clean rep - a clean rep without a pause at the top is still a good
rep (0.8), the 2 s squeeze at the top is worth the last 0.2 - and
``faulty_rep_factor`` (0.4) times that for a rep with a fault. Default
target: 10 reps.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import ClassVar

from coach.baseline import Baseline, BaselineMeasure, BaselineSpec, PersonalRule
from coach.debounce import Hysteresis
from coach.exercise import FrameVerdict, RepRecord, SetSummary
from coach.geometry import angle_deg, bend_deg, clamp, dist, incline_from_horizontal
from coach.landmarks import Landmark, Side, sided
from coach.registry import register
from coach.spec import Bound, ExerciseSpec, FaultSpec, MetricSpec, RecognitionSpec
from exercises._filters import Median, Stillness
from exercises._floor import FloorAnalyzer, FloorConfig, Judgement
from exercises._plateau import PlateauTimer
from exercises._view import View

HIPS_TOO_LOW = "hips_too_low"
BACK_OVERARCHED = "back_overarched"
FEET_TOO_FAR = "feet_too_far"
FEET_TOO_CLOSE = "feet_too_close"
HIPS_UNEVEN = "hips_uneven"

SCORE_FORMULA = (
    "score = clamp(100 * sum(rep quality) / target reps - 5 per fault episode (at most 20 per fault code; "
    "not_visible not counted), 0, 100); rep quality = 0.8 + 0.2 * min(1, top hold / top-hold target) for a "
    "clean rep, 0.4 times that for a rep with a fault; each rep's score is 100 * its quality"
)

UP_PHASES = ("rising", "top", "lowering")


@dataclass(frozen=True)
class HipBridgeConfig(FloorConfig):
    """Hip bridge thresholds (degrees, fractions of the rep, seconds)."""

    # -- position ------------------------------------------------------------------
    lying_on_deg: float = 50.0
    """Shoulder-hip line within 50 degrees of horizontal: lying down (at the
    top of a bridge the trunk rises ~20-35 degrees; sitting or standing is
    60-90). Side view only (front view: ``front_lying_on``)."""
    lying_off_deg: float = 60.0
    """...no longer lying beyond 60 degrees."""
    knees_bent_on_deg: float = 150.0
    """Knee angle at most 150 degrees: knees bent, feet on the floor. Straight
    legs are not a bridge setup."""
    knees_bent_off_deg: float = 160.0
    """...legs straight beyond 160 degrees."""

    # -- rep detection ---------------------------------------------------------------
    rest_default_deg: float = -40.0
    """Resting hip bend assumed until the user's own is seen: lying with the
    knees at 90 degrees the thigh rises ~40 degrees from the trunk line."""
    rest_min_deg: float = -75.0
    """Learnt resting bend clamped to -75..-15 degrees: anything outside is
    not a resting bridge setup (mis-tracking)."""
    rest_max_deg: float = -15.0
    """Upper clamp of the learnt resting bend (see ``rest_min_deg``)."""
    rest_tau_s: float = 3.0
    """Time constant for raising the learnt resting bend (feet moved) while
    ``down`` and still..."""
    rest_down_tau_s: float = 0.3
    """...and for lowering it (quicker: the hips rest on the floor, they
    cannot go lower; not instant, so a noise dip does not set it)."""
    rise_on: float = 0.35
    """Rep progress at which the hips are rising (35 % of the way from rest to
    a straight line): well above the resting wobble (with the feet far the
    whole range is only ~25 degrees)."""
    down_on: float = 0.2
    """Below 20 % progress the hips are back down (hysteresis with
    ``rise_on``)..."""
    down_still: float = 0.45
    """...or below 45 % once they have stopped moving (a touch-and-go rep,
    or a rest a little off the learnt one)..."""
    down_drop: float = 0.3
    """...provided they came down at least 30 % of the range from the rep's
    peak (a wobble at a low top is not a rep)."""
    top_min: float = 0.5
    """A rep counts only if it got at least halfway to a straight line; less
    is an aborted rise, not a rep."""
    top_still_s: float = 0.25
    """The hips are at the top once they stop rising: still for 0.25 s..."""
    top_still_deg: float = 3.0
    """...within 3 degrees (3x the filtered hip-angle jitter)."""
    top_drop_deg: float = 8.0
    """Dropping 8 degrees below the top level starts the lowering (well above
    the ~2 degree filtered jitter and the ~1 degree postural sway)."""
    drop_frames: int = 3
    """...for 3 frames in a row (0.1 s at 30 fps): a lowering keeps going,
    a noisy frame or two does not."""
    top_band_deg: float = 3.0
    """Top hold = time within 3 degrees of the held level (both ends judged
    alike, so detection lags cancel: :class:`exercises._floor.PlateauTimer`)."""
    top_settle_s: float = 0.5
    """Sinking more than ``top_band_deg`` for 0.5 s without lowering is a new,
    lower top level."""

    # -- faults ----------------------------------------------------------------------
    too_low_on_deg: float = -12.0
    """Peak more than 12 degrees short of a straight shoulder-hip-knee line:
    hips not high enough (the cue is a straight line from shoulders to knees;
    12 degrees is clearly visible and above 2D-landmark noise)."""
    too_low_off_deg: float = -8.0
    """...cleared within 8 degrees of straight."""
    overarch_on_deg: float = 9.0
    """More than 9 degrees past straight: the hips are pushed up by arching
    the lower back (lumbar hyperextension), not by the glutes. A glute-driven
    bridge stops at the straight line (0 +- ~4 degrees of sway and 2D error)."""
    overarch_off_deg: float = 6.0
    """...cleared below 6 degrees."""
    blind_moved: float = 0.3
    """After a visibility gap longer than ``hold_grace_s`` in a rep, the rep
    still counts only if the hips are where they were (within 30 % of the
    range): otherwise part of it happened unseen."""
    rep_fault_latch_s: float = 0.45
    """A rep-level fault found when the peak is known is held this long so the
    debouncer (``fault_on_s``) reports it even for a quick rep."""
    feet_far_top_deg: float = 115.0
    """Knee angle (hip-knee-ankle) at the top above 115 degrees (knee flexion
    below 65): feet too far from the hips. The standard bridge has the knees
    at ~90 degrees at the top (Lehecka et al. 2017); with knee flexion of
    40-60 degrees the hamstrings and erector spinae take over from the
    gluteus maximus (Ho et al. 2020) and hamstrings cramp."""
    feet_far_top_off_deg: float = 110.0
    """...cleared below 110 degrees."""
    feet_close_top_deg: float = 66.0
    """Knee angle at the top below 66 degrees (knee flexion above ~115): heels
    jammed under the buttocks, beyond the 40-120 degree flexion range studied
    and loading the knee."""
    feet_close_top_off_deg: float = 71.0
    """...cleared above 71 degrees."""
    feet_far_rest_deg: float = 104.0
    """Before the first rep the same check is made lying down: with the
    shoulders and feet planted (a four-bar linkage) the knee is 10-19
    degrees more bent at rest than at the top, so 104 at rest ~ 115 at the
    top. The setup (knees ~75-90 degrees) is judged before the first lift."""
    feet_far_rest_off_deg: float = 99.0
    """...cleared below 99 degrees."""
    feet_close_rest_deg: float = 48.0
    """Knee angle at rest below 48 degrees ~ 66 at the top."""
    feet_close_rest_off_deg: float = 53.0
    """...cleared above 53 degrees."""
    feet_moved_deg: float = 10.0
    """A resting knee angle 10 degrees away from the one before the last top
    means the feet were moved: judge them again from the rest position."""
    uneven_on_deg: float = 10.0
    """Front view: hip line tilted more than 10 degrees against the shoulder
    line while the hips are up - one side drops (pelvic rotation)."""
    uneven_off_deg: float = 6.0
    """...cleared below 6 degrees."""

    # -- front view rep detection -------------------------------------------------------
    front_rise_on: float = 0.25
    """Front view: hips risen 0.25 shoulder widths above rest = rising."""
    front_down_on: float = 0.1
    """Front view: back within 0.1 shoulder widths of rest = down."""
    front_top_min: float = 0.4
    """Front view: a rep counts if the hips rose at least 0.4 shoulder widths."""
    front_lying_on: float = 0.9
    """Front view (camera at the feet): lying when the shoulder-hip line is
    at most 0.9 shoulder widths long in the image. Seen from its feet a
    lying trunk is foreshortened (generated bridges, camera at the feet:
    0.07-0.39, p5-p95); a standing body facing the camera is not (~1.5;
    a real person balancing and kicking, Pose2Sim demo: 1.08-2.02), which
    would otherwise rise and fall like a bridge seen end-on. A camera more
    than ~1 m above the floor foreshortens the trunk less: film from low."""
    front_lying_off: float = 1.0
    """...no longer lying beyond 1.0."""
    front_drop: float = 0.08
    """Front view: dropping 0.08 shoulder widths below the peak = lowering."""

    # -- targets ---------------------------------------------------------------------
    top_hold_target_s: float = 2.0
    """Hold at the top 2 s per rep (a common bridge prescription is a 2-5 s
    pause with the glutes squeezed)."""
    pause_weight: float = 0.2
    """Share of a rep's quality earned by the pause at the top. The rep
    itself (hips up to the straight shoulder-hip-knee line and down, clean)
    is the exercise; the pause adds glute work. So a clean rep without a
    pause is still a good rep (0.8) and never scores near zero."""
    faulty_rep_factor: float = 0.4
    """A rep with a fault is worth 0.4 of the same rep done clean: it still
    moved the hips, but the fault (an arched back, hips not reaching the
    line) is what the coach is there to fix, so it never scores like a
    clean one."""
    default_target_reps: float = 10.0
    """Reps per set when no target is given (10-15 per set is the usual
    rehabilitation prescription, ACSM endurance range)."""

    # -- personal baseline (``coach calibrate``, :data:`BASELINE`) -----------------------
    calibrate_s: float = 4.0
    """A baseline is the median hip line over 4 s at the top: two or three
    bridges with the usual 2 s pause."""
    personal_low_margin_deg: float = -8.0
    """Calibrated, the hips are too low 8 degrees below the person's own
    top (clearly visible, above 2D noise: the same scale as
    ``too_low_on_deg``)..."""
    personal_low_loosen_deg: float = 15.0
    """...following a stiff person's lower top down by at most 15 degrees
    (a top 27 degrees short of straight is hardly a bridge)..."""
    personal_low_max_deg: float = -2.0
    """...and never asking for more than 2 degrees short of straight."""
    personal_arch_margin_deg: float = 6.0
    """Calibrated, the back over-arches 6 degrees past the person's own
    top, and at least 6 past straight; never looser than
    ``overarch_on_deg`` (a safety limit)."""


@dataclass
class _Rep:
    start: float
    timer: PlateauTimer
    peak: float = -math.inf
    peak_p: float = -math.inf
    tainted: bool = False
    faults: set[str] = field(default_factory=set)
    knee_angle: float = math.nan
    max_tilt: float = 0.0


RECOGNITION = RecognitionSpec(
    called="a hip bridge",
    # the top: shoulders on the floor, hips raised above them (the trunk
    # slopes up from the shoulders) and open (shoulder-hip-knee near a
    # line; lying, the hips are flexed ~45 degrees), knees bent, feet and
    # hands on the floor
    position=(
        Bound("trunk_incl", 103.0, 160.0),
        Bound("shoulder_h", hi=0.1),
        Bound("hip_h", 0.1, 0.4),
        Bound("hip_flex_min", hi=35.0),
        Bound("knee_flex_min", 35.0, 150.0),
        Bound("ankle_h_max", hi=0.15),
        Bound("wrist_h_min", hi=0.1),
    ),
    settle_s=0.5,
    # between reps: lying on the back, knees bent, feet flat
    rest=(
        Bound("trunk_incl", 70.0, 110.0),
        Bound("shoulder_h", hi=0.1),
        Bound("hip_h", hi=0.1),
        Bound("knee_flex_min", 35.0, 150.0),
        Bound("ankle_h_max", hi=0.15),
        Bound("hip_flex_max", hi=80.0),
    ),
    max_gap_s=8.0,
    lead_s=1.2,
    trail_s=1.0,
)
"""A bridge is recognised at its first top (0.5 s up); the set runs from
the start of the first rise to the end of the last lowering (about a
second each, BRIDGE_MOVE_S in the body model)."""

def _baseline_sample(v: FrameVerdict) -> dict[str, float] | None:
    """A frame at the top of a rep (side view): its hip line."""
    bend = v.metrics.get("hip_bend", math.nan)
    return {"top_bend": bend} if v.phase == "top" and math.isfinite(bend) else None


BASELINE = BaselineSpec(
    what="the top of your bridge",
    how="Do two or three bridges side-on to the camera, pausing 2 s at your best top",
    measures=(BaselineMeasure("top_bend", "hip line at the top (0 = straight)", "deg", better="higher"),),
    sample=_baseline_sample,
    rules=(
        PersonalRule("too_low_on_deg", "too_low_off_deg", "top_bend", margin=HipBridgeConfig.personal_low_margin_deg,
                     hi=HipBridgeConfig.personal_low_max_deg, fault_when="below", safety=False,
                     max_loosen=HipBridgeConfig.personal_low_loosen_deg, reason="a top below your own"),
        PersonalRule("overarch_on_deg", "overarch_off_deg", "top_bend", margin=HipBridgeConfig.personal_arch_margin_deg,
                     lo=HipBridgeConfig.personal_arch_margin_deg, fault_when="above", safety=True,
                     reason="an arch past your own top; never looser than every bridge's limit"),
    ),
    seconds=HipBridgeConfig.calibrate_s,
)
"""``coach calibrate --exercise hip_bridge``: the person's own top."""

SPEC = ExerciseSpec(
    name="hip_bridge",
    description="hip bridge reps, side or front view: hip extension at the top, arching, feet placement, level hips",
    item_kind="rep",
    unit="reps",
    default_target=HipBridgeConfig.default_target_reps,
    faults=(
        # lumbar hyperextension at the top loads the facet joints: a safety fault
        FaultSpec(BACK_OVERARCHED, "back over-arched", "Don't arch your back: lift with your glutes, ribs down",
                  safety=True, joints=("hip",)),
        FaultSpec(HIPS_TOO_LOW, "hips too low", "Lift your hips higher, in line with your knees", joints=("hip",)),
        FaultSpec(HIPS_UNEVEN, "hips uneven", "Keep your hips level", joints=("left_hip", "right_hip")),
        FaultSpec(FEET_TOO_FAR, "feet too far", "Walk your feet closer to your hips", joints=("knee", "ankle")),
        FaultSpec(FEET_TOO_CLOSE, "feet too close", "Move your feet a little further from your hips",
                  joints=("knee", "ankle")),
    ),
    metrics=(
        MetricSpec("hip_bend", "hip bend (shoulder-hip-knee line)", "deg"),
        MetricSpec("knee_angle", "knee angle", "deg"),
    ),
    measures=(
        MetricSpec("progress", "rise towards the top", "fraction"),
        MetricSpec("rest_bend", "hip bend at rest", "deg"),
        MetricSpec("trunk_incline", "trunk incline from horizontal", "deg"),
        MetricSpec("top_hold_s", "time at the top", "s"),
        MetricSpec("hip_tilt", "hip tilt (front view)", "deg"),
        MetricSpec("hip_lift", "hip lift (front view)", "shoulder widths"),
        MetricSpec("trunk_length", "trunk length in the image (front view)", "shoulder widths"),
        MetricSpec("max_hip_tilt", "largest hip tilt", "deg"),
        MetricSpec("peak_hip_lift", "highest hip lift", "shoulder widths"),
        MetricSpec("peak_hip_bend", "peak hip bend", "deg"),
    ),
    color="#db2777",
    # progression cap: 15 reps, the top of the muscular-endurance range
    # (ACSM position stand, Progression models in resistance training, 2009)
    max_target=15.0,
    recognition=RECOGNITION,
    baseline=BASELINE,
)


@register(SPEC)
class HipBridgeAnalyzer(FloorAnalyzer):
    """Hip bridge analyzer (streaming rep state machine)."""

    name: ClassVar[str] = "hip_bridge"
    SPEC: ClassVar[ExerciseSpec] = SPEC
    KEY_JOINTS: ClassVar[tuple[str, ...]] = ("shoulder", "hip", "knee", "ankle")
    ALLOW_FRONT_VIEW: ClassVar[bool] = True

    def __init__(self, config: HipBridgeConfig | None = None, target: float | None = None,
                 baseline: Baseline | None = None) -> None:
        self.config = self._personal(config or HipBridgeConfig(), baseline)
        self.target = float(target) if target is not None and target > 0 else self.config.default_target_reps
        super().__init__(self.config)
        self._reset_state()

    def _reset_state(self) -> None:
        c = self.config
        n = c.median_frames
        self._m_bend = Median(n)
        self._m_knee = Median(n)
        self._m_lying = Median(n)
        self._m_tilt = Median(n)
        self._m_front = Median(n)
        self._lying = Hysteresis(c.lying_on_deg, c.lying_off_deg, rising=False)
        self._front_lying = Hysteresis(c.front_lying_on, c.front_lying_off, rising=False)
        self._bent = Hysteresis(c.knees_bent_on_deg, c.knees_bent_off_deg, rising=False)
        self._far_top = Hysteresis(c.feet_far_top_deg, c.feet_far_top_off_deg, rising=True)
        self._close_top = Hysteresis(c.feet_close_top_deg, c.feet_close_top_off_deg, rising=False)
        self._far_rest = Hysteresis(c.feet_far_rest_deg, c.feet_far_rest_off_deg, rising=True)
        self._close_rest = Hysteresis(c.feet_close_rest_deg, c.feet_close_rest_off_deg, rising=False)
        self._feet_from_top = False
        self._rest_knee_ref = math.nan
        self._low = Hysteresis(c.too_low_on_deg, c.too_low_off_deg, rising=False)
        self._arch = Hysteresis(c.overarch_on_deg, c.overarch_off_deg, rising=True)
        self._uneven = Hysteresis(c.uneven_on_deg, c.uneven_off_deg, rising=True)
        self._still = Stillness(c.top_still_s, c.top_still_deg)
        self._phase = "setup"
        self._rest: float | None = None
        self._front_rest: float | None = None
        self._rep: _Rep | None = None
        self._records: list[RepRecord] = []
        self._count = 0
        self._hold_done = 0.0
        self._feet_raw: list[str] = []
        self._last_knee = math.nan
        self._latched: dict[str, float] = {}  # code -> latched until
        self._mode_front: bool | None = None
        self._still_now = False
        self._drop_n = 0
        self._recent: deque[tuple[float, float, bool]] = deque(maxlen=30)
        self._blind_long = False
        self._p_seen = math.nan

    # -- hooks -----------------------------------------------------------------------
    def _reps(self) -> int:
        return self._count

    def _hold_total(self) -> float:
        cur = self._rep.timer.shown_good_s if self._rep is not None else 0.0
        return self._hold_done + cur

    def _front_ok(self, view: View) -> bool:
        c = self.config
        need = (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
        thr = c.vis_off if self._gate.open else c.vis_on
        return all(view.seen(lm, thr, c.frame_margin) for lm in need)

    def _rescaled(self) -> None:
        self._clear_filters()
        if self._phase in ("setup", "down"):
            self._rest = None
            self._front_rest = None

    def _clear_filters(self) -> None:
        for m in (self._m_bend, self._m_knee, self._m_lying, self._m_tilt, self._m_front):
            m.clear()
        self._still.clear()

    def _restart(self, t_last: float) -> None:
        self._clear_filters()
        if self._rep is not None:
            self._rep.tainted = True
        self._latched.clear()

    def _blind(self, t: float, dt: float) -> str:
        rep = self._rep
        if rep is not None:
            rep.timer.unseen()  # unseen time never counts as top hold
        if self._blind_since is not None and t - self._blind_since > self.config.hold_grace_s:
            if not self._blind_long:
                self._clear_filters()  # stale once the view is back
            self._blind_long = True
        return self._phase

    # -- judging ----------------------------------------------------------------------
    def _judge(self, view: View, side: Side, t: float, dt: float, front: bool) -> Judgement:
        if self._mode_front is not None and self._mode_front != front:
            # the view changed: the two modes' measures are not comparable
            self._clear_filters()
            if self._rep is not None:
                self._rep.tainted = True
            self._phase = "setup"
        self._mode_front = front
        if front:
            return self._judge_front(view, t, dt)
        return self._judge_side(view, side, t, dt)

    def _judge_side(self, view: View, side: Side, t: float, dt: float) -> Judgement:
        c = self.config
        sh = view.p(sided(side, "shoulder"))
        hp = view.p(sided(side, "hip"))
        kn = view.p(sided(side, "knee"))
        an = view.p(sided(side, "ankle"))
        bend = self._m_bend.push(bend_deg(sh, hp, kn))
        knee = self._m_knee.push(angle_deg(hp, kn, an))
        lying_deg = self._m_lying.push(incline_from_horizontal(sh, hp))
        lying = self._lying.update(lying_deg)
        bent = self._bent.update(knee)
        knees_up = kn[1] < hp[1]
        in_pos = lying and bent and knees_up

        rest = self._rest if self._rest is not None else c.rest_default_deg
        p = (bend - rest) / (0.0 - rest) if math.isfinite(bend) else math.nan
        if self._blind_long and math.isfinite(p):
            # back after a long gap: if the hips moved meanwhile, part of the
            # rep was not seen and it will not count
            self._blind_long = False
            if self._rep is not None and not abs(p - self._p_seen) <= c.blind_moved:
                self._rep.tainted = True
        if math.isfinite(p):
            self._p_seen = p

        setup_cue = None
        if not in_pos:
            setup_cue = "Lie on your back, knees bent, feet flat, side-on to the camera"
        raw: list[str] = []
        up_now = self._phase in UP_PHASES
        if in_pos or up_now:
            self._still_now = self._still.push(t, bend)
            self._step(t, p, bend, self._still_now, down_level=c.down_on, rise=c.rise_on,
                       top_min=c.top_min, drop_by=c.top_drop_deg)
        elif self._phase != "setup":
            self._phase = "setup"
        if self._phase in ("setup", "down") and in_pos and math.isfinite(bend):
            self._learn_rest(bend, dt, still=self._still_now and p < c.down_on)

        self._judge_feet(knee, in_pos)
        raw.extend(self._feet_raw)

        # hip line, live
        if self._phase in UP_PHASES and math.isfinite(bend):
            if self._arch.update(bend):
                raw.append(BACK_OVERARCHED)
            if self._phase == "top" and self._low.update(bend):
                raw.append(HIPS_TOO_LOW)
        else:
            self._arch.reset()
            self._low.reset()
        raw = self._with_latched(t, raw)
        self._track_rep(t, bend, not raw)

        metrics = {
            "hip_bend": bend,
            "knee_angle": knee,
            "progress": p,
            "rest_bend": rest,
            "trunk_incline": lying_deg,
            "top_hold_s": self._rep.timer.time_s if self._rep is not None else 0.0,
        }
        return Judgement(self._phase, raw, metrics, setup_cue if self._phase == "setup" else None)

    def _judge_feet(self, knee: float, in_pos: bool) -> None:
        """Foot placement from the knee angle: at the top of each rep (where
        the literature measures it), or at rest before the first rep and
        whenever the feet have moved since. Kept in between."""
        if not math.isfinite(knee):
            return
        c = self.config
        if self._phase == "top":
            far, close = self._far_top.update(knee), self._close_top.update(knee)
            self._feet_from_top = True
            self._rest_knee_ref = self._last_knee
        elif self._phase in ("setup", "down") and in_pos:
            self._last_knee = knee
            moved = math.isfinite(self._rest_knee_ref) and abs(knee - self._rest_knee_ref) > c.feet_moved_deg
            if self._feet_from_top and not moved:
                return
            self._feet_from_top = False
            far, close = self._far_rest.update(knee), self._close_rest.update(knee)
        else:
            return
        self._feet_raw = [code for code, on in ((FEET_TOO_FAR, far), (FEET_TOO_CLOSE, close)) if on]

    def _judge_front(self, view: View, t: float, dt: float) -> Judgement:
        c = self.config
        ls, rs = view.p(Landmark.LEFT_SHOULDER), view.p(Landmark.RIGHT_SHOULDER)
        lh, rh = view.p(Landmark.LEFT_HIP), view.p(Landmark.RIGHT_HIP)
        width = dist(ls, rs)
        sy = 0.5 * (ls[1] + rs[1])
        hy = 0.5 * (lh[1] + rh[1])
        lift = self._m_front.push((sy - hy) / width if width > 1e-9 else math.nan)
        tilt = self._m_tilt.push(_line_angle(ls, rs, lh, rh))
        if self._front_rest is None and math.isfinite(lift):
            self._front_rest = lift
        rest = self._front_rest if self._front_rest is not None else 0.0
        rise = lift - rest
        still = self._still.push(t, lift * c.top_still_deg / (c.front_drop / 2.0))
        # lying? Seen from its feet a lying trunk is foreshortened; a standing one is not
        trunk = dist((0.5 * (ls[0] + rs[0]), sy), (0.5 * (lh[0] + rh[0]), hy)) / width if width > 1e-9 else math.nan
        lying_deg = self._m_lying.push(trunk)
        in_pos = self._front_lying.update(lying_deg) if math.isfinite(lying_deg) else False
        if in_pos or self._phase in UP_PHASES:
            self._step(t, rise, lift, still, down_level=c.front_down_on, rise=c.front_rise_on,
                       top_min=c.front_top_min, drop_by=c.front_drop)
        elif self._phase != "setup":
            self._phase = "setup"
        if self._phase in ("setup", "down") and math.isfinite(lift) and self._front_rest is not None:
            a = 1.0 - math.exp(-dt / c.rest_tau_s) if dt > 0 else 0.0
            self._front_rest += a * (lift - self._front_rest)
        raw: list[str] = []
        if self._phase in UP_PHASES and self._uneven.update(tilt):
            raw.append(HIPS_UNEVEN)
        elif self._phase not in UP_PHASES:
            self._uneven.reset()
        raw = self._with_latched(t, raw)
        if self._rep is not None and math.isfinite(tilt):
            self._rep.max_tilt = max(self._rep.max_tilt, tilt)
        self._track_rep(t, lift, not raw)
        metrics = {"hip_tilt": tilt, "hip_lift": rise, "trunk_length": lying_deg}
        cue = None if in_pos else "Lie on your back, knees bent, feet flat"
        return Judgement(self._phase, raw, metrics, cue, side_label="front")

    # -- state machine ------------------------------------------------------------------
    def _step(self, t: float, p: float, value: float, still: bool, down_level: float, rise: float,
              top_min: float, drop_by: float) -> None:
        """One step of ``setup/down/rising/top/lowering`` on progress ``p``
        (``value`` is the measure itself, ``drop_by`` how far below the top
        level - or the rep's peak before a top was found - it must fall to
        start lowering)."""
        if not (math.isfinite(p) and math.isfinite(value)):
            return
        rep = self._rep
        ph = self._phase
        if rep is not None and ph in ("rising", "top"):
            ref = rep.timer.level if ph == "top" else rep.peak
            self._drop_n = self._drop_n + 1 if value <= ref - drop_by else 0
        else:
            self._drop_n = 0
        dropped = self._drop_n >= self.config.drop_frames
        if ph == "setup":
            self._phase = "down" if p < rise else "setup"
        elif ph == "down":
            if p >= rise:
                self._phase = "rising"
                self._rep = rep = _Rep(start=t, timer=self._new_timer(), knee_angle=self._last_knee)
                rep.timer.prime(self._recent)  # the start of the lift, for the hold's entry
        elif rep is not None and ph == "rising":
            if p >= top_min and still:
                self._phase = "top"
                rep.peak = max(rep.peak, value)
                c = self.config
                ok = self._mode_front or c.too_low_on_deg <= value <= c.overarch_on_deg
                rep.timer.begin(value, credit_good=bool(ok))
            elif dropped:
                self._phase = "lowering"
                self._peak_known(t)
            elif p < down_level:
                self._finish(t)
        elif rep is not None and ph == "top":
            if dropped:
                self._phase = "lowering"
                rep.timer.end()
                self._peak_known(t)
            elif p < down_level:
                rep.timer.end()
                self._peak_known(t)
                self._finish(t)
        elif rep is not None and ph == "lowering":
            settled_low = still and p < min(self.config.down_still, rep.peak_p - self.config.down_drop)
            if p < down_level or (settled_low and not self._mode_front):
                self._finish(t)
            elif value >= rep.peak - 0.5 * drop_by:
                self._phase = "rising"  # went back up: same rep
        rep = self._rep
        if rep is not None and self._phase in UP_PHASES and value > rep.peak:
            rep.peak = value
            rep.peak_p = p

    def _new_timer(self) -> PlateauTimer:
        c = self.config
        band = c.front_drop / 2.0 if self._mode_front else c.top_band_deg
        return PlateauTimer(band, c.top_settle_s, c.max_frame_gap_s)

    def _peak_known(self, t: float) -> None:
        """Lowering starts: the rep's peak is known; latch its faults."""
        rep = self._rep
        if rep is None or self._mode_front:
            return
        c = self.config
        until = t + c.rep_fault_latch_s
        if rep.peak < c.too_low_on_deg:
            self._latched[HIPS_TOO_LOW] = until
            rep.faults.add(HIPS_TOO_LOW)
        if rep.peak > c.overarch_on_deg:
            self._latched[BACK_OVERARCHED] = until
            rep.faults.add(BACK_OVERARCHED)

    def _with_latched(self, t: float, raw: list[str]) -> list[str]:
        for code, until in list(self._latched.items()):
            if t <= until:
                if code not in raw:
                    raw.append(code)
            else:
                del self._latched[code]
        return raw

    def _learn_rest(self, bend: float, dt: float, still: bool) -> None:
        """The resting bend: the hips cannot go below the floor, so a lower
        value is taken at once; a higher one (feet moved) only slowly, and
        only while the hips are still and down."""
        c = self.config
        b = clamp(bend, c.rest_min_deg, c.rest_max_deg)
        if self._rest is None:
            self._rest = b
        elif b < self._rest:
            a = 1.0 - math.exp(-dt / c.rest_down_tau_s) if dt > 0 else 0.0
            self._rest += a * (b - self._rest)
        elif still:
            a = 1.0 - math.exp(-dt / c.rest_tau_s) if dt > 0 else 0.0
            self._rest += a * (b - self._rest)

    def _track_rep(self, t: float, value: float, good: bool) -> None:
        """Feed the rep's top-hold timer (good = no fault on this frame)."""
        rep = self._rep
        if rep is None or self._phase not in UP_PHASES:
            if math.isfinite(value):
                self._recent.append((t, value, good))
            return
        if self._phase == "top":
            rep.timer.update(t, value, good)
        else:
            rep.timer.approach(t, value, good)

    def _finish(self, t: float) -> None:
        """Back down: count the rep if it was complete and seen."""
        rep = self._rep
        self._phase = "down"
        self._rep = None
        self._still.clear()
        if rep is None:
            return
        rep.timer.end()
        self._hold_done += rep.timer.good_s
        c = self.config
        front = bool(self._mode_front)
        top_min = c.front_top_min if front else c.top_min
        complete = rep.peak_p >= top_min
        if not complete and not front and not rep.tainted:
            # an aborted rise: flag it, but it is not a rep
            self._latched[HIPS_TOO_LOW] = t + c.rep_fault_latch_s
            return
        if not complete or rep.tainted:
            return
        top_s = rep.timer.time_s
        # the rep's faults: its peak verdicts plus every fault reported
        # (debounced) while it lasted - raw one-frame flags do not count
        faults = self.in_priority(rep.faults | set(self.faults_during(rep.start, t, t)))
        quality = rep_quality(c, top_s, bool(faults))
        measures: dict[str, float] = {"top_hold_s": top_s, "knee_angle": rep.knee_angle}
        if front:
            measures["max_hip_tilt"] = rep.max_tilt
            measures["peak_hip_lift"] = rep.peak
        else:
            measures["peak_hip_bend"] = rep.peak
        self._count += 1
        self._records.append(RepRecord(
            index=self._count, kind="rep", start=rep.start, end=t,
            score=100.0 * quality,
            faults=faults, side="front" if front else self._sides.side, good=not faults,
            measures=measures,
        ))
        self._item_done(not faults)

    # -- summary -------------------------------------------------------------------------
    def summary(self) -> SetSummary:
        c = self.config
        quality = sum(r.score / 100.0 for r in self._records)
        best = max((r.measures.get("top_hold_s", 0.0) for r in self._records), default=0.0)
        return SetSummary(
            exercise=self.name,
            reps=self._count,
            hold_s=self._hold_total(),
            score=self.score(quality / self.target if self.target > 0 else 0.0),
            score_formula=SCORE_FORMULA,
            duration_s=self.duration_s,
            best_hold_s=best,
            target=self.target,
            target_unit="reps",
            items=tuple(self._records),
            fault_events=self.fault_events(),
            visible_fraction=self.visible_fraction,
            extra={"aspect": self.aspect_note(), "side": self._sides.side, "top_hold_target_s": c.top_hold_target_s,
                   "rest_hip_bend": self._rest, **self.baseline_extra()},
        )


def _line_angle(a1: tuple[float, float], a2: tuple[float, float],
                b1: tuple[float, float], b2: tuple[float, float]) -> float:
    """Unsigned angle (0..90) between lines a1-a2 and b1-b2."""
    ux, uy = a2[0] - a1[0], a2[1] - a1[1]
    vx, vy = b2[0] - b1[0], b2[1] - b1[1]
    nu, nv = math.hypot(ux, uy), math.hypot(vx, vy)
    if not (nu > 1e-9 and nv > 1e-9):
        return math.nan
    cos = abs(ux * vx + uy * vy) / (nu * nv)
    return math.degrees(math.acos(min(1.0, cos)))


def rep_quality(c: HipBridgeConfig, top_hold_s: float, faulty: bool) -> float:
    """A rep's quality, 0..1 (its score / 100): see :data:`SCORE_FORMULA`."""
    pause = min(1.0, max(0.0, top_hold_s) / c.top_hold_target_s) if c.top_hold_target_s > 0 else 1.0
    q = (1.0 - c.pause_weight) + c.pause_weight * pause
    return q * c.faulty_rep_factor if faulty else q
