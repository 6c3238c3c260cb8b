"""The review commands through the real CLI in a subprocess: sessions
recorded by ``coach analyze`` on generated pose tracks with the real plank
analyzer, then ``history``, ``show``, ``export`` and ``rescore``, and the
one-line errors (unknown session, corrupt database, unwritable places)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import RunCoach
from test_store import plank_frames

from coach.posetrack import write_pose_track


@pytest.fixture(scope="module")
def tracks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("tracks")
    out = {"clean": d / "clean.csv", "sag": d / "sag.csv"}
    write_pose_track(out["clean"], plank_frames(12.0, sag_spans=()))
    write_pose_track(out["sag"], plank_frames(14.0, sag_spans=((4.0, 7.0),)))
    return out


def _one_line_error(proc: subprocess.CompletedProcess[str], code: int) -> str:
    err = proc.stderr
    assert proc.returncode == code, (proc.returncode, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coach: error:"), err
    return str(lines[0])


def _analyze(run_coach: RunCoach, track: Path, tmp_path: Path, *extra: str) -> dict[str, Any]:
    out = tmp_path / f"summary-{track.stem}-{len(list(tmp_path.glob('summary-*')))}.json"
    proc = run_coach("analyze", track, "--exercise", "plank", "--summary-json", out, "-q", *extra)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return dict(json.loads(out.read_text()))


def test_history_and_show_after_two_analyses(run_coach: RunCoach, tracks: dict[str, Path], tmp_path: Path) -> None:
    first = _analyze(run_coach, tracks["clean"], tmp_path)
    second = _analyze(run_coach, tracks["sag"], tmp_path)
    _analyze(run_coach, tracks["sag"], tmp_path, "--no-save")
    hist = run_coach("history")
    assert hist.returncode == 0, hist.stderr
    lines = hist.stdout.strip().splitlines()
    assert lines[0].split()[:4] == ["ID", "DATE", "MODE", "EXERCISE"]
    assert len(lines) == 3  # --no-save recorded nothing
    assert [ln.split()[0] for ln in lines[1:]] == ["1", "2"]
    for line, summary in zip(lines[1:], (first, second), strict=True):
        assert "complete" in line and "analyze" in line and "plank" in line
        assert f"{summary['score']:.0f}" in line.split()  # the analyzer's own score
        assert f"{summary['hold_s']:.1f} s hold / 30 s" in line
    assert "hips sagging" in lines[2] and lines[1].split()[-3] == "-"  # top fault label; last: PAIN/EFFORT
    db = sqlite3.connect(tmp_path / "coach.db")
    stored = [r[0] for r in db.execute("SELECT score FROM sets ORDER BY id")]
    assert stored == pytest.approx([first["score"], second["score"]], abs=0.05)  # JSON rounds to 0.1
    db.close()

    shown = run_coach("show", "last")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Session 2 ") and "[complete]" in shown.stdout
    assert "score formula: score = 100 * completion * form" in shown.stdout
    assert "hips sagging |" in shown.stdout and "#" in shown.stdout and "fault events:" in shown.stdout
    assert "hold" in shown.stdout and "worst measures of each hold:" in shown.stdout
    assert "hips_sagging" not in shown.stdout  # labels, not codes
    assert "What to work on next:" in shown.stdout and "Since last time: plank score" in shown.stdout
    assert run_coach("show", "1").stdout.startswith("Session 1 ")

    assert "no sessions match" in run_coach("history", "--exercise", "lift").stdout
    assert len(run_coach("history", "--exercise", "plank", "--since", "today").stdout.splitlines()) == 3
    err = _one_line_error(run_coach("history", "--exercise", "yoga"), 2)
    assert "plank" in err and "hip_bridge" in err
    _one_line_error(run_coach("history", "--since", "the other day"), 2)


def test_errors_are_one_line(run_coach: RunCoach, tracks: dict[str, Path], tmp_path: Path) -> None:
    assert "no sessions recorded yet" in _one_line_error(run_coach("show", "last"), 6)
    assert "no sessions recorded yet" in run_coach("history").stdout
    _analyze(run_coach, tracks["clean"], tmp_path)
    assert "no session 42" in _one_line_error(run_coach("show", "42"), 6)
    assert "must be a number" in _one_line_error(run_coach("show", "first"), 2)  # a usage error
    _one_line_error(run_coach("export"), 2)
    _one_line_error(run_coach("export", "1", "--all"), 2)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    assert "cannot write" in _one_line_error(run_coach("report", "--out", blocker / "r.html"), 6)
    assert "cannot write" in _one_line_error(run_coach("export", "--all", "--out", blocker / "x.json"), 6)


def test_unwritable_database_warns_once_and_analysis_goes_on(
        run_coach: RunCoach, tracks: dict[str, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    proc = run_coach("analyze", tracks["clean"], "-e", "plank", "--db", blocker / "coach.db")
    assert proc.returncode == 0
    assert proc.stdout.startswith("plank: score ")
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("coach: warning:") and "not saved" in lines[0]


def test_corrupt_database_is_moved_aside(run_coach: RunCoach, tracks: dict[str, Path], tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    db.write_bytes(b"PK\x03\x04 definitely not sqlite" * 100)
    hist = run_coach("history")
    assert hist.returncode == 0 and "no sessions recorded yet" in hist.stdout
    lines = hist.stderr.strip().splitlines()
    assert len(lines) == 1 and "kept as coach.db.corrupt-" in lines[0] and "started a new coach.db" in lines[0]
    assert len(list(tmp_path.glob("coach.db.corrupt-*"))) == 1
    # the same during a recording run: one line, and the session is saved in the new database
    db.write_bytes(b"garbage" * 500)
    proc = run_coach("analyze", tracks["clean"], "-e", "plank", "-q")
    assert proc.returncode == 0 and len(proc.stderr.strip().splitlines()) == 1
    assert len(list(tmp_path.glob("coach.db.corrupt-*"))) == 2
    assert len(run_coach("history").stdout.strip().splitlines()) == 2


def test_export_csv_and_json(run_coach: RunCoach, tracks: dict[str, Path], tmp_path: Path) -> None:
    summary = _analyze(run_coach, tracks["sag"], tmp_path)
    _analyze(run_coach, tracks["clean"], tmp_path)
    js = run_coach("export", "1", "--format", "json")
    assert js.returncode == 0, js.stderr
    doc = json.loads(js.stdout)
    (s,) = doc["sessions"]
    assert s["id"] == 1 and s["status"] == "complete"
    st = s["sets"][0]
    assert st["score"] == pytest.approx(summary["score"], abs=0.05)
    assert st["score_formula"] == summary["score_formula"]
    assert [f["code"] for f in st["fault_events"]] == [f["code"] for f in summary["fault_events"]]
    assert len(st["seconds"]) == 14 and "body_angle" in st["seconds"][5]["metrics"]
    out = tmp_path / "all.csv"
    proc = run_coach("export", "--all", "--out", out)
    assert proc.returncode == 0 and "exported 2 session(s)" in proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["record"] for r in rows if r["record"] == "set"] == ["set", "set"]
    assert {r["session_id"] for r in rows} == {"1", "2"}
    assert any(r["record"] == "fault" and r["code"] == "hips_sagging" for r in rows)
    assert any(r["record"] == "hold" and r["m_min_body_angle"] for r in rows)


def test_rescore(run_coach: RunCoach, tracks: dict[str, Path], tmp_path: Path) -> None:
    summary = _analyze(run_coach, tracks["sag"], tmp_path, "--keep-track")
    _analyze(run_coach, tracks["clean"], tmp_path)
    proc = run_coach("rescore", "1")
    assert proc.returncode == 0, proc.stderr
    score = f"{summary['score']:.1f}"
    assert f"score {score} -> {score}" in proc.stdout and "420 frames re-analysed" in proc.stdout
    assert "score history:" in run_coach("show", "1").stdout
    err = _one_line_error(run_coach("rescore", "last"), 6)
    assert "no stored pose track" in err and "--keep-track" in err
