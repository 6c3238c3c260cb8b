"""Scenarios of someone not exercising: :func:`standing_still`,
:func:`walking` and an empty room (:func:`no_person`)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from coach.landmarks import NUM_LANDMARKS
from coach.pose import PoseFrame
from coach.synth.body import BodyDims, Posture, PostureSeq
from coach.synth.camera import Camera, View, ViewKind, as_view
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios._common import (
    DEFAULT_FPS,
    EXERCISES,
    STAND_ARMS,
    SWAY_DEG,
    _breath,
    _check_common,
    _check_range,
    _posture_values,
    _render,
    _rngs,
    _sway,
    _tempo,
    _Timeline,
)
from coach.synth.scenarios.types import Scenario, Span, Truth


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
