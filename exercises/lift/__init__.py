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
  0.05-0.35, docs/measured.md), so angles come from the near side;
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
camera cannot see whether the abdominal muscles are tight (docs/formats.md, fault codes).

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
