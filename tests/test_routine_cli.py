"""``--exercise auto`` and the mismatch warning through the real command
line (subprocess, real SQLite): the demo track analysed without naming an
exercise becomes its four sets, stored as one session that history, show
and report treat like any other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.posetrack import write_pose_track
from coach.synth import NoiseConfig, plank_hold, walking
from coach.synth.scenarios.routine import demo_routine
from tests.conftest import RunCoach


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def tracks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("tracks")
    out = {"demo": d / "demo.csv", "plank": d / "plank.csv", "walk": d / "walk.csv"}
    write_pose_track(out["demo"], demo_routine(0).frames)
    write_pose_track(out["plank"], plank_hold(15.0, seed=4, noise=NoiseConfig()).frames)
    write_pose_track(out["walk"], walking(12.0, seed=4, noise=NoiseConfig()).frames)
    return out


def test_the_demo_track_analysed_without_an_exercise(run_coach: RunCoach, tracks: dict[str, Path],
                                                     tmp_path: Path) -> None:
    rt = demo_routine(0)
    summary, frames = tmp_path / "s.json", tmp_path / "f.jsonl"
    proc = run_coach("analyze", tracks["demo"], "--summary-json", summary, "--jsonl", frames, check=True)
    obj = json.loads(summary.read_text())
    sets = obj["sets"]
    assert [s["exercise"] for s in sets] == [t.exercise for t in rt.sets]
    for s, true, (_, sc) in zip(sets, rt.sets, rt.segments, strict=True):
        assert abs(s["start"] - true.start) <= 1.0 and abs(s["end"] - true.end) <= 1.0
        assert s["reps"] == sc.truth.count
        assert s["duration_s"] == pytest.approx(s["end"] - s["start"], abs=2e-3)
        assert "score" in s and "items" in s and "fault_events" in s
    assert obj["frames"] == len(rt.frames) and obj["no_person_detected"] is False
    lines = _jsonl(frames)
    assert len(lines) == len(rt.frames)
    assert {ln["exercise"] for ln in lines} == {None, *(t.exercise for t in rt.sets)}
    assert all(ln["phase"] == "rest" and ln["set"] is None for ln in lines if ln["exercise"] is None)
    assert "set 4: lift" in proc.stdout
    # stored as one session of four sets; the review commands show each set as usual
    hist = run_coach("history", check=True).stdout
    assert all(name in hist for name in ("plank", "hip_bridge", "knee_to_chest", "lift"))
    shown = run_coach("show", "last", check=True).stdout
    assert shown.startswith("Session 1 ") and "Set 4: lift" in shown
    run_coach("report", "--out", tmp_path / "r.html", check=True)
    exported = json.loads(run_coach("export", "--all", "--format", "json", check=True).stdout)
    assert [s["exercise"] for s in exported["sessions"][0]["sets"]] == [t.exercise for t in rt.sets]


def test_auto_with_one_set_writes_the_single_summary(run_coach: RunCoach, tracks: dict[str, Path],
                                                     tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    run_coach("analyze", tracks["plank"], "--exercise", "auto", "--summary-json", out, "--no-save", check=True)
    obj = json.loads(out.read_text())
    assert "sets" not in obj and obj["exercise"] == "plank" and obj["reps"] == 1
    assert obj["input"] == str(tracks["plank"])


def test_none_of_these(run_coach: RunCoach, tracks: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    proc = run_coach("analyze", tracks["walk"], "-e", "auto", "--summary-json", out, check=True)
    assert json.loads(out.read_text())["sets"] == []
    assert "no exercise recognised" in proc.stdout
    assert "no sessions recorded yet" in run_coach("history").stdout  # a session without a set is not kept


def test_a_plank_analysed_as_a_bridge_says_so_once(run_coach: RunCoach, tracks: dict[str, Path],
                                                   tmp_path: Path) -> None:
    frames = tmp_path / "f.jsonl"
    proc = run_coach("analyze", tracks["plank"], "--exercise", "hip_bridge", "--jsonl", frames, "--no-save",
                     check=True)
    warnings = [ln for ln in proc.stderr.splitlines() if "This looks like" in ln]
    assert len(warnings) == 1 and "This looks like a plank, not a hip bridge" in warnings[0]
    cues = [ln["cue"] for ln in _jsonl(frames) if ln["cue"]]
    assert cues.count("This looks like a plank, not a hip bridge") == 1
    right = run_coach("analyze", tracks["plank"], "--exercise", "plank", "--no-save", check=True)
    assert "This looks like" not in right.stderr


def test_target_needs_a_named_exercise(run_coach: RunCoach, tracks: dict[str, Path]) -> None:
    proc = run_coach("analyze", tracks["plank"], "--target", "20", "--no-save")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "--target needs --exercise" in proc.stderr


def test_live_without_an_exercise_on_a_video(run_coach: RunCoach, person_video: Path, model_path: Path,
                                             tmp_path: Path) -> None:
    """The person video shows an upper body only: nothing is recognised,
    nothing counted, nothing saved; the run itself works headless."""
    out = tmp_path / "s.json"
    proc = run_coach("live", "--source", person_video, "--no-window", "--no-voice", "--summary-json", out,
                     "--model", model_path, check=True)
    assert "no exercise recognised" in proc.stdout
    assert json.loads(out.read_text())["sets"] == []


def test_the_live_loop_coaches_a_routine_set_after_set(tmp_path: Path) -> None:
    """The live loop with a fake camera and the demo routine replayed as
    the pose model's output: every set recognised and stored in one session."""
    from coach.live.loop import LiveConfig, LiveLoop
    from coach.recognition.routine import LiveRoutine, RoutineRunner
    from coach.registry import get_exercise
    from coach.store.db import open_store
    from coach.store.recorder import SessionWriter
    from coach.voice import SilentVoice
    from tests.test_live import FakeCamera, Replay

    rt = demo_routine(1)
    store = open_store(tmp_path / "coach.db")
    with SessionWriter(store, source="fake camera", mode="live") as session:
        runner = RoutineRunner(lambda e: get_exercise(e), lag_s=0.0,
                               open_sinks=lambda e, i: [session.set_sink(exercise=e)])
        routine = LiveRoutine(runner)
        voice = SilentVoice(keep=100_000)  # keeps everything it is given to say
        loop = LiveLoop(FakeCamera(len(rt.frames)), Replay(rt.frames), routine, voice=voice,
                        config=LiveConfig(exercise="auto", setup=None, lossless=True))
        result = loop.run()
    assert result.stats.processed == len(rt.frames)
    from coach.recognition.mismatch import called

    spoken = [text for text in voice.said if text.startswith("Recognised: ")]
    assert spoken == [f"Recognised: {called(t.exercise)}" for t in rt.sets], "each set said aloud once"
    assert [text for _, text in routine.announced if text.startswith("Recognised")] == spoken
    assert [s.span.exercise for s in routine.sets] == [t.exercise for t in rt.sets]
    check = open_store(tmp_path / "coach.db")
    rows = check.conn.execute("SELECT exercise FROM sets ORDER BY set_index").fetchall()
    check.close()
    assert [r[0] for r in rows] == [t.exercise for t in rt.sets]


def test_live_says_when_each_set_is_recognised_and_when_it_ends(run_coach: RunCoach, tracks: dict[str, Path],
                                                                tmp_path: Path) -> None:
    """The demo routine replayed through the live coach (a pose track as
    the source): each set is announced once when recognised ("Recognised: a
    plank", the words of the exercise's spec) and once when it ends, as the
    frame's cue (shown, spoken) and one stderr line; the sets are the ones
    analyze finds."""
    from coach.recognition.mismatch import called

    rt = demo_routine(0)
    frames, summary = tmp_path / "f.jsonl", tmp_path / "s.json"
    proc = run_coach("live", "--source", tracks["demo"], "--no-window", "--no-voice", "--jsonl", frames,
                     "--summary-json", summary, check=True)
    sets = json.loads(summary.read_text())["sets"]
    assert [s["exercise"] for s in sets] == [t.exercise for t in rt.sets]
    cues = [(ln["t"], ln["cue"]) for ln in _jsonl(frames) if ln["cue"]]
    said = [c for _, c in cues if c.startswith(("Recognised: ", "Set done: "))]
    recognised = [f"Recognised: {called(t.exercise)}" for t in rt.sets]
    assert [c for c in said if c.startswith("Recognised")] == recognised
    for i, (s, text) in enumerate(zip(sets, recognised, strict=True), start=1):
        assert proc.stderr.count(f"coach: {text} (set {i},") == 1, proc.stderr
        t = next(t for t, c in cues if c == text)
        assert s["start"] <= t <= s["start"] + 2.5, "said within the recogniser's 2 s of the set starting"
    # every set but the last ends before the recording does (the last ends with it); a set's end may share
    # its frame with the next set's start, whose news the frame's cue carries: stderr has both
    for i, t in enumerate(rt.sets[:-1], start=1):
        assert proc.stderr.count(f"coach: Set done: {called(t.exercise)} (set {i},") == 1, proc.stderr
    assert "Set done: a plank" in said


def test_live_replays_a_pose_track_only_frame_by_frame(run_coach: RunCoach, tracks: dict[str, Path]) -> None:
    proc = run_coach("live", "--source", tracks["plank"], "--realtime", "--no-window")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--realtime needs a video" in proc.stderr
