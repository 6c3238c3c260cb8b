"""``coach profile``: the height is stored in the database and used for the
lift's distances in cm; without it the summary says 1.70 m was assumed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.posetrack import write_pose_track
from coach.store.db import open_store
from coach.store.profile import check_height, read_profile, write_profile
from coach.synth import lift_sequence
from tests.conftest import RunCoach


def test_profile_round_trip(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    assert read_profile(store).height_m is None
    write_profile(store, height_m=1.82)
    write_profile(store, name="Ada")
    p = read_profile(store)
    store.close()
    assert (p.name, p.height_m) == ("Ada", 1.82)


@pytest.mark.parametrize("bad", [182.0, 0.3, 3.5, float("nan")])
def test_heights_that_are_not_a_person_in_metres(bad: float) -> None:
    with pytest.raises(ValueError):
        check_height(bad)


def test_cli_profile_and_its_errors(run_coach: RunCoach) -> None:
    assert "1.70 m is assumed" in run_coach("profile", check=True).stdout
    out = run_coach("profile", "--height", "1.82", "--name", "Ada", check=True).stdout
    assert "height: 1.82 m" in out and "name: Ada" in out
    assert "height: 1.82 m" in run_coach("profile", check=True).stdout
    for bad, words in (("182", "not centimetres"), ("tall", "not a height"), ("0.2", "not a person")):
        proc = run_coach("profile", "--height", bad)
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and words in proc.stderr


def test_lift_distances_use_the_profile_height(run_coach: RunCoach, tmp_path: Path) -> None:
    track = tmp_path / "lift.csv"
    sc = lift_sequence(("squat", "squat"), seed=2)
    write_pose_track(track, [f.replace(world=None) for f in sc.frames])
    before = tmp_path / "a.json"
    proc = run_coach("analyze", track, "-e", "lift", "--summary-json", before, check=True)
    assert "stature: assumed 1.70 m" in proc.stdout
    a = json.loads(before.read_text())
    assert a["extra"]["stature_source"] == "assumed 1.70 m"
    run_coach("profile", "--height", "1.87", check=True)
    after = tmp_path / "b.json"
    proc = run_coach("analyze", track, "-e", "lift", "--summary-json", after, check=True)
    b = json.loads(after.read_text())
    assert b["extra"]["stature_source"] == "profile 1.87 m" and "stature:" not in proc.stdout
    for ia, ib in zip(a["items"], b["items"], strict=True):
        assert ib["measures"]["h_cm"] == pytest.approx(ia["measures"]["h_cm"] * 1.87 / 1.70, rel=1e-3)
    # the recognised lift set gets it too
    auto = tmp_path / "c.json"
    run_coach("analyze", track, "--summary-json", auto, "--no-save", check=True)
    assert json.loads(auto.read_text())["extra"]["stature_source"] == "profile 1.87 m"
