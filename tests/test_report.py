"""The HTML report: self-contained, every plot present and non-empty, and
it renders in headless Chromium (screenshot checked for content)."""

from __future__ import annotations

import base64
import io
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import RunCoach, coach_command
from PIL import Image
from test_store import ScriptedAnalyzer, plank_frames, record

from coach.posetrack import write_pose_track

CHROMIUM = Path("/usr/bin/chromium")
DAY = 86400.0
IMG = re.compile(r'<img class="plot" alt="([^"]*)" src="data:image/png;base64,([A-Za-z0-9+/=]+)">')


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    return int(done.stdout)


@pytest.fixture(scope="module")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nine sessions over nine days: planks (one by the real analyzer
    through the CLI), hip bridges, lifts with per-lift measures, and one
    session whose process died mid-set."""
    d = tmp_path_factory.mktemp("report")
    db = d / "coach.db"
    plans: list[tuple[str, str, float, tuple[tuple[float, float], ...]]] = [
        ("plank", "hold", 4.0, ((3.0, 5.0), (7.0, 8.0))),
        ("hip_bridge", "rep", 1.5, ((2.0, 3.0),)),
        ("lift", "lift", 2.0, ((4.0, 5.5),)),
        ("plank", "hold", 4.0, ((3.0, 4.0),)),
        ("hip_bridge", "rep", 1.5, ()),
        ("lift", "lift", 2.0, ()),
        ("plank", "hold", 4.0, ()),
    ]
    for exercise, kind, period, sags in plans:
        record(db, plank_frames(10.0, sag_spans=sags),
               ScriptedAnalyzer(exercise=exercise, kind=kind, period=period), exercise=exercise)
    track = d / "plank.csv"
    write_pose_track(track, plank_frames(16.0, sag_spans=((5.0, 8.0),)))
    proc = subprocess.run([*coach_command(), "analyze", str(track), "-e", "plank", "-q", "--db", str(db)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    # a session whose process died mid-set
    from coach.pipeline import Pipeline
    from coach.store import SessionRecorder, open_store

    rec = SessionRecorder(open_store(db), exercise="plank", source="camera 0", target=None, mode="live")
    pipe = Pipeline(ScriptedAnalyzer())
    for f in plank_frames(5.0):
        rec.on_sample(pipe.step(f))
    rec.flush()
    rec.store.close()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE sessions SET pid = ?, pid_start = NULL WHERE id = ?", (_dead_pid(), rec.session_id))
    now = time.time()
    n = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    for sid in range(1, n + 1):  # spread the sessions over the last days
        conn.execute("UPDATE sessions SET started_unix = ?, last_seen_unix = ? WHERE id = ?",
                     (now - (n - sid) * DAY, now - (n - sid) * DAY + 20, sid))
    conn.commit()
    conn.close()
    return db


def _decode(b64: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB"))


def _ink_fraction(px: np.ndarray, background: tuple[int, ...] = (255, 255, 255)) -> float:
    """Fraction of pixels that differ from the background colour."""
    return float(np.mean(np.abs(px.astype(int) - np.array(background)).sum(axis=2) > 30))


def _colour_fraction(px: np.ndarray) -> float:
    """Fraction of clearly coloured (saturated) pixels: plot lines, bars, bands."""
    f = px.astype(float)
    sat = f.max(axis=2) - f.min(axis=2)
    return float(np.mean(sat > 60))


@pytest.fixture(scope="module")
def report_html(report_db: Path) -> Path:
    """``coach report --last 9`` on the nine sessions, through the real CLI."""
    out = report_db.parent / "r.html"
    t0 = time.perf_counter()
    proc = subprocess.run([*coach_command(), "report", "--last", "9", "--out", str(out), "--db", str(report_db)],
                          capture_output=True, text=True, check=False, timeout=120)
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {out}" in proc.stdout and "9 session(s)" in proc.stdout
    print(f"\nreport: {out.stat().st_size / 1e6:.2f} MB, `coach report` took {elapsed:.1f} s")
    return out


def test_report_is_self_contained_with_every_plot(report_html: Path) -> None:
    text = report_html.read_text(encoding="utf-8")
    assert "<script" not in text and not re.search(r'(src|href)="(https?:)?//', text)
    for heading in ("Summary", "What to work on next", "Sessions", "How the score is computed", "Score trend",
                    "Faults by exercise", "Sessions in detail"):
        assert f">{heading}<" in text, heading
    assert text.index(">Summary<") < text.index(">Sessions<") < text.index(">How the score is computed<")
    assert "Work on: hips sagging" in text and "Lift your hips into a straight line" in text
    assert "hips_sagging" not in text  # labels, never raw codes
    assert "@page { size: A4" in text and "@media print" in text
    assert "100 * completion * form over the completed holds" in text  # the real plank formula
    assert "100 - 10 per fault episode" in text  # the scripted ones
    assert text.count('class="badge interrupted"') == 2  # in the table and on its section
    imgs = IMG.findall(text)
    alts = [a for a, _ in imgs]
    assert alts.count("score trend") == 1 and alts.count("fault frequency") == 1
    assert alts.count("lift measures") == 2
    assert sum("against target" in a for a in alts) == 8  # the 8 most recent sessions in detail
    assert "body_angle over time" in alts  # the real plank analyzer's key angle
    for alt, b64 in imgs:
        px = _decode(b64)
        assert px.shape[0] >= 200 and px.shape[1] >= (500 if "over time" in alt or "target" in alt else 900), alt
        assert _ink_fraction(px) > 0.03, f"{alt}: plot looks empty"
        packed = (px[..., 0].astype(np.int32) << 16) | (px[..., 1].astype(np.int32) << 8) | px[..., 2]
        assert len(np.unique(packed)) > 40, f"{alt}: too few colours"
        assert _colour_fraction(px) > 0.003, f"{alt}: no coloured marks"


def test_single_session_and_since(run_coach: RunCoach, report_db: Path, tmp_path: Path) -> None:
    env = {"COACH_DB": str(report_db)}
    out = tmp_path / "one.html"
    proc = run_coach("report", "3", "--out", out, env=env)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert "session 3" in text and "Session 3: lift" in text and 'alt="lift measures"' in text
    assert "over all recorded sessions" in text
    proc = run_coach("report", "--since", "2d", "--exercise", "plank", "--out", tmp_path / "p.html", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "2 session(s)" in proc.stdout
    proc = run_coach("report", "--since", "2d", "--exercise", "lift", "--out", tmp_path / "x.html", env=env)
    assert proc.returncode == 6 and "no sessions match" in proc.stderr
    proc = run_coach("report", "99", "--out", tmp_path / "x.html", env=env)
    assert proc.returncode == 6 and proc.stderr.count("\n") == 1


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                    "(scripts/system-deps.sh installs it)")
def test_report_renders_in_chromium(report_html: Path, tmp_path: Path) -> None:
    out = report_html
    shot = tmp_path / "shot.png"
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1280,2400",
         "--hide-scrollbars", out.resolve().as_uri()],
        capture_output=True, text=True, timeout=60, check=False,
    )
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    print(f"\nchromium render + screenshot: {elapsed:.1f} s")
    px = np.asarray(Image.open(shot).convert("RGB"))
    assert px.shape[:2] == (2400, 1280)
    background = tuple(int(c) for c in px[5, 5])  # the page background
    assert _ink_fraction(px, background) > 0.03, "screenshot is (nearly) blank"
    # The plots (below the tables at the top) show up with their coloured lines and bars.
    assert _colour_fraction(px[800:]) > 0.01, _colour_fraction(px[800:])
    # The summary, with its green "what to work on next" box, is above the fold (the first 720 px).
    fold = px[:720].astype(int)
    green = (fold[..., 1] > 240) & (fold[..., 0] < 245) & (fold[..., 2] < 248) & (fold[..., 0] > 225)
    assert green.sum() > 5000, int(green.sum())


def _demo_ready() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("coach.synth.scenarios") is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.skipif(not _demo_ready(), reason="`coach demo` needs coach.synth.scenarios (not written yet)")
def test_two_demos_then_history_and_report(run_coach: RunCoach, tmp_path: Path) -> None:
    for seed in (0, 1):
        proc = run_coach("demo", "--seed", str(seed), "--quiet", timeout=300)
        assert proc.returncode == 0, proc.stderr
    hist = run_coach("history")
    assert hist.returncode == 0, hist.stderr
    rows = [ln.split() for ln in hist.stdout.strip().splitlines()[1:]]
    assert rows and all("demo" in r and "complete" in r for r in rows)
    db = sqlite3.connect(tmp_path / "coach.db")
    started = [r[0] for r in db.execute("SELECT started_unix FROM sessions ORDER BY id")]
    db.close()
    assert len(started) >= 2
    out = tmp_path / "r.html"
    proc = run_coach("report", "--last", "2", "--out", out)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    imgs = IMG.findall(text)
    assert len(imgs) >= 4
    for alt, b64 in imgs:
        assert _ink_fraction(_decode(b64)) > 0.03, alt
