"""Property tests for the lift analyzer: whatever PoseFrames arrive (NaN,
missing landmarks, visibility 0, teleports, duplicate or backward
timestamps, huge gaps), update() never raises, the lift count never goes
down, and a noisy stream never counts more lifts than were performed."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.exercise import NOT_VISIBLE
from coach.landmarks import NUM_LANDMARKS
from coach.pose import PoseFrame
from exercises.lift import PHASES, LiftAnalyzer
from tests.test_lift import SQUAT, STOOP, TWIST, body_frame, lift_track

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STREAMS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

coord = st.one_of(
    st.floats(-2.0, 3.0),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e9, -1e9, 0.0]),
)
vis = st.one_of(st.floats(0.0, 1.0), st.sampled_from([math.nan, -1.0, 2.0]))


@st.composite
def raw_frame(draw: st.DrawFn, t: float) -> PoseFrame:
    xy = np.array(draw(st.lists(coord, min_size=2 * NUM_LANDMARKS, max_size=2 * NUM_LANDMARKS))).reshape(-1, 2)
    v = np.array(draw(st.lists(vis, min_size=NUM_LANDMARKS, max_size=NUM_LANDMARKS)))
    z = np.array(draw(st.lists(coord, min_size=NUM_LANDMARKS, max_size=NUM_LANDMARKS)))
    world = None
    if draw(st.booleans()):
        world = np.array(draw(st.lists(coord, min_size=3 * NUM_LANDMARKS, max_size=3 * NUM_LANDMARKS))).reshape(-1, 3)
    aspect = draw(st.floats(0.2, 4.0))
    return PoseFrame(t=t, xy=xy, z=z, visibility=v, world=world, aspect=aspect)


times = st.lists(
    st.one_of(st.floats(0.0, 0.05), st.just(0.0), st.floats(-1.0, 0.0), st.floats(1.0, 1e4)),
    min_size=1, max_size=25,
)


@FAST
@given(data=st.data(), steps=times)
def test_arbitrary_frames_never_raise(data: st.DataObject, steps: list[float]) -> None:
    a = LiftAnalyzer()
    t = 0.0
    reps = 0
    for dt in steps:
        t += dt
        v = a.update(data.draw(raw_frame(t)))
        assert v.phase in PHASES
        assert v.reps >= reps
        reps = v.reps
        assert v.hold_s == 0.0
        if not v.visible and v.faults:
            assert v.faults == (NOT_VISIBLE,)
        v.to_json(cue=v.cue)
    s = a.summary()
    assert s.reps == reps
    assert 0.0 <= s.score <= 100.0
    assert 0.0 <= s.visible_fraction <= 1.0
    s.to_json()


@st.composite
def corrupted_lift_stream(draw: st.DrawFn) -> tuple[list[PoseFrame], int]:
    kinds = draw(st.lists(st.sampled_from([SQUAT, STOOP, TWIST]), min_size=1, max_size=3))
    yaw = draw(st.sampled_from([0.0, 30.0, 60.0, 90.0]))
    world = draw(st.booleans())
    noise = draw(st.floats(0.0, 0.01))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    frames = [body_frame(b, t, yaw=yaw, world=world, noise=noise, rng=rng) for t, b in lift_track(kinds)]
    out: list[PoseFrame] = []
    for f in frames:
        kind = draw(st.sampled_from(["keep"] * 12 + ["drop", "empty", "teleport", "dup", "nan_part", "gap"]))
        if kind == "drop":
            continue
        if kind == "empty":
            out.append(PoseFrame.empty(f.t))
        elif kind == "teleport":
            out.append(f.replace(xy=np.array(f.xy) + rng.uniform(-0.5, 0.5, 2)))
        elif kind == "dup":
            out += [f, f]
        elif kind == "nan_part":
            xy = np.array(f.xy)
            xy[rng.integers(0, NUM_LANDMARKS, 6)] = np.nan
            out.append(f.replace(xy=xy))
        elif kind == "gap":
            out.append(f.replace(t=f.t + 5.0))
        else:
            out.append(f)
    return out, len(kinds)


@STREAMS
@given(stream=corrupted_lift_stream())
def test_noisy_streams_count_monotonically_and_never_too_many(stream: tuple[list[PoseFrame], int]) -> None:
    frames, performed = stream
    a = LiftAnalyzer()
    reps = 0
    for f in frames:
        v = a.update(f)
        assert v.reps >= reps
        reps = v.reps
    assert reps <= performed
    s = a.summary()
    assert len(s.items) == s.reps == reps
    for it in s.items:
        assert it.kind == "lift" and 0.0 <= it.score <= 100.0
        assert it.start <= it.end


@STREAMS
@given(seed=st.integers(0, 2**16), yaw=st.sampled_from([0.0, 45.0, 90.0]), world=st.booleans(),
       noise=st.floats(0.0, 0.006))
def test_clean_lifts_are_all_counted(seed: int, yaw: float, world: bool, noise: float) -> None:
    rng = np.random.default_rng(seed)
    frames = [body_frame(b, t, yaw=yaw, world=world, noise=noise, rng=rng)
              for t, b in lift_track([SQUAT, STOOP, SQUAT])]
    a = LiftAnalyzer()
    for f in frames:
        a.update(f)
    assert a.summary().reps == 3
