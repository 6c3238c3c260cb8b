"""The lift coach's constants, spec and thresholds (:class:`LiftConfig`), each
with its reason."""

from __future__ import annotations

import math
from dataclasses import dataclass

from coach.aspect import EVIDENCE_MIXED, AspectConfig
from coach.spec import Bound, ExerciseSpec, FaultSpec, ItemMeasure, MetricSpec, OptionSpec, RecognitionSpec

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

RECOGNITION = RecognitionSpec(
    called="a lift",
    # the bottom: on the feet (shins steep, hips well off the floor), hands
    # at or below the knees; a squat with the hands up is not a lift, nor
    # a plank (shins flat)
    position=(
        Bound("hands_below_knees", lo=0.0),
        Bound("shank_down_max", hi=65.0),
        Bound("hip_h", lo=0.15),
        Bound("shoulder_h", lo=0.25),
        Bound("trunk_incl", hi=120.0),
        Bound("ankle_h_max", hi=0.2),
    ),
    settle_s=0.15,
    # standing upright, hands above the knees
    rest=(
        Bound("trunk_incl", hi=30.0),
        Bound("hip_h", lo=0.38),
        Bound("shoulder_h", lo=0.6),
        Bound("knee_flex_max", hi=45.0),
        Bound("hands_below_knees", hi=-0.08),
    ),
    rest_within_s=4.0,
    max_gap_s=12.0,
    lead_s=2.0,
    trail_s=2.0,
)
"""A lift goes down from standing and comes back up: the bottom counts when
the person stood within 4 s before it or stands up within 4 s after it (a
forward fold that never stands up is not a lift)."""

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
        MetricSpec("hands_below_knees", "hands below the knees", "of body height"),
        MetricSpec("hands_below_knees_max", "hands furthest below the knees", "of body height"),
        MetricSpec("trunk_flexion_unexplained", "trunk flexion beyond the knee-bend allowance", "deg"),
    ),
    recognition=RECOGNITION,
    stature_option="stature_m",
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
    shoulder and hip, one wrist, and the near-side knee and ankle unless the
    load hides them, see ``knee_memory_s``) must reach it, else
    ``not_visible``."""
    lost_reset_s: float = 1.0
    """Out of view longer than this during a lift: the lift is dropped, since
    a lift must never be counted from frames that were not seen."""
    max_frame_gap_s: float = 1.0
    """A gap between frames longer than this (or time going backwards) is a
    discontinuity: any lift in progress is dropped."""
    min_seen_fraction: float = 0.8
    """At least this fraction of a lift's frames from the load to standing
    (the part that makes it a lift) must have been judged; a lift unseen for
    more than ``lost_reset_s`` is dropped whatever the fraction."""
    jump_speed: float = 5.0
    """Statures per second: faster than any body movement in lifting (the
    hips move < 1 m/s, ~0.6 statures/s). A faster hip jump is a tracking
    glitch (another person, a swapped skeleton): the frame is not judged."""
    jump_slack: float = 0.05
    """Statures of extra allowance for the jump test (landmark noise)."""
    jump_confirm_s: float = 0.1
    """Once the hips have stayed at a new place this long (3 frames at
    30 fps), the jump is accepted as real (the camera or the person moved)."""
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
    stature_m: float | None = None
    """The person's own height (``coach profile --height``): when given,
    fractions of stature become cm with it, world landmarks or not."""
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
    # A lift is segmented on signals of the same frame, relative to the body:
    # where the hands are against the knees, and whether the body is upright.
    # Nothing has to be learned first, so a recording may start standing, at
    # the load or partway down. Every duration is in seconds (never a number
    # of frames), so the result does not depend on the frame rate.
    median_window_s: float = 0.17
    """The segmentation signals (hands against the knees, trunk and knee
    angles, shoulder height) are the median of the judged frames of the
    last 0.17 s (5 frames at 30 fps, 2 at 10 fps, 10 at 60 fps): a glitchy
    frame cannot start or end a phase, for ~0.08 s of lag at any frame rate."""
    at_load_below: float = -0.05
    """The hands are "at the load" when the grip is at or below the height
    of the knee joints. The grip (the palm's centre) lies about half a hand
    length, 0.05 statures (hand 0.108, Drillis & Contini), below the wrist
    landmark, so the wrists may be up to 0.05 statures above the knees
    (``hands_below_knees`` >= -0.05). NIOSH counts a lift from below the
    knees (V < ~50 cm; knee height is 0.285 statures) as the one that needs
    the knees bent. A lift counts only when the hands went there."""
    at_load_off: float = 0.09
    """Hysteresis: the hands leave the load once the wrists are 0.09
    statures (~15 cm) above the knees, 0.04 above ``at_load_below`` (after
    smoothing, wrist and knee jitter is < 1 cm)."""
    at_load_min_s: float = 0.15
    """The hands must stay at the load this long to count as having reached
    it: gripping a load takes 0.3 s or more, a wrist glitch lasts a frame
    or two."""
    knee_memory_s: float = 1.0
    """When the knees are hidden (by the load, or the plates of a barbell)
    the hands are compared with the knees as last seen: during a lift, as
    last seen in that lift (the feet and the camera stay put, so the knee
    moves ~0.05 statures at most between mid-descent and the bottom); outside
    a lift, for this long after they were last seen. Frames whose legs were
    not seen in that time are not judged (a body cut off at the knees by the
    framing is ``not_visible``, never guessed)."""
    bend_trunk_deg: float = 20.0
    """Trunk flexion above this is a bend: ISO 11226 accepts trunk
    inclination up to 20 deg without a time limit, and 20 deg ends REBA's
    lowest flexion band (Hignett & McAtamney 2000). A descent starts with
    a bend; the hands count as at the load only with the trunk bent this
    much (where the view shows flexion), so sitting with the arms hanging
    beside a chair, wrists below the knees and trunk upright, is not a lift."""
    bend_knee_deg: float = 45.0
    """... or the straighter knee flexed past 45 deg: squatting down (a squat
    lift may keep the trunk near vertical until deep). Walking flexes the
    swing knee up to ~60 deg but the stance knee stays under ~20 deg (Perry
    1992), and the straighter knee is the one compared."""
    upright_trunk_deg: float = 15.0
    """Upright (standing, the end of a lift): trunk within 15 deg of
    vertical. 5 deg below ``bend_trunk_deg`` as hysteresis, so a body
    swaying around 20 deg never flickers between standing and descending;
    quiet standing sways a few degrees and a lifter holding the load at the
    thighs or hips stands at -10..+10 deg."""
    upright_knee_deg: float = 30.0
    """... with the straighter knee flexed less than 30 deg ("nearly
    straight", as for ``stoop_knee_max_deg``; relaxed standing is 0-15 deg
    by landmarks). Not tested when no knee is seen (trunk and hands decide) ..."""
    upright_hand_above: float = 0.12
    """... and the wrists at least 0.12 statures (~20 cm) above the knees:
    arms hanging put them ~0.20 above, a bar held at the thighs 0.15-0.25.
    Above ``at_load_off``, so "upright" and "at the load" are exclusive."""
    upright_height_frac: float = 0.92
    """Views that do not show flexion (2D front or oblique: the trunk bends
    toward the camera): upright when the shoulders are at least 92 % as high
    above the floor line as they have been at their highest (a level camera
    shows heights truly in any view, and the camera and the feet stay put
    during a lift). Standing is the highest a body gets; 8 % lower is ~0.06
    statures, a trunk bent ~35 deg or knees bent ~40 deg. The reference is
    the running maximum of the median-filtered height over
    ``height_window_s``: it needs no standing phase to be learned first (a
    recording that starts at the load finds it as the lifter comes up; the
    first lift then ends a little early, still counted once)."""
    bend_height_frac: float = 0.88
    """... and bent (a descent starts) below 88 % of it (hysteresis)."""
    height_window_s: float = 20.0
    """The highest shoulder height is remembered this long (as long as a
    lift may take, ``max_lift_s``), so a person who turns or moves relative
    to the camera between lifts gets a fresh reference."""
    baseline_tau_s: float = 1.0
    """Time constant of what is learned while standing upright: the view,
    the frontal body widths (2D body size and twist in a front view) and the
    floor line."""
    scale_tau_s: float = 0.15
    """Time constant of the 2D body size while standing: removes landmark
    jitter yet follows a person walking toward the camera (their image grows
    by ~30-60 %/s at 2-4 m): 0.15 s lags ~5-9 %."""
    scale_shrink_tau_s: float = 2.0
    """... but with the feet still the 2D segment chain is followed down only
    slowly: in an oblique view it shortens as the body bends, before a
    descent is recognised, while the body's real size cannot change without
    the feet moving."""
    baseline_min_s: float = 0.5
    """The width-based body size is trusted after 0.5 s of standing facing
    the camera; before that the segment chain (exact while upright) is used."""
    rest_window_s: float = 3.0
    """A lift starts at the last moment the body was at rest (upright, feet
    still) if that was at most this long before the descent was recognised;
    otherwise (a recording that starts bent or at the load) at its first
    frame. "Brace your core" is said only for a descent from rest."""
    bottom_rise: float = 0.02
    """Hands back within this (~3 cm) of their lowest point: at the bottom
    again (a re-grip while coming up)."""
    ascend_rise: float = 0.06
    """Hands rising this much (~10 cm) above their lowest point, or leaving
    the load (``at_load_off``): ascending."""
    min_lift_s: float = 0.5
    """A lift from below the knees to standing takes longer than this (the
    fastest deadlift pulls take ~0.6-0.8 s; most lifts 1-3 s). Shorter
    excursions are tracking glitches."""
    max_lift_s: float = 20.0
    """Longer than this away from standing is another activity (kneeling,
    crouching to work), not a lift."""
    still_window_s: float = 0.5
    """A lift is made standing in place. A descent may not start, and the
    standing baselines are not learned, while the feet are seen moving over
    this window: walking never starts a lift."""
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
    (statures, ~40 cm) from where they were first seen in it: that is
    walking or carrying, not a lift in place."""
    size_moved_max: float = 1.3
    """... or if the body's 2D size changes by more than 30 % (walking toward
    or away from the camera) from the size at rest before the lift. In a
    front view the size comes from the hip width, which bending does not
    change; elsewhere from the segment chain, which bending shortens (~20-30 %
    in an oblique view), so there only a growth counts. A lift that did not
    start from rest has no such reference and relies on the feet."""
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
    """``back_rounded`` is trunk flexion beyond what the knee bend explains.
    The camera sees the shoulder-hip line, not the lumbar curve: its
    inclination is the pelvis rotating on the thighs plus the flexion of the
    lumbar spine, and a camera cannot tell them apart, so trunk inclination
    alone is not a rounded back. With the knees nearly straight the
    hamstrings (which cross the knee) stop the pelvis early, and bending on
    past ~60 deg comes from the lumbar spine (lumbo-pelvic rhythm, Esola et
    al. 1996, Spine 21:71); 60 deg is also where ISO 11226 calls trunk
    inclination "not acceptable" and REBA's top band starts. So with the
    knees flexed up to ``allowance_knee_start_deg`` the limit is 60 deg."""
    trunk_flexion_off_deg: float = 55.0
    """Hysteresis for ``trunk_flexion_max_deg`` (the same 5 deg below the
    knee-dependent limit)."""
    squat_trunk_allowance_deg: float = 15.0
    """Bending the knees slackens the hamstrings, so the pelvis can rotate
    further on the thighs, and sends the hips back, so the trunk must lean
    forward to keep the body's centre of mass over the feet: a squat lift
    with a neutral back inclines the trunk 40-60 deg at 90-110 deg of knee
    flexion (real squat bottoms in tests/data/real, pck_squat and
    mlkit_squats_down: trunk 39-57 deg at ~96 deg; the synthetic squat lift
    ~48 deg at 120). With the knees bent ``allowance_knee_full_deg`` or more
    the limit is 60 + 15 = 75 deg: 15 deg above the most inclined real squat
    bottom, for landmark error. A stoop (trunk 80-105 deg with the knees
    under 20) and a reach with a half squat (trunk ~87 deg at 65 deg of knee
    flexion, limit 69) stay flagged. When no knee is seen (hidden by the
    load) the full allowance applies: only a trunk that no knee bend could
    explain is flagged, and the knees are never guessed."""
    allowance_knee_start_deg: float = 30.0
    """The allowance starts at the stoop boundary (knees "nearly straight"
    below 30 deg, ``stoop_knee_max_deg``) ..."""
    allowance_knee_full_deg: float = 90.0
    """... and grows linearly to its full value at 90 deg of knee flexion
    (thighs near horizontal: a full squat lift starts at 90-120 deg,
    Burgess-Limerick 2003)."""
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
            ("upright_trunk", self.upright_trunk_deg < self.bend_trunk_deg),
            ("upright_height", self.bend_height_frac < self.upright_height_frac <= 1.0),
            ("at_load", self.at_load_off > -self.at_load_below),
            ("upright_hands", self.upright_hand_above > self.at_load_off),
            ("allowance", self.allowance_knee_start_deg < self.allowance_knee_full_deg),
        )
        for name, ok in pairs:
            if not ok:
                raise ValueError(f"LiftConfig: {name} thresholds are the wrong way round")
        if not 0.0 < self.assumed_stature_m < 3.0:
            raise ValueError(f"LiftConfig.assumed_stature_m must be a human height, got {self.assumed_stature_m}")
        if self.stature_m is not None and not 0.0 < self.stature_m < 3.0:
            raise ValueError(f"LiftConfig.stature_m must be a human height, got {self.stature_m}")

    @property
    def segments_frac(self) -> float:
        """(shoulder height - ankle height) / stature: the trunk + thigh +
        shank chain as a fraction of stature (0.779)."""
        return self.shoulder_height_frac - self.ankle_height_frac

    @property
    def score_formula(self) -> str:
        """The set's score in words (``SetSummary.score_formula``)."""
        return (
            "mean over lifts of the per-lift score; per-lift score = 100 - penalties of the faults "
            f"reported during that lift, each once however long it lasted (back_rounded "
            f"{self.penalty_back_rounded:g}, knees_straight {self.penalty_knees_straight:g}, twisting "
            f"{self.penalty_twisting:g}, load_far {self.penalty_load_far:g}), floored at 0: a lift with no "
            "fault (called clean) scores 100, and a fault can only lower it; 0 when no lift was completed"
        )

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
