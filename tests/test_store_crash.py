"""Crash safety with a real process: a coach session running in real time
is killed with SIGKILL mid-set; the database must hold everything up to
the last second, and the next start must mark the session interrupted.

The driver is the live loop in miniature: it reads a pose-track CSV, paces
the frames at their timestamps (sleeping until the wall clock catches up
with frame t), runs the real pipeline with the real plank analyzer and the
real store hook, and prints each frame's verdict *after* the store saw it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, RunCoach
from test_store import plank_frames

from coach.posetrack import write_pose_track

DRIVER = r'''
import argparse, sys, time
from coach.pipeline import Pipeline, run
from coach.posetrack import read_pose_track
from coach.registry import get_exercise
from coach.commands._store_args import add_store_args, session_sink

p = argparse.ArgumentParser()
p.add_argument("track")
add_store_args(p)
args = p.parse_args()

def paced():
    start = time.monotonic()
    first = None
    for frame in read_pose_track(args.track):
        first = frame.t if first is None else first
        delay = (frame.t - first) - (time.monotonic() - start)
        if delay > 0:
            time.sleep(delay)
        yield frame, None

class Printer:
    def on_sample(self, s):
        v = s.verdict
        print(f"{v.t:.4f} {v.hold_s:.4f} {v.reps} {','.join(v.faults)}", flush=True)
    def close(self, summary):
        print("closed", flush=True)

sink = session_sink(args, exercise="plank", source=args.track, target=None, mode="live")
print("ready", flush=True)
run(paced(), Pipeline(get_exercise("plank")), [sink, Printer()])
'''

KILL_AFTER_S = 3.6
SAG = ((1.0, 2.2),)


@pytest.fixture(scope="module")
def long_track(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "long_plank.csv"
    write_pose_track(path, plank_frames(60.0, sag_spans=SAG))
    return path


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["COACH_DB"] = str(db)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def test_sigkill_mid_set_loses_at_most_the_last_second(
        tmp_path: Path, long_track: Path, run_coach: RunCoach, record_property: Callable[[str, object], None]) -> None:
    db = tmp_path / "coach.db"
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    proc = subprocess.Popen([sys.executable, str(driver), str(long_track)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env(db))
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        assert proc.stdout.readline().strip() == "ready"
        while True:
            line = proc.stdout.readline()
            assert line, f"driver ended early: {proc.stderr.read() if proc.stderr else ''}"
            lines.append(line)
            if float(line.split()[0]) >= KILL_AFTER_S:
                break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        out, _err = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    lines += out.splitlines()
    assert "closed" not in lines
    frames = [ln.split() for ln in lines if ln.strip()]
    last_t = float(frames[-1][0])
    hold_at = {round(float(f[0]), 4): float(f[1]) for f in frames}

    # Before any other start the session is still marked running, with the dead pid.
    conn = sqlite3.connect(db)
    status, pid, mode = conn.execute("SELECT status, pid, mode FROM sessions").fetchone()
    assert (status, pid, mode) == ("running", proc.pid, "live")
    seconds = conn.execute("SELECT second, t_last, frames, hold_s, faults_json FROM seconds ORDER BY second"
                           ).fetchall()
    stored_t = seconds[-1][1]
    lost_s = last_t - stored_t
    record_property("seconds_lost", round(lost_s, 3))
    print(f"\nkilled at frame t={last_t:.3f} s; stored up to t={stored_t:.3f} s; lost {lost_s:.3f} s")
    assert 0.0 <= lost_s < 1.0
    # Every second before the last one is complete, with the hold time the analyzer gave.
    assert [s[0] for s in seconds] == list(range(len(seconds)))
    assert all(s[2] == 30 for s in seconds[:-1])
    assert seconds[-1][3] == pytest.approx(hold_at[round(stored_t, 4)], abs=1e-3)
    assert any("hips_sagging" in s[4] for s in seconds)
    metrics = conn.execute("SELECT count(DISTINCT second) FROM metrics WHERE name = 'body_angle'").fetchone()
    assert metrics[0] == len(seconds)
    fault = conn.execute("SELECT code, start_s, end_s, provisional FROM fault_events").fetchall()
    assert [f[0] for f in fault] == ["hips_sagging"] and fault[0][3] == 1 and fault[0][1] < 2.2 < fault[0][2]
    progress = conn.execute("SELECT hold_s, duration_s FROM sets").fetchone()
    assert progress[0] > 0 and last_t - progress[1] < 1.0
    conn.close()

    # The next start sees the dead process and marks the session interrupted.
    t0 = time.perf_counter()
    hist = run_coach("history", env={"COACH_DB": str(db)})
    assert hist.returncode == 0, hist.stderr
    assert "interrupted" in hist.stdout and "plank" in hist.stdout, hist.stdout
    assert time.perf_counter() - t0 < 30
    conn = sqlite3.connect(db)
    status, ended = conn.execute("SELECT status, ended_at FROM sessions").fetchone()
    conn.close()
    assert status == "interrupted" and ended is not None
    shown = run_coach("show", "last", env={"COACH_DB": str(db)})
    assert shown.returncode == 0 and "[interrupted]" in shown.stdout and "hips sagging" in shown.stdout
