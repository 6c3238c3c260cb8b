"""The forearm plank scenario (:func:`plank_hold`) and its truth thresholds."""

from __future__ import annotations

import math

import numpy as np

from coach.synth.body import BodyDims, Posture, PostureSeq, bilateral
from coach.synth.camera import View, ViewKind, as_view
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios._common import (
    DEFAULT_FPS,
    FAULT_RAMP_S,
    SWAY_DEG,
    _breath,
    _check_common,
    _check_range,
    _classify,
    _collect,
    _posture_values,
    _render,
    _rngs,
    _sway,
    _tempo,
    _Timeline,
)
from coach.synth.scenarios.types import Scenario, Span, Truth

# -- truth thresholds: (ambiguous from, clear from) ------------------------------------
PLANK_SAG_FAULT = (4.0, 8.0)
"""Degrees short of a straight shoulder-hip-ankle line, hips low. Any
visible sag is the fault (real correct planks practically never have the
hip below the line); 8 degrees drops the hip ~0.09 trunk lengths."""
PLANK_PIKE_FAULT = (22.0, 34.0)
"""Hips high: only an inverted V is a fault. Real people in a good plank
hold the hips 0-20 degrees high (see ``PLANK_HABIT_PIKE``)."""
PLANK_HEAD_FAULT = (35.0, 55.0)
"""Neck flexion (degrees) of a dropped head: 55 degrees puts the ear ~40
degrees below the continued hip-shoulder line; looking down at the floor
(up to ~35) is normal."""
PLANK_ELBOW_AHEAD_FAULT = (18.0, 30.0)
"""Upper arm from vertical towards the head (degrees): elbows out in front."""
PLANK_ELBOW_BEHIND_FAULT = (28.0, 42.0)
"""Upper arm from vertical towards the feet: tolerated further (shoulders
ahead of the elbows is a common, spine-neutral way to plank)."""
PLANK_HABIT_PIKE = (10.0, 5.0, 0.0, 20.0)
"""A person's habitual hip height in a good plank, as hip flexion in degrees:
(mean, sd, min, max) of a clipped normal, drawn per body. Real correct
planks put the hip 0.01-0.26 trunk lengths above the shoulder-ankle line
(shoulder-hip-ankle angle median 165-172, p5 155; tests/data/real), not on
it; a straight synthetic plank would be calibrated to a body nobody has."""

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
    habit_deg: float | None = None,
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
    ``habit_deg``: the person's habitual hip flexion in a good plank (None:
    drawn from ``seed``, see :data:`PLANK_HABIT_PIKE`); with ``dims`` it
    keeps one person across recordings of different seeds.
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
    mean, sd, lo, hi = PLANK_HABIT_PIKE
    habit_rng = np.random.default_rng([seed, 0x9])  # its own stream: no other draw moves
    habit = float(np.clip(habit_rng.normal(mean, sd), lo, hi)) if habit_deg is None else float(habit_deg)
    plank = {"trunk_pitch": PLANK_NOMINAL_PITCH_DEG, **bilateral(hip_flexion=habit, knee_flexion=0.0, ankle=0.0)}
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
        ("elbows_not_under_shoulders", _classify(incline, PLANK_ELBOW_AHEAD_FAULT) if incline >= 0
         else _classify(-incline, PLANK_ELBOW_BEHIND_FAULT)),
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

