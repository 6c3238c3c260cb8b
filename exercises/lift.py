"""Lift coach: segments each lift and checks the posture while it happens.

Back spasms are often triggered by lifting something heavy. The advice is
to keep the knees bent, the back straight and the load close, and to turn
with the feet instead of twisting. This analyzer:

* **segments lifts** from the hands' vertical path and the trunk (shoulder
  height and trunk angle) with a hysteresis state machine
  ``standing -> descending -> bottom -> ascending -> standing``. A descent
  starts only with the feet planted (walking never starts a lift); a lift
  counts only when the hands went to knee height or below, were lowered far
  enough, the body came back upright and the lift was seen (a lift hidden
  for more than ``lost_reset_s`` is dropped, never guessed);
* **measures per frame** trunk flexion from vertical, knee flexion (both
  sides), hip flexion, the hip/knee flexion ratio (squat ~1, stoop >> 1),
  the NIOSH horizontal distance H of the hands from the ankle midpoint
  (fraction of body height, and cm), the hand height V and the trunk twist;
* **judges only what the view allows** (the view is estimated while
  standing and locked for a lift):

  ==========  =================================  ===================================
  view        flexion, H (knees_straight,        twist (twisting)
              back_rounded, load_far)
  ==========  =================================  ===================================
  side        2D, near side (exact: the image    not judged from 2D; from world
              is the sagittal plane; also used   landmarks only if both shoulders
              when world landmarks exist, which  are seen (rare)
              add depth noise)
  oblique     world landmarks only               world landmarks (both shoulders
                                                 seen; hip line from the near hip)
  front       world landmarks only               2D width proxy (also with world
                                                 landmarks: the twist is all depth,
                                                 MediaPipe's noisiest coordinate)
  ==========  =================================  ===================================

  In a side view the far hip and knee are guessed by MediaPipe (visibility
  0.05-0.35, FACTS.md), so angles come from the near side;
* reports the faults ``knees_straight``, ``back_rounded``, ``load_far``,
  ``twisting`` (hysteresis + FaultDebouncer, safety first) and
  ``not_visible``;
* scores each lift 0-100 and gives a NIOSH-inspired **posture-risk index**.
  The load's weight is unknown to a camera, so this is *not* a NIOSH
  recommended weight limit; with ``load_kg`` it also gives the lifting index
  LI = load / RWL (multipliers the camera cannot see are assumed 1, see
  :data:`ASSUMPTIONS`).

Bracing: before each lift (on the frame its descent is recognised) the
analyzer cues "Brace your core" once. This is a **reminder, not a check**: a
camera cannot see whether the abdominal muscles are tight (DESIGN.md).

2D twist proxy (front views, and oblique views without world landmarks):
the 2D shoulder width divided by the 2D hip width, against the same quotient
while standing facing the camera. If the hips stay put and the shoulders
turn by ``theta`` the quotient scales by cos(y0 + theta) / cos(y0). Its
limits: the sign is lost; twists below ~15 degrees are invisible (the cosine
barely moves); only a narrowing counts, because a bend toward the camera
widens the shoulders by perspective; a twist that swings the shoulders
through facing the camera (standing 20-30 degrees off a front view and
turning toward it) is missed; shoulder protraction and side bending also
narrow the shoulders. See :func:`exercises._lift_measures.twist_proxy_2d`.

Body size: distances are fractions of body height (statures). With world
landmarks the height comes from MediaPipe's metric skeleton; without them
the 2D size comes from the segment chain (side view) or the hip width
(front view) and is converted to cm with an *assumed* stature
(``LiftConfig.assumed_stature_m``), which the summary states. The camera is
assumed level (image "down" is gravity).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import ClassVar

from coach import geometry as geo
from coach.aspect import EVIDENCE_MIXED, SEGMENT_FRACS, AspectConfig, AspectEstimator
from coach.debounce import Hysteresis
from coach.exercise import NOT_VISIBLE, FaultEvent, FrameVerdict, RepRecord, SetSummary
from coach.landmarks import Landmark, Side, other_side, sided
from coach.pose import PoseFrame
from coach.registry import register
from coach.spec import ExerciseSpec, FaultSpec, ItemMeasure, MetricSpec, OptionSpec
from exercises import _lift_measures as m
from exercises._base import AnalyzerBase, fault_landmarks

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
    """A landmark below this MediaPipe visibility is a guess (FACTS.md: the
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
    not_visible_on_s: float = 0.0
    """``not_visible`` is reported on the first unseen frame: the lift state
    machine already rides out short losses (``lost_reset_s``), so the
    verdict says at once that a frame was not judged."""
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


@register(SPEC)
class LiftAnalyzer(AnalyzerBase):
    """Streaming lift coach (see the module docstring)."""

    name: ClassVar[str] = "lift"
    SPEC: ClassVar[ExerciseSpec] = SPEC

    def __init__(
        self, config: LiftConfig | None = None, target: float | None = None, load_kg: float | None = None
    ) -> None:
        if target is not None and not (math.isfinite(target) and target > 0):
            raise ValueError(f"target must be a positive number of lifts, got {target!r}")
        if load_kg is not None and not (math.isfinite(load_kg) and load_kg > 0):
            raise ValueError(f"load_kg must be a positive weight, got {load_kg!r}")
        self.config = config or LiftConfig()
        self.target = target
        self.load_kg = load_kg
        c = self.config
        super().__init__(c)
        self._h_knee = Hysteresis(c.stoop_knee_max_deg, c.stoop_knee_off_deg, rising=False)
        self._h_stoop_trunk = Hysteresis(c.stoop_trunk_deg, c.stoop_trunk_off_deg)
        self._h_trunk = Hysteresis(c.trunk_flexion_max_deg, c.trunk_flexion_off_deg)
        self._h_far = Hysteresis(c.load_far_h_frac, c.load_far_off_h_frac)
        self._h_twist = Hysteresis(c.twist_max_deg, c.twist_off_deg)
        self._h_twist_proxy = Hysteresis(c.twist_proxy_deg, c.twist_proxy_off_deg)
        self._reset_state()

    # -- protocol ----------------------------------------------------------------
    def _gap_s(self) -> float:
        return self.config.max_frame_gap_s

    def _reset_state(self) -> None:
        for h in (self._h_knee, self._h_stoop_trunk, self._h_trunk, self._h_far, self._h_twist,
                  self._h_twist_proxy):
            h.reset()
        self._phase = STANDING
        self._count = 0
        self._items: list[RepRecord] = []
        self._lift_types: list[str] = []
        self._track: _LiftTrack | None = None
        self._base = _Baselines()
        self._side: Side = "left"
        self._view = VIEW_UNKNOWN
        self._view_counts: dict[str, int] = {}
        self._last_visible_t: float | None = None
        self._anchor: tuple[float, float] | None = None
        self._jump_run: list[tuple[float, float]] = []
        self._carry_until = -math.inf
        self._world_frames = 0
        self._rest_t: float | None = None
        self._aspect = AspectEstimator(self.config.aspect)
        self._x_scale = 1.0
        self._clear_filters()

    def _clear_filters(self) -> None:
        n = max(1, self.config.median_frames)
        self._hist_hand: deque[float] = deque(maxlen=n)
        self._hist_shoulder: deque[float] = deque(maxlen=n)
        self._hist_trunk: deque[float] = deque(maxlen=n)
        self._hist_feet: deque[tuple[float, float, float, float]] = deque()
        self._scale_s = math.nan  # smoothed 2D stature while standing
        self._width_scale = math.nan  # smoothed hip-width stature estimate (front view)
        self._lift_scale = math.nan  # 2D stature frozen for the lift in progress
        self._rest_scale = math.nan  # 2D stature at the last rest (upright, hands down)
        self._was_still = False  # the feet were still on the previous judged frame

    def _on_frame(self, frame: PoseFrame, t: float, dt: float) -> FrameVerdict:
        c = self.config

        f = _Frame.of(frame)
        side = self._choose_side(f)
        if not self._key_visible(f, side):
            if not self._key_visible(f, other_side(side)):
                return self._not_visible(t, side)
            # one leg or arm hidden, the other side fully seen (a front view):
            # measure from that side for this frame
            side = other_side(side)

        if c.guess_aspect and frame.aspect == 1.0:
            self._guess_aspect(f, side)
        meas = self._measure(f, side)
        if not math.isfinite(meas.scale) or meas.scale <= 0 or not geo.finite(meas.hand_h, meas.shoulder_h):
            return self._not_visible(t, side)
        if self._is_jump(meas, t):
            return self._unjudged(t, side, ("tracking_jump",))

        self._filter(meas)
        meas.still = self._feet_still(meas, t)
        self._was_still = meas.still
        self._clock.mark_seen()
        self._last_visible_t = t
        self._nv.update(t, ())
        if meas.world_ok:
            self._world_frames += 1
        self._update_view(meas, t)
        brace = self._step_phase(meas, t)
        raw = self._raw_faults(meas, t)
        faults = self._faults.update(t, raw)
        if self._track is not None:
            self._track.faults.update(faults)
        self._view_counts[self._view] = self._view_counts.get(self._view, 0) + 1

        cue: str | None = SPEC.cue(faults[0]) if faults else (BRACE_CUE if brace else None)
        return FrameVerdict(
            t=t,
            phase=self._phase,
            faults=faults,
            reps=self._count,
            hold_s=0.0,
            visible=True,
            cue=cue,
            side=side,
            metrics=self._metrics(meas),
            warnings=self._faults.pending(),
            fault_joints=fault_landmarks(SPEC, faults, side),
        )

    def summary(self) -> SetSummary:
        c = self.config
        now = self._clock.last
        events: list[FaultEvent] = list(self._faults.events(now)) + list(self._nv.events(now))
        events.sort(key=lambda e: (e.start, e.code))
        scores = [it.score for it in self._items]
        score = sum(scores) / len(scores) if scores else 0.0
        duration = self.duration_s
        world = self._world_frames > 0
        assumptions = list(ASSUMPTIONS)
        if not world:
            assumptions.append(
                f"Stature assumed {c.assumed_stature_m:.2f} m (no world landmarks): h_cm and v_cm are estimates."
            )
        if self.load_kg is None:
            assumptions.append("Load weight unknown: no lifting index (pass load_kg to get LI = load / RWL).")
        view = max(self._view_counts.items(), key=lambda kv: kv[1])[0] if self._view_counts else VIEW_UNKNOWN
        extra: dict[str, object] = {
            "view": view,
            "view_frames": dict(self._view_counts),
            "judged": self._judged_description(view, world),
            "lift_types": list(self._lift_types),
            "lift_type_codes": {k: (None if math.isnan(v) else v) for k, v in LIFT_TYPE_CODES.items()},
            "stature_source": "world landmarks" if world else f"assumed {c.assumed_stature_m:.2f} m",
            "x_scale": self._x_scale,
            "assumptions": assumptions,
            "disclaimer": DISCLAIMER,
            "brace": "'Brace your core' is cued before each lift as a reminder; bracing cannot be seen.",
        }
        if self.load_kg is not None:
            extra["load_kg"] = self.load_kg
        if self.target is not None:
            extra["target_completion"] = round(min(1.0, self._count / self.target), 4)
        return SetSummary(
            exercise=self.name,
            reps=self._count,
            hold_s=0.0,
            score=score,
            score_formula=(
                "mean over lifts of the per-lift score; per-lift score = 100 - penalties of the faults "
                f"reported during that lift (back_rounded {c.penalty_back_rounded:g}, knees_straight "
                f"{c.penalty_knees_straight:g}, twisting {c.penalty_twisting:g}, load_far "
                f"{c.penalty_load_far:g}), floored at 0; 0 when no lift was completed"
            ),
            duration_s=duration,
            target=self.target,
            target_unit="lifts",
            items=tuple(self._items),
            fault_events=tuple(events),
            visible_fraction=self.visible_fraction,
            extra=extra,
        )

    def _filter(self, meas: _Measures) -> None:
        """Median of the last few judged frames for the segmentation signals."""
        for hist, value, name in (
            (self._hist_hand, meas.hand_h, "hand_s"),
            (self._hist_shoulder, meas.shoulder_h, "shoulder_s"),
            (self._hist_trunk, meas.trunk, "trunk_s"),
        ):
            if math.isfinite(value):
                hist.append(value)
            elif name == "trunk_s":
                hist.clear()  # the view no longer shows flexion
            vals = sorted(hist)
            setattr(meas, name, vals[len(vals) // 2] if vals else math.nan)

    def _feet_still(self, meas: _Measures, t: float) -> bool:
        """Feet planted and body size steady over the last ``still_window_s``."""
        c = self.config
        x, y = meas.feet_2d
        scale = meas.scale_img
        hist = self._hist_feet
        if not geo.finite(x, y, scale) or scale <= 0:
            hist.clear()
            return False
        while hist and (t - hist[0][0] > c.still_window_s or t < hist[0][0]):
            hist.popleft()
        hist.append((t, x, y, scale))
        if t - hist[0][0] < 0.8 * c.still_window_s:
            return False  # not enough history yet
        limit = c.feet_still_max * scale
        sizes = [h[3] for h in hist]
        if max(sizes) > (1.0 + c.size_still_max) * min(sizes):
            return False
        return all(math.hypot(h[1] - x, h[2] - y) <= limit for h in hist)

    # -- unknown image aspect --------------------------------------------------------------
    @property
    def x_scale(self) -> float:
        """The x scale applied to frames without their aspect (1 until it is
        estimated; see :attr:`LiftConfig.guess_aspect`)."""
        return self._x_scale

    def _guess_aspect(self, f: _Frame, side: Side) -> None:
        """A frame without its aspect: learn the x scale from side-on frames
        (the near side's segments then lie in the image plane) and apply
        the scale to the frame. The scale belongs to the camera, so once
        set it applies in any view."""
        est = self._aspect
        if not est.locked and self._view == VIEW_SIDE:
            th = self.config.min_visibility
            P = f.pts  # aspect 1.0: the raw normalised coordinates
            segs = []
            for j1, j2, r in SEGMENT_FRACS:
                a1, a2 = sided(side, j1), sided(side, j2)
                if f.seen(a1, th) and f.seen(a2, th):
                    segs.append((P[a2][0] - P[a1][0], P[a2][1] - P[a1][1], r))
            est.update(segs)
        scale = est.scale
        if scale != self._x_scale:
            self._rescale_x(scale / self._x_scale)
            self._x_scale = scale
        if scale != 1.0:
            for p in f.pts:
                p[0] *= scale
            f.aspect *= scale

    def _rescale_x(self, ratio: float) -> None:
        """The x scale changed by ``ratio``: stored image positions follow,
        so the change is not mistaken for the feet or hips moving."""
        def sx(p: tuple[float, float]) -> tuple[float, float]:
            return (p[0] * ratio, p[1])

        if self._anchor is not None:
            self._anchor = sx(self._anchor)
        self._jump_run = [sx(p) for p in self._jump_run]
        self._hist_feet = deque((t, x * ratio, y, sc) for t, x, y, sc in self._hist_feet)
        if self._track is not None:
            self._track.feet0 = sx(self._track.feet0)

    # -- seeing ----------------------------------------------------------------------
    def _choose_side(self, f: _Frame) -> Side:
        if self._track is not None:
            return self._side
        cur, oth = self._side, other_side(self._side)
        if _side_score(f, oth) > _side_score(f, cur) + self.config.side_switch_margin:
            self._side = oth
        return self._side

    def _key_visible(self, f: _Frame, side: Side) -> bool:
        th = self.config.min_visibility
        for joint in ("shoulder", "hip", "knee", "ankle"):
            if not f.seen(sided(side, joint), th):
                return False
        return f.seen(_L.LEFT_WRIST, th) or f.seen(_L.RIGHT_WRIST, th)

    def _not_visible(self, t: float, side: Side) -> FrameVerdict:
        faults = self._nv.update(t, (NOT_VISIBLE,))
        self._lost(t)
        return FrameVerdict(
            t=t, phase=self._phase, faults=faults or (NOT_VISIBLE,), reps=self._count, hold_s=0.0,
            visible=False, cue=SPEC.cue(NOT_VISIBLE), side=side,
        )

    def _unjudged(self, t: float, side: Side, warnings: tuple[str, ...]) -> FrameVerdict:
        self._lost(t)
        return FrameVerdict(t=t, phase=self._phase, faults=(), reps=self._count, hold_s=0.0,
                            visible=False, cue=None, side=side, warnings=warnings)

    def _lost(self, t: float) -> None:
        """A frame that cannot be judged: the lift in progress is dropped
        when too much of it goes unseen."""
        tr = self._track
        if tr is not None:
            tr.frames += 1
            if t - tr.last_seen_t > self.config.lost_reset_s:
                self._abort(t)
        last = self._last_visible_t
        if last is not None and t - last > self.config.lost_reset_s:
            self._faults.clear_all(last)

    def _on_gap(self, t_last: float, t_now: float) -> None:
        """Time jumped back or a gap longer than ``max_frame_gap_s``."""
        if self._track is not None:
            self._abort(t_now)
        self._faults.clear_all(t_last)
        self._base = _Baselines()  # stale after a gap: learn standing again
        self._clear_filters()
        self._anchor = None
        self._jump_run.clear()

    def _abort(self, t: float) -> None:
        self._track = None
        self._phase = STANDING
        for h in (self._h_far, self._h_twist, self._h_twist_proxy):
            h.reset()

    def _is_jump(self, meas: _Measures, t: float) -> bool:
        """A hip jump faster than any body movement is a tracking glitch;
        it becomes the new normal once it persists."""
        c = self.config
        p = meas.hip_2d
        scale = meas.scale_2d if math.isfinite(meas.scale_2d) else meas.scale
        if not (geo.finite(p[0], p[1], scale) and scale > 0):
            return False
        last_t = self._last_visible_t
        if self._anchor is None or last_t is None:
            self._anchor = p
            return False
        dt = min(max(t - last_t, 1.0 / 60.0), c.max_frame_gap_s)
        limit = (c.jump_speed * dt + c.jump_slack) * scale
        if math.dist(p, self._anchor) <= limit:
            self._anchor = p
            self._jump_run.clear()
            return False
        if self._jump_run and math.dist(p, self._jump_run[-1]) > limit:
            self._jump_run.clear()
        self._jump_run.append(p)
        if len(self._jump_run) >= c.jump_confirm_frames:
            self._anchor = p
            self._jump_run.clear()
            if self._track is not None:
                self._abort(t)
            return False
        return True

    # -- measuring ---------------------------------------------------------------------
    def _measure(self, f: _Frame, side: Side) -> _Measures:
        c = self.config
        th = c.min_visibility
        out = _Measures()
        P = f.pts
        sh, hp, kn, an = (sided(side, j) for j in ("shoulder", "hip", "knee", "ankle"))
        both_trunk = all(f.seen(lm, th) for lm in _TRUNK4)
        wrists = [lm for lm in (_L.LEFT_WRIST, _L.RIGHT_WRIST) if f.seen(lm, th)]
        ankles = [lm for lm in (_L.LEFT_ANKLE, _L.RIGHT_ANKLE) if f.seen(lm, th)]

        # 2D geometry used for view, scale and jumps (always available here)
        seg2 = geo.distance(P[sh], P[hp]) + geo.distance(P[hp], P[kn]) + geo.distance(P[kn], P[an])
        # the other side's chain too when it is seen (front view): while
        # walking toward the camera the swinging leg foreshortens, the
        # standing leg does not
        o_sh, o_hp, o_kn, o_an = (sided(other_side(side), j) for j in ("shoulder", "hip", "knee", "ankle"))
        if all(f.seen(lm, th) for lm in (o_sh, o_hp, o_kn, o_an)):
            seg_o = geo.distance(P[o_sh], P[o_hp]) + geo.distance(P[o_hp], P[o_kn]) + geo.distance(P[o_kn], P[o_an])
            if math.isfinite(seg_o):
                seg2 = max(seg2, seg_o)
        out.hip_2d = (P[hp][0], P[hp][1])
        fin = [P[lm] for lm in (_L.LEFT_ANKLE, _L.RIGHT_ANKLE) if geo.point_ok(P[lm])]
        if fin:
            out.feet_2d = (sum(p[0] for p in fin) / len(fin), sum(p[1] for p in fin) / len(fin))
        out.hips_seen = f.seen(_L.LEFT_HIP, th) and f.seen(_L.RIGHT_HIP, th)
        ls, rs, lh, rh = P[_L.LEFT_SHOULDER], P[_L.RIGHT_SHOULDER], P[_L.LEFT_HIP], P[_L.RIGHT_HIP]
        sw = abs(rs[0] - ls[0])
        hw = abs(rh[0] - lh[0])
        if geo.finite(sw, hw, seg2) and seg2 > 1e-9:
            out.width_2d = hw
            out.width_ratio = (sw + hw) / seg2
            if hw > 1e-9:
                out.width_q = sw / hw

        # which coordinates to measure in: a side view shows the sagittal
        # plane itself, so 2D is exact there and free of MediaPipe's depth
        # noise (z is ~3x noisier than x and y); elsewhere 2D foreshortens
        # and the world landmarks (metric 3D) are used when present
        W = f.world
        needed = (sh, hp, kn, an, *wrists, *ankles)
        world_ok = W is not None and all(geo.point_ok(W[lm]) for lm in needed)
        world_trunk = W is not None and all(geo.point_ok(W[lm]) for lm in _TRUNK4)
        Q: list[list[float]] = P
        if world_ok and W is not None:
            out.world_ok = True
            segw = geo.distance(W[sh], W[hp]) + geo.distance(W[hp], W[kn]) + geo.distance(W[kn], W[an])
            out.stature_m = segw / c.segments_frac
            if world_trunk:
                out.yaw = m.yaw_from_world(W[_L.LEFT_SHOULDER], W[_L.RIGHT_SHOULDER], W[_L.LEFT_HIP],
                                           W[_L.RIGHT_HIP])
        if not math.isfinite(out.yaw):
            out.yaw = self._yaw_2d(f, out.width_ratio, side)
        out.scale_2d = seg2 / c.segments_frac if math.isfinite(seg2) else math.nan
        out.scale_img = self._scale_2d(out)
        use_world = world_ok and self._view != VIEW_SIDE and math.isfinite(out.stature_m)
        if use_world and W is not None:
            out.source_world = True
            Q = W
            both_trunk = both_trunk and world_trunk
            out.scale = out.stature_m
        else:
            out.scale = out.scale_img

        scale = out.scale
        if not (math.isfinite(scale) and scale > 1e-9) or not wrists or not ankles:
            return out
        hand = Q[wrists[0]] if len(wrists) == 1 else geo.mid(Q[wrists[0]], Q[wrists[1]])
        ankle = Q[ankles[0]] if len(ankles) == 1 else geo.mid(Q[ankles[0]], Q[ankles[1]])
        shoulder: geo.PointND
        hip: geo.PointND
        if both_trunk:
            shoulder = geo.mid(Q[_L.LEFT_SHOULDER], Q[_L.RIGHT_SHOULDER])
            hip = geo.mid(Q[_L.LEFT_HIP], Q[_L.RIGHT_HIP])
        else:
            shoulder, hip = Q[sh], Q[hp]
        # vertical reference: the lower ankle (the one on the floor; the other
        # may be lifted in a step), and in 2D never above the floor line seen
        # while standing (a static camera sees a fixed floor)
        floor_y = max((Q[lm][1] for lm in (_L.LEFT_ANKLE, _L.RIGHT_ANKLE) if math.isfinite(Q[lm][1])),
                      default=ankle[1])
        if not use_world:
            out.floor_2d = floor_y
            if self._view == VIEW_SIDE and math.isfinite(self._base.floor_2d):
                # walking across a side view keeps the feet on one image line;
                # toward or away from a front camera it does not
                floor_y = max(floor_y, self._base.floor_2d)
        out.hand_h = (floor_y - hand[1]) / scale
        out.shoulder_h = (floor_y - shoulder[1]) / scale
        stature_cm = (out.stature_m if math.isfinite(out.stature_m) else c.assumed_stature_m) * 100.0
        out.v_cm = (out.hand_h + c.ankle_height_frac) * stature_cm

        view = self._view
        flexion_ok = use_world or view == VIEW_SIDE
        if flexion_ok:
            trunk = geo.inclination_deg(hip, shoulder)
            fwd = self._forward_sign(f, Q, shoulder, hip)
            out.trunk = -trunk if fwd < 0 else trunk
            for s in ("left", "right"):
                k = sided(s, "knee")
                h, a = sided(s, "hip"), sided(s, "ankle")
                val = geo.flexion_deg(Q[h], Q[k], Q[a]) if all(f.seen(lm, th) for lm in (h, k, a)) else math.nan
                if s == "left":
                    out.knee_l = val
                else:
                    out.knee_r = val
            out.knee = out.knee_l if side == "left" else out.knee_r
            out.hip = geo.flexion_deg(Q[sh], Q[hp], Q[kn])
            out.ratio = m.hip_knee_ratio(out.hip, out.knee, c.ratio_knee_floor_deg)
            out.h_frac = geo.horizontal_distance(hand, ankle) / scale
            out.h_cm = out.h_frac * stature_cm
        trunk_seen = all(f.seen(lm, th) for lm in _TRUNK4)
        shoulders_seen = f.seen(_L.LEFT_SHOULDER, th) and f.seen(_L.RIGHT_SHOULDER, th)
        # In a front view the twist shows entirely as depth, MediaPipe's
        # noisiest coordinate (z ~3x x/y), while the 2D widths show it well:
        # the 2D proxy is used there even when world landmarks exist.
        if view == VIEW_FRONT and trunk_seen:
            out.twist = m.twist_proxy_2d(out.width_q, self._base.width_q, 0.0)
            out.twist_2d = True
        elif world_ok and W is not None and shoulders_seen and world_trunk:
            out.twist = self._twist_world(f, W, side)
        elif not world_ok and trunk_seen and view == VIEW_OBLIQUE:
            out.twist = m.twist_proxy_2d(out.width_q, self._base.width_q, self._base.yaw)
            out.twist_2d = True
        return out

    def _twist_world(self, f: _Frame, W: list[list[float]], side: Side) -> float:
        """Shoulder line against hip line in world landmarks. Both shoulders
        must be seen. The hip line comes from both hips when both are seen;
        otherwise from the near hip alone: world landmarks have their origin
        at the hip midpoint (PoseFrame, MediaPipe), so the far hip is the
        near hip mirrored through the origin, and MediaPipe's guess for a
        hidden hip is never used."""
        lh, rh = W[_L.LEFT_HIP], W[_L.RIGHT_HIP]
        th = self.config.min_visibility
        if not (f.seen(_L.LEFT_HIP, th) and f.seen(_L.RIGHT_HIP, th)):
            near = sided(side, "hip")
            if not f.seen(near, th):
                return math.nan
            p = W[near]
            mirrored = [-v for v in p]
            lh, rh = (p, mirrored) if side == "left" else (mirrored, p)
        return m.twist_world(W[_L.LEFT_SHOULDER], W[_L.RIGHT_SHOULDER], lh, rh)

    def _forward_sign(self, f: _Frame, Q: list[list[float]], shoulder: geo.PointND, hip: geo.PointND) -> float:
        """+1 when the shoulders are in front of the hips (flexion), -1 when
        behind (extension), judged by where the nose points; 0 if unknown."""
        if not f.seen(_L.NOSE, self.config.min_visibility) or not geo.point_ok(Q[_L.NOSE]):
            return 0.0
        nose = Q[_L.NOSE]
        fx = nose[0] - shoulder[0]
        fz = nose[2] - shoulder[2] if len(nose) > 2 and len(shoulder) > 2 else 0.0
        dx = shoulder[0] - hip[0]
        dz = shoulder[2] - hip[2] if len(shoulder) > 2 and len(hip) > 2 else 0.0
        dot = fx * dx + fz * dz
        if not math.isfinite(dot) or math.hypot(dx, dz) < 1e-9:
            return 0.0
        return 1.0 if dot >= 0 else -1.0

    def _yaw_2d(self, f: _Frame, width_ratio: float, side: Side) -> float:
        """Body yaw without world landmarks: from MediaPipe's relative depth
        ``z`` of the shoulders and hips when the source has it (same scale as
        x), else from the 2D widths (a pose-track CSV may carry no z)."""
        zs = [f.z[lm] * f.aspect for lm in _TRUNK4]
        if any(abs(v) > 1e-9 for v in zs) and all(math.isfinite(v) for v in zs):
            P = f.pts
            ls, rs, lh, rh = (P[lm] for lm in _TRUNK4)
            yaw = m.yaw_from_world((ls[0], ls[1], zs[0]), (rs[0], rs[1], zs[1]),
                                   (lh[0], lh[1], zs[2]), (rh[0], rh[1], zs[3]))
            if math.isfinite(yaw):
                return yaw
        if math.isfinite(width_ratio):
            return m.yaw_from_widths(width_ratio, self.config.frontal_width_ratio)
        # the far side missing entirely while the near side is seen: a side view
        far = other_side(side)
        far_vis = (f.vis[sided(far, "shoulder")] + f.vis[sided(far, "hip")]) / 2.0
        return 90.0 if far_vis < self.config.min_visibility else math.nan

    def _scale_2d(self, meas: _Measures) -> float:
        """Stature in image-height units, without world landmarks.

        * During a lift the feet and the camera stay put, so the size
          measured at rest just before the lift is kept (no per-frame noise,
          no foreshortening).
        * Standing in a side or oblique view: the near-side segment chain
          (shoulder-hip-knee-ankle) / 0.779. It keeps its length while the
          body bends in a side view; in an oblique view bending shortens it a
          little, which is why the lift uses the size from rest.
        * Standing in a front view: bending toward the camera foreshortens the
          chain, but not the hip width, so the hip width times the ratio
          learned while upright gives the stature (it also follows a person
          walking toward or away from the camera). Only when both hips are
          seen: in an oblique view the far hip is a guess.
        """
        c = self.config
        b = self._base
        alpha = self._alpha(c.scale_tau_s)
        chain = meas.scale_2d
        warm = b.counts.get("width_k", 0) >= c.baseline_min_frames
        if warm and self._view == VIEW_FRONT and meas.hips_seen and geo.finite(b.width_k, meas.width_2d) \
                and b.width_k > 1e-9:
            by_width = meas.width_2d / b.width_k
            old = self._width_scale
            self._width_scale = by_width if not math.isfinite(old) else old + alpha * (by_width - old)
        else:
            self._width_scale = math.nan
        if self._phase in LIFT_PHASES and math.isfinite(self._lift_scale):
            return self._lift_scale
        if math.isfinite(self._width_scale):
            # the chain is never longer than the limbs: when it is the larger
            # estimate (upright, or the hip width lagging a quick approach)
            # it is the better one
            raw = max(self._width_scale, chain) if math.isfinite(chain) else self._width_scale
            self._scale_s = raw
            return raw
        if not math.isfinite(chain):
            return math.nan
        old = self._scale_s
        if math.isfinite(old) and chain < old and self._was_still:
            # standing in place, a body's size cannot shrink: a shorter
            # chain is bending (an oblique view foreshortens it), so the
            # decrease is followed only slowly; with the feet moving (walking
            # away) it is followed at once
            alpha = self._alpha(c.scale_shrink_tau_s)
        self._scale_s = chain if not math.isfinite(old) else old + alpha * (chain - old)
        return self._scale_s

    def _update_view(self, meas: _Measures, t: float) -> None:
        c = self.config
        if self._phase != STANDING or not math.isfinite(meas.yaw):
            return
        if not self._upright(meas):
            return
        alpha = self._alpha(c.view_tau_s)
        self._base.ema("yaw", meas.yaw, alpha)
        yaw = self._base.yaw
        hyst = c.view_hysteresis_deg if self._view != VIEW_UNKNOWN else 0.0
        bounds = {
            VIEW_FRONT: (-math.inf, c.front_yaw_max_deg),
            VIEW_OBLIQUE: (c.front_yaw_max_deg, c.side_yaw_min_deg),
            VIEW_SIDE: (c.side_yaw_min_deg, math.inf),
        }
        lo, hi = bounds.get(self._view, (math.inf, -math.inf))
        if lo - hyst <= yaw <= hi + hyst:
            return
        if yaw < c.front_yaw_max_deg:
            self._view = VIEW_FRONT
        elif yaw > c.side_yaw_min_deg:
            self._view = VIEW_SIDE
        else:
            self._view = VIEW_OBLIQUE

    def _alpha(self, tau: float) -> float:
        """EMA weight for one frame at ~30 fps (the frame interval is taken
        as 1/30 s: robust to duplicate timestamps and gaps)."""
        return 1.0 - math.exp(-(1.0 / 30.0) / max(tau, 1e-6))

    def _upright(self, meas: _Measures) -> bool:
        c = self.config
        b = self._base
        if math.isfinite(meas.trunk_s) and meas.trunk_s > c.bend_trunk_deg / 2:
            return False
        return not (math.isfinite(b.shoulder_h) and b.shoulder_h - meas.shoulder_s > c.bend_shoulder_drop / 2)

    # -- state machine -------------------------------------------------------------------
    def _step_phase(self, meas: _Measures, t: float) -> bool:
        """Advance the lift state machine; True on the frame a lift starts
        (when "Brace your core" is cued)."""
        c = self.config
        b = self._base
        if self._phase == STANDING:
            self._learn_baselines(meas, t)
            if not geo.finite(b.hand_h, b.shoulder_h):
                return False
            hand_drop = b.hand_h - meas.hand_s
            bent = (b.shoulder_h - meas.shoulder_s >= c.bend_shoulder_drop
                    or (math.isfinite(meas.trunk_s) and meas.trunk_s >= c.bend_trunk_deg))
            if hand_drop < c.descend_hand_drop and self._upright(meas) and meas.still:
                self._rest_t = t  # the lift, if one follows, starts after this
                self._rest_scale = meas.scale_img
            if hand_drop >= c.descend_hand_drop and bent and meas.still and self._size_reliable(meas):
                self._phase = DESCENDING
                recent = self._rest_t is not None and t - self._rest_t <= c.rest_window_s
                start = self._rest_t if recent and self._rest_t is not None else t
                self._lift_scale = self._rest_scale if recent else meas.scale_img
                self._track = _LiftTrack(start=start, side=self._side, view=self._view, last_seen_t=t,
                                         feet0=meas.feet_2d)
                self._accumulate(meas, t)
                return True
            return False

        tr = self._track
        if tr is None:  # cannot happen; keeps the state machine total
            self._phase = STANDING
            return False
        self._accumulate(meas, t)
        rise = meas.hand_s - tr.min_hand
        if t - tr.start > c.max_lift_s:
            self._abort(t)
            return False
        moved = math.dist(meas.feet_2d, tr.feet0) if geo.finite(*meas.feet_2d, *tr.feet0) else 0.0
        by_width = math.isfinite(self._width_scale)
        size = self._width_scale if by_width else meas.scale_2d
        grew = size / self._lift_scale if geo.finite(size, self._lift_scale) and self._lift_scale > 0 else 1.0
        # the segment chain legitimately shortens while bending (oblique
        # view), so without the hip width only growth is a sign of walking
        shrank = by_width and grew < 1.0 / c.size_moved_max
        if moved > c.feet_moved_max * self._lift_scale or grew > c.size_moved_max or shrank:
            self._abort(t)  # walked off, or toward or away from the camera: not a lift in place
            return False
        if self._phase == DESCENDING:
            if self._back_up(meas, tr):
                self._abort(t)  # came back up without reaching a bottom: not a lift
            elif rise >= c.bottom_rise or (t - tr.min_t >= c.bottom_dwell_s and tr.depth_ok):
                self._phase = BOTTOM
        elif self._phase == BOTTOM:
            if rise >= c.ascend_rise:
                self._phase = ASCENDING
        elif self._phase == ASCENDING:
            if rise < c.bottom_rise:
                self._phase = BOTTOM  # went down again (re-grip)
            elif self._back_up(meas, tr):
                self._finish(meas, t, tr)
        return False

    def _size_reliable(self, meas: _Measures) -> bool:
        """Can body heights be measured through a bend? With world landmarks
        (metric skeleton) or in a side or oblique view (segment chain), yes;
        in a 2D front view only once the hip-width size is learned: there
        the chain foreshortens as the body bends toward the camera."""
        return meas.source_world or self._view != VIEW_FRONT or math.isfinite(self._width_scale)

    def _back_up(self, meas: _Measures, tr: _LiftTrack) -> bool:
        c = self.config
        b = self._base
        drop = b.shoulder_h - meas.shoulder_s
        recovered = meas.shoulder_s - tr.min_shoulder >= c.return_shoulder_fraction * (b.shoulder_h - tr.min_shoulder)
        if drop > c.return_shoulder_drop and not recovered:
            return False
        if math.isfinite(meas.trunk_s) and meas.trunk_s > c.return_trunk_deg:
            return False
        depth = b.hand_h - tr.min_hand
        return meas.hand_s - tr.min_hand >= c.return_hand_fraction * max(depth, 0.0)

    def _learn_baselines(self, meas: _Measures, t: float) -> None:
        c = self.config
        b = self._base
        if not meas.still:
            return  # walking or shifting: what standing looks like is learned standing still
        if not self._upright(meas):
            # standing phase but never upright for long: the baselines are
            # wrong (learned from a bad start); learn them again
            if b.not_upright_since is None:
                b.not_upright_since = t
            elif t - b.not_upright_since > c.relearn_s:
                self._base = _Baselines()
                self._scale_s = math.nan
            return
        b.not_upright_since = None
        a = self._alpha(c.baseline_tau_s)
        b.ema("shoulder_h", meas.shoulder_s, a)
        b.ema("hand_h", meas.hand_s, a)
        # the body's widths are learned only while it faces the camera with
        # both hips seen (a turn or a side view would teach edge-on widths)
        facing = math.isfinite(meas.yaw) and meas.yaw < c.front_yaw_max_deg and meas.hips_seen
        if facing and math.isfinite(meas.scale_2d) and math.isfinite(meas.width_2d) and meas.scale_2d > 1e-9:
            b.ema("width_k", meas.width_2d / meas.scale_2d, a)
        if facing or self._view == VIEW_OBLIQUE:
            b.ema("width_q", meas.width_q, a)
        b.ema("floor_2d", meas.floor_2d, a)

    def _accumulate(self, meas: _Measures, t: float) -> None:
        c = self.config
        tr = self._track
        if tr is None:
            return
        tr.frames += 1
        tr.seen += 1
        tr.last_seen_t = t
        if meas.hand_s < tr.min_hand:
            tr.min_hand = meas.hand_s
            tr.min_t = t
            depth = self._base.hand_h - tr.min_hand
            tr.depth_ok = depth >= c.min_lift_depth and tr.min_hand <= c.lift_hand_max_h
        tr.min_shoulder = min(tr.min_shoulder, meas.shoulder_s)
        tr.samples.append((meas.hand_s, meas.knee, meas.hip, meas.h_frac, meas.h_cm, meas.v_cm))
        tr.note("trunk_max", meas.trunk_s)
        tr.note("twist_max", meas.twist)
        tr.note("h_frac_max", meas.h_frac)

    def _finish(self, meas: _Measures, t: float, tr: _LiftTrack) -> None:
        c = self.config
        self._phase = STANDING
        self._track = None
        self._carry_until = t + c.carry_window_s
        valid = (
            tr.depth_ok
            and t - tr.start >= c.min_lift_s
            and tr.seen >= c.min_seen_fraction * max(tr.frames, 1)
        )
        if not valid:
            return
        self._count += 1
        self._items.append(self._record(meas, t, tr))

    def _record(self, end: _Measures, t: float, tr: _LiftTrack) -> RepRecord:
        """The lift's record. "At the bottom" means the frames in which the
        hands were within ``bottom_rise`` of their lowest point (the load's
        origin in NIOSH terms); medians there are robust to landmark jitter,
        and the knee flexion there is summarised by its lower quartile (a
        robust minimum: the straightest the knees were at the bottom)."""
        c = self.config
        near = [smp for smp in tr.samples if smp[0] <= tr.min_hand + c.bottom_rise]
        knee_bottom = _quantile([smp[1] for smp in near], 0.25)
        hip_bottom = _quantile([smp[2] for smp in near], 0.5)
        ratio = m.hip_knee_ratio(hip_bottom, _quantile([smp[1] for smp in near], 0.5), c.ratio_knee_floor_deg)
        bot = _Measures(h_frac=_quantile([smp[3] for smp in near], 0.5), h_cm=_quantile([smp[4] for smp in near], 0.5),
                        v_cm=_quantile([smp[5] for smp in near], 0.5), hip=hip_bottom, ratio=ratio)
        lift_type = m.classify_lift(
            knee_bottom, bot.ratio,
            stoop_knee_max_deg=c.stoop_knee_max_deg, stoop_ratio_min=c.stoop_ratio_min,
            squat_knee_min_deg=c.squat_knee_min_deg, squat_ratio_max=c.squat_ratio_max,
        )
        hm = m.horizontal_multiplier(bot.h_cm, c.h_min_cm, c.h_max_cm)
        vm = m.vertical_multiplier(bot.v_cm, c.v_opt_cm, c.vm_slope_per_cm, c.v_max_cm)
        d_cm = end.v_cm - bot.v_cm
        dm = m.distance_multiplier(d_cm, c.d_min_cm, c.d_max_cm, c.dm_constant, c.dm_coefficient_cm)
        am = m.asymmetric_multiplier(tr.twist_max, c.am_slope_per_deg, c.am_max_deg)
        if not math.isfinite(am):
            am = 1.0  # asymmetry unseen in this view: assumed symmetric
        product = hm * vm * dm * am
        risk = 1.0 - product if math.isfinite(product) else math.nan
        faults = tuple(code for code in FAULT_PRIORITY if code in tr.faults)
        score = max(0.0, 100.0 - sum(c.penalty(code) for code in faults))
        measures: dict[str, float] = {
            "trunk_flexion_max": tr.trunk_max,
            "knee_flexion_min_at_bottom": knee_bottom,
            "hip_flexion_at_bottom": bot.hip,
            "hip_knee_ratio": bot.ratio,
            "h_frac": bot.h_frac,
            "h_frac_max": tr.h_frac_max,
            "h_cm": bot.h_cm,
            "hm": hm,
            "v_cm": bot.v_cm,
            "vm": vm,
            "d_cm": d_cm,
            "dm": dm,
            "am": am,
            "twist_max": tr.twist_max,
            "lowest_hand_h": tr.min_hand,
            "lift_type": LIFT_TYPE_CODES[lift_type],
            "risk_index": risk,
        }
        if self.load_kg is not None:
            rwl = c.niosh_load_constant_kg * product if math.isfinite(product) else math.nan
            measures["rwl_kg"] = rwl
            if not math.isfinite(rwl):
                measures["lifting_index"] = math.nan
            else:  # RWL = 0 (H > 63 cm): no load is acceptable, LI is unbounded
                measures["lifting_index"] = self.load_kg / rwl if rwl > 0 else math.inf
        self._lift_types.append(lift_type)
        return RepRecord(
            index=self._count,
            kind="lift",
            start=tr.start,
            end=t,
            score=score,
            faults=faults,
            side=tr.side,
            good=not faults,
            measures=measures,
        )

    # -- faults -------------------------------------------------------------------------
    def _raw_faults(self, meas: _Measures, t: float) -> list[str]:
        raw: list[str] = []
        in_lift = self._phase in LIFT_PHASES
        trunk = meas.trunk if math.isfinite(meas.trunk) else math.nan
        if math.isfinite(trunk) and math.isfinite(meas.knee):
            knee_straight = self._h_knee.update(meas.knee)
            trunk_bent = self._h_stoop_trunk.update(trunk)
            if knee_straight and trunk_bent:
                raw.append(KNEES_STRAIGHT)
        else:
            self._h_knee.reset()
            self._h_stoop_trunk.reset()
        if math.isfinite(trunk):
            if self._h_trunk.update(trunk):
                raw.append(BACK_ROUNDED)
        else:
            self._h_trunk.reset()
        if in_lift and math.isfinite(meas.h_frac):
            if self._h_far.update(meas.h_frac):
                raw.append(LOAD_FAR)
        else:
            self._h_far.reset()
        if (in_lift or t <= self._carry_until) and math.isfinite(meas.twist):
            h = self._h_twist_proxy if meas.twist_2d else self._h_twist
            if h.update(meas.twist):
                raw.append(TWISTING)
        else:
            self._h_twist.reset()
            self._h_twist_proxy.reset()
        return raw

    @staticmethod
    def _metrics(meas: _Measures) -> dict[str, float]:
        return {
            "trunk_flexion": meas.trunk,
            "knee_flexion_left": meas.knee_l,
            "knee_flexion_right": meas.knee_r,
            "knee_flexion": meas.knee,
            "hip_flexion": meas.hip,
            "hip_knee_ratio": meas.ratio,
            "h_frac": meas.h_frac,
            "h_cm": meas.h_cm,
            "v_cm": meas.v_cm,
            "twist": meas.twist,
            "hand_height": meas.hand_h,
            "shoulder_height": meas.shoulder_h,
            "view_yaw": meas.yaw,
        }

    def _judged_description(self, view: str, world: bool) -> dict[str, bool]:
        flex = world or view == VIEW_SIDE
        twist = world or view in (VIEW_FRONT, VIEW_OBLIQUE)
        return {KNEES_STRAIGHT: flex, BACK_ROUNDED: flex, LOAD_FAR: flex, TWISTING: twist}
