"""Programmes: sets and rest, sides, one session with several sets, the
spoken rest countdown, sets that end at their target, and targets that
progress gently."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import RunCoach
from test_live import FPS, FakeCamera, make_loop, plank_track  # noqa: F401 - fixture

from coach.errors import UsageError
from coach.pose import PoseFrame
from coach.programme import (
    PlannedSet,
    ProgrammeStep,
    SetOutcome,
    get_programme,
    plan,
    rest_countdown,
    run_programme,
)
from coach.voice import SilentVoice


def test_back_basics_plan_sides_and_rests() -> None:
    prog = get_programme("back-basics")
    assert get_programme("Back_Basics") is prog
    planned = plan(prog.steps, lambda s: s.target, prog.rest_between_exercises_s)
    assert [p.exercise for p in planned] == ["plank"] * 3 + ["hip_bridge"] * 3 + ["knee_to_chest"] * 6
    k2c = planned[6:]
    assert [p.side for p in k2c] == ["left", "right"] * 3  # left, then right, in every set
    assert [p.rest_after_s for p in planned[:4]] == [60.0, 60.0, 60.0, 60.0]
    assert [p.rest_after_s for p in k2c] == [5.0, 30.0, 5.0, 30.0, 5.0, 0.0]
    assert [p.target for p in planned[:3]] == [20.0] * 3
    assert k2c[0].announcement() == ("Set 1 of 3: knee to chest. Pull your left knee to your chest. "
                                     "Target 20 seconds.")
    assert planned[3].announcement() == "Set 1 of 3: hip bridge. Target 10 reps."
    with pytest.raises(UsageError, match="choose one of: back-basics"):
        get_programme("nope")


def test_rest_countdown_is_spoken() -> None:
    voice = SilentVoice()
    slept: list[float] = []
    printed: list[str] = []
    assert rest_countdown(60, voice, next_up="Get ready", sleep=slept.append, out=printed.append)
    assert list(voice.said) == ["Rest 60 seconds", "30", "10", "5", "4", "3", "2", "1", "Get ready"]
    assert sum(slept) == 60.0
    assert printed[0] == "rest 60 s; next: Get ready"
    voice = SilentVoice()
    assert not rest_countdown(20, voice, sleep=lambda _s: None, stop=lambda: True)  # ended early


def test_run_programme_stops_when_the_user_quits() -> None:
    planned = plan([ProgrammeStep("plank", sets=3, rest_s=2.0)], lambda s: 5.0)
    ran: list[PlannedSet] = []

    def run_set(ps: PlannedSet) -> SetOutcome:
        ran.append(ps)
        return SetOutcome(True, quit=len(ran) == 2)

    voice = SilentVoice()
    out = run_programme(planned, run_set, voice, sleep=lambda _s: None, out=lambda _s: None)
    assert len(out) == 2 and len(ran) == 2
    said = list(voice.said)
    assert said[0] == "Set 1 of 3: plank. Target 5 seconds." and "Rest 2 seconds" in said


def test_a_programme_set_ends_at_its_target(plank_track: list[PoseFrame]) -> None:  # noqa: F811
    loop, _det, sink, _voice = make_loop(FakeCamera(int(12 * FPS)), plank_track, end_at_target=True)
    loop.config = loop.config.__class__(**{**loop.config.__dict__, "target": 3.0})
    result = loop.run()
    assert result.summary is not None and not result.quit and loop.done
    assert 3.0 <= result.summary.hold_s < 3.5
    assert len(sink.samples) < 8 * FPS  # it stopped before the track ran out


def test_cli_sets_and_programme_make_one_session(run_coach: RunCoach, person_video: Path, tmp_path: Path) -> None:
    out = tmp_path / "sets.json"
    proc = run_coach("live", "-e", "plank", "--sets", "2", "--rest", "0", "--source", person_video,
                     "--no-window", "--no-setup", "--no-voice", "--summary-json", out)
    assert proc.returncode == 0, proc.stderr
    assert "Set 1 of 2: plank." in proc.stderr and "Set 2 of 2: plank." in proc.stderr
    assert len(json.loads(out.read_text())["sets"]) == 2
    proc = run_coach("live", "--programme", "back-basics", "--sets", "1", "--rest", "0", "--source", person_video,
                     "--no-window", "--no-setup", "--no-voice")
    assert proc.returncode == 0, proc.stderr
    assert "Pull your left knee to your chest" in proc.stderr and "Pull your right knee" in proc.stderr
    conn = sqlite3.connect(tmp_path / "coach.db")
    per_session = conn.execute("SELECT session_id, count(*), group_concat(exercise) FROM sets GROUP BY 1").fetchall()
    conn.close()
    assert per_session[0][1] == 2
    assert per_session[1][1] == 4 and per_session[1][2] == "plank,hip_bridge,knee_to_chest,knee_to_chest"
    shown = run_coach("show", "last")
    assert "Set 4: knee_to_chest" in shown.stdout


@pytest.mark.parametrize(("args", "needle"), [
    (("--programme", "nope"), "unknown programme"),
    (("--programme", "back-basics", "-e", "plank"), "not both"),
    (("-e", "plank", "--sets", "0"), "--sets must be"),
    (("-e", "plank", "--sets", "2", "--rest", "-1"), "--rest must be"),
    (("--sets", "2"), "give --exercise"),
])
def test_programme_usage_errors(run_coach: RunCoach, args: tuple[str, ...], needle: str) -> None:
    proc = run_coach("live", *args, "--no-window")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and needle in proc.stderr, proc.stderr
