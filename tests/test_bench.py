"""``coach bench`` runs end to end and reports every figure (a functional
test: no timing is asserted, the machine running the tests is noisy)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from coach.bench import BenchConfig, BenchReport, Dist, bench_soak
from coach.registry import exercise_names, get_spec
from coach.synth.tracks import exercise_track
from tests.conftest import RunCoach


def test_cli_bench_reports_all_figures(run_coach: RunCoach, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = run_coach("bench", "--frames", "24", "--warmup", "4", "--realtime-seconds", "1",
                     "--soak-minutes", "2", "--json", out, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    for needle in ("bare PoseLandmarker loop", "coach inference", "coach analysis", "coach rendering",
                   "overhead ratio", "analysis share", "latency capture -> frame on screen", "RSS MB",
                   "targets:"):
        assert needle in text, needle
    report = json.loads(out.read_text())
    frame = report["frame"]
    assert frame["frames"] == 20 and frame["persons"] > 0
    for part in ("bare", "inference", "analysis", "render", "pipeline"):
        assert frame[part]["median"] > 0 and frame[part]["p95"] >= frame[part]["median"]
    assert math.isfinite(frame["overhead"]) and math.isfinite(frame["share_p95"])
    # one run times every registered exercise, each right after its own inference
    from coach.registry import exercise_names

    assert sorted(frame["exercises"]) == sorted(exercise_names())
    for name, e in frame["exercises"].items():
        assert e["analysis"]["median"] > 0 and e["inference"]["median"] > e["analysis"]["median"], name
        assert 0 < e["share_median"] <= e["share_p95"] and math.isfinite(e["share_full_body_p95"]), name
        assert name in text
    realtime = report["realtime"]
    assert realtime["processed"] > 0 and realtime["latency_p95"] >= realtime["latency_p50"] > 0
    soak = report["soak"]
    assert len(soak["rss_mb"]) == 3 and math.isfinite(soak["growth_mb"]) and soak["cues"] > 0
    assert {c["target"].split(" ")[0] for c in report["checks"]} >= {"analysis", "overhead", "latency", "RSS"}
    assert any(c["target"].endswith("for every exercise") for c in report["checks"])


def test_soak_replays_a_session_without_the_model() -> None:
    soak = bench_soak(1.0, size=(160, 120))
    assert soak.frames == 1800 and len(soak.rss_mb) == 2
    assert soak.reps >= 0 and soak.cues > 0
    assert not math.isfinite(soak.growth_mb)  # needs two minutes to compare


@pytest.mark.parametrize("exercise", exercise_names())
def test_each_exercise_is_benched_on_its_own_track(exercise: str) -> None:
    """bench times every analyzer on a track of its own exercise, in which
    it counts something and finds a fault (so all its branches run)."""
    from coach.pipeline import Pipeline
    from coach.registry import get_exercise

    pipeline = Pipeline(get_exercise(exercise))
    verdicts = [pipeline.step(f).verdict for f in exercise_track(exercise, 30.0)]
    summary = pipeline.summary()
    assert summary.reps > 0 or summary.hold_s > 0
    assert any(set(v.faults) & set(get_spec(exercise).fault_codes) for v in verdicts)


def test_report_lines_without_measurements() -> None:
    report = BenchReport(BenchConfig(realtime_s=0))
    assert report.checks() == []
    assert report.lines()[0].startswith("coach bench")
    assert math.isnan(Dist.of([]).median)


@pytest.mark.slow
def test_cli_bench_scaling_runs_whole_processes(run_coach: RunCoach, tmp_path: Path, person_video: Path) -> None:
    """--scaling times a bare MediaPipe program and `coach analyze --workers N`
    as whole processes over the same file, interleaved (no timing asserted)."""
    out = tmp_path / "b.json"
    proc = run_coach("bench", "--no-frames", "--realtime-seconds", "0", "--scaling", "1,2", "--rounds", "2",
                     "--video", person_video, "--json", out)
    assert proc.returncode == 0, proc.stderr
    assert "wall / bare" in proc.stdout
    scaling = json.loads(out.read_text())["scaling"]
    labels = [r["label"] for r in scaling["results"]]
    assert labels == ["bare loop (full)", "coach, 1 worker (full)", "coach, 2 workers (full)"]
    for r in scaling["results"]:
        assert len(r["wall_s"]) == len(r["ratio_to_bare"]) == 2 and min(r["wall_s"]) > 0
    assert scaling["results"][0]["ratio_to_bare"] == [1.0, 1.0]
    bad = run_coach("bench", "--scaling", "0,2")
    assert bad.returncode == 2 and "1 or more" in bad.stderr


def test_wait_idle_measures_the_machine_and_gives_up_in_time() -> None:
    import time

    from coach.bench_scaling import wait_idle

    t0 = time.monotonic()
    share = wait_idle(0.0, idle_share=1.01, window_s=0.2)  # can never be met: returns after one window
    assert time.monotonic() - t0 < 2.0
    assert 0.0 <= share <= 1.0


def test_scaling_contenders_cover_the_table(tmp_path: Path) -> None:
    """One run holds the bare loop, the legacy loop, coach with each worker
    count and, per other model variant, the bare loop and coach's default."""
    from coach.bench_scaling import contenders
    from coach.parallel import default_workers

    models = {v: tmp_path / f"{v}.task" for v in ("full", "lite", "heavy")}
    got = contenders(tmp_path / "v.mp4", models, "plank", (1, 2, 4), ("lite", "heavy"), legacy_python="/opt/py")
    n = default_workers()
    default = f"default = {n} worker{'s' if n > 1 else ''}"
    assert [c.label for c in got] == [
        "bare loop (full)", "legacy solutions.pose loop (full)", "coach, 1 worker (full)",
        "coach, 2 workers (full)", "coach, 4 workers (full)", "bare loop (lite)", f"coach, {default} (lite)",
        "bare loop (heavy)", f"coach, {default} (heavy)"]
    assert got[1].argv[0] == "/opt/py"
    assert "--workers" not in got[6].argv and str(models["lite"]) in got[6].argv
    assert got[4].argv[-2:] == ("--workers", "4")
