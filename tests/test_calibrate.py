"""Personal baselines (``coach calibrate``): a baseline fits the thresholds
to the person, never loosens a safety limit, and is recorded, used,
reported, listed and forgotten through the real command line."""

from __future__ import annotations

import json
import math
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.baseline import Baseline, BaselineCollector, personalise
from coach.evaluation.corpus import load_entry
from coach.exercise import FrameVerdict
from coach.posetrack import write_pose_track
from coach.registry import get_exercise, specs
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios.bridge import bridge_reps
from coach.synth.scenarios.knee_to_chest import knee_to_chest
from coach.synth.scenarios.plank import plank_hold
from tests.conftest import RunCoach
from tests.helpers import reported, run_exercise

REAL = Path(__file__).parent / "data" / "real"
CALIBRATED = [s for s in specs() if s.baseline is not None]


def _baseline(exercise: str, **values: float) -> Baseline:
    return Baseline(exercise, values, "2026-12-01T00:00:00+00:00", 5.0, 150)


def test_the_floor_exercises_can_be_calibrated_and_the_lift_cannot() -> None:
    assert sorted(s.name for s in CALIBRATED) == ["hip_bridge", "knee_to_chest", "plank"]


# -- the rules: a safety limit never loosens --------------------------------------------
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_baseline_never_loosens_a_safety_limit_and_moves_the_others_within_their_cap(data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from(CALIBRATED))
    assert spec.baseline is not None
    values = {m.key: data.draw(st.one_of(st.floats(-1e6, 1e6), st.just(math.nan)), label=m.key)
              for m in spec.baseline.measures}
    absolute = getattr(get_exercise(spec.name), "config")  # noqa: B009
    personal = personalise(absolute, spec.baseline, _baseline(spec.name, **values))
    for rule in spec.baseline.rules:
        a, p = getattr(absolute, rule.field), getattr(personal, rule.field)
        assert math.isfinite(p)
        looser = p - a if rule.fault_when == "above" else a - p  # > 0: raised later
        if rule.safety:
            assert looser <= 1e-12, (rule.field, a, p)
        else:
            assert looser <= rule.max_loosen + 1e-9, (rule.field, a, p)
        # the hysteresis gap is kept
        gap_a = getattr(absolute, rule.field) - getattr(absolute, rule.off_field)
        gap_p = getattr(personal, rule.field) - getattr(personal, rule.off_field)
        assert gap_p == pytest.approx(gap_a)
        if not math.isfinite(values[rule.measure]):
            assert p == a  # no value, no change


def test_every_safety_fault_has_a_safety_rule_behind_it() -> None:
    """What the baseline touches of a safety fault is declared safety."""
    for spec in CALIBRATED:
        assert spec.baseline is not None
        for rule in spec.baseline.rules:
            if rule.safety:
                assert rule.max_loosen == 0.0
        # the plank's sag and the bridge's arch are the safety faults there
        assert spec.safety_codes <= {"hips_sagging", "back_overarched"}


@pytest.mark.parametrize("values", [
    {"hip_offset": -0.25, "hip_drop_deg": -20.0},  # hips very high
    {"hip_offset": -0.10, "hip_drop_deg": -9.0},   # the usual, a little high
    {"hip_offset": 0.0, "hip_drop_deg": 0.0},      # dead straight
    {"hip_offset": 0.07, "hip_drop_deg": 5.5},     # a calibration just short of a sag
    {"hip_offset": 5.0, "hip_drop_deg": 90.0},     # nonsense values
])
def test_real_sagging_planks_stay_sagging_whatever_the_baseline(values: dict[str, float]) -> None:
    """Every real and derived sagging plank frame the analyzer flags
    without a baseline is flagged with any baseline."""
    entry = load_entry(REAL / "mlkit_pushups_up_sag.json")
    rows = [f for f, lab in zip(entry.frames, entry.labels.per_row, strict=True) if lab == "hips_sagging"][:40]
    assert len(rows) == 40
    flagged = 0
    for frame in rows:
        held = [frame.replace(t=i / 30.0) for i in range(60)]
        plain, _ = run_exercise("plank", held)
        mine, _ = run_exercise("plank", held, baseline=_baseline("plank", **values))
        if "hips_sagging" in reported(plain):
            flagged += 1
            assert "hips_sagging" in reported(mine), (frame.t, values)
    assert flagged >= 30


# -- what a baseline changes ---------------------------------------------------------------
def test_a_plank_sinking_to_the_straight_line_is_a_sag_for_someone_who_holds_their_hips_high() -> None:
    frames = plank_hold(20.0, sag_deg=4.0, sag_start_s=5.0, seed=1, noise=NoiseConfig()).frames
    plain, _ = run_exercise("plank", frames)
    high = _baseline("plank", hip_offset=-0.10, hip_drop_deg=-9.0)
    mine, _ = run_exercise("plank", frames, baseline=high)
    assert "hips_sagging" not in reported(plain)
    assert "hips_sagging" in reported(mine)
    assert mine.score < plain.score
    extra = mine.extra["baseline"]
    assert extra["thresholds"]["sag_offset_on"] == {"absolute": 0.08, "personal": 0.02}
    assert extra["progress"]["hip_offset"]["change"] > 0.08  # the hips came down
    assert "baseline" not in plain.extra and set(plain.extra["form_measures"]) == {"hip_offset", "hip_drop_deg"}


def test_a_stiff_persons_lower_bridge_is_judged_on_their_own_top_but_an_arch_never_is() -> None:
    low = bridge_reps(5, hip_extension_deficit_deg=14.0, seed=2, noise=NoiseConfig()).frames
    plain, _ = run_exercise("hip_bridge", low)
    own_top = plain.extra["form_measures"]["top_bend"]
    mine, _ = run_exercise("hip_bridge", low, baseline=_baseline("hip_bridge", top_bend=own_top))
    assert plain.reps == mine.reps == 5
    assert "hips_too_low" in reported(plain) and "hips_too_low" not in reported(mine)
    assert mine.score > plain.score
    arched = bridge_reps(5, overarch_deg=14.0, seed=2, noise=NoiseConfig()).frames
    plain_arch, _ = run_exercise("hip_bridge", arched)
    arch_top = plain_arch.extra["form_measures"]["top_bend"]
    mine_arch, _ = run_exercise("hip_bridge", arched, baseline=_baseline("hip_bridge", top_bend=arch_top))
    assert "back_overarched" in reported(plain_arch) and "back_overarched" in reported(mine_arch)


def test_knee_to_chest_is_judged_on_the_persons_own_range() -> None:
    short = knee_to_chest(("left",), hold_s=10.0, hip_flexion_deg=100.0, seed=2, noise=NoiseConfig()).frames
    fair = knee_to_chest(("left",), hold_s=10.0, hip_flexion_deg=106.0, seed=2, noise=NoiseConfig()).frames
    plain_short, _ = run_exercise("knee_to_chest", short)
    stiff = _baseline("knee_to_chest", hold_flexion=plain_short.extra["form_measures"]["hold_flexion"])
    supple = _baseline("knee_to_chest", hold_flexion=130.0)
    assert "knee_not_close" in reported(plain_short)
    assert "knee_not_close" not in reported(run_exercise("knee_to_chest", short, baseline=stiff)[0])
    assert "knee_not_close" not in reported(run_exercise("knee_to_chest", fair)[0])
    assert "knee_not_close" in reported(run_exercise("knee_to_chest", fair, baseline=supple)[0])


def test_a_baseline_of_another_exercise_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot calibrate"):
        get_exercise("plank", baseline=_baseline("hip_bridge", top_bend=0.0))


def test_the_collector_leaves_out_safety_faults_and_takes_medians() -> None:
    spec = next(s for s in CALIBRATED if s.name == "plank")
    assert spec.baseline is not None
    c = BaselineCollector(spec.baseline, safety_codes=spec.safety_codes, exclude_safety=True)
    for i, off in enumerate([-0.1, -0.12, -0.08, 0.3]):
        faults = ("hips_sagging",) if off > 0.2 else ()
        c.push(FrameVerdict(t=i / 10, phase="hold", faults=faults,
                            metrics={"hip_offset": off, "body_angle": 170.0}))
    c.push(FrameVerdict(t=0.4, phase="setup", metrics={"hip_offset": 0.0, "body_angle": 180.0}))
    assert c.frames == 3 and c.medians()["hip_offset"] == pytest.approx(-0.1)
    assert c.rejected == {"hips_sagging": pytest.approx(0.1)}
    assert c.medians()["hip_drop_deg"] == pytest.approx(-10.0)


# -- the command line ------------------------------------------------------------------------
@pytest.fixture()
def tracks(tmp_path: Path) -> dict[str, Path]:
    out = {
        "good": plank_hold(12.0, seed=1, noise=NoiseConfig()).frames,
        "sag": plank_hold(12.0, sag_deg=12.0, sag_start_s=0.0, seed=1, noise=NoiseConfig()).frames,
        "mild": plank_hold(20.0, sag_deg=4.0, sag_start_s=5.0, seed=1, noise=NoiseConfig()).frames,
    }
    paths = {}
    for name, frames in out.items():
        paths[name] = tmp_path / f"{name}.csv"
        write_pose_track(paths[name], frames)
    return paths


def _rows(db: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT exercise, retired_at FROM baselines ORDER BY id").fetchall()


def test_calibrate_then_analyze_judges_against_it_until_forgotten(run_coach: RunCoach, tracks: dict[str, Path],
                                                                  tmp_path: Path) -> None:
    db = tmp_path / "coach.db"
    bad = run_coach("calibrate", "-e", "plank", "--source", tracks["sag"], "-q")
    assert bad.returncode == 1, bad.stderr
    assert bad.stderr.count("\n") == 1 and "hips sagging" in bad.stderr and "Traceback" not in bad.stderr
    assert not db.exists() or _rows(db) == []

    ok = run_coach("calibrate", "-e", "plank", "--source", tracks["good"], "-q", check=True)
    assert "plank calibrated from 5.0 s" in ok.stdout and "sag_offset_on: 0.08 -> " in ok.stdout
    assert _rows(db) == [("plank", None)]

    mine = run_coach("analyze", tracks["mild"], "-e", "plank", "--summary-json", tmp_path / "a.json", check=True)
    plain = run_coach("analyze", tracks["mild"], "-e", "plank", "--no-baseline", "--summary-json",
                      tmp_path / "b.json", check=True)
    a, b = json.loads((tmp_path / "a.json").read_text()), json.loads((tmp_path / "b.json").read_text())
    assert "hips_sagging" in a["fault_counts"] and "hips_sagging" not in b["fault_counts"]
    assert a["extra"]["baseline"]["source"].endswith("good.csv") and "baseline" not in b["extra"]
    assert "judged against your calibration" in mine.stdout and "judged against" not in plain.stdout

    listed = run_coach("calibrate", "--list", check=True)
    assert "plank" in listed.stdout and "in use" in listed.stdout
    shown = run_coach("profile", check=True)
    assert "calibrated: plank (" in shown.stdout

    report = run_coach("report", "--out", tmp_path / "r.html", check=True)
    assert report.returncode == 0
    assert "Against your calibration" in (tmp_path / "r.html").read_text()

    run_coach("calibrate", "-e", "plank", "--forget", check=True)
    assert _rows(db)[0][1] is not None
    again = run_coach("analyze", tracks["mild"], "-e", "plank", "--summary-json", tmp_path / "c.json", check=True)
    assert again.returncode == 0
    assert "baseline" not in json.loads((tmp_path / "c.json").read_text())["extra"]


def test_rescore_judges_a_set_against_the_calibration_it_was_recorded_with(run_coach: RunCoach,
                                                                           tracks: dict[str, Path]) -> None:
    run_coach("calibrate", "-e", "plank", "--source", tracks["good"], "-q", check=True)
    run_coach("analyze", tracks["mild"], "-e", "plank", "--keep-track", "-q", check=True)
    run_coach("calibrate", "-e", "plank", "--forget", check=True)
    out = run_coach("rescore", "last", check=True)
    m = re.search(r"score ([0-9.]+) -> ([0-9.]+)", out.stdout)
    assert m is not None, out.stdout
    assert m.group(1) == m.group(2) and float(m.group(2)) < 50.0, out.stdout  # the sag still counts


@pytest.mark.parametrize("args, code, words", [
    (("-e", "lift"), 2, "cannot be calibrated"),
    ((), 2, "--exercise is needed"),
    (("-e", "plank", "--seconds", "0"), 2, "--seconds"),
    (("-e", "plank", "--source", "missing.csv"), 3, "no such file"),
    (("-e", "nope"), 2, "unknown exercise"),
])
def test_calibrate_usage_errors_are_one_line(run_coach: RunCoach, args: tuple[str, ...], code: int,
                                             words: str) -> None:
    proc = run_coach("calibrate", *args)
    assert proc.returncode == code and words in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr


def test_calibrate_without_a_camera_says_so(run_coach: RunCoach) -> None:
    proc = run_coach("calibrate", "-e", "plank", "--camera", "7", "--no-window", "--no-voice")
    assert proc.returncode == 4 and proc.stderr.count("\n") == 1, proc.stderr


def test_the_live_loop_calibrates_until_the_seconds_are_in() -> None:
    """The camera path: the live loop (a fake camera and a pose detector
    replaying a real-time plank, the webcam and the model being what
    cannot exist here) stops once the seconds of good form are measured,
    with the hold counter showing them."""
    from coach.calibrate import Calibration, CalibrationRun, outcome
    from coach.live.loop import LiveConfig, LiveLoop
    from coach.pipeline import Pipeline
    from coach.registry import get_spec
    from tests.test_live import FakeCamera, Replay, ScriptedDisplay

    sc = plank_hold(20.0, seed=3, noise=NoiseConfig())
    spec = get_spec("plank")
    run = CalibrationRun(Pipeline(get_exercise("plank")), spec, 3.0)
    shown: list[float] = []
    loop = LiveLoop(FakeCamera(len(sc.frames)), Replay(sc.frames), run, display=ScriptedDisplay({}),
                    config=LiveConfig(exercise="plank", target=3.0, target_unit="s", setup=None, lossless=True,
                                      end_at_target=True),
                    on_frame=lambda sample, _img: shown.append(sample.verdict.hold_s) if sample else None)
    result = loop.run()
    assert loop.done and not result.quit
    assert len(shown) < len(sc.frames)  # it stopped early
    assert shown[-1] == pytest.approx(3.0) and shown == sorted(shown)
    got = outcome(run, "camera:0")
    assert isinstance(got, Calibration) and got.seconds >= 3.0 and -0.3 < got.values["hip_offset"] < 0.05
