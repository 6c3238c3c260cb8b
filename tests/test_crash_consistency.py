"""Crash consistency: SIGKILL at random moments over 50 runs.

Each run is a real process recording a session into the same database,
the way ``coach analyze`` does (``session_sink`` + the real pipeline and
plank analyzer), on a 3 s pose track paced at five times real time. It
prints each frame's verdict after the store has seen it, and ``closed``
once the run ended (``ending`` just before the store closes the
session). It is killed with SIGKILL at a moment drawn uniformly
from its whole life: while Python starts, while the database is created or
opened, while frames are recorded and committed, while the summary is
written, or after it finished.

After every kill:

* the database passes ``PRAGMA integrity_check``;
* the run's session is ``complete`` if the run printed ``closed``, and
  only if it printed ``ending`` (all its frames were done and the session
  was being closed: its natural end);
* it lost at most its last second: the saved per-second rows reach to
  within 1 s of the last frame the process printed;
* every earlier session is exactly as it was (its full detail, compared
  after the next start marked the previous killed run ``interrupted``).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO
from test_store import plank_frames

from coach.posetrack import write_pose_track
from coach.store import open_store
from coach.store.queries import select_sessions, session_detail

RUNS = 50
SPEED = 5.0
LOSS_LIMIT_S = 1.0

DRIVER = r'''
import argparse, sys, time
from coach.pipeline import Pipeline, run
from coach.posetrack import read_pose_track
from coach.registry import get_exercise
from coach.commands._store_args import add_store_args, session_sink

p = argparse.ArgumentParser()
p.add_argument("track")
p.add_argument("--speed", type=float, default=1.0)
add_store_args(p)
args = p.parse_args()

def paced():
    start = time.monotonic()
    first = None
    for frame in read_pose_track(args.track):
        first = frame.t if first is None else first
        delay = (frame.t - first) / args.speed - (time.monotonic() - start)
        if delay > 0:
            time.sleep(delay)
        yield frame, None

class Frames:
    def on_sample(self, s):  # after the store saw the frame
        print(f"{s.verdict.t:.4f}", flush=True)
    def close(self, summary):
        pass

class Ending:
    def on_sample(self, s):
        pass
    def close(self, summary):  # before the store closes the session: the run reached its end
        print("ending", flush=True)

sink = session_sink(args, exercise="plank", source=args.track, target=None, mode="analyze")
print("ready", flush=True)
run(paced(), Pipeline(get_exercise("plank")), [Ending(), sink, Frames()])
print("closed", flush=True)
'''


def _snapshot(db: Path) -> dict[int, object]:
    with open_store(db) as store:  # the next start: marks a killed run interrupted
        return {sid: session_detail(store.conn, sid, with_track=True).to_json()
                for sid in select_sessions(store.conn)}


def test_sigkill_at_random_moments(tmp_path: Path, record_property: Callable[[str, object], None]) -> None:
    track = tmp_path / "plank.csv"
    write_pose_track(track, plank_frames(3.0, sag_spans=((1.0, 2.0),)))
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    db = tmp_path / "coach.db"
    env = dict(os.environ, COACH_DB=str(db),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")])))
    cmd = [sys.executable, str(driver), str(track), "--speed", str(SPEED)]

    t0 = time.monotonic()
    calibration = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert calibration.returncode == 0 and calibration.stdout.endswith("closed\n"), calibration.stderr
    life = (time.monotonic() - t0) * 1.35  # a quarter of the kills land after the run ended
    before = _snapshot(db)

    rng = random.Random(7)
    stats = {"runs": 0, "finished": 0, "killed_before_session": 0, "interrupted": 0, "max_loss_s": 0.0}
    for run in range(RUNS):
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        time.sleep(rng.uniform(0.0, life))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        lines = out.split()
        finished = "closed" in lines
        ended = "ending" in lines  # all frames done, the session being closed
        frames = [float(x) for x in lines if x not in ("ready", "ending", "closed")]

        conn = sqlite3.connect(db)
        try:
            assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"], f"run {run}"
            rows = conn.execute("SELECT id, status FROM sessions WHERE id > ?", (max(before, default=0),)).fetchall()
            saved = conn.execute(
                "SELECT max(t_last) FROM seconds JOIN sets ON sets.id = seconds.set_id WHERE sets.session_id > ?",
                (max(before, default=0),)).fetchone()[0]
        finally:
            conn.close()
        assert len(rows) <= 1, f"run {run}: {rows}"
        status = rows[0][1] if rows else None
        if finished:
            assert status == "complete", f"run {run}: finished but {status}"
        if status == "complete":
            assert ended, f"run {run}: killed before its end, yet stored complete ({err})"
            stats["finished"] += 1
        else:
            stats["interrupted"] += int(status is not None)
            stats["killed_before_session"] += int(status is None)
        if frames:
            loss = frames[-1] - (saved if saved is not None else 0.0)
            stats["max_loss_s"] = max(stats["max_loss_s"], round(loss, 3))
            assert loss < LOSS_LIMIT_S, f"run {run}: lost {loss:.2f} s (printed up to {frames[-1]}, saved {saved})"

        after = _snapshot(db)
        assert {k: v for k, v in after.items() if k in before} == before, f"run {run}: an earlier session changed"
        for sid, detail in after.items():
            assert isinstance(detail, dict) and detail["status"] in ("complete", "interrupted"), (sid, detail)
        before = after
        stats["runs"] += 1
    for key, value in stats.items():
        record_property(key, value)
    print(f"\nSIGKILL at random moments (life {life:.2f} s): {stats}")
    assert stats["finished"] + stats["interrupted"] + stats["killed_before_session"] == RUNS
    if stats["interrupted"] < 10 or stats["finished"] < 1:
        pytest.fail(f"the kills did not cover the run's life (mid-session and after its end): {stats}")
