"""Recognising the exercise: the posture features (camera side, image
aspect and body size do not change them), the rules each exercise declares,
the recognizer on the synthetic suite (every case recognised as its own
exercise within 2 s of the first rep or hold, nothing on the idle cases),
the mismatch warning and the routine runner on the demo track."""

from __future__ import annotations

import ast
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from coach.pose import PoseFrame
from coach.recognition.features import FEATURE_NAMES, FEATURES, FeatureExtractor, features_of, size_estimate
from coach.recognition.mismatch import MismatchWatcher, mismatch_text
from coach.recognition.recognizer import Recognizer, compile_bounds
from coach.recognition.routine import REST_PHASE, LiveRoutine, RoutineRunner, run_routine
from coach.registry import exercise_names, get_exercise, get_spec, specs
from coach.smoothing import PoseSmoother
from coach.spec import Bound, RecognitionSpec
from coach.synth import NoiseConfig, bridge_reps, knee_to_chest, lift_sequence, plank_hold, standing_still, walking
from coach.synth.scenarios.routine import FULL_ROUTINE, demo_routine, routine_track
from coach.synth.suite import suite

REPO = Path(__file__).resolve().parent.parent
DECIDE_WITHIN_S = 2.0


def recognise(frames: list[PoseFrame] | tuple[PoseFrame, ...]) -> tuple[list[tuple[str, float]], Recognizer]:
    """(exercise, decided at) of every set the recognizer opens."""
    smoother, rec = PoseSmoother(), Recognizer()
    opened = []
    for f in frames:
        r = rec.update(smoother(f))
        if r.opened is not None:
            opened.append((r.opened.exercise, r.opened.decided_at))
    return opened, rec


# -- the rules ------------------------------------------------------------------------------------
def test_every_exercise_declares_recognition_rules_on_known_features() -> None:
    for spec in specs():
        assert spec.recognition is not None, spec.name
        compile_bounds(spec.recognition.position)  # unknown feature names raise
        compile_bounds(spec.recognition.rest)
        assert spec.recognition.called.startswith(("a ", "an "))
    assert set(FEATURE_NAMES) == set(FEATURES)


def test_recognition_spec_validation() -> None:
    with pytest.raises(ValueError):
        Bound("trunk_incl", 10.0, 5.0)
    with pytest.raises(ValueError):
        RecognitionSpec(called="a thing", position=())
    with pytest.raises(ValueError):
        RecognitionSpec(called="a thing", position=(Bound("hip_h", 0.1),), rest_within_s=2.0)
    with pytest.raises(ValueError):
        compile_bounds((Bound("no_such_feature", 0.0, 1.0),))


def test_recognition_code_names_no_exercise_or_fault() -> None:
    """Which exercise is which comes from the specs in exercises/, never
    from literals in coach/recognition."""
    names = set(exercise_names()) | {c for n in exercise_names() for c in get_spec(n).fault_codes}
    for path in (REPO / "coach" / "recognition").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value not in names, f"{path.name}: literal {node.value!r}"


# -- the features ---------------------------------------------------------------------------------
def _mirror(f: PoseFrame) -> PoseFrame:
    """The same body filmed from its other side: the image mirrored (and
    the world x axis with it)."""
    xy = f.xy.copy()
    xy[:, 0] = 1.0 - xy[:, 0]
    world = None if f.world is None else f.world * np.array([-1.0, 1.0, 1.0])
    return f.replace(xy=xy, world=world)


def _reframe(f: PoseFrame, aspect: float) -> PoseFrame:
    """The same picture in an image of another width (same height): the
    normalised x changes, the true proportions do not."""
    xy = f.xy.copy()
    xy[:, 0] = 0.5 + (xy[:, 0] - 0.5) * f.aspect / aspect
    return f.replace(xy=xy, aspect=aspect)


@pytest.mark.parametrize("world", [True, False])
def test_features_do_not_depend_on_camera_side_or_image_width(world: bool) -> None:
    sc = bridge_reps(2, seed=3, noise=None)
    frames = [f if world else f.replace(world=None) for f in sc.frames[::9]]
    for f in frames:
        size = size_estimate(*_pts(f))
        a = features_of(f, size).values
        b = features_of(_mirror(f), size).values
        c = features_of(_reframe(f, 4.0 / 3.0), size).values
        np.testing.assert_allclose(a, b, atol=1e-6, equal_nan=True)
        np.testing.assert_allclose(a, c, atol=1e-6, equal_nan=True)


def _pts(f: PoseFrame) -> tuple[list[list[float] | None], bool]:
    from coach.recognition.features import body_points

    return body_points(f)


def test_features_measure_gravity_floor_and_joints() -> None:
    """Standing: trunk upright, hips half way up; a plank: trunk level,
    shoulders off the floor on the arms; a bridge's top: hips raised."""
    fx = FeatureExtractor()
    stand = fx.update(standing_still(2.0, seed=1).frames[30])
    assert stand.get("trunk_incl") < 15 and 0.4 < stand.get("hip_h") < 0.6
    assert stand.get("hands_below_knees") < -0.1
    plank = plank_hold(6.0, seed=1)
    hold = next(s for s in plank.truth.phases if s.label == "hold")
    fx = FeatureExtractor()
    p = [fx.update(f) for f in plank.frames if f.t <= hold.start + 1.0][-1]
    assert 70 < p.get("trunk_incl") < 110 and p.get("shoulder_h") > 0.1 and p.get("knee_flex_min") < 20
    bridge = bridge_reps(1, seed=1)
    top = next(s for s in bridge.truth.phases if s.label == "top")
    fx = FeatureExtractor()
    q = [fx.update(f) for f in bridge.frames if f.t <= (top.start + top.end) / 2][-1]
    assert q.get("trunk_incl") > 103 and q.get("hip_h") > q.get("shoulder_h") + 0.05


def test_a_front_camera_looking_down_at_the_floor_is_levelled() -> None:
    """World landmarks follow the camera: filmed from the feet by a camera
    looking down, a supine body reads tilted. The floor's slope is taken
    from the body's own contacts and removed."""
    sc = bridge_reps(1, seed=2, view="front", noise=None)
    down = next(s for s in sc.truth.phases if s.label == "down")
    fx = FeatureExtractor()
    p = [fx.update(f) for f in sc.frames if f.t <= down.end][-1]
    assert 80 < p.get("trunk_incl") < 100 and p.get("shoulder_h") < 0.08
    assert abs(fx.tilt) > 5.0


# -- the recognizer on the synthetic suite ----------------------------------------------------------
@pytest.mark.parametrize("case", suite(), ids=lambda c: c.name)
def test_every_suite_case_is_recognised_as_its_exercise_within_2_s(case) -> None:  # type: ignore[no-untyped-def]
    sc = case.build()
    opened, _ = recognise(sc.frames)
    if case.exercise is None:
        assert opened == [], f"{case.name}: recognised {opened} in a recording without an exercise"
        return
    assert [e for e, _ in opened] == [case.exercise], f"{case.name}: {opened}"
    first = sc.truth.reps[0].start
    assert opened[0][1] - first <= DECIDE_WITHIN_S, f"{case.name}: decided {opened[0][1] - first:.2f} s in"


def test_a_track_without_its_aspect_is_recognised_the_same() -> None:
    """A 16:9 recording read without its aspect (x squashed by 1.78): the
    x scale is estimated from the body, as the analyzers do."""
    for gen, name in ((plank_hold, "plank"), (knee_to_chest, "knee_to_chest"), (lift_sequence, "lift")):
        sc = gen(seed=5, noise=NoiseConfig())
        squashed = [f.replace(world=None, aspect=1.0) for f in sc.frames]
        opened, _ = recognise(squashed)
        assert [e for e, _ in opened] == [name], (name, opened)


def test_walking_and_standing_are_none_of_these() -> None:
    for sc in (walking(20.0, seed=4, noise=NoiseConfig.harsh()), standing_still(20.0, seed=4)):
        assert recognise(sc.frames)[0] == []


# -- the mismatch warning ---------------------------------------------------------------------------
def _watch(named: str, frames: tuple[PoseFrame, ...]) -> list[tuple[float, str]]:
    smoother, watcher = PoseSmoother(), MismatchWatcher(named)
    said = []
    for f in frames:
        text = watcher.update(smoother(f))
        if text is not None:
            said.append((f.t, text))
    return said


def test_a_plank_judged_as_a_bridge_is_said_once() -> None:
    sc = plank_hold(20.0, seed=2, noise=NoiseConfig())
    said = _watch("hip_bridge", sc.frames)
    assert [text for _, text in said] == ["This looks like a plank, not a hip bridge"]
    hold = sc.truth.reps[0]
    assert hold.start < said[0][0] < hold.start + 6.0
    assert mismatch_text("lift", "knee_to_chest") == "This looks like a lift, not a knee-to-chest stretch"


@pytest.mark.parametrize("name", ["plank", "hip_bridge", "knee_to_chest", "lift"])
def test_the_right_exercise_is_never_warned_about(name: str) -> None:
    for case in suite(exercise=name):
        if case.exercise == name and case.noise == "harsh":
            assert _watch(name, case.build().frames) == [], case.name


# -- a routine becomes sets -------------------------------------------------------------------------
def _run(frames: tuple[PoseFrame, ...], lag_s: float | None = None):  # type: ignore[no-untyped-def]
    runner = RoutineRunner(lambda e: get_exercise(e), lag_s=lag_s)
    samples = []

    class Keep:
        def on_sample(self, s: object) -> None:
            samples.append(s)

        def close(self, s: object) -> None:
            pass

    return run_routine(((f, None) for f in frames), runner, [Keep()]), samples


@pytest.mark.parametrize("seed", [0, 1])
def test_the_demo_track_becomes_its_sets(seed: int) -> None:
    """Every set found, with the right exercise, its boundaries within 1 s,
    each judged by its own analyzer (the counts of the demo's segments),
    and no set invented; one sample per frame, in order."""
    rt = demo_routine(seed)
    sets, samples = _run(rt.frames)
    assert [s.span.exercise for s in sets] == [t.exercise for t in rt.sets]
    for found, true, (_, sc) in zip(sets, rt.sets, rt.segments, strict=True):
        assert abs(found.span.start - true.start) <= 1.0, (found.span, true)
        assert found.span.end is not None and abs(found.span.end - true.end) <= 1.0, (found.span, true)
        assert found.summary.exercise == true.exercise
        assert found.summary.reps == sc.truth.count, (true.exercise, found.summary.reps)
        assert math.isclose(found.summary.duration_s, found.span.end - found.span.start, abs_tol=1e-3)
    assert [s.raw.t for s in samples] == [f.t for f in rt.frames]
    inside = [s for s in samples if s.set_index is not None]
    assert all(s.exercise == sets[s.set_index - 1].span.exercise for s in inside)
    assert all(s.verdict.phase == REST_PHASE for s in samples if s.set_index is None)


@pytest.mark.parametrize("noise", ["default", "harsh"])
def test_a_routine_with_walking_between_sets(noise: str) -> None:
    cfg = NoiseConfig() if noise == "default" else NoiseConfig.harsh()
    rt = routine_track(FULL_ROUTINE, seed=1, noise=cfg, between="walk")
    sets, _ = _run(rt.frames)
    assert [s.span.exercise for s in sets] == list(FULL_ROUTINE)
    for found, true in zip(sets, rt.sets, strict=True):
        assert abs(found.span.start - true.start) <= 1.0 and abs((found.span.end or 0) - true.end) <= 1.0


def test_live_routine_finds_the_same_sets_without_lag() -> None:
    """The live coach cannot wait: its analyzers catch up when a set is
    recognised, and still find the sets and their counts."""
    rt = demo_routine(0)
    runner = RoutineRunner(lambda e: get_exercise(e), lag_s=0.0)
    live = LiveRoutine(runner)
    out = [live.step(f) for f in rt.frames]
    live.summary()
    assert len(out) == len(rt.frames)
    assert [s.span.exercise for s in live.sets] == [t.exercise for t in rt.sets]
    assert [s.summary.reps for s in live.sets] == [sc.truth.count for _, sc in rt.segments]
    assert any(getattr(s, "exercise", None) == "plank" for s in out)


def test_a_single_set_and_nothing_at_all() -> None:
    sets, samples = _run(plank_hold(12.0, seed=3).frames)
    assert [s.span.exercise for s in sets] == ["plank"] and sets[0].summary.reps == 1
    sets, samples = _run(walking(10.0, seed=3).frames)
    assert sets == [] and all(s.set_index is None for s in samples)


def test_options_reach_only_the_sets_that_take_them() -> None:
    from coach.commands._auto import options_for

    assert options_for("lift", {"load_kg": 10.0}) == {"load_kg": 10.0}
    assert options_for("plank", {"load_kg": 10.0}) == {}


def test_set_json_carries_where_the_set_is() -> None:
    sets, _ = _run(demo_routine(0).frames)
    obj = sets[1].to_json()
    assert obj["exercise"] == "hip_bridge" and obj["set"] == 2
    assert obj["start"] < obj["recognised_at"] < obj["end"]
    assert obj["duration_s"] == pytest.approx(obj["end"] - obj["start"], abs=1e-3)
    assert replace(sets[1].span, end=None).duration_s == 0.0
