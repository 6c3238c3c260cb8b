"""``coach batch``: many real videos through the real model, on worker
processes or a local Dask cluster; same figures as ``coach analyze`` per
file; rerunning skips what is done."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from tests.conftest import RunCoach, make_person_video

REAL_TRACK = Path(__file__).parent / "data" / "real" / "pck_plank.csv"


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of recordings: two real videos (one in a subfolder), a
    real pose track, and a broken file."""
    root = tmp_path_factory.mktemp("study")
    make_person_video(root / "a.mp4", frames=40)
    (root / "sub").mkdir()
    make_person_video(root / "sub" / "b.mp4", frames=55)
    (root / "broken.mp4").write_bytes(b"not a video" * 50)
    return root


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow
def test_batch_matches_analyze_and_resumes(run_coach: RunCoach, study: Path, model_path: Path,
                                           tmp_path: Path) -> None:
    table = tmp_path / "results.csv"
    proc = run_coach("batch", study, "-e", "lift", "--workers", "2", "--results", table, "--model", model_path)
    assert proc.returncode == 1, "a broken file makes the batch fail, after the others are done"
    assert "2 analysed, 1 failed, 0 already done (of 3)" in proc.stdout
    rows = {Path(r["file"]).name: r for r in _rows(table)}
    assert set(rows) == {"a.mp4", "b.mp4", "broken.mp4"}
    assert rows["broken.mp4"]["status"] == "error" and "not a readable video" in rows["broken.mp4"]["error"]
    for name, sub in (("a.mp4", ""), ("b.mp4", "sub")):
        row = rows[name]
        assert row["status"] == "ok" and row["session"], row
        summ = tmp_path / f"{name}.json"
        ok = run_coach("analyze", study / sub / name, "-e", "lift", "--workers", "1", "--model", model_path,
                       "--summary-json", summ, "--no-save")
        assert ok.returncode == 0, ok.stderr
        ref = json.loads(summ.read_text())
        assert int(row["frames"]) == ref["frames"] and int(row["person_frames"]) == ref["person_frames"]
        assert int(row["reps"]) == ref["reps"] and float(row["hold_s"]) == ref["hold_s"]
        assert float(row["score"]) == ref["score"]
        assert json.loads(row["fault_counts"]) == ref["fault_counts"]
    # the sessions are stored
    hist = run_coach("history")
    assert hist.returncode == 0, hist.stderr
    assert sum("lift" in line for line in hist.stdout.splitlines()) == 2, hist.stdout
    # rerun: the finished files are skipped, the broken one retried
    again = run_coach("batch", study, "-e", "lift", "--workers", "2", "--results", table, "--model", model_path)
    assert "0 analysed, 1 failed, 2 already done (of 3)" in again.stdout
    assert len(_rows(table)) == 4
    # another exercise is another job
    plank = run_coach("batch", str(study / "**" / "*.mp4"), "-e", "plank", "--workers", "1", "--results", table,
                      "--model", model_path, "--no-save")
    assert "2 analysed, 1 failed, 0 already done (of 3)" in plank.stdout


def test_batch_pose_track_and_torn_table(run_coach: RunCoach, tmp_path: Path) -> None:
    """A pose-track CSV needs no model; a table torn by a crash mid-row is
    resumed (the torn row does not count as done)."""
    track = tmp_path / "t.csv"
    track.write_bytes(REAL_TRACK.read_bytes())
    table = tmp_path / "r.csv"
    proc = run_coach("batch", str(track), "-e", "plank", "--results", table, "--no-save")
    assert proc.returncode == 0, proc.stderr
    (row,) = _rows(table)
    assert row["status"] == "ok" and int(row["frames"]) > 100
    table.write_text(table.read_text()[:-20])  # torn last line
    proc = run_coach("batch", str(track), "-e", "plank", "--results", table, "--no-save")
    assert proc.returncode == 0 and "1 analysed" in proc.stdout
    rows = _rows(table)
    assert rows[-1]["status"] == "ok" and rows[-1]["reps"] == row["reps"] and rows[-1]["hold_s"] == row["hold_s"]


def test_batch_no_inputs_is_one_line(run_coach: RunCoach, tmp_path: Path) -> None:
    proc = run_coach("batch", tmp_path, "-e", "plank", "--no-save")
    assert proc.returncode != 0 and proc.stderr.count("\n") == 1 and "no recordings found" in proc.stderr


@pytest.mark.slow
def test_batch_on_a_local_dask_cluster(run_coach: RunCoach, study: Path, model_path: Path, tmp_path: Path) -> None:
    """scripts/test.sh installs the dask extra and sets COACH_TEST_REQUIRE_DASK=1: there (and in CI) a missing
    ``distributed`` fails this test instead of skipping it."""
    if os.environ.get("COACH_TEST_REQUIRE_DASK") == "1":
        import distributed
    else:
        distributed = pytest.importorskip("distributed",
                                          reason="the dask extra is not installed (pip install coach[dask])")
    table = tmp_path / "dask.csv"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                  dashboard_address=None) as cluster:
        proc = run_coach("batch", str(study / "**" / "*.mp4"), "-e", "lift", "--cluster", cluster.scheduler_address,
                         "--results", table, "--model", model_path, "--no-save")
    assert "2 analysed, 1 failed" in proc.stdout, proc.stderr
    local = tmp_path / "local.csv"
    run_coach("batch", study, "-e", "lift", "--workers", "1", "--results", local, "--model", model_path,
              "--no-save")
    strip = ("session",)

    def figures(path: Path) -> dict[str, dict[str, str]]:
        return {r["file"]: {k: v for k, v in r.items() if k not in strip} for r in _rows(path)}

    assert figures(table) == figures(local)
