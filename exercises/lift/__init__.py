"""Lift coach: segments each lift and checks the posture while it happens.

Back spasms are often triggered by lifting something heavy. The advice is
to keep the knees bent, the back straight and the load close, and to turn
with the feet instead of twisting. This analyzer:

* **segments lifts** from where the hands are against the knees and
  whether the body is upright, both read from the same frame (no standing
  baseline has to be learned first), with a hysteresis state machine
  ``standing -> descending -> bottom -> ascending -> standing``. A lift
  counts when the hands (the load) went from below the knees to standing
  upright, whether the recording starts standing, at the load or partway
  down: "at the load" is the wrists at most half a hand length above the
  knee joints (the grip at knee height or lower) for 0.15 s; "upright" is
  the hands well above the knees and, where the angles can be read, the
  trunk within 15 deg of vertical and the knees nearly straight (in a 2D
  front view, where a bend toward the camera hides the trunk angle, the
  shoulders near the highest they have been). Every duration is in
  seconds, never frames, so 10 to 60 fps and dropped frames give the same
  lifts. Walking never starts a lift and a lift is dropped when the feet
  move off; a lift hidden for more than ``lost_reset_s`` is dropped,
  never guessed;
* **sees through the load**: the joints needed to segment are a shoulder,
  a hip and a wrist. Knees and ankles hidden by the load (the plates of a
  barbell, a box) do not lose the lift: the hands are compared with the
  knees as last seen in that lift, and the faults that need the knees or
  feet (``knees_straight``, ``load_far``) are simply not judged on those
  frames. A body never seen below the hips is not judged at all;
* **measures per frame** trunk flexion from vertical, knee flexion (both
  sides), hip flexion, the hip/knee flexion ratio (squat ~1, stoop >> 1),
  the NIOSH horizontal distance H of the hands from the ankle midpoint
  (fraction of body height, and cm), the hand height V and the trunk twist;
* **judges only what the view allows** (the view is estimated from the
  first frames, re-estimated while standing between lifts and locked for
  a lift):

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
  0.05-0.35, docs/measured.md), so angles come from the near side;
* reports the faults (hysteresis + FaultDebouncer, safety first), each
  named for what it measures:

  - ``knees_straight``: a stoop, the trunk flexed past 45 deg with the
    knees nearly straight (< 30 deg);
  - ``back_rounded``: trunk flexion beyond what the knee bend explains. A
    camera sees the shoulder-hip line, not the lumbar curve, so trunk
    inclination alone is not a rounded back: the limit is 60 deg with the
    knees nearly straight and rises to 75 deg with the knees bent 90 deg or
    more (bent knees slacken the hamstrings and send the hips back, so a
    squat lift with a neutral back inclines the trunk 40-60 deg; see
    :attr:`LiftConfig.squat_trunk_allowance_deg`). A hidden knee gets the
    full allowance (never a guessed knee);
  - ``load_far``: the hands more than 0.30 statures in front of the ankles
    (the H of the NIOSH equation);
  - ``twisting``: the shoulders turned against the hips;
  - ``not_visible``: the key joints unseen for 0.5 s;
* scores each lift: 100 minus the penalties of the faults reported during
  it (a lift called clean scores 100), the set the mean over its lifts
  (see ``SetSummary.score_formula``), and gives a NIOSH-inspired
  **posture-risk index**.
  The load's weight is unknown to a camera, so this is *not* a NIOSH
  recommended weight limit; with ``load_kg`` it also gives the lifting index
  LI = load / RWL (multipliers the camera cannot see are assumed 1, see
  :data:`ASSUMPTIONS`).

Bracing: before each lift that begins from standing (on the frame its
descent is recognised) the analyzer cues "Brace your core" once; never for a
lift already under way when the recording starts, never over a fault. This
is a **reminder, not a check**: a camera cannot see whether the abdominal
muscles are tight (docs/formats.md, fault codes).

2D twist proxy (front views, and oblique views without world landmarks):
the 2D shoulder width divided by the 2D hip width, against the same quotient
while standing facing the camera. If the hips stay put and the shoulders
turn by ``theta`` the quotient scales by cos(y0 + theta) / cos(y0). Its
limits: the sign is lost; twists below ~15 degrees are invisible (the cosine
barely moves); only a narrowing counts, because a bend toward the camera
widens the shoulders by perspective; a twist that swings the shoulders
through facing the camera (standing 20-30 degrees off a front view and
turning toward it) is missed; shoulder protraction and side bending also
narrow the shoulders. See :func:`exercises.lift.measures.twist_proxy_2d`.

Body size: distances are fractions of body height (statures). With world
landmarks the height comes from MediaPipe's metric skeleton; without them
the 2D size comes from the segment chain (side view) or the hip width
(front view) and is converted to cm with an *assumed* stature
(``LiftConfig.assumed_stature_m``), which the summary states. The camera is
assumed level (image "down" is gravity).
"""

from __future__ import annotations

from exercises.lift.analyzer import LiftAnalyzer
from exercises.lift.config import (
    ASCENDING,
    BACK_ROUNDED,
    BOTTOM,
    BRACE_CUE,
    DESCENDING,
    FAULT_PRIORITY,
    KNEES_STRAIGHT,
    LIFT_PHASES,
    LIFT_TYPE_CODES,
    LOAD_FAR,
    PHASES,
    SPEC,
    STANDING,
    TWISTING,
    LiftConfig,
)

__all__ = [
    "ASCENDING",
    "BACK_ROUNDED",
    "BOTTOM",
    "BRACE_CUE",
    "DESCENDING",
    "FAULT_PRIORITY",
    "KNEES_STRAIGHT",
    "LIFT_PHASES",
    "LIFT_TYPE_CODES",
    "LOAD_FAR",
    "PHASES",
    "SPEC",
    "STANDING",
    "TWISTING",
    "LiftAnalyzer",
    "LiftConfig",
]
