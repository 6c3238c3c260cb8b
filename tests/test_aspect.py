"""The x-scale estimation for tracks without their image aspect
(coach/aspect.py) and its use by the lift analyzer.

Pure functions are checked against hand-computed values; the lift analyzer
against coach.synth side-view lifts rendered at 16:9 (the default View,
1280x720) and read back with ``aspect=1.0``, as a pose-track CSV of
normalised coordinates would be.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import pytest

from coach.aspect import (
    ASPECT_CANDIDATES,
    ASPECT_FROM_FILE,
    EVIDENCE_MIXED,
    AspectConfig,
    AspectEstimator,
    FitSums,
    fit_x_scale,
    scale_rel_error,
    segment_terms,
    snap_scale,
    solve_scale_sq,
    tilt_shares,
)
from coach.exercise import NOT_VISIBLE, SetSummary
from coach.pose import PoseFrame
from coach.synth import scenarios as S
from coach.synth.camera import View
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios import Scenario
from exercises.lift import KNEES_STRAIGHT, LOAD_FAR, LiftAnalyzer

JITTER = NoiseConfig.jitter_only()


# -- pure functions -------------------------------------------------------------------
def test_segment_terms() -> None:
    a_b = segment_terms(0.3, 0.4, 0.5)
    assert a_b is not None
    assert a_b[0] == pytest.approx(0.36)  # 0.09 / 0.25
    assert a_b[1] == pytest.approx(0.64)  # 0.16 / 0.25
    assert segment_terms(0.0, 0.0, 0.5) is None
    assert segment_terms(math.nan, 0.4, 0.5) is None
    assert segment_terms(0.3, 0.4, 0.0) is None


def test_tilt_shares() -> None:
    assert tilt_shares(3.0, 4.0) == pytest.approx((0.36, 0.64))
    assert tilt_shares(0.0, 2.0) == (0.0, 1.0)
    assert tilt_shares(0.0, 0.0) == (0.0, 0.0)


def test_fit_exact_scale_two() -> None:
    """Body size k = 1, x squashed by c = 2: a horizontal segment of length
    0.5 reads dx = 0.25; two vertical ones read their full length.
    Equations a u - w = -b: 0.25 u - w = 0, -w = -1 (twice): u = 4, w = 1."""
    segs = [(0.25, 0.0, 0.5), (0.0, 0.5, 0.5), (0.0, 0.25, 0.25)]
    s = FitSums()
    for dx, dy, r in segs:
        terms = segment_terms(dx, dy, r)
        assert terms is not None
        s.add(*terms)
    # saa = 0.0625, sa = 0.25, n = 3, sab = 0, sb = 2: det = 0.125
    assert (s.saa, s.sa, s.n, s.sab, s.sb) == pytest.approx((0.0625, 0.25, 3.0, 0.0, 2.0))
    u, w = solve_scale_sq(s)
    assert (u, w) == pytest.approx((4.0, 1.0))
    assert scale_rel_error(s, u, w) == pytest.approx(0.0, abs=1e-9)
    assert fit_x_scale(segs) == pytest.approx(2.0)


def test_fit_with_residuals() -> None:
    """(a, b) = (0.25, 0), (0, 1), (0, 1), (0.25, 0.5): saa = 0.125, sa = 0.5,
    n = 4, sab = 0.125, sb = 2.5, det = 0.25 -> u = 3, w = 1; residuals
    -0.25, 0, 0, 0.25: RSS = 0.125, sigma^2 = 0.0625, se(u) = sqrt(0.0625 * 4
    / 0.25) = 1, relative se of c = 1 / (2 * 3)."""
    s = FitSums()
    for a, b in ((0.25, 0.0), (0.0, 1.0), (0.0, 1.0), (0.25, 0.5)):
        s.add(a, b)
    u, w = solve_scale_sq(s)
    assert (u, w) == pytest.approx((3.0, 1.0))
    assert scale_rel_error(s, u, w) == pytest.approx(1.0 / 6.0)


def test_fit_ill_posed() -> None:
    # all vertical: every a = 0, the normal equations are singular
    assert math.isnan(fit_x_scale([(0.0, 0.5, 0.5), (0.0, 0.25, 0.25)]))
    assert math.isnan(fit_x_scale([]))
    s = FitSums()
    s.add(0.0, 1.0)
    s.add(0.0, 1.0)
    assert solve_scale_sq(s) == (pytest.approx(math.nan, nan_ok=True), pytest.approx(math.nan, nan_ok=True))
    assert scale_rel_error(s, math.nan, math.nan) == math.inf


def test_snap_scale() -> None:
    c = ASPECT_CANDIDATES
    assert snap_scale(1.7, 1.0, c, 0.05) == 16 / 9  # |ln(1.7/1.778)| = 0.045 << ln 1.7
    assert snap_scale(1.5, 4 / 3, c, 0.05) == 4 / 3  # 4/3 is nearest already
    # 1.56: 16/9 is nearer (0.131 vs 0.157) but not by the 0.05 margin
    assert snap_scale(1.56, 4 / 3, c, 0.05) == 4 / 3
    assert snap_scale(1.65, 4 / 3, c, 0.05) == 16 / 9  # 0.075 vs 0.213
    assert snap_scale(1.1, 1.0, c, 0.05) == 1.0
    assert snap_scale(math.nan, 4 / 3, c, 0.05) == 4 / 3
    assert snap_scale(-1.0, 1.0, c, 0.05) == 1.0


def _tilted_frame(c: float, k: float, tilt_deg: float) -> list[tuple[float, float, float]]:
    """A trunk tilted by ``tilt_deg`` from vertical and a vertical shank and
    thigh of a body of size k, x squashed by c."""
    th = math.radians(tilt_deg)
    return [
        (0.288 * k * math.sin(th) / c, 0.288 * k * math.cos(th), 0.288),
        (0.0, 0.245 * k, 0.245),
        (0.0, 0.246 * k, 0.246),
    ]


def test_estimator_upright_frames_carry_no_evidence() -> None:
    est = AspectEstimator(AspectConfig(evidence=EVIDENCE_MIXED, min_weight=1.0, bias=1.0))
    for _ in range(300):
        assert est.update(_tilted_frame(16 / 9, 0.5, 0.0)) == 1.0
    assert est.weight == 0.0
    assert est.scale == 1.0


def test_estimator_learns_then_locks() -> None:
    cfg = AspectConfig(evidence=EVIDENCE_MIXED, min_weight=2.0, bias=1.0, max_rel_error=0.05, lock_weight=5.0)
    est = AspectEstimator(cfg)
    # trunk at 60 deg, read squashed: dx = 0.144 sin 60 / (16/9) = 0.0701,
    # dy = 0.144 cos 60 = 0.072: horizontal share 0.487 per frame (the
    # vertical shares sum to 2.51)
    scales = [est.update(_tilted_frame(16 / 9, 0.5, 60.0)) for _ in range(12)]
    assert est.weight == pytest.approx(11 * 0.48697, rel=1e-4)  # locked after 11 frames: 5.36 >= 5
    assert scales[:4] == [1.0] * 4  # weight 1.95 < 2
    assert scales[4:] == [16 / 9] * 8
    assert est.estimate == pytest.approx(16 / 9)
    assert est.locked
    # once locked, contrary evidence does not move it
    for _ in range(50):
        est.update(_tilted_frame(1.0, 0.5, 60.0))
    assert est.scale == 16 / 9
    est.reset()
    assert (est.scale, est.weight, est.locked) == (1.0, 0.0, False)


def test_estimator_uncertain_keeps_one() -> None:
    est = AspectEstimator(AspectConfig(evidence=EVIDENCE_MIXED, min_weight=0.0, bias=1.0, max_rel_error=0.01))
    # inconsistent frames: the same tilt read at two x scales
    for i in range(20):
        est.update(_tilted_frame(16 / 9 if i % 2 else 1.0, 0.5, 60.0))
    assert est.rel_error > 0.01
    assert est.scale == 1.0


# -- the lift analyzer on a 16:9 video read without its aspect --------------------------
@functools.cache
def _lifts(kinds: tuple[str, ...], seed: int, width: int = 1280) -> Scenario:
    return S.lift_sequence(kinds, seed=seed, noise=JITTER, view=View("side", width=width, height=720))


def _run(frames: Sequence[PoseFrame]) -> tuple[LiftAnalyzer, list[float]]:
    a = LiftAnalyzer()
    scales: list[float] = []
    for f in frames:
        a.update(f)
        scales.append(a.x_scale)
    return a, scales


@pytest.mark.parametrize("kinds", [("squat", "stoop"), ("stoop", "squat", "squat")])
@pytest.mark.parametrize("seed", [0, 1])
def test_lift_16_9_read_as_aspect_one(kinds: tuple[str, ...], seed: int) -> None:
    sc = _lifts(kinds, seed)
    assert sc.frames[0].aspect == pytest.approx(16 / 9)
    a, scales = _run([f.replace(aspect=1.0) for f in sc.frames])
    s = a.summary()
    assert s.reps == len(kinds)
    assert s.extra["lift_types"] == list(kinds)
    for kind, item in zip(kinds, s.items, strict=True):
        assert (KNEES_STRAIGHT in item.faults) == (kind == "stoop")
    # the scale is found during the first lift, changes once and is held
    assert s.extra["x_scale"] == pytest.approx(16 / 9)
    changes = [i for i in range(1, len(scales)) if scales[i] != scales[i - 1]]
    assert len(changes) == 1
    assert sc.frames[changes[0]].t < sc.truth.lifts[0].end
    # the angles are those of the run that knew the aspect
    ref, _ = _run(list(sc.frames))
    for got, want in zip(s.items, ref.summary().items, strict=True):
        for key in ("trunk_flexion_max", "knee_flexion_min_at_bottom", "hip_flexion_at_bottom"):
            assert got.measures[key] == pytest.approx(want.measures[key], abs=3.0), key


def test_lift_upright_only_keeps_scale_one() -> None:
    sc = _lifts(("squat",), 0)
    standing = [f.replace(aspect=1.0) for f in sc.frames if f.t < sc.truth.lifts[0].start]
    assert len(standing) > 30
    _, scales = _run(standing)
    assert set(scales) == {1.0}


@pytest.mark.parametrize(("width", "expected"), [(720, 1.0), (960, 4 / 3)])
def test_lift_other_formats(width: int, expected: float) -> None:
    sc = _lifts(("stoop", "squat"), 2, width)
    a, scales = _run([f.replace(aspect=1.0) for f in sc.frames])
    assert a.x_scale == pytest.approx(expected)
    assert len({round(x, 6) for x in scales}) <= 2
    assert a.summary().extra["lift_types"] == ["stoop", "squat"]


def test_lift_trusts_a_given_aspect() -> None:
    sc = _lifts(("squat",), 0)
    a, scales = _run(list(sc.frames))
    assert set(scales) == {1.0}
    assert a.summary().reps == 1


@pytest.mark.parametrize("seed", [0, 1])
def test_lift_16_9_far_load_still_seen(seed: int) -> None:
    """Read squashed, a far load (~60 cm) looks ~35 cm away and ``load_far``
    was missed; with the x scale estimated it is seen as with the aspect."""
    sc = _lifts(("reach", "squat"), seed)
    a, _ = _run([f.replace(aspect=1.0) for f in sc.frames])
    ref, _ = _run(list(sc.frames))
    got, want = a.summary(), ref.summary()
    assert got.reps == want.reps == 2
    assert got.extra["lift_types"] == want.extra["lift_types"]
    assert LOAD_FAR in got.items[0].faults
    assert [it.faults for it in got.items] == [it.faults for it in want.items]


# -- every exercise: a CSV without its aspect column must not flip verdicts ---------------
def _verdicts_both_ways(exercise: str, frames: tuple[PoseFrame, ...]) -> tuple[SetSummary, SetSummary]:
    from tests.helpers import run_exercise

    given, _ = run_exercise(exercise, frames)
    stripped, _ = run_exercise(exercise, tuple(f.replace(aspect=1.0) for f in frames))
    return given, stripped


def _floor_cases() -> list[tuple[str, str, object]]:
    from coach.synth import bridge_reps, knee_to_chest, plank_hold

    j = NoiseConfig.jitter_only()
    return [
        ("plank", "good", lambda s: plank_hold(12.0, seed=s, noise=j)),
        ("plank", "sag", lambda s: plank_hold(12.0, sag_deg=18.0, seed=s, noise=j)),
        ("hip_bridge", "good", lambda s: bridge_reps(3, seed=s, noise=j)),
        ("hip_bridge", "low", lambda s: bridge_reps(3, hip_extension_deficit_deg=25.0, seed=s, noise=j)),
        ("knee_to_chest", "good", lambda s: knee_to_chest(("left",), hold_s=8.0, seed=s, noise=j)),
    ]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(("exercise", "variant", "make"), _floor_cases(), ids=lambda x: x if isinstance(x, str) else "")
def test_missing_aspect_does_not_flip_verdicts(exercise: str, variant: str, make: Any, seed: int) -> None:
    """The generated camera is 16:9; the same track with its aspect stripped
    (a CSV from another tool) gets the same counts and the same faults, and
    the summary says the aspect was estimated from the body."""
    sc = make(seed)
    assert sc.frames[0].aspect == pytest.approx(16 / 9, abs=0.01)
    given, stripped = _verdicts_both_ways(exercise, sc.frames)
    assert stripped.reps == given.reps
    codes = {e.code for e in given.fault_events} - {NOT_VISIBLE}
    assert {e.code for e in stripped.fault_events} - {NOT_VISIBLE} == codes
    assert given.extra["aspect"] == ASPECT_FROM_FILE
    assert str(stripped.extra["aspect"]).startswith("not in the recording; estimated from the body")


def test_summary_says_when_the_aspect_could_not_be_estimated() -> None:
    """A body that never shows a bent or vertical segment gives no evidence."""
    from coach.summary_text import format_summary
    from tests.helpers import run_exercise

    sc = S.plank_hold(4.0, seed=0)
    flat = [f.replace(aspect=1.0) for f in sc.frames[:1]]  # one frame: too little evidence
    summary, _ = run_exercise("plank", flat)
    assert "not estimable" in str(summary.extra["aspect"])
    assert "image aspect: not in the recording and not estimable" in format_summary(summary)
