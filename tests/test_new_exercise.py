"""Adding an exercise touches one module: ``tests/plugins/stand_tall.py``
registers a new exercise (spec + analyzer) and, with no other file edited,
it runs through ``analyze``, the feedback policy, the store, ``show`` and
``report`` (real subprocesses, a real SQLite file, the HTML report)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from coach.posetrack import write_pose_track
from coach.synth import NoiseConfig, standing_still
from tests.conftest import RunCoach

REPO = Path(__file__).resolve().parents[1]
PLUGIN = {"COACH_PLUGINS": "tests.plugins.stand_tall",
          "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))}


@pytest.fixture()
def standing_csv(tmp_path: Path) -> Path:
    sc = standing_still(8.0, seed=1, noise=NoiseConfig.jitter_only(), view="front")
    path = tmp_path / "standing.csv"
    write_pose_track(path, sc.frames)
    return path


def test_a_new_exercise_runs_through_every_part(run_coach: RunCoach, tmp_path: Path, standing_csv: Path) -> None:
    db = tmp_path / "plugin.db"
    summary = tmp_path / "s.json"
    proc = run_coach("analyze", standing_csv, "--exercise", "stand_tall", "--summary-json", summary,
                     "--db", db, env=PLUGIN)
    assert proc.returncode == 0, proc.stderr
    s = json.loads(summary.read_text())
    assert s["exercise"] == "stand_tall" and s["target_unit"] == "s"
    assert s["hold_s"] > 6.0 and s["fault_counts"] == {}

    shown = run_coach("show", "last", "--db", db, env=PLUGIN)
    assert shown.returncode == 0, shown.stderr
    assert "stand_tall" in shown.stdout

    history = run_coach("history", "--exercise", "stand_tall", "--db", db, env=PLUGIN)
    assert history.returncode == 0 and "stand_tall" in history.stdout, history.stderr

    report = tmp_path / "r.html"
    rep = run_coach("report", "--db", db, "--out", report, env=PLUGIN)
    assert rep.returncode == 0, rep.stderr
    assert "Session 1: stand tall" in report.read_text()

    # without the plugin the name is unknown, and the error lists the exercises
    bad = run_coach("analyze", standing_csv, "--exercise", "stand_tall", "--no-save")
    assert bad.returncode == 2 and "stand_tall" in bad.stderr and "plank" in bad.stderr


def test_a_new_exercise_gets_its_words_from_its_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    from coach import registry
    from coach.feedback import policy_for

    registry.exercise_names()
    import tests.plugins.stand_tall as plugin

    try:
        policy = policy_for(registry.get_exercise("stand_tall"))
        assert policy.config.fault_cues["leaning"] == "Stand up tall"
        assert policy.target is not None and policy.target.is_time
        assert registry.get_spec("stand_tall").item_kind == "hold"
        assert registry.fault_label("leaning") == "leaning"
        assert plugin.SPEC in registry.specs()
    finally:
        registry.unregister("stand_tall")


def test_a_broken_plugin_is_a_one_line_error(run_coach: RunCoach, tmp_path: Path, standing_csv: Path) -> None:
    proc = run_coach("analyze", standing_csv, "--exercise", "plank", "--no-save",
                     env={**PLUGIN, "COACH_PLUGINS": "tests.plugins.no_such_module"})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "COACH_PLUGINS" in proc.stderr
