"""A readable review: every measure has a label and a unit, one precision
rule, plurals, plain-language summaries and ``show``, advice lines, gentle
target progression, and a live window that opens big enough to read."""

from __future__ import annotations

import math
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import RunCoach, coach_command
from test_store import ScriptedAnalyzer, plank_frames, record

from coach.advice import what_next
from coach.exercise import FaultEvent, RepRecord, SetSummary
from coach.pipeline import Pipeline
from coach.progression import CLEAN_SCORE, cap_for, next_target
from coach.registry import get_exercise, specs
from coach.store.results import SetResult
from coach.summary_text import format_summary
from coach.synth.suite import suite
from coach.units import format_metric, format_value, metric_header, plural

DAY = 86400.0


def test_precision_rule_and_plurals() -> None:
    assert format_value(163.24, "deg") == "163°"
    assert format_value(9.46, "s") == "9.5 s"
    assert format_value(0.8923, "trunk lengths") == "0.89 trunk lengths"
    assert format_value(-0.001, "deg") == "0°"
    assert format_value(math.nan, "s") == "-" and format_value(None, "s") == "-"
    assert plural(1, "lift") == "1 lift" and plural(2, "lift") == "2 lifts" and plural(0, "rep") == "0 reps"
    assert format_metric("lift", "am", 1.0) == "1.00" and format_metric("lift", "dm", 0.892) == "0.89"
    assert format_metric("lift", "lift_type", 2.0) == "stoop"
    assert format_metric("lift", "lift_type", math.nan) == "unknown"
    assert metric_header("plank", "min_body_angle") == "lowest body angle (degrees)"


def test_every_measure_any_analyzer_writes_has_a_label() -> None:
    """Run every real analyzer over its synthetic scenarios: every metric
    and every per-item measure it writes is declared in its spec."""
    missing: dict[str, set[str]] = {}
    for case in suite(quick=True):
        if case.exercise is None:
            continue
        sc = case.build()
        analyzer = get_exercise(case.exercise)
        pipe = Pipeline(analyzer)
        keys: set[str] = set()
        for f in sc.frames:
            keys.update(pipe.step(f).verdict.metrics)
        for item in analyzer.summary().items:
            keys.update(item.measures)
        spec = next(s for s in specs() if s.name == case.exercise)
        undeclared = {k for k in keys if spec.metric(k) is None}
        if undeclared:
            missing.setdefault(case.exercise, set()).update(undeclared)
    assert not missing, missing


def _summary(exercise: str, unit: str, reps: int, items: tuple[RepRecord, ...] = (),
             events: tuple[FaultEvent, ...] = ()) -> SetSummary:
    return SetSummary(exercise=exercise, reps=reps, hold_s=0.0, best_hold_s=0.0, score=80.0, score_formula="",
                      duration_s=10.0, target=None, target_unit=unit, items=items, fault_events=events)


def test_summary_text_reads_in_plain_language() -> None:
    one = _summary("lift", "lifts", 1, (RepRecord(1, "lift", 1.0, 3.0, 90.0, ("back_rounded",), "left", False),),
                   (FaultEvent("back_rounded", 1.2, 2.0),))
    text = format_summary(one, advice=["Work on: back bent too far (1 time)."])
    assert "1 lift" in text and "1 lifts" not in text
    assert "lift #1, left side: 1.0-3.0 s" in text
    assert "back bent too far" in text and "back_rounded" not in text
    assert text.splitlines()[1] == "  what to work on next:"


def _result(exercise: str, sid: int, day: int, score: float, result: float, target: float,
            faults: dict[str, int] | None = None) -> SetResult:
    unit = "s" if exercise != "hip_bridge" else "reps"
    return SetResult(exercise, sid, 1_700_000_000.0 + day * DAY, score, int(result) if unit == "reps" else 1,
                     result if unit == "s" else 0.0, target, unit, None, faults or {}, {})


def test_progression_is_gentle_capped_and_written_down() -> None:
    clean = [_result("plank", 1, 0, 95, 30, 30), _result("plank", 2, 1, 96, 31, 30)]
    adv = next_target("plank", clean)
    assert adv.raised and adv.target == 33.0  # +10 %, whole seconds
    # two clean sessions on one day: no step
    same_day = [_result("plank", 1, 0, 95, 30, 30), _result("plank", 2, 0, 96, 31, 30)]
    assert not next_target("plank", same_day).raised
    # a safety fault (hips sagging), a low score or a missed target: no step
    sag = [clean[0], _result("plank", 2, 1, 95, 31, 30, {"hips_sagging": 1})]
    assert not next_target("plank", sag).raised
    assert not next_target("plank", [clean[0], _result("plank", 2, 1, CLEAN_SCORE - 1, 31, 30)]).raised
    assert not next_target("plank", [clean[0], _result("plank", 2, 1, 99, 25, 30)]).raised
    # reps: at least one rep; capped
    bridge = [_result("hip_bridge", 1, 0, 95, 10, 10), _result("hip_bridge", 2, 1, 95, 10, 10)]
    assert next_target("hip_bridge", bridge).target == 11.0
    top = cap_for("plank")
    assert top == 60.0
    at_cap = [_result("plank", 1, 0, 99, 60, 59), _result("plank", 2, 1, 99, 60, 59)]
    assert next_target("plank", at_cap).target == top
    assert next_target("plank", []).target == 30.0  # the default to start
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "2-for-2" in readme and "max_target" in readme


def test_advice_lines() -> None:
    prev = [_result("plank", 1, 0, 60, 20, 30, {"hips_sagging": 2})]
    now = [_result("plank", 2, 1, 80, 28, 30, {"hips_sagging": 1, "head_dropped": 3})]
    lines = what_next(now, prev)
    assert len(lines) == 3
    assert lines[0] == "Work on: head dropped (3 times). Lift your head: neck long, in line with your back."
    assert lines[1].startswith("Since last time: plank score 60 -> 80, better; 20.0 s -> 28.0 s (session 1)")
    assert lines[2].startswith("Next target: plank 30 s")
    first = what_next([_result("hip_bridge", 1, 0, 100, 10, 10)], [])
    assert first[0] == "Form: no faults. Keep it up." and "First hip bridge on record" in first[1]


@pytest.fixture()
def empty_lift_db(tmp_path: Path) -> Path:
    """Two lift sessions a day apart: one with four lifts, one with none."""
    db = tmp_path / "coach.db"
    record(db, plank_frames(10.0), ScriptedAnalyzer(exercise="lift", kind="lift", period=2.0), exercise="lift")
    record(db, plank_frames(6.0, sag_spans=()), ScriptedAnalyzer(exercise="lift", kind="lift", period=100.0),
           exercise="lift")
    conn = sqlite3.connect(db)
    now = time.time()
    conn.execute("UPDATE sessions SET started_unix = ? WHERE id = 1", (now - DAY,))
    conn.commit()
    conn.close()
    return db


def test_show_and_report_of_an_empty_set(run_coach: RunCoach, empty_lift_db: Path, tmp_path: Path) -> None:
    env = {"COACH_DB": str(empty_lift_db)}
    shown = run_coach("show", "2", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "0 lifts" in shown.stdout and "no lifts completed" in shown.stdout
    first = run_coach("show", "1", env=env).stdout
    assert "4 lifts" in first and "worst measures of each lift:" in first
    assert not re.search(r"\b[a-z]+_[a-z_]+=", first), "raw key=value measures"
    out = tmp_path / "r.html"
    proc = subprocess.run([*coach_command(), "report", "--out", str(out), "--db", str(empty_lift_db)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "No lifts were counted in this set, so it has no plots." in text
    alts = re.findall(r'<img class="plot" alt="([^"]*)"', text)
    assert sum("against target" in a for a in alts) == 1  # the set with lifts only
    assert "#1" in text and "#2" in text


def test_report_progress_lines_off_a_terminal(empty_lift_db: Path, tmp_path: Path) -> None:
    from coach.progress import Progress

    class Sink:
        def __init__(self) -> None:
            self.text = ""

        def write(self, s: str) -> int:
            self.text += s
            return len(s)

        def flush(self) -> None:
            pass

        def isatty(self) -> bool:
            return False

    sink = Sink()
    with Progress(4, label="report", stream=sink, unit="steps", plain_interval_s=0.0) as bar:  # type: ignore[arg-type]
        for _ in range(4):
            bar.update()
    assert "report: 4/4 steps (100%)" in sink.text and "\r" not in sink.text


def test_trend_axis_has_session_ids_and_no_repeated_dates() -> None:
    from coach.report.plots import session_axis

    base = 1_700_000_000.0
    sessions = [(3, base), (4, base + 60), (7, base + DAY), (9, base + 2 * DAY + 5)]
    pos, ticks, labels = session_axis(sessions)
    assert [pos[s] for s, _ in sessions] == [0, 1, 2, 3] and ticks == [0, 1, 2, 3]
    assert labels[0].startswith("#3\n") and labels[1] == "#4" and labels[2].startswith("#7\n")
    assert len(set(labels)) == len(labels)


def test_fault_colours_are_never_green() -> None:
    from coach.report.plots import GOOD, fault_color

    def hue(hex_: str) -> float:
        r, g, b = (int(hex_[i:i + 2], 16) / 255 for i in (1, 3, 5))
        import colorsys

        return colorsys.rgb_to_hsv(r, g, b)[0] * 360

    assert 90 <= hue(GOOD) <= 160
    for spec in specs():
        for code in spec.fault_codes:
            h = hue(fault_color(code))
            assert not 70 <= h <= 200, (code, fault_color(code))


@pytest.mark.parametrize(("image", "screen", "expected"), [
    ((960, 540), None, (1280, 720)),       # the 960x540 source: at least 1280x720
    ((1920, 1080), None, (1920, 1080)),    # a big source: its own size
    ((640, 480), None, (1280, 960)),       # 4:3 kept
    ((1920, 1080), (1366, 768), (1229, 691)),  # never more than 90 % of the screen
])
def test_live_window_opens_big_enough(image: tuple[int, int], screen: tuple[int, int] | None,
                                      expected: tuple[int, int]) -> None:
    from coach.live.window import initial_window_size

    assert initial_window_size(image, screen) == expected
    w, h = expected
    assert abs(w / h - image[0] / image[1]) < 0.01



def test_report_draws_the_worst_moment_from_the_stored_track(tmp_path: Path) -> None:
    """With --keep-track the report shows the skeleton at the worst moment,
    the sagging hip's segments in red; without it, a sentence says why not."""
    import base64
    import io

    from PIL import Image

    db = tmp_path / "coach.db"
    record(db, plank_frames(10.0, sag_spans=((3.0, 6.0),)), ScriptedAnalyzer(), keep_track=True)
    record(db, plank_frames(10.0, sag_spans=((3.0, 6.0),)), ScriptedAnalyzer())
    out = tmp_path / "r.html"
    proc = subprocess.run([*coach_command(), "report", "--out", str(out), "--db", str(db)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    shots = re.findall(r'<img class="snapshot" alt="worst moment" src="data:image/png;base64,([A-Za-z0-9+/=]+)">',
                       text)
    assert len(shots) == 1
    assert "did not keep its pose track (record with --keep-track to see it)" in text
    px = np.asarray(Image.open(io.BytesIO(base64.b64decode(shots[0]))).convert("RGB")).astype(int)
    red = (px[..., 0] > 180) & (px[..., 1] < 90) & (px[..., 2] < 90)
    green = (px[..., 1] > 130) & (px[..., 0] < 80) & (px[..., 2] < 120)
    assert red.sum() > 50 and green.sum() > 50, (int(red.sum()), int(green.sum()))
