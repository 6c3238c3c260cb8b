"""Lifts on real video (issue 15, deliverable 4): the lift coach counts a lift
whenever the hands go from below the knees to standing, whatever the
recording starts with, at any frame rate, with dropped frames, and with the
legs partly hidden by the load; its faults are named for what is measured;
its cues agree with its state; its score is predictable.

The synthetic lifts come from ``coach.synth.lift_sequence`` (not edited
here); frames are transformed in the tests: sliced, dropped, their
visibility edited with ``PoseFrame.replace``. Every track runs through
``Pipeline`` (One Euro smoothing, analyzer, feedback policy) exactly as
``coach analyze`` and ``coach live`` do.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pytest

from coach.exercise import NOT_VISIBLE, FrameVerdict, SetSummary
from coach.feedback import Cue
from coach.landmarks import Landmark
from coach.pipeline import Pipeline
from coach.pose import PoseFrame
from coach.posetrack import read_pose_track
from coach.registry import get_exercise
from coach.synth import NoiseConfig, Scenario, lift_sequence
from exercises.lift import (
    ASCENDING,
    BACK_ROUNDED,
    BOTTOM,
    BRACE_CUE,
    DESCENDING,
    KNEES_STRAIGHT,
    SPEC,
    STANDING,
    LiftAnalyzer,
    LiftConfig,
)
from exercises.lift import measures as m
from tests.test_lift import STAND, Body, body_frame, lift_track

L = Landmark
REAL = Path(__file__).parent / "data" / "real"
KINDS = ("squat", "stoop", "reach", "twist")
TYPE_OF = {"squat": "squat", "stoop": "stoop", "reach": "semi-squat", "twist": "squat"}
"""The lift type each generated kind is classified as where flexion is seen
(the generator's reach is a half squat, its twist a deep squat)."""
VIEWS = (("side", False), ("side", True), ("front", True), ("front", False), ("oblique", True), ("oblique", False))
FLEXION_VIEWS = (("side", False), ("side", True), ("front", True), ("oblique", True))
LEGS = (L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX,
        L.RIGHT_FOOT_INDEX)


@functools.lru_cache(maxsize=64)
def scenario(kinds: tuple[str, ...], seed: int, view: str, fps: float) -> Scenario:
    return lift_sequence(kinds, seed=seed, noise=NoiseConfig.jitter_only(), view=view, fps=fps)  # type: ignore[arg-type]


def frames_of(sc: Scenario, world: bool) -> list[PoseFrame]:
    return [f if world else f.replace(world=None) for f in sc.frames]


class Run:
    """One pass of the pipeline: the verdicts, the cues said and the summary."""

    def __init__(self, frames: Iterable[PoseFrame]) -> None:
        pipe = Pipeline(get_exercise("lift"))
        self.verdicts: list[FrameVerdict] = []
        self.cues: list[tuple[Cue, FrameVerdict]] = []
        for f in frames:
            sample = pipe.step(f)
            self.verdicts.append(sample.verdict)
            if sample.cue is not None:
                self.cues.append((sample.cue, sample.verdict))
        self.summary: SetSummary = pipe.summary()

    @property
    def types(self) -> list[str]:
        return list(self.summary.extra["lift_types"])  # type: ignore[call-overload]


def expected_types(kinds: Sequence[str], view: str, world: bool) -> list[str]:
    flexion = world or view == "side"
    return [TYPE_OF[k] if flexion else "unknown" for k in kinds]


# -- the same lifts at any frame rate ---------------------------------------------------------


@pytest.mark.parametrize(("view", "world"), VIEWS)
def test_same_lifts_at_10_15_30_and_60_fps(view: str, world: bool) -> None:
    """The same performance recorded at 10, 15, 30 and 60 fps: every lift is
    counted and classed the same at every rate."""
    want = expected_types(KINDS, view, world)
    for fps in (10.0, 15.0, 30.0, 60.0):
        run = Run(frames_of(scenario(KINDS, 3, view, fps), world))
        assert run.summary.reps == len(KINDS), (view, world, fps)
        if (view, world) != ("oblique", False):
            assert run.types == want, (view, world, fps)
        # An oblique view without world landmarks is told from a side view by
        # MediaPipe-like relative depth (z), whose slow per-recording bias the
        # generator draws afresh for each frame rate: this one reads yaw ~58
        # (side-on, flexion measured) at 10 fps and ~47 (oblique, not
        # measured) at 30. That is the noise, not the rate (the frame drops
        # below keep the noise and the types).


@pytest.mark.parametrize(("view", "world"), VIEWS)
def test_dropped_frames_change_nothing(view: str, world: bool) -> None:
    """A 30 fps track with 20-40 % of its frames dropped at random (what
    ``coach live --realtime`` does when inference is slower than the
    video): the same count and types as ``coach analyze`` on every frame."""
    sc = scenario(KINDS, 4, view, 30.0)
    full = Run(frames_of(sc, world))
    assert full.summary.reps == len(KINDS)
    rng = np.random.default_rng(11)
    for drop in (0.2, 0.3, 0.4):
        for _ in range(2):
            keep = rng.random(len(sc.frames)) >= drop
            run = Run(f for f, k in zip(frames_of(sc, world), keep, strict=True) if k)
            assert run.summary.reps == full.summary.reps, (view, world, drop)
            assert run.types == full.types, (view, world, drop)


def test_dropped_frames_in_long_bursts() -> None:
    """A slow machine drops frames in bursts (inference stalls): up to 0.3 s
    missing at a time, half of the frames in all."""
    sc = scenario(KINDS, 5, "side", 30.0)
    full = Run(frames_of(sc, False))
    rng = np.random.default_rng(5)
    kept: list[PoseFrame] = []
    skip_until = -1.0
    for f in frames_of(sc, False):
        if f.t < skip_until:
            continue
        kept.append(f)
        if rng.random() < 0.15:
            skip_until = f.t + rng.uniform(0.1, 0.3)
    assert len(kept) < 0.75 * len(sc.frames)
    run = Run(kept)
    assert run.summary.reps == full.summary.reps == len(KINDS)
    assert run.types == full.types


# -- wherever the recording starts ------------------------------------------------------------


def sliced(sc: Scenario, world: bool, t_start: float) -> list[PoseFrame]:
    """The recording from ``t_start`` on, its clock restarted at 0 (as a
    video cut there would be)."""
    return [f.replace(t=f.t - t_start) for f in frames_of(sc, world) if f.t >= t_start]


@pytest.mark.parametrize(("view", "world"), (*FLEXION_VIEWS, ("front", False)))
@pytest.mark.parametrize("kinds", [("squat", "stoop"), ("stoop", "squat")])
def test_recording_may_start_standing_at_the_load_or_halfway_down(view: str, world: bool,
                                                                 kinds: tuple[str, str]) -> None:
    sc = scenario(kinds, 6, view, 30.0)
    first = sc.truth.lifts[0]
    starts = {
        "standing": sc.start,
        "at the load": first.bottom,  # hands at the box
        "halfway down": (first.start + first.bottom) / 2.0,
    }
    want = expected_types(kinds, view, world)
    for where, t0 in starts.items():
        run = Run(sliced(sc, world, t0))
        assert run.summary.reps == 2, (where, view, world, kinds)
        assert run.types == want, (where, view, world, kinds)
        first_item = run.summary.items[0]
        assert first_item.start <= first.bottom - t0 + 0.1, where  # the first lift is the one under way
        braces = [v for v in run.verdicts if v.cue == BRACE_CUE]
        # "Brace your core" before the lifts that begin from standing; never
        # for a lift that is already under way when the recording starts
        assert len(braces) == (2 if where == "standing" else 1), (where, view, world, kinds)


def test_real_deadlift_counts_both_lifts() -> None:
    """The real rear-oblique barbell deadlift opens half-way down the first
    lift: both complete lifts are counted, the cut-off third descent is not."""
    frames = list(read_pose_track(REAL / "ypt_commons_deadlift_rear.csv"))
    run = Run(frames)
    assert run.summary.reps == 2
    (a, b) = run.summary.items
    assert a.start < 0.2 and 1.8 < a.end < 2.4  # labelled 0.03-2.1 s
    assert 3.0 < b.start < 4.0 and 5.6 < b.end < 6.2  # labelled 3.2-5.93 s


def test_real_deadlift_at_any_rate_with_drops_and_from_the_bar() -> None:
    """The real deadlift decimated to 15 and 10 fps, with 20-50 % of its
    frames dropped, or cut to start at the bar: still its two lifts."""
    frames = list(read_pose_track(REAL / "ypt_commons_deadlift_rear.csv"))
    full = Run(frames)
    for step in (2, 3):
        assert Run(frames[::step]).types == full.types
    rng = np.random.default_rng(0)
    for drop in (0.2, 0.35, 0.5):
        keep = rng.random(len(frames)) >= drop
        assert Run(f for f, k in zip(frames, keep, strict=True) if k).types == full.types
    at_bar = next(i for i, f in enumerate(frames) if f.t >= 1.2)  # the first bottom (labelled)
    run = Run(f.replace(t=f.t - frames[at_bar].t) for f in frames[at_bar:])
    assert run.summary.reps == 2


# -- legs hidden by the load --------------------------------------------------------------------


def hide_legs(sc: Scenario, world: bool) -> tuple[list[PoseFrame], list[bool]]:
    """Knees, ankles and feet at visibility 0.1 through the bottom half of
    every lift (from half-way down to half-way up)."""
    spans = [((lt.start + lt.bottom) / 2.0, (lt.bottom + lt.end) / 2.0) for lt in sc.truth.lifts]
    out, hidden = [], []
    for f in frames_of(sc, world):
        hide = any(a <= f.t <= b for a, b in spans)
        if hide:
            vis = np.array(f.visibility)
            vis[list(LEGS)] = 0.1
            f = f.replace(visibility=vis)
        out.append(f)
        hidden.append(hide)
    return out, hidden


@pytest.mark.parametrize(("view", "world"), VIEWS)
def test_legs_hidden_by_the_load_do_not_lose_the_lift(view: str, world: bool) -> None:
    sc = scenario(KINDS, 7, view, 30.0)
    frames, hidden = hide_legs(sc, world)
    run = Run(frames)
    assert run.summary.reps == len(KINDS)
    flexion = world or view == "side"
    for got, kind in zip(run.types, KINDS, strict=True):
        # the type comes from the knees at the bottom: unknown when they were hidden there
        assert got in (TYPE_OF[kind] if flexion else "unknown", "unknown")
    judged_hidden = [v for v, h in zip(run.verdicts, hidden, strict=True) if h and v.visible]
    assert len(judged_hidden) >= 0.9 * sum(hidden)  # still judged while shoulders, hips and hands are seen
    for v in judged_hidden:
        assert math.isnan(v.metrics["knee_flexion"])  # knees are never guessed
        assert math.isnan(v.metrics["h_frac"])  # nor the feet (H is measured from the ankles)
    assert not any(NOT_VISIBLE in v.faults for v in run.verdicts)


def test_hidden_knees_never_raise_a_knee_fault_and_keep_the_stoop() -> None:
    """With the knees hidden, knees_straight is not judged on those frames
    (it clears), and back_rounded still catches a trunk no knee bend explains."""
    sc = scenario(("squat", "stoop"), 8, "side", 30.0)
    frames, _ = hide_legs(sc, False)
    run = Run(frames)
    squat, stoop = run.summary.items
    assert squat.faults == () and squat.score == 100.0
    assert BACK_ROUNDED in stoop.faults
    seen = Run(frames_of(sc, False))
    assert KNEES_STRAIGHT in seen.summary.items[1].faults


def test_body_cut_off_at_the_knees_is_not_judged() -> None:
    """Hidden legs are tolerated only where they were seen in the lift (or a
    moment before): a body never seen below the hips is not judged."""
    sc = scenario(("squat",), 9, "side", 30.0)
    frames = []
    for f in frames_of(sc, False):
        vis = np.array(f.visibility)
        vis[list(LEGS)] = 0.1
        frames.append(f.replace(visibility=vis))
    run = Run(frames)
    assert run.summary.reps == 0
    assert not any(v.visible for v in run.verdicts)


# -- faults named for what is measured ----------------------------------------------------------


def squat_body(trunk: float, knee: float) -> Body:
    """A squat lift's bottom: shanks ~25 deg forward, the thighs at
    knee - 25 deg from vertical, the arms reaching down to a box."""
    thigh = knee - 25.0
    return Body(trunk=trunk, thigh_l=thigh, thigh_r=thigh, knee_l=knee, knee_r=knee, reach=25.0)


@pytest.mark.parametrize("world", [False, True])
@pytest.mark.parametrize(("trunk", "knee"), [(45.0, 95.0), (50.0, 100.0), (55.0, 95.0), (55.0, 110.0), (63.0, 105.0)])
def test_squat_lift_with_an_inclined_trunk_is_not_a_rounded_back(trunk: float, knee: float, world: bool) -> None:
    """Real squat bottoms incline the trunk 39-57 deg with the knees at ~96
    (pck_squat, mlkit_squats_down; a few up to 63): a 45-55 deg trunk with
    the knees bent 95-110 deg is what a squat lift looks like, not a rounded
    back, and neither is 63 deg (trunk inclination alone called it one)."""
    track = lift_track([squat_body(trunk, knee)] * 2, hold_s=1.0)
    run = Run(body_frame(b, t, yaw=90.0, world=world, noise=0.002) for t, b in track)
    assert run.summary.reps == 2
    assert not any(BACK_ROUNDED in v.faults or KNEES_STRAIGHT in v.faults for v in run.verdicts)
    assert all(it.good and it.score == 100.0 for it in run.summary.items)


@pytest.mark.parametrize(("trunk", "knee", "fault"), [
    (70.0, 10.0, BACK_ROUNDED),  # stoop: knees straight, trunk past 60
    (82.0, 100.0, BACK_ROUNDED),  # past even the squat allowance (75)
    (70.0, 10.0, KNEES_STRAIGHT),
])
def test_trunk_the_knees_do_not_explain_is_flagged(trunk: float, knee: float, fault: str) -> None:
    body = squat_body(trunk, knee) if knee > 50 else Body(trunk=trunk, thigh_l=12, thigh_r=12, knee_l=knee,
                                                             knee_r=knee, reach=10.0)
    track = lift_track([body], hold_s=1.0)
    run = Run(body_frame(b, t, yaw=90.0, noise=0.002) for t, b in track)
    assert run.summary.reps == 1
    assert fault in run.summary.items[0].faults


def test_knee_allowance_is_the_documented_line() -> None:
    c = LiftConfig()

    def allowance(knee: float) -> float:
        return m.knee_trunk_allowance(knee, c.allowance_knee_start_deg, c.allowance_knee_full_deg,
                                      c.squat_trunk_allowance_deg)

    assert allowance(0.0) == allowance(c.allowance_knee_start_deg) == 0.0
    assert allowance(60.0) == pytest.approx(c.squat_trunk_allowance_deg / 2)
    assert allowance(c.allowance_knee_full_deg) == allowance(140.0) == c.squat_trunk_allowance_deg
    assert allowance(math.nan) == c.squat_trunk_allowance_deg  # an unseen knee: the benefit of the doubt
    knees = np.linspace(0.0, 150.0, 61)
    assert all(np.diff([allowance(k) for k in knees]) >= 0)
    # the limit for a real squat bottom (trunk up to 57 deg at ~96 deg) keeps a margin
    assert c.trunk_flexion_max_deg + allowance(96.0) - 57.0 >= 15.0


# -- the score ----------------------------------------------------------------------------------


def test_score_is_the_mean_of_per_lift_scores_and_a_fault_never_raises_it() -> None:
    c = LiftConfig()
    sc = scenario(KINDS, 10, "side", 30.0)
    s = Run(frames_of(sc, True)).summary
    assert len(s.items) == 4
    for it in s.items:
        assert it.score == max(0.0, 100.0 - sum(c.penalty(code) for code in it.faults))
        assert it.good == (not it.faults) == (it.score == 100.0)
    assert s.score == pytest.approx(sum(it.score for it in s.items) / len(s.items))
    assert "mean over lifts" in s.score_formula and "100 -" in s.score_formula
    # the same set with its faulty lifts replaced by clean squats scores higher
    clean = Run(frames_of(scenario(("squat",) * 4, 10, "side", 30.0), True)).summary
    assert clean.score == 100.0 > s.score
    assert all(c.penalty(code) > 0 for code in SPEC.fault_codes)


# -- cues agree with the state -------------------------------------------------------------------


def check_cues(run: Run, config: LiftConfig | None = None) -> None:
    """No cue contradicts the phase or the faults of its frame."""
    c = config or LiftConfig()
    unseen_since: float | None = None
    last_standing = -math.inf
    last_item_good: bool | None = None
    cue_at = {id(v): cue for cue, v in run.cues}
    for v in run.verdicts:
        if v.item_good is not None:
            last_item_good = v.item_good
        if v.visible:
            unseen_since = None
        elif unseen_since is None:
            unseen_since = v.t
        cue = cue_at.get(id(v))
        if cue is not None:
            if cue.code == NOT_VISIBLE:
                assert not v.visible and unseen_since is not None
                assert v.t - unseen_since >= c.not_visible_on_s - 1e-6, "step back before 0.5 s unseen"
            elif cue.code is not None:
                assert cue.code in v.faults, f"{cue.text!r} said without its fault at {v.t:.2f}"
            elif cue.text == BRACE_CUE:
                assert v.phase in (DESCENDING, BOTTOM) and not v.faults, v.phase
                assert v.t - last_standing <= c.rest_window_s + 3.0, "brace long after standing"
            elif cue.kind == "praise":
                assert last_item_good is True, "praise for a lift that was not clean"
        if v.phase == STANDING and v.visible:
            last_standing = v.t
        assert v.phase in (STANDING, DESCENDING, BOTTOM, ASCENDING)


@pytest.mark.parametrize(("view", "world"), VIEWS)
def test_cues_agree_with_the_state_on_synthetic_lifts(view: str, world: bool) -> None:
    sc = lift_sequence(KINDS, seed=12, noise=NoiseConfig(), view=view)  # type: ignore[arg-type]
    check_cues(Run(frames_of(sc, world)))
    sc = lift_sequence(KINDS, seed=13, noise=NoiseConfig.harsh(), view=view)  # type: ignore[arg-type]
    check_cues(Run(frames_of(sc, world)))


@pytest.mark.parametrize("entry", sorted(p.stem for p in REAL.glob("*.csv")))
def test_cues_agree_with_the_state_on_real_tracks(entry: str) -> None:
    frames = list(read_pose_track(REAL / f"{entry}.csv"))
    check_cues(Run(frames))


def test_step_back_needs_half_a_second_unseen() -> None:
    """A wrist just under the visibility cut-off (0.49) for 0.3 s, both for
    0.2 s, or a frame with nobody in it, is MediaPipe, not the user: no
    "step back"."""
    track = lift_track([squat_body(50.0, 100.0)] * 2)
    frames = [body_frame(b, t, yaw=90.0, noise=0.002) for t, b in track]
    out = []
    for i, f in enumerate(frames):
        if i % 60 == 20:
            f = PoseFrame.empty(f.t)
        elif i % 60 in range(30, 39):
            vis = np.array(f.visibility)
            vis[L.LEFT_WRIST] = 0.49
            vis[L.RIGHT_WRIST] = 0.49 if i % 60 < 36 else vis[L.RIGHT_WRIST]
            f = f.replace(visibility=vis)
        out.append(f)
    run = Run(out)
    assert run.summary.reps == 2
    assert not any(NOT_VISIBLE in v.faults for v in run.verdicts)
    assert not any(c.code == NOT_VISIBLE for c, _ in run.cues)
    gone = [body_frame(STAND, t, yaw=90.0) for t in np.arange(0.0, 1.0, 1 / 30)]
    gone += [PoseFrame.empty(t) for t in np.arange(1.0, 2.0, 1 / 30)]
    run = Run(gone)
    said = [v.t for c, v in run.cues if c.code == NOT_VISIBLE]
    assert said and said[0] >= 1.0 + LiftConfig().not_visible_on_s - 1e-6


def test_analyzer_alone_never_braces_over_a_fault_or_outside_a_lift() -> None:
    a = LiftAnalyzer()
    sc = scenario(KINDS, 14, "side", 30.0)
    for f in frames_of(sc, False):
        v = a.update(f)
        if v.cue == BRACE_CUE:
            assert v.phase in (DESCENDING, BOTTOM) and not v.faults
        elif v.cue is not None and v.faults:
            assert v.cue == SPEC.cue(v.faults[0])


# -- calibrated on real bodies ----------------------------------------------------------------------


def real_side_squat_bottoms() -> tuple[np.ndarray, np.ndarray]:
    """(trunk from vertical, knee flexion) of the side-view rows of the real
    squat-bottom samples (pck_squat, mlkit_squats_down), near side, true
    aspect."""
    import json

    from coach import geometry as geo
    from coach.landmarks import sided

    trunk, knee = [], []
    for name in ("pck_squat", "mlkit_squats_down"):
        meta = json.loads((REAL / f"{name}.json").read_text())
        rows = read_pose_track(REAL / f"{name}.csv")
        for f, view, side in zip(rows, meta["row_view"], meta["row_near_side"], strict=True):
            if view != "side":
                continue
            P = np.array(f.xy)
            P[:, 0] *= f.aspect
            sh, hp, kn, an = (P[sided(side, j)].tolist() for j in ("shoulder", "hip", "knee", "ankle"))
            if all(geo.point_ok(p) for p in (sh, hp, kn, an)):
                trunk.append(geo.inclination_deg(hp, sh))
                knee.append(geo.flexion_deg(hp, kn, an))
    return np.array(trunk), np.array(knee)


def test_real_squat_bottoms_are_not_rounded_backs() -> None:
    """176 real side-view squat bottoms (trunk up to 63 deg, knees ~83-145):
    trunk inclination alone flagged 8 of them; with the knee allowance none
    comes within 5 deg of the back_rounded limit."""
    c = LiftConfig()
    trunk, knee = real_side_squat_bottoms()
    assert len(trunk) >= 150
    assert (trunk >= c.trunk_flexion_max_deg).sum() >= 5  # what the old rule called a rounded back
    excess = [m.unexplained_trunk_flexion(t, k, c.allowance_knee_start_deg, c.allowance_knee_full_deg,
                                          c.squat_trunk_allowance_deg) for t, k in zip(trunk, knee, strict=True)]
    assert max(excess) <= c.trunk_flexion_max_deg - 5.0


def test_real_deadlift_scores_are_predictable() -> None:
    """On the real deadlift: each lift scores 100 minus its faults'
    penalties, the set the mean; a clean lift would score 100."""
    c = LiftConfig()
    s = Run(read_pose_track(REAL / "ypt_commons_deadlift_rear.csv")).summary
    for it in s.items:
        assert it.score == max(0.0, 100.0 - sum(c.penalty(code) for code in it.faults))
        assert it.good == (it.score == 100.0)
    assert s.score == pytest.approx(sum(it.score for it in s.items) / len(s.items))


# -- coach live --realtime and coach analyze agree -----------------------------------------------


class ReplayByTime:
    """A slow pose detector replaying a track by the frame's video time (so a
    frame the capture dropped is a frame the analysis never sees)."""

    def __init__(self, track: Sequence[PoseFrame], delay_s: float) -> None:
        self.track = track
        self.times = np.array([f.t for f in track])
        self.delay_s = delay_s

    def detect(self, image_bgr: np.ndarray, t: float) -> PoseFrame:
        time.sleep(self.delay_s)
        i = int(np.clip(np.searchsorted(self.times, t - 1e-6), 0, len(self.track) - 1))
        return self.track[i].replace(t=t)


def test_live_realtime_with_dropped_frames_agrees_with_analyze() -> None:
    """The live loop on a camera-paced clip, with inference slower than the
    camera (about half the frames dropped, as on a slow machine), counts and
    classes the same lifts as ``coach analyze`` on every frame."""
    from coach.live.loop import LiveConfig, LiveLoop
    from coach.live.window import NullDisplay
    from coach.voice import SilentVoice
    from tests.test_live import FakeCamera

    sc = scenario(("squat", "stoop"), 15, "side", 30.0)
    frames = frames_of(sc, False)
    analyzed = Run(frames)
    assert analyzed.summary.reps == 2
    # the clip played twice as fast as real time, with a clock running twice
    # as fast (to keep the test short: the loop stamps frames with its clock),
    # inference taking ~1.5 frame periods
    speed = 2.0
    camera = FakeCamera(len(frames), fps=30.0, period=1.0 / (30.0 * speed))
    loop = LiveLoop(camera, ReplayByTime(frames, delay_s=0.05 / speed), Pipeline(get_exercise("lift")),
                    voice=SilentVoice(), display=NullDisplay(), make_sinks=list,
                    config=LiveConfig(exercise="lift", setup=None, lossless=False),
                    clock=lambda: speed * time.monotonic())
    result = loop.run()
    assert result.summary is not None
    assert result.stats.dropped >= 0.3 * len(frames)
    assert result.summary.reps == analyzed.summary.reps
    assert result.summary.extra["lift_types"] == analyzed.summary.extra["lift_types"]
