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
  ``*_FAULT`` thresholds below) and may or may not be reported. Any other
  fault code is a false alarm.
* ``fault_spans`` start when a fault that ramps in (over ``FAULT_RAMP_S``)
  reaches half its size; faults present from the start span the whole hold
  (plank, knee-to-chest) or each top hold (bridge) or lift.
* ``good_hold_s``: hold time before the first clear fault (analyzers count a
  hold only while the form is good). Expect analyzers within about a second
  (debouncing, smoothing, the hold starting once the pose is recognised).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from coach.landmarks import NUM_LANDMARKS, Landmark, Side
from coach.pose import PoseFrame
from coach.synth.body import (
    HIP_LYING_H,
    NUMERIC_FIELDS,
    SHOULDER_LYING_H,
    BodyDims,
    Posture,
    PostureSeq,
    bilateral,
    solve,
    supine_knee_bent_hip_flexion,
    supine_straight_leg_hip_flexion,
)
from coach.synth.camera import (
    Camera,
    Cut,
    View,
    ViewKind,
    as_view,
    frame_camera,
    project_track,
    to_frames,
)
from coach.synth.noise import NoiseConfig, apply_noise

FloatArray = NDArray[np.float64]
LiftKind = Literal["squat", "stoop", "reach", "twist"]
KneeSide = Literal["left", "right", "both"]
EXERCISES: tuple[str, ...] = ("plank", "hip_bridge", "knee_to_chest", "lift")
LIFT_KINDS: tuple[LiftKind, ...] = ("squat", "stoop", "reach", "twist")

DEFAULT_FPS = 30.0
"""Webcams deliver 30 frames per second (33 ms per frame, FACTS.md)."""
TEMPO_VARIATION = 0.15
"""Movement durations vary by +-15 % (people do not move like metronomes)."""
FAULT_RAMP_S = 1.5
"""A fault that appears mid-hold (a plank that starts to sag) grows over 1.5 s."""
SWAY_DEG = 1.0
"""Natural postural sway of a held position, ~1 degree."""
BREATH_DEG = 0.8
"""Breathing moves the trunk by under a degree."""
BREATH_HZ = (0.2, 0.3)
"""12-18 breaths a minute."""
SWAY_HZ = (0.08, 0.4)
"""Postural sway is slow: most power below 0.5 Hz."""

# -- truth thresholds: (ambiguous from, clear from) ------------------------------------
PLANK_SAG_FAULT = (6.0, 13.0)
"""Degrees short of a straight shoulder-hip-ankle line, hips low. A good
plank varies by +-3 degrees; 13 degrees drops the hip ~0.16 trunk lengths."""
PLANK_PIKE_FAULT = (7.0, 15.0)
"""Hips high: tolerated a little more (it does not load the lumbar spine)."""
PLANK_HEAD_FAULT = (15.0, 35.0)
"""Neck flexion (degrees) of a dropped head: 35 degrees puts the ear ~25-30
degrees below the continued hip-shoulder line."""
PLANK_ELBOW_FAULT = (15.0, 30.0)
"""Upper arm from vertical (degrees): elbows not under the shoulders."""
BRIDGE_LOW_FAULT = (8.0, 15.0)
"""Hip extension deficit at the top (degrees short of a straight
shoulder-hip-knee line)."""
BRIDGE_ARCH_FAULT = (6.0, 12.0)
"""Hips pushed above that line (degrees)."""
BRIDGE_FAR_FAULT = (108.0, 120.0)
"""Knee angle at the top: feet too far from the hips above ~115 degrees."""
BRIDGE_CLOSE_FAULT = (75.0, 62.0)
"""Knee angle at the top: feet too close below ~65 degrees (decreasing)."""
BRIDGE_UNEVEN_FAULT = (5.0, 10.0)
"""Pelvis roll (degrees): 10 degrees lowers one hip ~3 cm below the other."""
KTC_CLOSE_FAULT = (110.0, 95.0)
"""Hip flexion (decreasing): >= 110-120 degrees brings the thigh to the chest;
95 or less is clearly not close."""
KTC_HEAD_FAULT = (10.0, 20.0)
"""Neck flexion lifting the head off the floor (degrees)."""
KTC_OTHER_LEG_FAULT = (10.0, 20.0)
"""Extra hip flexion of the resting leg (degrees)."""
LIFT_KNEES_STRAIGHT_FAULT = ((40.0, 40.0), (25.0, 50.0))
"""(knee flexion below, trunk flexion above) for (ambiguous, clear): a stoop
bends the trunk with the knees nearly straight (< 20-25 degrees)."""
LIFT_BACK_FAULT = (54.0, 66.0)
"""Trunk flexion from vertical (degrees); ergonomic methods (RULA, REBA,
OWAS) put the highest risk band beyond 60 degrees."""
LIFT_LOAD_FAR_FAULT = (0.26, 0.33)
"""Horizontal hand distance from the ankle midpoint as a fraction of
stature (NIOSH H; 0.30 H ~ 51 cm at 1.70 m halves the acceptable load)."""
LIFT_TWIST_FAULT = (18.0, 30.0)
"""Shoulders rotated against the hips (degrees, horizontal plane)."""


# --------------------------------------------------------------------------------------
# Truth and scenario types
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """A labelled time span (seconds, same clock as the frames)."""

    label: str
    start: float
    end: float
    side: str | None = None
    kind: str | None = None

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)

    def contains(self, t: float) -> bool:
        return self.start <= t <= self.end


@dataclass(frozen=True)
class LiftTruth:
    """One lift: its kind and times and the measures of the clean motion.

    Measures are taken from the noise-free 3D skeleton over the lift:
    ``knee_flexion_deg`` (max, mean of both knees), ``trunk_flexion_deg``
    (max, hip-midpoint to shoulder-midpoint from vertical),
    ``hip_flexion_deg`` (max, shoulder-hip-knee), ``hand_distance_m`` /
    ``hand_distance_frac`` (horizontal wrist midpoint to ankle midpoint at the
    bottom, metres / fraction of stature), ``hand_height_m`` (wrist midpoint
    above the floor at the bottom), ``twist_deg`` (max absolute shoulder-line
    against hip-line rotation in the horizontal plane)."""

    kind: str
    start: float
    bottom: float
    end: float
    knee_flexion_deg: float
    trunk_flexion_deg: float
    hip_flexion_deg: float
    hand_distance_m: float
    hand_distance_frac: float
    hand_height_m: float
    twist_deg: float
    faults: frozenset[str]
    ambiguous_faults: frozenset[str]


@dataclass(frozen=True)
class Truth:
    """What a correct analyzer should conclude (see the module docstring)."""

    exercise: str | None
    count: int
    good_count: int
    hold_s: float
    good_hold_s: float
    faults: frozenset[str]
    ambiguous_faults: frozenset[str]
    view: str
    near_side: Side | None
    sides: tuple[str, ...] = ()
    lift_kinds: tuple[str, ...] = ()
    lifts: tuple[LiftTruth, ...] = ()
    reps: tuple[Span, ...] = ()
    phases: tuple[Span, ...] = ()
    fault_spans: tuple[Span, ...] = ()
    judgeable: bool = True
    params: Mapping[str, float] = field(default_factory=dict)

    def phase_at(self, t: float) -> Span | None:
        """The truth phase span containing time ``t`` (None outside)."""
        for span in self.phases:
            if span.contains(t):
                return span
        return None

    def faults_at(self, t: float) -> frozenset[str]:
        """Fault codes whose truth span contains ``t``."""
        return frozenset(s.label for s in self.fault_spans if s.contains(t))


@dataclass(frozen=True, eq=False)
class Scenario:
    """A generated sequence: its ``frames`` (what a pose backend would give,
    with noise if asked), ground ``truth`` and how it was made.

    ``clean_times`` / ``clean_world`` are the full-rate, noise-free timestamps
    and (T, 33, 3) skeleton in the internal world frame (metres, y up, floor
    y = 0); ``kept`` maps each frame to its row there (frames dropped by the
    noise model are missing)."""

    name: str
    exercise: str | None
    frames: tuple[PoseFrame, ...]
    truth: Truth
    camera: Camera
    dims: BodyDims
    fps: float
    clean_times: FloatArray
    clean_world: FloatArray
    kept: NDArray[np.int64]

    @property
    def start(self) -> float:
        return float(self.clean_times[0]) if self.clean_times.size else 0.0

    @property
    def end(self) -> float:
        return float(self.clean_times[-1]) if self.clean_times.size else 0.0

    @property
    def duration_s(self) -> float:
        return self.end - self.start


# --------------------------------------------------------------------------------------
# Animation helpers
# --------------------------------------------------------------------------------------
def min_jerk(u: FloatArray) -> FloatArray:
    """Minimum-jerk easing 10u^3 - 15u^4 + 6u^5 on [0, 1]."""
    u = np.clip(u, 0.0, 1.0)
    return np.asarray(u**3 * (10.0 + u * (-15.0 + 6.0 * u)))


class _Timeline:
    """Keyframes of named scalars; phases are recorded as they are added."""

    def __init__(self, start: Mapping[str, float], t0: float) -> None:
        self._names = tuple(start)
        self._keys: list[tuple[float, dict[str, float]]] = [(t0, dict(start))]
        self.spans: list[Span] = []

    @property
    def t(self) -> float:
        return self._keys[-1][0]

    @property
    def current(self) -> dict[str, float]:
        return dict(self._keys[-1][1])

    def _add(self, dur: float, values: dict[str, float], label: str | None, side: str | None) -> tuple[float, float]:
        start = self.t
        end = start + max(0.0, dur)
        self._keys.append((end, values))
        if label is not None:
            if (
                self.spans
                and self.spans[-1].label == label
                and self.spans[-1].side == side
                and self.spans[-1].end == start
            ):
                last = self.spans.pop()
                self.spans.append(Span(label, last.start, end, side))
            else:
                self.spans.append(Span(label, start, end, side))
        return start, end

    def hold(self, dur: float, label: str | None = None, side: str | None = None) -> tuple[float, float]:
        return self._add(dur, self.current, label, side)

    def move(
        self, dur: float, changes: Mapping[str, float], label: str | None = None, side: str | None = None
    ) -> tuple[float, float]:
        unknown = set(changes) - set(self._names)
        if unknown:
            raise ValueError(f"unknown keyframe values: {', '.join(sorted(unknown))}")
        values = self.current
        values.update({k: float(v) for k, v in changes.items()})
        return self._add(dur, values, label, side)

    def times(self, fps: float) -> FloatArray:
        t0 = self._keys[0][0]
        n = math.floor((self.t - t0) * fps + 1e-9) + 1
        return np.asarray(t0 + np.arange(n) / fps)

    def sample(self, times: FloatArray) -> dict[str, FloatArray]:
        kt = np.array([k[0] for k in self._keys])
        if kt.size == 1:
            return {name: np.full(times.size, self._keys[0][1][name]) for name in self._names}
        idx = np.clip(np.searchsorted(kt, times, side="right") - 1, 0, kt.size - 2)
        span = kt[idx + 1] - kt[idx]
        u = np.where(span > 1e-12, (times - kt[idx]) / np.where(span > 1e-12, span, 1.0), 1.0)
        e = min_jerk(u)
        out: dict[str, FloatArray] = {}
        for name in self._names:
            kv = np.array([k[1][name] for k in self._keys])
            out[name] = kv[idx] + (kv[idx + 1] - kv[idx]) * e
        return out


def _tempo(rng: np.random.Generator) -> float:
    return float(rng.uniform(1.0 - TEMPO_VARIATION, 1.0 + TEMPO_VARIATION))


def _sway(rng: np.random.Generator, times: FloatArray, amp: float, hz: tuple[float, float] = SWAY_HZ) -> FloatArray:
    """Smooth quasi-random sway of peak size about ``amp`` (three sinusoids)."""
    out = np.zeros(times.size)
    for _ in range(3):
        f = rng.uniform(*hz)
        out += np.sin(2.0 * math.pi * f * times + rng.uniform(0.0, 2.0 * math.pi))
    return np.asarray(out * amp / 2.0)


def _breath(rng: np.random.Generator, times: FloatArray, amp: float = BREATH_DEG) -> FloatArray:
    f = rng.uniform(*BREATH_HZ)
    return np.asarray(amp * np.sin(2.0 * math.pi * f * times + rng.uniform(0.0, 2.0 * math.pi)))


def _posture_values(p: Posture) -> dict[str, float]:
    return {name: float(getattr(p, name)) for name in NUMERIC_FIELDS}


def _classify(value: float, thresholds: tuple[float, float]) -> str | None:
    """'clear', 'ambiguous' or None. Thresholds are (ambiguous from, clear
    from); a decreasing pair (ambiguous > clear) means "at or below"."""
    amb, clear = thresholds
    if amb <= clear:
        if value >= clear:
            return "clear"
        return "ambiguous" if value >= amb else None
    if value <= clear:
        return "clear"
    return "ambiguous" if value <= amb else None


def _rngs(seed: int) -> tuple[np.random.Generator, np.random.Generator, np.random.Generator]:
    """Independent streams for the body, the movement and the noise."""
    body, motion, noise = np.random.SeedSequence(seed).spawn(3)
    return np.random.default_rng(body), np.random.default_rng(motion), np.random.default_rng(noise)


def _with_camera_caveats(truth: Truth, noise: NoiseConfig | None) -> Truth:
    """Noise with dropouts (misses, occlusions, dropped frames) may
    legitimately make an analyzer report ``not_visible`` for a moment."""
    if noise is None or "not_visible" in truth.faults:
        return truth
    if noise.miss_per_min > 0 or noise.occlusion_per_min > 0 or noise.drop_prob > 0:
        return replace(truth, ambiguous_faults=truth.ambiguous_faults | {"not_visible"})
    return truth


def _render(
    *,
    name: str,
    exercise: str | None,
    seq: PostureSeq,
    times: FloatArray,
    dims: BodyDims,
    view: View,
    noise: NoiseConfig | None,
    rng: np.random.Generator,
    fps: float,
    truth: Truth,
) -> Scenario:
    on_floor = seq.base != "standing"
    kin = solve(seq, dims)
    cam = frame_camera(view, kin.points, on_floor)
    track = project_track(kin.points, cam)
    if noise is None:
        frames = to_frames(track, times)
        kept = np.arange(times.size, dtype=np.int64)
    else:
        noisy = apply_noise(track, times, noise, rng, on_floor=on_floor, fps=fps)
        frames = to_frames(noisy.track, noisy.times, noisy.empty)
        kept = noisy.kept
    times_ro = np.array(times)
    times_ro.flags.writeable = False
    return Scenario(
        name=name,
        exercise=exercise,
        frames=frames,
        truth=_with_camera_caveats(truth, noise),
        camera=cam,
        dims=dims,
        fps=fps,
        clean_times=times_ro,
        clean_world=kin.points,
        kept=kept,
    )


def _check_common(fps: float, t0: float) -> None:
    if not (math.isfinite(fps) and 1.0 <= fps <= 240.0):
        raise ValueError(f"fps must be 1-240, got {fps}")
    if not math.isfinite(t0):
        raise ValueError(f"t0 must be finite, got {t0}")


def _check_range(name: str, value: float, lo: float, hi: float) -> float:
    v = float(value)
    if not (math.isfinite(v) and lo <= v <= hi):
        raise ValueError(f"{name} must be within {lo:g}..{hi:g}, got {value!r}")
    return v


def _collect(items: Sequence[tuple[str, str | None]]) -> tuple[frozenset[str], frozenset[str]]:
    """(clear, ambiguous) fault codes from (code, level) pairs."""
    clear = {code for code, level in items if level == "clear"}
    amb: set[str] = set()
    for code, level in items:
        if level == "ambiguous" and code not in clear:
            amb.add(code)
    return frozenset(clear), frozenset(amb)


# --------------------------------------------------------------------------------------
# Plank
# --------------------------------------------------------------------------------------
PLANK_KNEEL = {"trunk_pitch": 75.0, **bilateral(hip_flexion=90.0, knee_flexion=90.0, ankle=-25.0)}
"""Kneeling on the forearms: thighs about vertical, shins on the floor."""
PLANK_NOMINAL_PITCH_DEG = 80.0
"""Only picks the branch: a prone body's pitch is solved from the contacts."""
PLANK_SETUP_S = 1.0
"""Kneeling on the forearms before and after the plank."""
PLANK_TRANSITION_S = 1.6
"""Straightening the legs into the plank (and back), before tempo variation."""


def plank_hold(
    duration_s: float = 20.0,
    *,
    sag_deg: float = 0.0,
    pike_deg: float = 0.0,
    sag_start_s: float | None = None,
    head_drop_deg: float = 0.0,
    head_drop_start_s: float = 0.0,
    elbow_offset_cm: float = 0.0,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: View | ViewKind | str = "side",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """A forearm plank: kneel on the forearms (setup), straighten the legs,
    hold ``duration_s`` seconds, kneel down again.

    ``sag_deg``/``pike_deg``: from ``sag_start_s`` into the hold (default a
    third of it; 0 = the whole hold) the shoulder-hip-ankle angle becomes
    180 - that, with the hips below (sag) or above (pike) the shoulder-ankle
    line; it grows in over ``FAULT_RAMP_S``. ``head_drop_deg``: neck flexion
    from ``head_drop_start_s`` (0 = the whole hold); a fault due while
    another is still ramping in starts when that ramp ends. ``elbow_offset_cm``: elbows this far ahead of the shoulders
    (negative: behind), i.e. the upper arm inclined from vertical.
    """
    _check_common(fps, t0)
    duration_s = _check_range("duration_s", duration_s, 0.5, 3600.0)
    sag_deg = _check_range("sag_deg", sag_deg, 0.0, 45.0)
    pike_deg = _check_range("pike_deg", pike_deg, 0.0, 60.0)
    if sag_deg > 0 and pike_deg > 0:
        raise ValueError("give sag_deg or pike_deg, not both")
    head_drop_deg = _check_range("head_drop_deg", head_drop_deg, 0.0, 60.0)
    elbow_offset_cm = _check_range("elbow_offset_cm", elbow_offset_cm, -25.0, 25.0)
    hip_fault = -sag_deg if sag_deg > 0 else pike_deg
    start_in_hold = (
        duration_s / 3.0 if sag_start_s is None else _check_range("sag_start_s", sag_start_s, 0.0, duration_s)
    )
    head_start = _check_range("head_drop_start_s", head_drop_start_s, 0.0, duration_s)

    rng_body, rng_motion, rng_noise = _rngs(seed)
    body = dims if dims is not None else BodyDims.sample(rng_body)
    the_view = as_view(view)
    incline = math.degrees(math.asin(max(-0.9, min(0.9, elbow_offset_cm / 100.0 / body.upper_arm))))

    base = Posture(base="prone", arms="forearms", anchor="shoulders", upper_arm_incline=incline)
    tl = _Timeline({**_posture_values(base), **PLANK_KNEEL}, t0)
    tl.hold(PLANK_SETUP_S * _tempo(rng_motion), "setup")
    plank = {"trunk_pitch": PLANK_NOMINAL_PITCH_DEG, **bilateral(hip_flexion=0.0, knee_flexion=0.0, ankle=0.0)}
    if head_drop_deg > 0 and head_start == 0.0:  # faults present from the start come with the setup
        plank["neck_flexion"] = head_drop_deg
    if hip_fault != 0.0 and start_in_hold == 0.0:
        plank.update(bilateral(hip_flexion=hip_fault))
    tl.move(PLANK_TRANSITION_S * _tempo(rng_motion), plank, "setup")
    hold_start = tl.t
    hold_end = hold_start + duration_s

    events: list[tuple[float, dict[str, float], str]] = []
    if hip_fault != 0.0 and start_in_hold > 0.0:
        events.append((start_in_hold, bilateral(hip_flexion=hip_fault), "hip"))
    if head_drop_deg > 0 and head_start > 0.0:
        events.append((head_start, {"neck_flexion": head_drop_deg}, "head"))
    events.sort(key=lambda e: e[0])
    onsets: dict[str, float] = {}
    for at, change, key in events:
        begin = max(hold_start + at, tl.t)
        if begin > tl.t:
            tl.hold(begin - tl.t, "hold")
        ramp = min(FAULT_RAMP_S, max(hold_end - tl.t, 0.0))
        tl.move(ramp, change, "hold")
        onsets[key] = begin + ramp / 2.0
    if hold_end > tl.t:
        tl.hold(hold_end - tl.t, "hold")
    tl.move(PLANK_TRANSITION_S * _tempo(rng_motion), PLANK_KNEEL, "setup")
    tl.hold(PLANK_SETUP_S * _tempo(rng_motion), "setup")

    times = tl.times(fps)
    values = tl.sample(times)
    hip_sway = _sway(rng_motion, times, SWAY_DEG)
    for s in ("l", "r"):
        values[f"hip_flexion_{s}"] = values[f"hip_flexion_{s}"] + hip_sway
    values["spine_flexion"] = values["spine_flexion"] + _breath(rng_motion, times)
    values["neck_flexion"] = values["neck_flexion"] + _sway(rng_motion, times, 1.5 * SWAY_DEG)
    values["trunk_lean"] = values["trunk_lean"] + _sway(rng_motion, times, 0.5 * SWAY_DEG)
    seq = PostureSeq(base.base, base.arms, base.anchor, values)

    levels: list[tuple[str, str | None]] = [
        ("hips_sagging", _classify(sag_deg, PLANK_SAG_FAULT)),
        ("hips_piking", _classify(pike_deg, PLANK_PIKE_FAULT)),
        ("head_dropped", _classify(head_drop_deg, PLANK_HEAD_FAULT)),
        ("elbows_not_under_shoulders", _classify(abs(incline), PLANK_ELBOW_FAULT)),
    ]
    clear, amb = _collect(levels)
    onset_of = {
        "hips_sagging": onsets.get("hip", hold_start),
        "hips_piking": onsets.get("hip", hold_start),
        "head_dropped": onsets.get("head", hold_start),
        "elbows_not_under_shoulders": hold_start,
    }
    fault_spans = tuple(Span(code, onset_of[code], hold_end) for code, level in levels if level is not None)
    first_clear = min((onset_of[c] for c in clear), default=hold_end)
    truth = Truth(
        exercise="plank",
        count=1,
        good_count=0 if clear else 1,
        hold_s=duration_s,
        good_hold_s=max(0.0, first_clear - hold_start),
        faults=clear,
        ambiguous_faults=amb,
        view=the_view.kind,
        near_side=the_view.near_side,
        sides=(the_view.side,) if the_view.near_side else ("left", "right"),
        reps=(Span("hold", hold_start, hold_end),),
        phases=tuple(tl.spans),
        fault_spans=fault_spans,
        params={
            "duration_s": duration_s,
            "sag_deg": sag_deg,
            "pike_deg": pike_deg,
            "head_drop_deg": head_drop_deg,
            "elbow_offset_cm": elbow_offset_cm,
            "upper_arm_incline_deg": incline,
        },
    )
    return _render(
        name="plank_hold",
        exercise="plank",
        seq=seq,
        times=times,
        dims=body,
        view=the_view,
        noise=noise,
        rng=rng_noise,
        fps=fps,
        truth=truth,
    )


# --------------------------------------------------------------------------------------
# Hip bridge
# --------------------------------------------------------------------------------------
BRIDGE_MOVE_S = 1.1
"""Raising (and lowering) the pelvis takes about a second."""
BRIDGE_START_REST_S = 2.0
"""Lying still before the first rep (the analyzer sees the start position)."""
BRIDGE_END_REST_S = 1.5
"""Lying still after the last rep (at least ``rest_s``)."""
BRIDGE_TOP_PITCH_DEG = 115.0
"""Picks the top-pose branch: the trunk rises ~25 degrees from the floor."""


@dataclass(frozen=True)
class _BridgeGeometry:
    """The sagittal four-bar of a bridge (supine base frame, x towards the
    feet, y up): shoulders and feet fixed on the floor, the trunk, thigh and
    shank rigid; the hip height drives the rest."""

    shoulder: tuple[float, float]
    ankle: tuple[float, float]
    hip_rest_y: float
    hip_top_y: float
    trunk: float
    thigh: float
    shank: float


def _bridge_geometry(dims: BodyDims, top_hip_flexion: float, top_knee_flexion: float) -> _BridgeGeometry:
    """Solve the top pose: with pitch p, hip flexion f and knee flexion k the
    ankle height above the shoulders is
    ``-(T + a cos f + b cos(f-k)) cos p + (a sin f + b sin(f-k)) sin p``;
    it must equal the ankle height minus the lying shoulder height."""
    tr, a, b = dims.trunk, dims.thigh, dims.shank
    f, k = math.radians(top_hip_flexion), math.radians(top_knee_flexion)
    ca = -(tr + a * math.cos(f) + b * math.cos(f - k))
    cb = a * math.sin(f) + b * math.sin(f - k)
    d = dims.ankle_height - SHOULDER_LYING_H
    radius = math.hypot(ca, cb)
    psi = math.atan2(cb, ca)
    spread = math.acos(max(-1.0, min(1.0, d / radius)))
    candidates = [(psi + spread) % (2 * math.pi), (psi - spread) % (2 * math.pi)]
    pitch = min(candidates, key=lambda p: abs(p - math.radians(BRIDGE_TOP_PITCH_DEG)))
    s = np.array([0.0, SHOULDER_LYING_H])

    def seg(angle: float) -> FloatArray:
        return np.array([math.sin(angle), -math.cos(angle)])

    hip = s + tr * seg(pitch)
    knee = hip + a * seg(pitch + f)
    ankle = knee + b * seg(pitch + f - k)
    return _BridgeGeometry(
        shoulder=(float(s[0]), float(s[1])),
        ankle=(float(ankle[0]), float(ankle[1])),
        hip_rest_y=HIP_LYING_H,
        hip_top_y=float(hip[1]),
        trunk=tr,
        thigh=a,
        shank=b,
    )


def _bridge_angles(
    geo: _BridgeGeometry, lift: FloatArray, roll_deg: FloatArray, half_hip: float
) -> dict[str, FloatArray]:
    """Trunk pitch and per-side hip and knee flexion (deg) for hip
    elevations 0..1 and a pelvis roll (``roll_deg``, positive lowers the left
    hip): each side's hip joint sits off the hip midpoint by the roll, and
    each knee is solved so both feet stay planted."""
    sx, sy = geo.shoulder
    h = geo.hip_rest_y + np.clip(lift, -0.2, 1.2) * (geo.hip_top_y - geo.hip_rest_y)
    sin_t = np.clip((h - sy) / geo.trunk, -1.0, 1.0)
    hip_mid = np.stack([sx + geo.trunk * np.sqrt(1.0 - sin_t**2), sy + geo.trunk * sin_t], axis=1)

    def angle_of(v: FloatArray) -> FloatArray:
        return np.asarray(np.arctan2(v[:, 0], -v[:, 1]))

    pitch = angle_of(hip_mid - np.array([sx, sy]))
    out: dict[str, FloatArray] = {"trunk_pitch": np.degrees(pitch)}
    ankle = np.array(geo.ankle)
    a, b = geo.thigh, geo.shank
    roll = np.radians(roll_deg)
    for s, lat in (("l", -1.0), ("r", 1.0)):
        off = lat * half_hip * np.sin(roll)
        hip = hip_mid + off[:, None] * np.stack([np.cos(pitch), np.sin(pitch)], axis=1)
        to_ankle = ankle - hip
        dist = np.linalg.norm(to_ankle, axis=1)
        dc = np.clip(dist, abs(a - b) + 1e-6, (a + b) * (1 - 1e-9))
        along = (a * a - b * b + dc * dc) / (2 * dc)
        up = np.sqrt(np.maximum(a * a - along * along, 0.0))
        u = to_ankle / dist[:, None]
        n = np.stack([-u[:, 1], u[:, 0]], axis=1)
        n = np.where((n[:, 1] < 0)[:, None], -n, n)  # the knee bends upwards
        knee = hip + u * along[:, None] + n * up[:, None]
        thigh = angle_of(knee - hip)
        shank = angle_of(ankle - knee)
        out[f"hip_flexion_{s}"] = np.degrees(np.unwrap(thigh - pitch))
        out[f"knee_flexion_{s}"] = np.degrees(np.unwrap(thigh - shank))
    return out


def bridge_reps(
    n_reps: int = 5,
    *,
    top_hold_s: float = 2.0,
    hip_extension_deficit_deg: float = 0.0,
    overarch_deg: float = 0.0,
    knee_angle_deg: float = 90.0,
    uneven_deg: float = 0.0,
    lower_side: Side = "right",
    rest_s: float = 1.0,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: View | ViewKind | str = "side",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """Hip bridges: lying on the back, knees bent and feet flat, lift the
    pelvis to a straight shoulder-hip-knee line, hold ``top_hold_s``, lower,
    rest ``rest_s``; ``n_reps`` times, starting and ending at rest.

    Shoulders and feet stay planted (a four-bar linkage). At the top the
    shoulder-hip-knee angle is 180 - ``hip_extension_deficit_deg`` with the
    hips below the line, or 180 - ``overarch_deg`` with the hips above it;
    the knee angle (hip-knee-ankle) is ``knee_angle_deg`` (90 normal, > 115
    feet too far, < 65 too close). ``uneven_deg`` rolls the pelvis at the top
    so the ``lower_side`` hip is lower (seen best from the front).
    """
    _check_common(fps, t0)
    if not 0 <= int(n_reps) <= 100:
        raise ValueError(f"n_reps must be 0-100, got {n_reps}")
    n_reps = int(n_reps)
    top_hold_s = _check_range("top_hold_s", top_hold_s, 0.0, 120.0)
    deficit = _check_range("hip_extension_deficit_deg", hip_extension_deficit_deg, 0.0, 60.0)
    overarch = _check_range("overarch_deg", overarch_deg, 0.0, 40.0)
    if deficit > 0 and overarch > 0:
        raise ValueError("give hip_extension_deficit_deg or overarch_deg, not both")
    knee_angle = _check_range("knee_angle_deg", knee_angle_deg, 45.0, 150.0)
    uneven = _check_range("uneven_deg", uneven_deg, 0.0, 30.0)
    if lower_side not in ("left", "right"):
        raise ValueError(f"lower_side must be 'left' or 'right', got {lower_side!r}")
    rest_s = _check_range("rest_s", rest_s, 0.0, 60.0)

    rng_body, rng_motion, rng_noise = _rngs(seed)
    body = dims if dims is not None else BodyDims.sample(rng_body)
    the_view = as_view(view)
    geo = _bridge_geometry(body, deficit - overarch, 180.0 - knee_angle)

    tl = _Timeline({"lift": 0.0}, t0)
    tl.hold(BRIDGE_START_REST_S * _tempo(rng_motion), "down")
    reps: list[Span] = []
    tops: list[Span] = []
    for _ in range(n_reps):
        r0, _r = tl.move(BRIDGE_MOVE_S * _tempo(rng_motion), {"lift": 1.0}, "rising")
        top = tl.hold(top_hold_s, "top")
        _l, r1 = tl.move(BRIDGE_MOVE_S * _tempo(rng_motion), {"lift": 0.0}, "lowering")
        reps.append(Span("rep", r0, r1))
        tops.append(Span("top", *top))
        tl.hold(rest_s * _tempo(rng_motion), "down")
    tl.hold(max(0.0, BRIDGE_END_REST_S - rest_s), "down")

    times = tl.times(fps)
    lift = tl.sample(times)["lift"]
    lift = lift + np.clip(lift, 0.0, 1.0) * _sway(rng_motion, times, 0.015)
    roll = (1.0 if lower_side == "left" else -1.0) * uneven * np.clip(lift, 0.0, 1.0)
    ang = _bridge_angles(geo, lift, roll, body.hip_width / 2.0)
    base = Posture(base="supine", arms="alongside", anchor="shoulders", foot_flat=1.0)
    values = {k: np.full(times.size, v) for k, v in _posture_values(base).items()}
    values.update(ang)
    values["pelvis_rotation"] = roll
    values["trunk_twist"] = -roll
    # the head stays resting on the floor: the neck flexes as the trunk tilts
    rest_pitch = float(_bridge_angles(geo, np.zeros(1), np.zeros(1), 0.0)["trunk_pitch"][0])
    values["neck_flexion"] = np.maximum(ang["trunk_pitch"] - rest_pitch, 0.0) + _sway(rng_motion, times, SWAY_DEG)
    seq = PostureSeq(base.base, base.arms, base.anchor, values)

    uneven_level = _classify(uneven, BRIDGE_UNEVEN_FAULT)
    if uneven_level == "clear" and the_view.kind == "side":
        uneven_level = "ambiguous"  # one hip hides the other in a side view
    levels: list[tuple[str, str | None]] = [
        ("hips_too_low", _classify(deficit, BRIDGE_LOW_FAULT)),
        ("back_overarched", _classify(overarch, BRIDGE_ARCH_FAULT)),
        ("feet_too_far", _classify(knee_angle, BRIDGE_FAR_FAULT)),
        ("feet_too_close", _classify(knee_angle, BRIDGE_CLOSE_FAULT)),
        ("hips_uneven", uneven_level),
    ]
    clear, amb = _collect(levels)
    fault_spans = tuple(Span(code, s.start, s.end) for code, level in levels if level is not None for s in tops)
    truth = Truth(
        exercise="hip_bridge",
        count=n_reps,
        good_count=0 if clear else n_reps,
        hold_s=0.0,
        good_hold_s=0.0,
        faults=clear,
        ambiguous_faults=amb,
        view=the_view.kind,
        near_side=the_view.near_side,
        sides=(the_view.side,) if the_view.near_side else ("left", "right"),
        reps=tuple(reps),
        phases=tuple(tl.spans),
        fault_spans=fault_spans,
        params={
            "n_reps": float(n_reps),
            "top_hold_s": top_hold_s,
            "hip_extension_deficit_deg": deficit,
            "overarch_deg": overarch,
            "knee_angle_deg": knee_angle,
            "uneven_deg": uneven,
            "hip_rise_m": geo.hip_top_y - geo.hip_rest_y,
        },
    )
    return _render(
        name="bridge_reps",
        exercise="hip_bridge",
        seq=seq,
        times=times,
        dims=body,
        view=the_view,
        noise=noise,
        rng=rng_noise,
        fps=fps,
        truth=truth,
    )


# --------------------------------------------------------------------------------------
# Knee to chest
# --------------------------------------------------------------------------------------
KTC_START_REST_S = 2.0
"""Lying at rest before the first side (default of ``rest_s``)."""
KTC_PULL_S = 1.5
"""Drawing the knee in with the hands, before tempo variation."""
KTC_RELEASE_S = 1.5
"""Letting the leg back down."""
KTC_BETWEEN_S = 1.5
"""Rest between sides."""
KTC_OTHER_LEG_RAMP_S = 1.0
"""The resting leg lifts over the first second of the hold."""
KTC_REST_KNEE_DEG = 90.0
"""Resting with the knees bent, feet flat (the usual starting position)."""
KTC_PULL_ADDUCTION_DEG = 10.0
"""The pulled knee comes towards the midline (towards the chest, within reach
of both hands)."""
KTC_EXTENDED_ANKLE_DEG = -25.0
"""A straight leg lying on the floor: the foot relaxes into plantarflexion."""


def knee_to_chest(
    sides: Sequence[KneeSide] = ("left", "right"),
    *,
    hold_s: float = 20.0,
    hip_flexion_deg: float = 120.0,
    knee_flexion_deg: float = 115.0,
    head_lift_deg: float = 0.0,
    other_leg_lift_deg: float = 0.0,
    rest_legs: Literal["bent", "extended"] = "bent",
    rest_s: float = KTC_START_REST_S,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: View | ViewKind | str = "side",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """Single (or double) knee-to-chest stretch lying on the back.

    From rest (``rest_legs`` bent with the feet flat, or extended), pull one
    knee towards the chest with both hands around the shin (hip flexion
    ``hip_flexion_deg``: good >= 110-120, poor ~80), hold ``hold_s``, release,
    rest, then the next side. ``"both"`` pulls both knees, each hand on its
    own shin. ``head_lift_deg`` flexes the neck (head off the floor) while
    pulling; ``other_leg_lift_deg`` raises the resting leg during the hold.
    ``rest_s``: lying at rest before the first and after the last side.
    """
    _check_common(fps, t0)
    sides = tuple(sides)
    if not sides or any(s not in ("left", "right", "both") for s in sides):
        raise ValueError(f"sides must be a non-empty sequence of 'left', 'right', 'both', got {sides!r}")
    hold_s = _check_range("hold_s", hold_s, 0.5, 600.0)
    hip_target = _check_range("hip_flexion_deg", hip_flexion_deg, 30.0, 140.0)
    knee_target = _check_range("knee_flexion_deg", knee_flexion_deg, 30.0, 150.0)
    head_lift = _check_range("head_lift_deg", head_lift_deg, 0.0, 60.0)
    other_lift = _check_range("other_leg_lift_deg", other_leg_lift_deg, 0.0, 60.0)
    rest_s = _check_range("rest_s", rest_s, 0.0, 60.0)
    if rest_legs not in ("bent", "extended"):
        raise ValueError(f"rest_legs must be 'bent' or 'extended', got {rest_legs!r}")

    rng_body, rng_motion, rng_noise = _rngs(seed)
    body = dims if dims is not None else BodyDims.sample(rng_body)
    the_view = as_view(view)
    base = Posture(base="supine", arms="alongside", anchor="shoulders", trunk_pitch=90.0)
    if rest_legs == "bent":
        rest = {
            "foot_flat": 1.0,
            **bilateral(
                hip_flexion=supine_knee_bent_hip_flexion(body, KTC_REST_KNEE_DEG),
                knee_flexion=KTC_REST_KNEE_DEG,
                ankle=0.0,
            ),
        }
    else:
        rest = {
            "foot_flat": 0.0,
            **bilateral(
                hip_flexion=supine_straight_leg_hip_flexion(body), knee_flexion=0.0, ankle=KTC_EXTENDED_ANKLE_DEG
            ),
        }
    tl = _Timeline({**_posture_values(base), **rest}, t0)
    tl.hold(rest_s * _tempo(rng_motion), "setup")
    holds: list[Span] = []
    for i, side in enumerate(sides):
        pulled = ("l", "r") if side == "both" else (side[0],)
        pull: dict[str, float] = {"neck_flexion": head_lift}
        for s in pulled:
            pull[f"hip_flexion_{s}"] = hip_target
            pull[f"knee_flexion_{s}"] = knee_target
            if side != "both":
                pull[f"hip_abduction_{s}"] = -KTC_PULL_ADDUCTION_DEG
        pull["grip_shins" if side == "both" else f"grip_shin_{side[0]}"] = 1.0
        tl.move(KTC_PULL_S * _tempo(rng_motion), pull, "pulling", side)
        h0 = tl.t
        if other_lift > 0 and side != "both":
            other = "r" if side == "left" else "l"
            ramp = min(KTC_OTHER_LEG_RAMP_S, hold_s)
            tl.move(ramp, {f"hip_flexion_{other}": rest[f"hip_flexion_{other}"] + other_lift}, "hold", side)
        tl.hold(h0 + hold_s - tl.t, "hold", side)
        holds.append(Span("hold", h0, h0 + hold_s, side))
        release = dict(rest)
        release.update(
            {
                "neck_flexion": 0.0,
                "grip_shins": 0.0,
                "grip_shin_l": 0.0,
                "grip_shin_r": 0.0,
                "hip_abduction_l": 0.0,
                "hip_abduction_r": 0.0,
            }
        )
        tl.move(KTC_RELEASE_S * _tempo(rng_motion), release, "release", side)
        tl.hold((KTC_BETWEEN_S if i < len(sides) - 1 else rest_s) * _tempo(rng_motion), "setup")

    times = tl.times(fps)
    values = tl.sample(times)
    values["neck_flexion"] = values["neck_flexion"] + _sway(rng_motion, times, SWAY_DEG)
    values["spine_flexion"] = values["spine_flexion"] + _breath(rng_motion, times, 0.5 * BREATH_DEG)
    for s in ("l", "r"):
        grip = np.clip(values[f"grip_shin_{s}"] + values["grip_shins"], 0.0, 1.0)
        values[f"hip_flexion_{s}"] = values[f"hip_flexion_{s}"] + grip * _sway(rng_motion, times, 1.5 * SWAY_DEG)
    seq = PostureSeq(base.base, base.arms, base.anchor, values)

    other_level = _classify(other_lift, KTC_OTHER_LEG_FAULT) if any(s != "both" for s in sides) else None
    levels: list[tuple[str, str | None]] = [
        ("knee_not_close", _classify(hip_target, KTC_CLOSE_FAULT)),
        ("head_lifted", _classify(head_lift, KTC_HEAD_FAULT)),
        ("other_leg_lifted", other_level),
    ]
    clear, amb = _collect(levels)
    other_delay = min(KTC_OTHER_LEG_RAMP_S, hold_s) / 2.0  # the resting leg rises over the ramp

    def applies(code: str, hold: Span) -> bool:
        return not (code == "other_leg_lifted" and hold.side == "both")

    def onset(code: str, hold: Span) -> float:
        return hold.start + (other_delay if code == "other_leg_lifted" else 0.0)

    fault_spans = tuple(
        Span(code, onset(code, h), h.end, h.side)
        for code, level in levels
        if level is not None
        for h in holds
        if applies(code, h)
    )
    good_per_hold = [min((onset(c, h) for c in clear if applies(c, h)), default=h.end) - h.start for h in holds]
    truth = Truth(
        exercise="knee_to_chest",
        count=len(holds),
        good_count=sum(1 for h in holds if not any(applies(c, h) for c in clear)),
        hold_s=hold_s * len(holds),
        good_hold_s=float(sum(good_per_hold)),
        faults=clear,
        ambiguous_faults=amb,
        view=the_view.kind,
        near_side=the_view.near_side,
        sides=sides,
        reps=tuple(holds),
        phases=tuple(tl.spans),
        fault_spans=fault_spans,
        params={
            "hold_s": hold_s,
            "hip_flexion_deg": hip_target,
            "knee_flexion_deg": knee_target,
            "head_lift_deg": head_lift,
            "other_leg_lift_deg": other_lift,
        },
    )
    return _render(
        name="knee_to_chest",
        exercise="knee_to_chest",
        seq=seq,
        times=times,
        dims=body,
        view=the_view,
        noise=noise,
        rng=rng_noise,
        fps=fps,
        truth=truth,
    )


# --------------------------------------------------------------------------------------
# Lifting
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _LiftStyle:
    """How one kind of lift looks at the bottom. The trunk pitch is solved
    within ``pitch_range`` (the least bend that lets the hands reach the box
    with the elbows slightly bent)."""

    knee_flexion: float
    shank_tilt: float
    pitch_range: tuple[float, float]
    spine_flexion: float
    twist: float
    box_distance_frac: float
    box_angle: float
    hip_abduction: float


LIFT_STYLES: dict[str, _LiftStyle] = {
    # knees 90-120, trunk 20-45 (shank forward ~35 deg, heels down, knees apart)
    "squat": _LiftStyle(120.0, 35.0, (15.0, 45.0), 5.0, 0.0, 0.175, 0.0, 12.0),
    # knees nearly straight (< 20 deg), trunk 70-100 with lumbar rounding
    "stoop": _LiftStyle(18.0, 6.0, (45.0, 95.0), 25.0, 0.0, 0.175, 0.0, 0.0),
    # load far in front: half squat, more trunk flexion
    "reach": _LiftStyle(65.0, 18.0, (25.0, 85.0), 12.0, 0.0, 0.34, 0.0, 5.0),
    # box 45 deg to the left; shoulders turned 42 deg against the hips. The
    # trunk stays fairly upright (deep squat): the more it bends forwards, the
    # less of an axial twist shows as rotation in the horizontal plane.
    "twist": _LiftStyle(118.0, 34.0, (15.0, 40.0), 6.0, 42.0, 0.19, 45.0, 10.0),
}
"""Box distances are fractions of stature from the ankle midpoint to the
hands (0.175 H ~ 30 cm: a box just in front of the toes; 0.34 H ~ 58 cm:
NIOSH H well beyond 0.30 H). The reach distance is capped at 0.62 m."""
REACH_MAX_M = 0.62
"""The default reach distance is capped near the NIOSH H limit (63 cm)."""
REACH_FRACTION = 0.97
"""The hands reach the box with the elbows slightly bent: 97 % of the arm."""
BOX_SPREAD_M = 0.34
"""Hands on the handles of a ~35 cm wide box."""
CARRY_HEIGHT_FRAC = 0.56
"""The box is carried just above hip height (0.53 H)."""
CARRY_DISTANCE_FRAC = 0.17
"""...about 29 cm in front of the ankles for a 1.71 m body."""
STAND_ARMS = {**bilateral(shoulder_flexion=4.0, shoulder_abduction=6.0, elbow_flexion=12.0)}
"""Relaxed standing arms: hanging, slightly away from the body, elbows soft."""
BOTTOM_ARM_HINT = {**bilateral(shoulder_flexion=40.0, elbow_flexion=15.0)}
"""Arm angles at the bottom before the hands are pulled to the box: they set
which way the elbows bend (backwards-outwards) in the arm IK."""
LIFT_STAND_S = 1.2
"""Standing still before each lift (and at the end): the analyzer's baseline."""
LIFT_DESCEND_S = 1.3
"""Going down to the box, before tempo variation."""
LIFT_BOTTOM_S = 0.6
"""Gripping the box at the bottom."""
LIFT_ASCEND_S = 1.4
"""Coming up with the load (a little slower than going down)."""
LIFT_CARRY_S = 1.0
"""Standing with the load."""
LIFT_RELEASE_S = 0.8
"""Handing the box over: the arms return to the sides."""


def _box_point(dims: BodyDims, distance: float, angle_deg: float, height: float) -> tuple[float, float, float]:
    a = math.radians(angle_deg)
    return (distance * math.cos(a), height, -distance * math.sin(a))


def _solve_bottom(
    dims: BodyDims, base: Posture, style: _LiftStyle, box: tuple[float, float, float]
) -> dict[str, float]:
    """Bottom posture: pick the least trunk pitch in the style's range that
    lets both hands reach their handle (evaluated with the full FK)."""
    knee = style.knee_flexion
    tilt = style.shank_tilt
    grid = np.arange(style.pitch_range[0], style.pitch_range[1] + 0.25, 0.5)
    bottom = _posture_values(base)
    bottom.update(
        {
            "spine_flexion": style.spine_flexion,
            "trunk_twist": style.twist,
            **bilateral(knee_flexion=knee, hip_abduction=style.hip_abduction),
            **BOTTOM_ARM_HINT,
        }
    )
    cols = {k: np.full(grid.size, v) for k, v in bottom.items()}
    cols["trunk_pitch"] = grid
    hip = knee - tilt + grid  # thigh angle (knee - tilt) plus the pelvis pitch
    cols["hip_flexion_l"] = hip
    cols["hip_flexion_r"] = hip
    kin = solve(PostureSeq(base.base, base.arms, base.anchor, cols), dims)
    pts = kin.points
    sh_l, sh_r = pts[:, Landmark.LEFT_SHOULDER], pts[:, Landmark.RIGHT_SHOULDER]
    lat = sh_r - sh_l
    lat[:, 1] = 0.0
    lat /= np.maximum(np.linalg.norm(lat, axis=1, keepdims=True), 1e-12)
    target = np.asarray(box)
    d_l = np.linalg.norm(target - lat * BOX_SPREAD_M / 2 - sh_l, axis=1)
    d_r = np.linalg.norm(target + lat * BOX_SPREAD_M / 2 - sh_r, axis=1)
    need = np.maximum(d_l, d_r)
    ok = need <= REACH_FRACTION * dims.arm_length
    i = int(np.argmax(ok)) if ok.any() else int(np.argmin(need))
    bottom["trunk_pitch"] = float(grid[i])
    bottom["hip_flexion_l"] = bottom["hip_flexion_r"] = float(hip[i])
    return bottom


def _lift_measures(
    world: FloatArray, times: FloatArray, span: Span, bottom_t: float, stature: float
) -> dict[str, float]:
    sel = (times >= span.start) & (times <= span.end)
    w = world[sel]

    def mid(a: Landmark, b: Landmark) -> FloatArray:
        return np.asarray((w[:, a] + w[:, b]) / 2.0)

    def flex(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
        u, v = a - b, c - b
        cos = np.sum(u * v, axis=1) / np.maximum(np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1), 1e-12)
        return np.asarray(180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))

    sh = mid(Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    hp = mid(Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    trunk = sh - hp
    trunk_flex = np.degrees(np.arccos(np.clip(trunk[:, 1] / np.linalg.norm(trunk, axis=1), -1.0, 1.0)))
    knee = (
        flex(w[:, Landmark.LEFT_HIP], w[:, Landmark.LEFT_KNEE], w[:, Landmark.LEFT_ANKLE])
        + flex(w[:, Landmark.RIGHT_HIP], w[:, Landmark.RIGHT_KNEE], w[:, Landmark.RIGHT_ANKLE])
    ) / 2.0
    hipf = (
        flex(w[:, Landmark.LEFT_SHOULDER], w[:, Landmark.LEFT_HIP], w[:, Landmark.LEFT_KNEE])
        + flex(w[:, Landmark.RIGHT_SHOULDER], w[:, Landmark.RIGHT_HIP], w[:, Landmark.RIGHT_KNEE])
    ) / 2.0
    s_line = w[:, Landmark.RIGHT_SHOULDER] - w[:, Landmark.LEFT_SHOULDER]
    h_line = w[:, Landmark.RIGHT_HIP] - w[:, Landmark.LEFT_HIP]
    twist = np.degrees(np.arctan2(s_line[:, 2], s_line[:, 0]) - np.arctan2(h_line[:, 2], h_line[:, 0]))
    twist = (twist + 180.0) % 360.0 - 180.0
    ib = int(np.argmin(np.abs(times - bottom_t)))
    wb = world[ib]
    hands = (wb[Landmark.LEFT_WRIST] + wb[Landmark.RIGHT_WRIST]) / 2.0
    ankles = (wb[Landmark.LEFT_ANKLE] + wb[Landmark.RIGHT_ANKLE]) / 2.0
    dist = float(math.hypot(hands[0] - ankles[0], hands[2] - ankles[2]))
    return {
        "knee_flexion_deg": float(knee.max()),
        "trunk_flexion_deg": float(trunk_flex.max()),
        "hip_flexion_deg": float(hipf.max()),
        "hand_distance_m": dist,
        "hand_distance_frac": dist / stature,
        "hand_height_m": float(hands[1]),
        "twist_deg": float(np.abs(twist).max()),
    }


def _lift_levels(m: Mapping[str, float], view: ViewKind) -> list[tuple[str, str | None]]:
    (k_amb, t_amb), (k_clear, t_clear) = LIFT_KNEES_STRAIGHT_FAULT
    knee, trunk = m["knee_flexion_deg"], m["trunk_flexion_deg"]
    if knee < k_clear and trunk > t_clear:
        knees: str | None = "clear"
    elif knee < k_amb and trunk > t_amb:
        knees = "ambiguous"
    else:
        knees = None
    twist = _classify(m["twist_deg"], LIFT_TWIST_FAULT)
    if twist == "clear" and view == "side":
        twist = "ambiguous"  # a side view sees the twist end-on: only depth (z) shows it
    return [
        ("knees_straight", knees),
        ("back_rounded", _classify(trunk, LIFT_BACK_FAULT)),
        ("load_far", _classify(m["hand_distance_frac"], LIFT_LOAD_FAR_FAULT)),
        ("twisting", twist),
    ]


def lift_sequence(
    kinds: Sequence[LiftKind] = ("squat", "stoop"),
    *,
    box_height_m: float = 0.25,
    reach_cm: float | None = None,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: View | ViewKind | str = "side",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """Lifts of a box from the floor, one per entry of ``kinds``.

    Each: stand, descend to the box (hands at ``box_height_m``, the handle
    height), grip at the bottom, ascend with the load to a carry position
    just above hip height, stand holding it, hand it over (the arms return).

    * squat: knee flexion ~120, knees apart, trunk (pelvis) pitch 15-45
      degrees (hip-shoulder line ~50 from vertical);
    * stoop: knees ~18 degrees, trunk beyond horizontal with lumbar rounding
      (hip-shoulder line ~100-110 from vertical for a box on the floor);
    * reach: the box far in front (``reach_cm``, default 0.34 stature,
      at most 62 cm, from the ankle midpoint to the hands), half squat;
    * twist: the box 45 degrees to the left, deep squat, shoulders turned
      42 degrees against the hips (~30-33 degrees in the horizontal plane).

    ``reach_cm`` also overrides the box distance of the other kinds. The
    trunk bend is solved so the hands reach the box (if it cannot be reached
    within the kind's range, the arms reach straight towards it and the
    hands stop a few cm short). The truth reports the measured angles and
    distances per lift (:class:`LiftTruth`); their faults follow the
    ``LIFT_*_FAULT`` thresholds. A side view cannot see a twist except
    through depth, so there ``twisting`` is only ambiguous.
    """
    _check_common(fps, t0)
    kinds = tuple(kinds)
    if any(k not in LIFT_STYLES for k in kinds):
        raise ValueError(f"unknown lift kind in {kinds!r}; expected {', '.join(LIFT_KINDS)}")
    box_height = _check_range("box_height_m", box_height_m, 0.05, 0.6)
    reach_m = None if reach_cm is None else _check_range("reach_cm", reach_cm, 15.0, 70.0) / 100.0

    rng_body, rng_motion, rng_noise = _rngs(seed)
    body = dims if dims is not None else BodyDims.sample(rng_body)
    the_view = as_view(view)
    base = Posture(base="standing", arms="angles", anchor="feet", foot_flat=1.0, grip_spread=BOX_SPREAD_M)
    stand = {**_posture_values(base), **STAND_ARMS}
    carry = _box_point(body, CARRY_DISTANCE_FRAC * body.stature, 0.0, CARRY_HEIGHT_FRAC * body.stature)
    tl = _Timeline(stand, t0)
    plan: list[tuple[str, Span, float]] = []
    for kind in kinds:
        style = LIFT_STYLES[kind]
        dist = style.box_distance_frac * body.stature
        if kind == "reach":
            dist = min(dist, REACH_MAX_M) if reach_m is None else reach_m
        elif reach_m is not None:
            dist = reach_m
        box = _box_point(body, dist, style.box_angle, box_height)
        at_box = {"grip_x": box[0], "grip_y": box[1], "grip_z": box[2]}
        tl.move(LIFT_STAND_S * _tempo(rng_motion), {**STAND_ARMS, **at_box, "grip_point": 0.0}, "standing")
        bottom = _solve_bottom(body, base, style, box)
        bottom.update({**at_box, "grip_point": 1.0, "grip_spread": BOX_SPREAD_M})
        d0, _d1 = tl.move(LIFT_DESCEND_S * _tempo(rng_motion), bottom, "descending")
        b0, b1 = tl.hold(LIFT_BOTTOM_S * _tempo(rng_motion), "bottom")
        up = dict(stand)
        up.update({"grip_x": carry[0], "grip_y": carry[1], "grip_z": carry[2], "grip_point": 1.0})
        _a0, a1 = tl.move(LIFT_ASCEND_S * _tempo(rng_motion), up, "ascending")
        tl.hold(LIFT_CARRY_S * _tempo(rng_motion), "standing")
        tl.move(LIFT_RELEASE_S * _tempo(rng_motion), {"grip_point": 0.0}, "standing")
        plan.append((kind, Span("lift", d0, a1, kind=kind), (b0 + b1) / 2.0))
    tl.hold(LIFT_STAND_S * _tempo(rng_motion), "standing")

    times = tl.times(fps)
    values = tl.sample(times)
    values["trunk_pitch"] = values["trunk_pitch"] + _sway(rng_motion, times, 0.7 * SWAY_DEG)
    values["trunk_lean"] = values["trunk_lean"] + _sway(rng_motion, times, 0.5 * SWAY_DEG)
    values["neck_flexion"] = values["neck_flexion"] + _sway(rng_motion, times, SWAY_DEG)
    seq = PostureSeq(base.base, base.arms, base.anchor, values)
    world = solve(seq, body).points

    lifts: list[LiftTruth] = []
    for done_kind, span, bottom_t in plan:
        m = _lift_measures(world, times, span, bottom_t, body.stature)
        clear, amb = _collect(_lift_levels(m, the_view.kind))
        lifts.append(
            LiftTruth(
                kind=done_kind, start=span.start, bottom=bottom_t, end=span.end, faults=clear, ambiguous_faults=amb, **m
            )
        )
    all_clear = frozenset().union(*(lt.faults for lt in lifts)) if lifts else frozenset()
    all_amb = frozenset().union(*(lt.ambiguous_faults for lt in lifts)) - all_clear if lifts else frozenset()
    fault_spans = tuple(
        Span(code, lt.start, lt.end, kind=lt.kind) for lt in lifts for code in sorted(lt.faults | lt.ambiguous_faults)
    )
    truth = Truth(
        exercise="lift",
        count=len(lifts),
        good_count=sum(1 for lt in lifts if not lt.faults),
        hold_s=0.0,
        good_hold_s=0.0,
        faults=all_clear,
        ambiguous_faults=frozenset(all_amb),
        view=the_view.kind,
        near_side=the_view.near_side,
        sides=(the_view.side,) if the_view.near_side else ("left", "right"),
        lift_kinds=kinds,
        lifts=tuple(lifts),
        reps=tuple(span for _k, span, _b in plan),
        phases=tuple(tl.spans),
        fault_spans=fault_spans,
        params={"box_height_m": box_height, "n_lifts": float(len(kinds))},
    )
    return _render(
        name="lift_sequence",
        exercise="lift",
        seq=seq,
        times=times,
        dims=body,
        view=the_view,
        noise=noise,
        rng=rng_noise,
        fps=fps,
        truth=truth,
    )


# --------------------------------------------------------------------------------------
# Not exercising
# --------------------------------------------------------------------------------------
def _idle_truth(view: View, phases: tuple[Span, ...], params: Mapping[str, float]) -> Truth:
    return Truth(
        exercise=None,
        count=0,
        good_count=0,
        hold_s=0.0,
        good_hold_s=0.0,
        faults=frozenset(),
        ambiguous_faults=frozenset(),
        view=view.kind,
        near_side=view.near_side,
        phases=phases,
        params=dict(params),
    )


def standing_still(
    duration_s: float = 10.0,
    *,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: View | ViewKind | str = "front",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """Standing in front of the camera with natural sway and breathing."""
    _check_common(fps, t0)
    duration_s = _check_range("duration_s", duration_s, 0.1, 3600.0)
    rng_body, rng_motion, rng_noise = _rngs(seed)
    body = dims if dims is not None else BodyDims.sample(rng_body)
    the_view = as_view(view)
    base = Posture(base="standing", arms="angles", anchor="feet", foot_flat=1.0)
    tl = _Timeline({**_posture_values(base), **STAND_ARMS}, t0)
    tl.hold(duration_s, "standing")
    times = tl.times(fps)
    values = tl.sample(times)
    values["trunk_pitch"] = values["trunk_pitch"] + _sway(rng_motion, times, SWAY_DEG)
    values["trunk_lean"] = values["trunk_lean"] + _sway(rng_motion, times, 0.8 * SWAY_DEG)
    values["neck_flexion"] = values["neck_flexion"] + _sway(rng_motion, times, 2.0 * SWAY_DEG)
    values["spine_flexion"] = values["spine_flexion"] + _breath(rng_motion, times)
    for s in ("l", "r"):
        values[f"shoulder_flexion_{s}"] = values[f"shoulder_flexion_{s}"] + _sway(rng_motion, times, 2.0 * SWAY_DEG)
    seq = PostureSeq(base.base, base.arms, base.anchor, values)
    truth = _idle_truth(the_view, tuple(tl.spans), {"duration_s": duration_s})
    return _render(
        name="standing_still",
        exercise=None,
        seq=seq,
        times=times,
        dims=body,
        view=the_view,
        noise=noise,
        rng=rng_noise,
        fps=fps,
        truth=truth,
    )


WALK_HALF_RANGE_M = 1.5
"""Walk back and forth over 3 m, across a side view."""
WALK_TURN_S = 1.0
"""Turning round at each end of the walk."""
STRIDE_HZ = 0.9
"""0.9 strides (1.8 steps) per second: normal cadence (~108 steps/min)."""


def walking(
    duration_s: float = 10.0,
    *,
    speed_mps: float = 1.2,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: View | ViewKind | str = "side",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """Walking back and forth across the view (turning at each end), with
    a simple gait cycle and opposite arm swing."""
    _check_common(fps, t0)
    duration_s = _check_range("duration_s", duration_s, 0.5, 3600.0)
    speed = _check_range("speed_mps", speed_mps, 0.3, 2.5)
    rng_body, rng_motion, rng_noise = _rngs(seed)
    body = dims if dims is not None else BodyDims.sample(rng_body)
    the_view = as_view(view)

    tl = _Timeline({"x": -WALK_HALF_RANGE_M, "heading": 0.0}, t0)
    leg_s = 2.0 * WALK_HALF_RANGE_M / speed
    direction = 1.0
    while tl.t - t0 < duration_s:
        tl.move(leg_s * _tempo(rng_motion), {"x": direction * WALK_HALF_RANGE_M}, "walking")
        tl.move(WALK_TURN_S, {"heading": 0.0 if direction < 0 else 180.0}, "turning")
        direction = -direction
    times = t0 + np.arange(math.floor(duration_s * fps) + 1) / fps
    path = tl.sample(times)
    v = np.abs(np.gradient(path["x"], times)) if times.size > 1 else np.zeros(1)
    cadence = STRIDE_HZ * np.clip(v / speed, 0.3, 1.2)
    phase = 2.0 * math.pi * np.cumsum(cadence) / fps + rng_motion.uniform(0.0, 2.0 * math.pi)

    base = Posture(base="standing", arms="angles", anchor="pelvis")
    values = {k: np.full(times.size, val) for k, val in _posture_values(base).items()}
    values["x"] = path["x"]
    values["heading"] = path["heading"]
    values["trunk_pitch"] = 3.0 + _sway(rng_motion, times, 0.5 * SWAY_DEG)
    for s, ph in (("l", phase), ("r", phase + math.pi)):
        values[f"hip_flexion_{s}"] = 10.0 + 20.0 * np.sin(ph)
        values[f"knee_flexion_{s}"] = 5.0 + 55.0 * ((1.0 + np.cos(ph + math.pi / 4.0)) / 2.0) ** 3
        values[f"ankle_{s}"] = -5.0 + 10.0 * np.cos(ph)
        other = ph + math.pi  # each arm swings with the opposite leg
        values[f"shoulder_flexion_{s}"] = 5.0 + 15.0 * np.sin(other)
        values[f"shoulder_abduction_{s}"] = np.full(times.size, 6.0)
        values[f"elbow_flexion_{s}"] = 15.0 + 10.0 * (1.0 + np.sin(other)) / 2.0
    values["pelvis_rotation"] = 4.0 * np.sin(phase)
    values["trunk_twist"] = -6.0 * np.sin(phase)
    seq = PostureSeq(base.base, base.arms, base.anchor, values)
    truth = _idle_truth(
        the_view, tuple(s for s in tl.spans if s.start < times[-1]), {"duration_s": duration_s, "speed_mps": speed}
    )
    return _render(
        name="walking",
        exercise=None,
        seq=seq,
        times=times,
        dims=body,
        view=the_view,
        noise=noise,
        rng=rng_noise,
        fps=fps,
        truth=truth,
    )


def no_person(
    duration_s: float = 5.0,
    *,
    exercise: str | None = None,
    seed: int = 0,
    view: View | ViewKind | str = "front",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """An empty room: every frame is :meth:`PoseFrame.empty`. An analyzer
    should report nothing but ``not_visible``."""
    _check_common(fps, t0)
    duration_s = _check_range("duration_s", duration_s, 0.1, 3600.0)
    if exercise is not None and exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of {', '.join(EXERCISES)}")
    rng_body, _m, _n = _rngs(seed)
    body = dims if dims is not None else BodyDims.sample(rng_body)
    the_view = as_view(view)
    cam = Camera.looking_at(
        (0.0, 0.9, 0.0), the_view.direction, 3.0, 0.8, the_view.width, the_view.height, the_view.hfov_deg
    )
    times = t0 + np.arange(math.floor(duration_s * fps) + 1) / fps
    times.flags.writeable = False
    frames = tuple(PoseFrame.empty(float(t), aspect=cam.aspect) for t in times)
    world = np.full((times.size, NUM_LANDMARKS, 3), np.nan)
    world.flags.writeable = False
    truth = Truth(
        exercise=exercise,
        count=0,
        good_count=0,
        hold_s=0.0,
        good_hold_s=0.0,
        faults=frozenset({"not_visible"}),
        ambiguous_faults=frozenset(),
        view=the_view.kind,
        near_side=None,
        phases=(Span("empty", float(times[0]), float(times[-1])),),
        fault_spans=(Span("not_visible", float(times[0]), float(times[-1])),),
        judgeable=False,
        params={"duration_s": duration_s},
    )
    return Scenario(
        name="no_person",
        exercise=exercise,
        frames=frames,
        truth=truth,
        camera=cam,
        dims=body,
        fps=fps,
        clean_times=times,
        clean_world=world,
        kept=np.arange(times.size, dtype=np.int64),
    )


def partial_body(
    exercise: str | None = "lift",
    cut: Cut = "knees",
    *,
    seed: int = 0,
    noise: NoiseConfig | None = None,
    view: ViewKind = "side",
    dims: BodyDims | None = None,
    fps: float = DEFAULT_FPS,
    t0: float = 0.0,
) -> Scenario:
    """The exercise's default scenario filmed too close: the framing cuts the
    body off at the knees (or hips), so the lower landmarks are outside the
    image with low visibility. The exercise cannot be judged: the truth
    expects ``not_visible`` and no reps, holds or lifts."""
    if cut not in ("knees", "hips"):
        raise ValueError(f"cut must be 'knees' or 'hips', got {cut!r}")
    the_view = View(kind=view, cut=cut)
    common = {"seed": seed, "noise": noise, "view": the_view, "dims": dims, "fps": fps, "t0": t0}
    if exercise == "plank":
        sc = plank_hold(10.0, **common)  # type: ignore[arg-type]
    elif exercise == "hip_bridge":
        sc = bridge_reps(3, **common)  # type: ignore[arg-type]
    elif exercise == "knee_to_chest":
        sc = knee_to_chest(("left",), hold_s=8.0, **common)  # type: ignore[arg-type]
    elif exercise == "lift":
        sc = lift_sequence(("squat",), **common)  # type: ignore[arg-type]
    elif exercise is None:
        sc = standing_still(8.0, **common)  # type: ignore[arg-type]
    else:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of {', '.join(EXERCISES)} or None")
    t = sc.truth
    truth = Truth(
        exercise=t.exercise,
        count=0,
        good_count=0,
        hold_s=0.0,
        good_hold_s=0.0,
        faults=frozenset({"not_visible"}) if exercise is not None else frozenset(),
        ambiguous_faults=frozenset(),
        view=t.view,
        near_side=t.near_side,
        sides=t.sides,
        lift_kinds=t.lift_kinds,
        lifts=(),
        reps=(),
        phases=t.phases,
        fault_spans=(Span("not_visible", sc.start, sc.end),) if exercise is not None else (),
        judgeable=False,
        params={**t.params, "intended_count": float(t.count)},
    )
    return Scenario(
        name=f"partial_body_{cut}",
        exercise=sc.exercise,
        frames=sc.frames,
        truth=truth,
        camera=sc.camera,
        dims=sc.dims,
        fps=sc.fps,
        clean_times=sc.clean_times,
        clean_world=sc.clean_world,
        kept=sc.kept,
    )


# --------------------------------------------------------------------------------------
# Demo
# --------------------------------------------------------------------------------------
DEMO_GAP_S = 0.5
"""Pause between demo segments (the timestamps continue across segments)."""


def demo_track(seed: int = 0, noise: NoiseConfig | None = None) -> list[tuple[str, Scenario]]:
    """A ~45 s showcase, one body throughout: a plank that starts to sag,
    two bridge reps, a knee-to-chest hold and two lifts (a squat, then a
    stoop). Returns ``(exercise, scenario)`` segments with continuing
    timestamps. ``noise`` defaults to :meth:`NoiseConfig.jitter_only`
    (realistic jitter, no dropouts) so the demo's cues are about form."""
    rng_body, _m, _n = _rngs(seed)
    body = BodyDims.sample(rng_body)
    cfg = NoiseConfig.jitter_only() if noise is None else noise
    out: list[tuple[str, Scenario]] = []
    t = 0.0
    plank = plank_hold(6.0, sag_deg=18.0, sag_start_s=3.0, seed=seed, noise=cfg, dims=body, t0=t)
    out.append(("plank", plank))
    t = plank.end + DEMO_GAP_S
    bridge = bridge_reps(2, top_hold_s=1.2, rest_s=0.6, seed=seed + 1, noise=cfg, dims=body, t0=t)
    out.append(("hip_bridge", bridge))
    t = bridge.end + DEMO_GAP_S
    ktc = knee_to_chest(("left",), hold_s=4.0, rest_s=1.0, seed=seed + 2, noise=cfg, dims=body, t0=t)
    out.append(("knee_to_chest", ktc))
    t = ktc.end + DEMO_GAP_S
    lifts = lift_sequence(("squat", "stoop"), seed=seed + 3, noise=cfg, dims=body, t0=t)
    out.append(("lift", lifts))
    return out
