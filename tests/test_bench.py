"""``coach bench`` runs end to end and reports every figure (a functional
test: no timing is asserted, the machine running the tests is noisy)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from coach.bench import BenchConfig, BenchReport, Dist, bench_soak, plank_cycle
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
    realtime = report["realtime"]
    assert realtime["processed"] > 0 and realtime["latency_p95"] >= realtime["latency_p50"] > 0
    soak = report["soak"]
    assert len(soak["rss_mb"]) == 3 and math.isfinite(soak["growth_mb"]) and soak["cues"] > 0
    assert {c["target"].split(" ")[0] for c in report["checks"]} >= {"analysis", "overhead", "latency", "RSS"}


def test_soak_replays_a_session_without_the_model() -> None:
    soak = bench_soak(1.0, size=(160, 120))
    assert soak.frames == 1800 and len(soak.rss_mb) == 2
    assert soak.reps >= 0 and soak.cues > 0
    assert not math.isfinite(soak.growth_mb)  # needs two minutes to compare


def test_plank_track_is_judged_as_a_plank() -> None:
    from coach.pipeline import Pipeline
    from coach.registry import get_exercise

    pipeline = Pipeline(get_exercise("plank"))
    verdicts = [pipeline.step(f).verdict for f in plank_cycle(60.0)]
    assert {v.phase for v in verdicts} >= {"hold", "setup"}
    assert any("hips_sagging" in v.faults for v in verdicts)
    assert pipeline.summary().reps == 1


def test_report_lines_without_measurements() -> None:
    report = BenchReport(BenchConfig(realtime_s=0))
    assert report.checks() == []
    assert report.lines()[0].startswith("coach bench")
    assert math.isnan(Dist.of([]).median)
