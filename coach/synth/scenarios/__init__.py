"""The scenario library: animated, filmed and (optionally) noisy pose
sequences with their ground truth.

Every generator takes ``seed`` (body, movement variation and noise each get
their own stream, so changing the noise does not change the movement),
``noise`` (a :class:`NoiseConfig` or None for clean frames), ``view`` (a
:class:`View` or ``"side"``/``"front"``/``"oblique"``), ``dims`` (None =
sampled from the seed), ``fps`` and ``t0`` (the first timestamp), and its
movement parameters in anatomical units (degrees, cm, seconds).

Joint angles are animated between keyframes with minimum-jerk easing
(Flash & Hogan 1985), with tempo variation of +-15 % on the movements and
~1 degree of natural sway and breathing on top. Holds keep their exact
requested durations (they are what the truth is checked against).

Truth conventions (:class:`Truth`):

* ``count`` is what a correct analyzer reports: completed reps (bridge),
  completed holds (plank: 1; knee-to-chest: one per side held), completed
  lifts. ``good_count`` counts those without a clear fault.
* ``faults`` must be reported; ``ambiguous_faults`` are borderline (the
  parameter lies between "clearly fine" and "clearly faulty", see the
  ``*_FAULT`` thresholds in each exercise's module) and may or may not be
  reported. Any other fault code is a false alarm.
* ``fault_spans`` start when a fault that ramps in (over ``FAULT_RAMP_S``)
  reaches half its size; faults present from the start span the whole hold
  (plank, knee-to-chest) or each top hold (bridge) or lift.
* ``good_hold_s``: hold time before the first clear fault (analyzers count a
  hold only while the form is good). Expect analyzers within about a second
  (debouncing, smoothing, the hold starting once the pose is recognised).

One module per exercise: :mod:`~coach.synth.scenarios.plank`,
:mod:`~coach.synth.scenarios.bridge`,
:mod:`~coach.synth.scenarios.knee_to_chest`,
:mod:`~coach.synth.scenarios.lift`; :mod:`~coach.synth.scenarios.idle`
(standing, walking, an empty room), :mod:`~coach.synth.scenarios.partial`
(filmed too close) and :mod:`~coach.synth.scenarios.demo` (the demo track).
The types are in :mod:`~coach.synth.scenarios.types`, the shared timeline and
helpers in ``_common``.
"""

from __future__ import annotations

from coach.synth.scenarios._common import (
    BREATH_DEG,
    BREATH_HZ,
    DEFAULT_FPS,
    EXERCISES,
    FAULT_RAMP_S,
    STAND_ARMS,
    SWAY_DEG,
    SWAY_HZ,
    TEMPO_VARIATION,
    min_jerk,
)
from coach.synth.scenarios.bridge import (
    BRIDGE_ARCH_FAULT,
    BRIDGE_CLOSE_FAULT,
    BRIDGE_END_REST_S,
    BRIDGE_FAR_FAULT,
    BRIDGE_LOW_FAULT,
    BRIDGE_MOVE_S,
    BRIDGE_START_REST_S,
    BRIDGE_TOP_PITCH_DEG,
    BRIDGE_UNEVEN_FAULT,
    bridge_reps,
)
from coach.synth.scenarios.demo import DEMO_GAP_S, demo_track
from coach.synth.scenarios.idle import STRIDE_HZ, WALK_HALF_RANGE_M, WALK_TURN_S, no_person, standing_still, walking
from coach.synth.scenarios.knee_to_chest import (
    KTC_BETWEEN_S,
    KTC_CLOSE_FAULT,
    KTC_EXTENDED_ANKLE_DEG,
    KTC_HEAD_FAULT,
    KTC_OTHER_LEG_FAULT,
    KTC_OTHER_LEG_RAMP_S,
    KTC_PULL_ADDUCTION_DEG,
    KTC_PULL_S,
    KTC_RELEASE_S,
    KTC_REST_KNEE_DEG,
    KTC_START_REST_S,
    KneeSide,
    knee_to_chest,
)
from coach.synth.scenarios.lift import (
    BOTTOM_ARM_HINT,
    BOX_SPREAD_M,
    CARRY_DISTANCE_FRAC,
    CARRY_HEIGHT_FRAC,
    LIFT_ASCEND_S,
    LIFT_BACK_FAULT,
    LIFT_BOTTOM_S,
    LIFT_CARRY_S,
    LIFT_DESCEND_S,
    LIFT_KINDS,
    LIFT_KNEES_STRAIGHT_FAULT,
    LIFT_LOAD_FAR_FAULT,
    LIFT_RELEASE_S,
    LIFT_STAND_S,
    LIFT_STYLES,
    LIFT_TWIST_FAULT,
    REACH_FRACTION,
    REACH_MAX_M,
    LiftKind,
    lift_sequence,
)
from coach.synth.scenarios.partial import partial_body
from coach.synth.scenarios.plank import (
    PLANK_ELBOW_AHEAD_FAULT,
    PLANK_ELBOW_BEHIND_FAULT,
    PLANK_HABIT_PIKE,
    PLANK_HEAD_FAULT,
    PLANK_KNEEL,
    PLANK_NOMINAL_PITCH_DEG,
    PLANK_PIKE_FAULT,
    PLANK_SAG_FAULT,
    PLANK_SETUP_S,
    PLANK_TRANSITION_S,
    plank_hold,
)
from coach.synth.scenarios.types import FloatArray, LiftTruth, Scenario, Span, Truth

__all__ = [
    "BOTTOM_ARM_HINT",
    "BOX_SPREAD_M",
    "BREATH_DEG",
    "BREATH_HZ",
    "BRIDGE_ARCH_FAULT",
    "BRIDGE_CLOSE_FAULT",
    "BRIDGE_END_REST_S",
    "BRIDGE_FAR_FAULT",
    "BRIDGE_LOW_FAULT",
    "BRIDGE_MOVE_S",
    "BRIDGE_START_REST_S",
    "BRIDGE_TOP_PITCH_DEG",
    "BRIDGE_UNEVEN_FAULT",
    "CARRY_DISTANCE_FRAC",
    "CARRY_HEIGHT_FRAC",
    "DEFAULT_FPS",
    "DEMO_GAP_S",
    "EXERCISES",
    "FAULT_RAMP_S",
    "KTC_BETWEEN_S",
    "KTC_CLOSE_FAULT",
    "KTC_EXTENDED_ANKLE_DEG",
    "KTC_HEAD_FAULT",
    "KTC_OTHER_LEG_FAULT",
    "KTC_OTHER_LEG_RAMP_S",
    "KTC_PULL_ADDUCTION_DEG",
    "KTC_PULL_S",
    "KTC_RELEASE_S",
    "KTC_REST_KNEE_DEG",
    "KTC_START_REST_S",
    "LIFT_ASCEND_S",
    "LIFT_BACK_FAULT",
    "LIFT_BOTTOM_S",
    "LIFT_CARRY_S",
    "LIFT_DESCEND_S",
    "LIFT_KINDS",
    "LIFT_KNEES_STRAIGHT_FAULT",
    "LIFT_LOAD_FAR_FAULT",
    "LIFT_RELEASE_S",
    "LIFT_STAND_S",
    "LIFT_STYLES",
    "LIFT_TWIST_FAULT",
    "PLANK_ELBOW_AHEAD_FAULT",
    "PLANK_ELBOW_BEHIND_FAULT",
    "PLANK_HABIT_PIKE",
    "PLANK_HEAD_FAULT",
    "PLANK_KNEEL",
    "PLANK_NOMINAL_PITCH_DEG",
    "PLANK_PIKE_FAULT",
    "PLANK_SAG_FAULT",
    "PLANK_SETUP_S",
    "PLANK_TRANSITION_S",
    "REACH_FRACTION",
    "REACH_MAX_M",
    "STAND_ARMS",
    "STRIDE_HZ",
    "SWAY_DEG",
    "SWAY_HZ",
    "TEMPO_VARIATION",
    "WALK_HALF_RANGE_M",
    "WALK_TURN_S",
    "FloatArray",
    "KneeSide",
    "LiftKind",
    "LiftTruth",
    "Scenario",
    "Span",
    "Truth",
    "bridge_reps",
    "demo_track",
    "knee_to_chest",
    "lift_sequence",
    "min_jerk",
    "no_person",
    "partial_body",
    "plank_hold",
    "standing_still",
    "walking",
]
