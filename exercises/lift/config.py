"""The lift coach's constants, spec and thresholds (:class:`LiftConfig`), each
with its reason."""

from __future__ import annotations

import math
from dataclasses import dataclass

from coach.aspect import EVIDENCE_MIXED, AspectConfig
from coach.spec import ExerciseSpec, FaultSpec, ItemMeasure, MetricSpec, OptionSpec

KNEES_STRAIGHT = "knees_straight"
BACK_ROUNDED = "back_rounded"
LOAD_FAR = "load_far"
TWISTING = "twisting"

STANDING = "standing"
DESCENDING = "descending"
BOTTOM = "bottom"
ASCENDING = "ascending"
PHASES: tuple[str, ...] = (STANDING, DESCENDING, BOTTOM, ASCENDING)
LIFT_PHASES = frozenset({DESCENDING, BOTTOM, ASCENDING})

MAX_LOAD_KG = 500.0
"""A sanity bound for ``load_kg`` (far above anything lifted by hand)."""

SPEC = ExerciseSpec(
    name="lift",
    description="lifting a load from below knee height: squat vs stoop, back, load distance, twist",
    item_kind="lift",
    unit="lifts",
    default_target=None,
    # Priority: safety first. Twisting under load (flexion plus axial rotation)
    # is the most injurious combination for the lumbar discs, so it comes first.
    # When a stoop lift shows both straight knees and a flexed trunk, "Bend your
    # knees" is the correction that fixes both, so knees_straight precedes
    # back_rounded. A far load raises the spinal moment but is the easiest to
    # fix, so it comes last. All four load the lower back: all are safety faults.
    faults=(
        FaultSpec(TWISTING, "twisting", "Turn with your feet", safety=True,
                  joints=("left_shoulder", "right_shoulder", "left_hip", "right_hip")),
        FaultSpec(KNEES_STRAIGHT, "knees straight (stooping)", "Bend your knees", safety=True, joints=("knee",)),
        FaultSpec(BACK_ROUNDED, "back bent too far", "Keep your back straight", safety=True,
                  joints=("shoulder", "hip")),
        FaultSpec(LOAD_FAR, "load far from the body", "Keep the load close", safety=True,
                  joints=("left_wrist", "right_wrist")),
    ),
    metrics=(
        MetricSpec("trunk_flexion", "trunk flexion from vertical", "deg"),
        MetricSpec("knee_flexion", "knee flexion", "deg"),
    ),
    color="#ea580c",
    options=(OptionSpec("load_kg", "--load-kg", "weight of the load in kg, for the NIOSH-style lifting index "
                        "(lift only; not needed for the posture checks)", "KG", 0.0, MAX_LOAD_KG),),
    praise=("good lift", "nice and close", "well done"),
    item_measures=(
        ItemMeasure(("trunk_flexion_max", "trunk_flexion", "trunk"), "trunk flexion", "deg"),
        ItemMeasure(("knee_flexion_max", "knee_flexion_at", "knee_flexion", "knee"), "knee flexion", "deg"),
        ItemMeasure(("h_frac", "h_max", "h_"), "H / body height", "fraction of stature", fault=LOAD_FAR),
    ),
    item_chart_text=(
        "For every lift: the largest trunk flexion and the knee flexion (bending the knees spares the "
        "back), and H, the horizontal distance of the hands in front of the ankles as a fraction of body "
        "height (the H of the NIOSH lifting equation; red bars were flagged as load too far)."),
    not_visible_cue="Step back so your whole body is in view",
    measures=(
        MetricSpec("knee_flexion_left", "left knee flexion", "deg"),
        MetricSpec("knee_flexion_right", "right knee flexion", "deg"),
        MetricSpec("hip_flexion", "hip flexion", "deg"),
        MetricSpec("hip_knee_ratio", "hip to knee bend ratio", "ratio"),
        MetricSpec("h_frac", "hands in front of the ankles (H)", "of body height"),
        MetricSpec("h_cm", "hands in front of the ankles (H)", "cm"),
        MetricSpec("v_cm", "hand height (V)", "cm"),
        MetricSpec("twist", "shoulder twist against the hips", "deg"),
        MetricSpec("hand_height", "hand height", "of body height"),
        MetricSpec("shoulder_height", "shoulder height", "of body height"),
        MetricSpec("view_yaw", "camera angle to the body", "deg"),
        MetricSpec("trunk_flexion_max", "largest trunk flexion", "deg"),
        MetricSpec("knee_flexion_min_at_bottom", "knee flexion at the bottom", "deg"),
        MetricSpec("hip_flexion_at_bottom", "hip flexion at the bottom", "deg"),
        MetricSpec("h_frac_max", "largest H", "of body height"),
        MetricSpec("hm", "horizontal multiplier (HM)", "", digits=2),
        MetricSpec("vm", "vertical multiplier (VM)", "", digits=2),
        MetricSpec("d_cm", "lift distance (D)", "cm"),
        MetricSpec("dm", "distance multiplier (DM)", "", digits=2),
        MetricSpec("am", "asymmetry multiplier (AM)", "", digits=2),
        MetricSpec("twist_max", "largest twist", "deg"),
        MetricSpec("lowest_hand_h", "lowest hand height", "of body height"),
        MetricSpec("lift_type", "lift type", "", choices=("squat", "semi-squat", "stoop")),
        MetricSpec("risk_index", "posture risk index", "", digits=2),
        MetricSpec("rwl_kg", "recommended weight limit", "kg"),
        MetricSpec("lifting_index", "lifting index", "", digits=2),
    ),
)
FAULT_PRIORITY: tuple[str, ...] = SPEC.fault_codes

BRACE_CUE = "Brace your core"

LIFT_TYPE_CODES: dict[str, float] = {"squat": 0.0, "semi-squat": 1.0, "stoop": 2.0, "unknown": math.nan}
"""``RepRecord.measures`` holds floats only, so the lift type is stored there
as a code; ``SetSummary.extra["lift_types"]`` has the names."""

VIEW_FRONT = "front"
VIEW_OBLIQUE = "oblique"
VIEW_SIDE = "side"
VIEW_UNKNOWN = "unknown"

DISCLAIMER = (
    "risk_index is a posture-risk index inspired by the NIOSH lifting equation "
    "(1 - HM*VM*DM*AM: the fraction by which this posture cuts the weight limit). "
    "It is not a NIOSH recommended weight limit: the camera cannot weigh the load."
)


LIFT_ASPECT = AspectConfig(
    switch_margin=0.05,
    min_weight=10.0,
    bias=1.0,
    evidence=EVIDENCE_MIXED,
    max_rel_error=0.05,
    lock_weight=30.0,
)
"""How the lift coach estimates the x scale of a track without its aspect
(see :mod:`coach.aspect`; only side-on frames of the near side are used):

* ``evidence="mixed"``: an upright body's segments are all vertical and say
  nothing about the x scale, so a frame counts only by the smaller of its
  summed horizontal and vertical shares (a trunk bent 45 degrees adds 0.5);
* ``min_weight=10``: ~20 frames (0.7 s) of a 45 degree trunk, or fewer with
  the thighs inclined too (a squat): one lift's descent gives 30-40;
* ``bias=1.0``: on synthetic standing and lifting bodies (Winter
  proportions +-4 %, 16:9 side view) the raw estimate reads 0-6 % high
  (1.75-1.89 for 1.78); the floor's 6 % correction is for a lying body;
* ``max_rel_error=0.05``: the fit's standard error of the scale must be
  below 5 %; the formats are 29 % apart in log terms, so the nearest
  midpoint (14 %) is then ~3 standard errors away;
* ``lock_weight=30``: after about one lift's descent the scale is held for
  good (it is the camera's, which does not change): it never flips back;
* ``switch_margin=0.05``: before that, as for the floor exercises."""


@dataclass(frozen=True)
class LiftConfig:
    """Every threshold of the lift coach, each with its reason and source.

    Distances are fractions of body height ("statures"), so they hold for
    any camera distance. Angles are degrees.
    """

    # -- seeing -----------------------------------------------------------------
    min_visibility: float = 0.5
    """A landmark below this MediaPipe visibility is a guess (docs/measured.md: the
    far hip/knee in a side view read 0.05-0.35). Key landmarks (near-side
    shoulder, hip, knee, ankle and one wrist) must reach it, else
    ``not_visible``."""
    lost_reset_s: float = 1.0
    """Out of view longer than this during a lift: the lift is dropped, since
    a lift must never be counted from frames that were not seen."""
    max_frame_gap_s: float = 1.0
    """A gap between frames longer than this (or time going backwards) is a
    discontinuity: any lift in progress is dropped."""
    min_seen_fraction: float = 0.8
    """At least this fraction of a lift's frames must have been judged."""
    jump_speed: float = 5.0
    """Statures per second: faster than any body movement in lifting (the
    hips move < 1 m/s, ~0.6 statures/s). A faster hip jump is a tracking
    glitch (another person, a swapped skeleton): the frame is not judged."""
    jump_slack: float = 0.05
    """Statures of extra allowance for the jump test (landmark noise)."""
    jump_confirm_frames: int = 3
    """After this many consecutive consistent frames at a new place, the
    jump is accepted as real (the camera or the person moved)."""
    side_switch_margin: float = 0.15
    """The judged (near) side changes only when the other side's visibility
    score is better by this much; it never changes during a lift."""

    guess_aspect: bool = True
    """A pose track without its image aspect reads as aspect 1.0; from a
    16:9 video that squashes x by 1.78 (a 60 deg trunk flexion reads ~44).
    When a frame says 1.0, the x scale is estimated from the near side's
    segments in side-on frames (:data:`LIFT_ASPECT`): it stays 1 while the
    body is upright (no information) and is set once lifts make the fit
    well-determined, then held. Frames with another aspect are trusted."""
    aspect: AspectConfig = LIFT_ASPECT
    """The x-scale estimator's settings (:data:`LIFT_ASPECT`)."""

    # -- body proportions (Drillis & Contini 1966, in Winter 2009, Biomechanics
    # and Motor Control of Human Movement, Fig. 4.1) ----------------------------
    shoulder_height_frac: float = 0.818
    """Shoulder (acromion) height / stature."""
    ankle_height_frac: float = 0.039
    """Ankle height / stature: NIOSH V is measured from the floor, MediaPipe
    gives the ankle."""
    assumed_stature_m: float = 1.70
    """Without world landmarks, image fractions become cm with this assumed
    stature (an estimate: adult mean of both sexes, roughly)."""
    frontal_width_ratio: float = 0.40
    """(2D shoulder width + hip width) / (trunk + thigh + shank length) of a
    body facing the camera; only used to tell the view when a source has
    neither world landmarks nor MediaPipe's relative depth z (a 17-point
    COCO CSV). MediaPipe's shoulder and hip landmarks sit near the joint
    centres: ~0.33 m + ~0.19 m against ~1.3 m of segments in its world
    skeleton (biacromial breadth would give ~0.58). A turned body shows
    cos(yaw) of that width, so a side view is unaffected by the choice."""

    # -- view --------------------------------------------------------------------
    front_yaw_max_deg: float = 30.0
    """Body yaw below this is a front view (the trunk's sagittal plane is
    within 30 deg of the camera axis: flexion is hidden, twist is seen)."""
    side_yaw_min_deg: float = 60.0
    """Body yaw above this is a side view (sagittal plane within 30 deg of
    the image plane: flexion angles are read with cos 30 = 87 % fidelity)."""
    view_hysteresis_deg: float = 7.5
    """The view changes only when the yaw crosses a boundary by this much."""
    view_tau_s: float = 1.5
    """Time constant of the yaw average (it starts as a running mean, so the
    first frames set it quickly); the view is re-estimated only while
    standing and is locked for the whole of a lift. 1.5 s keeps a turn on
    the spot (~1 s through a side view) from relabelling a front view."""

    # -- segmentation --------------------------------------------------------------
    baseline_tau_s: float = 1.0
    """Time constant of the standing hand and shoulder heights."""
    median_frames: int = 5
    """The segmentation signals (hand height, shoulder height, trunk angle)
    are the median of the last 5 judged frames (~170 ms at 30 fps): one
    glitchy frame can never start or end a phase, for 2 frames of lag."""
    scale_tau_s: float = 0.15
    """Time constant of the 2D body size while standing: removes landmark
    jitter yet follows a person walking toward the camera (their image grows
    by ~30-60 %/s at 2-4 m): 0.15 s lags ~5-9 %."""
    scale_shrink_tau_s: float = 2.0
    """... but with the feet still the 2D segment chain is followed down only
    slowly: in an oblique view it shortens as the body bends, before a
    descent is recognised, while the body's real size cannot change without
    the feet moving."""
    baseline_min_frames: int = 15
    """The width-based body size is trusted after 15 standing frames
    (0.5 s); before that the segment chain (exact while upright) is used."""
    rest_window_s: float = 3.0
    """A lift starts at the last moment the body was at rest (upright,
    hands down, feet still) if that was at most this long before the
    descent was recognised; its 2D body size is taken from that moment."""
    relearn_s: float = 3.0
    """Standing (no lift in progress) but not upright by the learned
    baselines for this long: they were learned from a bad start (a noisy
    first frame, a person already bent), so they are learned afresh."""
    descend_hand_drop: float = 0.10
    """Hands lowered this far below their standing height (~17 cm) start a
    descent. Walking arm swing moves the wrists only ~0.03 vertically."""
    bend_shoulder_drop: float = 0.05
    """The shoulders lowered this much (~8.5 cm) means the body is bending,
    not just the arms moving; walking bobs them only ~0.02-0.03 (the body's
    centre of mass moves ~5 cm vertically in gait, Perry 1992)."""
    bend_trunk_deg: float = 20.0
    """Trunk flexion above this is a bend: ISO 11226 accepts trunk
    inclination up to 20 deg without a time limit, and 20 deg ends REBA's
    lowest flexion band (Hignett & McAtamney 2000)."""
    bottom_rise: float = 0.02
    """Hands rising this much (~3 cm) above their lowest point: the bottom
    has been reached (jitter after smoothing is < 1 cm)."""
    bottom_dwell_s: float = 0.3
    """Or hands staying at their lowest this long: the bottom (a pause to
    grasp the load)."""
    ascend_rise: float = 0.06
    """Hands rising this much (~10 cm) above their lowest point: ascending."""
    return_shoulder_drop: float = 0.04
    """Back to standing when the shoulders are within this of their standing
    height (hysteresis against ``bend_shoulder_drop``) ..."""
    return_shoulder_fraction: float = 0.8
    """... or have recovered 80 % of their drop (robust to a few percent of
    drift in the 2D body size while the person holds the load) ..."""
    return_trunk_deg: float = 20.0
    """... and the trunk is back within 20 deg (see ``bend_trunk_deg``) ..."""
    return_hand_fraction: float = 0.5
    """... and the hands have come back up at least this fraction of the
    lift's depth (they may now hold the load higher or lower than before)."""
    lift_hand_max_h: float = 0.25
    """A lift must bring the hands to knee height or below (knee height above
    the ankle is 0.285 - 0.039 = 0.246 statures, Drillis & Contini): lifts
    from below the knee are the ones that need the knees bent (NIOSH
    V < 50 cm). This also keeps sitting down (hands on the lap) from
    counting."""
    min_lift_depth: float = 0.15
    """The hands must be lowered at least this much (~25 cm)."""
    min_lift_s: float = 0.8
    """A real lift from knee height or below takes more than ~1 s; shorter
    excursions are tracking glitches."""
    max_lift_s: float = 20.0
    """Longer than this at the bottom is another activity (kneeling,
    crouching to work), not a lift."""
    still_window_s: float = 0.5
    """A lift is made standing in place. A descent may only start, and the
    standing baselines are only learned, when the feet have been still for
    this long: walking never starts a lift."""
    feet_still_max: float = 0.05
    """Feet still: the ankle midpoint moved less than this (statures, ~8 cm)
    within ``still_window_s``. A walking step moves it ~0.2-0.4; landmark
    jitter after smoothing is < 0.01."""
    size_still_max: float = 0.10
    """... and the body's 2D size changed by less than 10 % (walking toward
    or away from the camera changes it by 30-60 %/s at 2-4 m; bending in an
    oblique view shortens the segment chain by ~3 % before a descent)."""
    feet_moved_max: float = 0.25
    """A lift in progress is dropped if the feet move farther than this
    (statures, ~40 cm) from where it started: that is walking or carrying,
    not a lift in place."""
    size_moved_max: float = 1.3
    """... or if the body's 2D size changes by more than 30 % (walking toward
    or away from the camera). In a front view the size comes from the hip
    width, which bending does not change; elsewhere from the segment chain,
    which bending shortens (~20-30 % in an oblique view), so there only a
    growth counts."""
    carry_window_s: float = 2.0
    """After a lift the load is probably still in the hands: twisting is
    still judged for this long."""

    # -- faults ------------------------------------------------------------------
    stoop_knee_max_deg: float = 30.0
    """Knee flexion below this with a flexed trunk is a stoop: knees "nearly
    straight" (stoop vs squat definitions in van Dieen et al. 1999, Clin
    Biomech 14:685; Burgess-Limerick 2003, Int J Ind Ergon 31:143).
    Also the stoop boundary of the lift classification."""
    stoop_knee_off_deg: float = 35.0
    """Hysteresis: ``knees_straight`` clears when the knees bend past this."""
    stoop_trunk_deg: float = 45.0
    """``knees_straight`` needs the trunk flexed past this: "severe flexion"
    (> 45 deg) in Punnett et al. 1991 (Scand J Work Environ Health 17:337),
    where back-disorder odds rose ~6-fold. Mild bending with straight knees
    (reaching a table) is not a stoop lift."""
    stoop_trunk_off_deg: float = 40.0
    """Hysteresis for ``stoop_trunk_deg``."""
    trunk_flexion_max_deg: float = 60.0
    """``back_rounded``: trunk flexion beyond 60 deg is "not acceptable" in
    ISO 11226 and the top trunk band of REBA. A good squat lift keeps the
    trunk at ~30-50 deg, so it stays clear. (The camera sees the
    shoulder-hip line, not the lumbar curve itself.)"""
    trunk_flexion_off_deg: float = 55.0
    """Hysteresis for ``trunk_flexion_max_deg``."""
    load_far_h_frac: float = 0.30
    """``load_far``: hands farther than 0.30 statures (~51 cm at 1.70 m)
    horizontally from the ankle midpoint. NIOSH HM = 25/H falls to 0.5 at
    H = 50 cm, i.e. the acceptable load halves (Waters et al. 1993). A close
    squat or stoop grip is ~0.15-0.25 (the load in front of the knees)."""
    load_far_off_h_frac: float = 0.27
    """Hysteresis for ``load_far_h_frac``."""
    twist_max_deg: float = 25.0
    """``twisting`` from world landmarks: shoulders rotated more than this
    against the hips. ISO 11226 asks to avoid axial trunk rotation under
    load and observational methods (REBA, OWAS) score a trunk as "twisted"
    once the rotation is clearly visible, commonly taken as > 20 deg; 5 deg
    of margin covers MediaPipe's depth (z) noise, which carries the twist."""
    twist_off_deg: float = 20.0
    """Hysteresis for ``twist_max_deg``."""
    twist_proxy_deg: float = 30.0
    """``twisting`` from the 2D width proxy (front views; oblique views
    without world landmarks): higher, because the proxy cannot see below
    ~15 deg and shoulder protraction when reaching narrows the shoulders."""
    twist_proxy_off_deg: float = 25.0
    """Hysteresis for ``twist_proxy_deg``."""
    fault_on_s: float = 0.25
    """A raw fault must persist this long to be reported (one jittery frame
    never flips a verdict; ~8 frames at 30 fps)."""
    fault_off_s: float = 0.5
    """A reported fault must be absent this long to clear."""
    not_visible_on_s: float = 0.5
    """``not_visible`` is reported (and "step back" said) only once the key
    joints have stayed unseen for 0.5 s: one dropped frame, or a wrist
    dipping just under the visibility cut-off, is MediaPipe, not the user.
    The state machine rides out short losses on its own (``lost_reset_s``)."""
    not_visible_off_s: float = 0.3
    """Not-visible flicker shorter than this is merged into one episode."""

    # -- lift classification -------------------------------------------------------
    squat_knee_min_deg: float = 80.0
    """A squat lift bends the knees past ~80 deg at the bottom (full squat
    lifts start at 90-120 deg of knee flexion; Burgess-Limerick 2003 finds
    most free lifts in between: "semi-squat")."""
    squat_ratio_max: float = 1.5
    """Squat: hip flexion at most 1.5x knee flexion (hips and knees share
    the bending)."""
    stoop_ratio_min: float = 3.0
    """Stoop: hip flexion at least 3x knee flexion (the hips do the bending)."""
    ratio_knee_floor_deg: float = 5.0
    """The hip/knee ratio floors the knee flexion at this (a straight knee
    gives a large ratio, not infinity; 5 deg is 2D angle noise)."""

    # -- NIOSH revised lifting equation (Waters et al. 1993, Ergonomics 36:749;
    # Applications Manual for the Revised NIOSH Lifting Equation, 1994) ---------
    niosh_load_constant_kg: float = 23.0
    """LC: the recommended weight for an ideal lift."""
    h_min_cm: float = 25.0
    """HM = 1 below 25 cm (the body keeps the load at least this far)."""
    h_max_cm: float = 63.0
    """HM = 0 beyond 63 cm (out of reach)."""
    v_opt_cm: float = 75.0
    """VM = 1 at knuckle height, 75 cm."""
    vm_slope_per_cm: float = 0.003
    v_max_cm: float = 175.0
    d_min_cm: float = 25.0
    d_max_cm: float = 175.0
    dm_constant: float = 0.82
    dm_coefficient_cm: float = 4.5
    am_slope_per_deg: float = 0.0032
    am_max_deg: float = 135.0

    # -- score -----------------------------------------------------------------------
    penalty_back_rounded: float = 30.0
    """Per-lift score = 100 minus the penalties of the faults reported during
    the lift (they add up to 100: a lift with every fault scores 0)."""
    penalty_knees_straight: float = 25.0
    penalty_twisting: float = 25.0
    penalty_load_far: float = 20.0

    def __post_init__(self) -> None:
        pairs = (
            ("stoop_knee", self.stoop_knee_max_deg <= self.stoop_knee_off_deg),
            ("stoop_trunk", self.stoop_trunk_off_deg <= self.stoop_trunk_deg),
            ("trunk_flexion", self.trunk_flexion_off_deg <= self.trunk_flexion_max_deg),
            ("load_far", self.load_far_off_h_frac <= self.load_far_h_frac),
            ("twist", self.twist_off_deg <= self.twist_max_deg),
            ("twist_proxy", self.twist_proxy_off_deg <= self.twist_proxy_deg),
            ("view", self.front_yaw_max_deg < self.side_yaw_min_deg),
            ("ascend", self.bottom_rise < self.ascend_rise),
            ("return", self.return_shoulder_drop < self.bend_shoulder_drop),
        )
        for name, ok in pairs:
            if not ok:
                raise ValueError(f"LiftConfig: {name} thresholds are the wrong way round")
        if not 0.0 < self.assumed_stature_m < 3.0:
            raise ValueError(f"LiftConfig.assumed_stature_m must be a human height, got {self.assumed_stature_m}")

    @property
    def segments_frac(self) -> float:
        """(shoulder height - ankle height) / stature: the trunk + thigh +
        shank chain as a fraction of stature (0.779)."""
        return self.shoulder_height_frac - self.ankle_height_frac

    def penalty(self, code: str) -> float:
        return {
            BACK_ROUNDED: self.penalty_back_rounded,
            KNEES_STRAIGHT: self.penalty_knees_straight,
            TWISTING: self.penalty_twisting,
            LOAD_FAR: self.penalty_load_far,
        }.get(code, 0.0)


ASSUMPTIONS: tuple[str, ...] = (
    "FM = 1: lifting frequency and work duration are unknown; 1 holds for occasional lifts "
    "(<= 0.2 lifts/min, <= 1 h).",
    "CM = 1: the hand-to-load coupling (handles, grip) cannot be seen; 'good' coupling is assumed.",
    "AM from the measured trunk twist when the view shows twist, else AM = 1 (asymmetry unseen).",
    "H is measured to the wrists (the grasp centre is a few cm further), V from the floor "
    "= wrist height above the ankles + ankle height (0.039 x stature).",
    "The camera is level: 'vertical' is the image's (or MediaPipe world's) y axis.",
    "Bracing is not measured: 'Brace your core' is a reminder, not a check.",
)
