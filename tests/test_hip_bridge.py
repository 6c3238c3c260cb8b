"""Hip bridge analyzer on synthetic pose tracks (coach.synth): exact rep
counts, top-hold time, faults by type (side and front view), incomplete
reps, not_visible, the rep phases."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np
import pytest

from coach.exercise import NOT_VISIBLE, FrameVerdict, SetSummary
from coach.pose import PoseFrame
from coach.synth import scenarios as S
from coach.synth.camera import View
from coach.synth.noise import NoiseConfig
from exercises.hip_bridge import HipBridgeAnalyzer, HipBridgeConfig
from tests.helpers import check_faults, reported, run_exercise

JITTER = NoiseConfig.jitter_only()
DEFAULT = NoiseConfig()


def run(frames: Iterable[PoseFrame], smooth: bool = False, **options: object) -> tuple[SetSummary, list[FrameVerdict]]:
    return run_exercise("hip_bridge", frames, smooth, **options)


CASES: Sequence[tuple[str, dict[str, float]]] = [
    ("good", {}),
    ("hips_too_low", {"hip_extension_deficit_deg": 20.0}),
    ("back_overarched", {"overarch_deg": 16.0}),
    ("feet_too_far", {"knee_angle_deg": 125.0}),
    ("feet_too_close", {"knee_angle_deg": 58.0}),
]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(("label", "params"), CASES, ids=[c[0] for c in CASES])
def test_side_view_scenarios(label: str, params: dict[str, float], seed: int) -> None:
    view = View("side", side="left" if seed == 0 else "right")
    sc = S.bridge_reps(4, seed=seed, noise=DEFAULT, view=view, **params)  # type: ignore[arg-type]
    summary, verdicts = run(sc.frames)
    assert summary.reps == sc.truth.count == 4
    check_faults(sc, summary)
    if label == "good":
        assert reported(summary) == set()
        assert all(r.good for r in summary.items)
    else:
        assert label in reported(summary)
        assert all(label in r.faults for r in summary.items if label in ("hips_too_low", "back_overarched"))
    reps = [v.reps for v in verdicts]
    assert reps == sorted(reps)


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_top_hold_time(seed: int) -> None:
    hold = (1.0, 2.0, 3.5)[seed - 2]
    sc = S.bridge_reps(3, top_hold_s=hold, seed=seed, noise=JITTER)
    summary, _ = run(sc.frames)
    assert summary.reps == 3
    tops = [r.measures["top_hold_s"] for r in summary.items]
    # measured on 30 jittered sets: per-set mean error at most 0.29 s, per
    # rep median 0.13 s, 90th percentile 0.37 s (a jittery top can restart)
    assert abs(float(np.mean(tops)) - hold) <= 0.3, tops
    assert all(abs(t - hold) <= 1.1 for t in tops), tops
    assert abs(summary.hold_s - 3 * hold) <= 0.9  # good-form time at the top, all reps
    assert summary.best_hold_s == pytest.approx(max(tops))


def test_rep_phases_follow_the_truth() -> None:
    sc = S.bridge_reps(3, seed=5, noise=JITTER)
    _, verdicts = run(sc.frames)
    agree = 0
    judged = 0
    for v in verdicts:
        span = sc.truth.phase_at(v.t)
        if span is None or not v.visible:
            continue
        judged += 1
        agree += v.phase == span.label
    assert agree / judged > 0.7, agree / judged  # phases lag the truth by the filters
    seq = [v.phase for v in verdicts]
    compact = [p for i, p in enumerate(seq) if i == 0 or p != seq[i - 1]]
    assert compact[:5] == ["down", "rising", "top", "lowering", "down"]


def test_only_complete_reps_count() -> None:
    """Hips lifted only a third of the way: not a rep, and flagged."""
    sc = S.bridge_reps(3, hip_extension_deficit_deg=32.0, seed=6, noise=JITTER)
    summary, _ = run(sc.frames)
    assert summary.reps == 0
    assert "hips_too_low" in reported(summary)


def test_front_view_hips_uneven() -> None:
    sc = S.bridge_reps(4, uneven_deg=15.0, view="front", seed=7, noise=DEFAULT)
    summary, verdicts = run(sc.frames)
    assert summary.reps == 4
    assert "hips_uneven" in reported(summary)
    assert any(v.side == "front" for v in verdicts)
    level = S.bridge_reps(4, view="front", seed=7, noise=DEFAULT)
    summary, _ = run(level.frames)
    assert summary.reps == 4 and reported(summary) == set()


def test_partial_body_and_no_person() -> None:
    sc = S.partial_body("hip_bridge", "knees", seed=8, noise=JITTER)
    summary, verdicts = run(sc.frames)
    assert summary.reps == 0 and summary.hold_s == 0.0
    late = verdicts[len(verdicts) // 4:]
    assert all(v.faults == (NOT_VISIBLE,) and not v.visible for v in late)
    assert all("move back" in (v.cue or "").lower() for v in late)
    empty = S.no_person(2.0, exercise="hip_bridge")
    summary, verdicts = run(empty.frames)
    assert summary.reps == 0 and verdicts[-1].faults == (NOT_VISIBLE,)


def test_with_smoothing_and_harsh_noise() -> None:
    sc = S.bridge_reps(5, seed=9, noise=NoiseConfig.harsh())
    summary, verdicts = run(sc.frames, smooth=True)
    assert summary.reps in (sc.truth.count - 1, sc.truth.count)  # harsh: a rep may be lost unseen
    assert reported(summary) <= set(sc.truth.ambiguous_faults)
    for prev, cur in itertools.pairwise(verdicts):
        assert cur.reps >= prev.reps and cur.hold_s >= prev.hold_s - 1e-9


def test_target_score_and_items() -> None:
    sc = S.bridge_reps(4, top_hold_s=2.5, seed=10, noise=JITTER)
    analyzer = HipBridgeAnalyzer(target=4)
    for f in sc.frames:
        analyzer.update(f)
    s = analyzer.summary()
    assert s.target == 4 and s.target_unit == "reps"
    assert s.score >= 90.0  # 4 good reps held >= 2 s of 4
    assert [r.index for r in s.items] == [1, 2, 3, 4]
    assert all(r.kind == "rep" and "peak_hip_bend" in r.measures for r in s.items)
    short = HipBridgeAnalyzer(HipBridgeConfig(top_hold_target_s=5.0), target=4)
    for f in sc.frames:
        short.update(f)
    # the pause at the top is 20 % of a rep's quality: half the pause costs 10 %
    assert short.summary().score == pytest.approx(0.9 * s.score, abs=3.0)


def test_rest_is_learnt_for_any_foot_placement() -> None:
    """Foot placement changes the resting hip angle from ~-25 to ~-60: the
    rep thresholds follow the user's own rest."""
    for knee in (70.0, 110.0):
        sc = S.bridge_reps(3, knee_angle_deg=knee, seed=11, noise=JITTER)
        summary, _ = run(sc.frames)
        assert summary.reps == 3, knee


def test_metrics_present() -> None:
    sc = S.bridge_reps(1, seed=12, noise=None)
    _, verdicts = run(sc.frames)
    m = verdicts[len(verdicts) // 2].metrics
    assert {"hip_bend", "knee_angle", "progress"} <= set(m)
    assert np.isfinite(m["hip_bend"])
