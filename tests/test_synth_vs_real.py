"""The synthetic body's good poses reproduce real people's (issue 15): the
key measures of generated good form fall in the real distributions from
``tests/data/real``.

* plank body line (shoulder-hip-ankle angle, hip offset from the
  shoulder-ankle line) against 459 real correct planks;
* the bottom of a squat-style lift (knee flexion, trunk inclination)
  against real side-view squat bottoms.

Where no real recording with a clear licence exists (a bridge top, a
supine knee-to-chest), there is nothing to compare with; ACCURACY.md says so.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from coach import geometry as geo
from coach.evaluation.corpus import load_entry
from coach.landmarks import Landmark, sided
from coach.pose import PoseFrame
from coach.synth import NoiseConfig, lift_sequence, plank_hold
from tests.helpers import run_exercise

REAL = Path(__file__).parent / "data" / "real"


def _labelled(entry: str) -> list[tuple[PoseFrame, str, dict[str, str]]]:
    e = load_entry(REAL / f"{entry}.json")
    views = e.meta.get("row_view") or ["?"] * len(e.frames)
    sides = e.meta.get("row_near_side") or ["left"] * len(e.frames)
    return [(f, lab, {"view": v, "side": s})
            for f, lab, v, s in zip(e.frames, e.labels.per_row, views, sides, strict=True)]


def _plank_measures(frames: list[PoseFrame]) -> tuple[float, float]:
    """Median body angle and hip offset the plank analyzer measures."""
    _, verdicts = run_exercise("plank", frames)
    held = [v.metrics for v in verdicts if v.phase == "hold" and v.visible]
    if not held:
        return math.nan, math.nan
    return (float(np.median([m["body_angle"] for m in held])), float(np.median([m["hip_offset"] for m in held])))


@pytest.fixture(scope="module")
def real_plank() -> np.ndarray:
    out = []
    for entry in ("mlkit_pushups_up", "pck_plank"):
        for f, lab, _ in _labelled(entry):
            if lab == "correct":
                out.append(_plank_measures([f.replace(t=i / 30) for i in range(60)]))
    arr = np.array(out)
    return arr[np.all(np.isfinite(arr), axis=1)]


def test_synthetic_good_planks_match_real_ones(real_plank: np.ndarray) -> None:
    assert len(real_plank) > 300
    synth = np.array([_plank_measures(list(plank_hold(10.0, seed=s, noise=NoiseConfig.jitter_only()).frames))
                      for s in range(12)])
    for j, name, tol in ((0, "body angle", 6.0), (1, "hip offset", 0.06)):
        real_col, syn_col = real_plank[:, j], synth[:, j]
        lo, hi = np.percentile(real_col, [5, 95])
        assert abs(np.median(syn_col) - np.median(real_col)) <= tol, (name, np.median(syn_col), np.median(real_col))
        assert np.all((syn_col >= lo) & (syn_col <= hi)), (name, syn_col, lo, hi)
    # and not the straight line a body model would draw without calibration
    assert np.median(synth[:, 0]) < 176.0 and np.median(synth[:, 1]) < -0.03


def _squat_bottom(f: PoseFrame, side: str) -> tuple[float, float]:
    """Knee flexion and trunk inclination (from vertical), 2D, true aspect."""
    def p(name: str) -> tuple[float, float]:
        lm = sided(side, name) if name != "nose" else Landmark.NOSE  # type: ignore[arg-type]
        return (float(f.xy[lm, 0]) * f.aspect, float(f.xy[lm, 1]))

    return geo.flexion_deg(p("hip"), p("knee"), p("ankle")), geo.inclination_deg(p("hip"), p("shoulder"))


def test_synthetic_squat_lift_bottoms_match_real_squat_bottoms() -> None:
    real = np.array([_squat_bottom(f, info["side"])
                     for entry in ("pck_squat", "mlkit_squats_down")
                     for f, lab, info in _labelled(entry) if info["view"] == "side" and lab == "none"])
    real = real[np.all(np.isfinite(real), axis=1)]
    assert len(real) > 100
    synth = np.array([(lt.knee_flexion_deg, lt.trunk_flexion_deg)
                      for s in range(6) for lt in lift_sequence(("squat",), seed=s).truth.lifts])
    for j, name in ((0, "knee flexion"), (1, "trunk inclination")):
        lo, hi = np.percentile(real[:, j], [10, 90])
        assert np.all((synth[:, j] >= lo) & (synth[:, j] <= hi)), (name, synth[:, j], lo, hi)
