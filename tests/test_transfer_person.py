"""The person travels with ``coach export --format json`` / ``coach import``:
their calibrations (``coach calibrate``, forgotten ones too) and profile
(``coach profile``), exactly and idempotently, in the sessions' transaction.

The source database is made by the real ``coach`` (calibrate, forget,
calibrate again, profile, analyze) in subprocesses; every import and export
below is a real ``coach`` run against real SQLite files.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fs_helpers import checkpointed, read_only

from coach.posetrack import write_pose_track
from coach.store.baselines import current_baselines, save_baseline
from coach.store.db import Store, open_store
from coach.store.person import PersonData, import_person, person_json, person_of_export
from coach.store.profile import read_profile
from coach.store.schema import MIGRATIONS, migrate
from coach.synth.noise import NoiseConfig
from coach.synth.scenarios.plank import plank_hold
from tests.conftest import REPO, coach_command

Proc = subprocess.CompletedProcess[str]
Run = Callable[..., Proc]

HEIGHT_M = 1.82
OTHER_HEIGHT_M = 1.7
SCHEMA_BEFORE_PROFILE = 3
SCHEMA_BEFORE_BASELINES = 4


def _runner(cwd: Path, db: Path) -> Run:
    def run(*args: str | Path, db_path: Path | None = None, check: bool = False) -> Proc:
        env = dict(os.environ)
        env["COACH_DB"] = str(db_path or db)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
        proc = subprocess.run([*coach_command(), *map(str, args)], capture_output=True, text=True, env=env,
                              cwd=cwd, timeout=300, check=False)
        if check:
            assert proc.returncode == 0, (args, proc.stderr)
        return proc
    return run


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A database with a forgotten and a current plank calibration, a
    profile and one analysed session, and its export."""
    d = tmp_path_factory.mktemp("person")
    good, mild = d / "good.csv", d / "mild.csv"
    write_pose_track(good, plank_hold(12.0, seed=1, noise=NoiseConfig()).frames)
    write_pose_track(mild, plank_hold(20.0, sag_deg=4.0, sag_start_s=5.0, seed=1, noise=NoiseConfig()).frames)
    run = _runner(d, d / "coach.db")
    run("calibrate", "-e", "plank", "--source", good, "-q", check=True)
    run("calibrate", "-e", "plank", "--forget", check=True)
    run("calibrate", "-e", "plank", "--source", good, "-q", check=True)
    run("profile", "--height", str(HEIGHT_M), "--name", "Ada", check=True)
    run("analyze", mild, "-e", "plank", "-q", check=True)
    run("export", "--all", "--out", d / "e.json", check=True)
    return {"dir": d, "db": d / "coach.db", "export": d / "e.json", "mild": mild}


@pytest.fixture()
def run(tmp_path: Path) -> Run:
    return _runner(tmp_path, tmp_path / "coach.db")


def _doc(path: Path) -> dict[str, Any]:
    doc = json.loads(path.read_text())
    assert isinstance(doc, dict)
    return doc


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _stderr_lines(proc: Proc) -> list[str]:
    return [ln for ln in proc.stderr.splitlines() if ln.strip()]


def test_the_export_carries_every_calibration_and_the_profile(source: dict[str, Path], run: Run,
                                                               tmp_path: Path) -> None:
    doc = _doc(source["export"])
    assert (doc["format"], doc["version"], len(doc["sessions"])) == ("coach-sessions", 1, 1)
    first, second = doc["baselines"]
    assert first["retired_at"] is not None and second["retired_at"] is None, "the forgotten one keeps retired_at"
    assert first["exercise"] == "plank" and first["source"].endswith("good.csv") and first["values"]
    assert doc["profile"]["height_m"] == HEIGHT_M and doc["profile"]["name"] == "Ada"
    # a single session's export carries the person too: calibrations belong to the person
    one = run("export", "last", "--format", "json", db_path=source["db"], check=True)
    single = json.loads(one.stdout)
    assert single["baselines"] == doc["baselines"] and single["profile"] == doc["profile"]
    told = run("export", "--all", "--out", tmp_path / "e.json", db_path=source["db"], check=True)
    assert "exported 1 session(s), 2 calibration(s) and the profile to" in told.stderr
    # CSV is unchanged: sessions only
    csv_text = run("export", "--all", "--format", "csv", db_path=source["db"], check=True).stdout
    assert "retired_at" not in csv_text and "height_m" not in csv_text


def test_round_trip_is_exact_and_a_second_import_adds_nothing(source: dict[str, Path], run: Run,
                                                              tmp_path: Path) -> None:
    other, again = tmp_path / "other.db", tmp_path / "again.json"
    first = run("import", source["export"], db_path=other, check=True)
    assert "imported 1 session(s)" in first.stdout
    assert "calibrations: 2 added, 0 already in the database" in first.stdout
    assert "profile: name and height set" in first.stdout and first.stderr == ""
    run("export", "--all", "--out", again, db_path=other, check=True)
    assert again.read_bytes() == source["export"].read_bytes()
    twice = run("import", source["export"], db_path=other, check=True)
    assert "imported 0 session(s)" in twice.stdout
    assert "calibrations: 0 added, 2 already in the database" in twice.stdout and "profile:" not in twice.stdout
    assert _count(other, "baselines") == 2 and _count(other, "sessions") == 1
    run("export", "--all", "--out", again, db_path=other, check=True)
    assert again.read_bytes() == source["export"].read_bytes()


def test_imported_calibration_is_the_one_later_sets_are_judged_against(source: dict[str, Path], run: Run,
                                                                       tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    run("import", source["export"], db_path=other, check=True)
    current = _doc(source["export"])["baselines"][1]
    with open_store(other) as store:
        mine = current_baselines(store)
        assert mine["plank"].id == current["id"] and dict(mine["plank"].values) == current["values"]
        assert read_profile(store).height_m == HEIGHT_M
    summary = tmp_path / "s.json"
    run("analyze", source["mild"], "-e", "plank", "--summary-json", summary, db_path=other, check=True)
    extra = _doc(summary)["extra"]
    judged = extra["baseline"]
    assert (judged["id"], judged["recorded_at"]) == (current["id"], current["recorded_at"])
    assert judged["values"] == pytest.approx(current["values"], abs=1e-3)
    report = tmp_path / "r.html"
    run("report", "--out", report, db_path=other, check=True)
    assert "Against your calibration" in report.read_text()


def test_a_different_height_here_is_kept_with_one_warning(source: dict[str, Path], run: Run,
                                                          tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    run("profile", "--height", str(OTHER_HEIGHT_M), db_path=other, check=True)
    proc = run("import", source["export"], db_path=other)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    (line,) = _stderr_lines(proc)
    assert line.startswith("coach: warning:") and "1.82 m" in line and "kept 1.70 m" in line
    assert "calibrations: 2 added" in proc.stdout and "profile: name set" in proc.stdout
    with open_store(other) as store:
        profile = read_profile(store)
    assert (profile.height_m, profile.name) == (OTHER_HEIGHT_M, "Ada")


def test_an_export_without_the_person_keys_imports_as_before(source: dict[str, Path], run: Run,
                                                             tmp_path: Path) -> None:
    old = _doc(source["export"])
    del old["baselines"], old["profile"]
    path, other, again = tmp_path / "old.json", tmp_path / "other.db", tmp_path / "again.json"
    path.write_text(json.dumps(old, indent=2) + "\n")
    proc = run("import", path, db_path=other, check=True)
    assert proc.stdout == f"imported 1 session(s) from {path}\n" and proc.stderr == ""
    assert _count(other, "baselines") == 0 and _count(other, "profile") == 0
    run("export", "--all", "--out", again, db_path=other, check=True)
    assert _doc(again) == {**old, "baselines": [], "profile": None}


def _break(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        doc["baselines"][0][key] = value
    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        del doc["baselines"][0][key]
    return change


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        doc[key] = value
    return change


def _height(value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        doc["profile"]["height_m"] = value
    return change


MALFORMED = [
    ("baselines-not-a-list", _set("baselines", {"plank": 1}), "\"baselines\" must be a list"),
    ("entry-not-an-object", _set("baselines", [[1, 2]]), "calibration 1 of \"baselines\" is malformed"),
    ("no-values", _drop("values"), "'values' must be an object"),
    ("value-not-a-number", _break("values", {"hip_offset": "low"}), "'hip_offset' must be a number"),
    ("no-exercise", _drop("exercise"), "'exercise' must be text"),
    ("frames-zero", _break("frames", 0), "must be positive"),
    ("retired-at-a-number", _break("retired_at", 5), "'retired_at' must be text or null"),
    ("id-text", _break("id", "one"), "'id' must be a whole number"),
    ("profile-not-an-object", _set("profile", [HEIGHT_M]), "\"profile\" is malformed"),
    ("height-in-cm", _height(182), "not centimetres"),
    ("height-text", _height("tall"), "'height_m' must be a number"),
]


@pytest.mark.parametrize("change, says", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_a_malformed_calibration_or_profile_imports_nothing(source: dict[str, Path], run: Run, tmp_path: Path,
                                                            change: Callable[[dict[str, Any]], None],
                                                            says: str) -> None:
    doc = _doc(source["export"])
    change(doc)
    bad, other = tmp_path / "bad.json", tmp_path / "other.db"
    bad.write_text(json.dumps(doc))
    proc = run("import", bad, db_path=other)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr, proc.stderr
    (line,) = _stderr_lines(proc)
    assert line.startswith(f"coach: error: {bad}: ") and says in line and "nothing was imported" in line, line
    assert not other.exists() or (_count(other, "sessions"), _count(other, "baselines"),
                                  _count(other, "profile")) == (0, 0, 0)


def test_a_calibration_that_does_not_fit_rolls_back_the_sessions_too(source: dict[str, Path],
                                                                     tmp_path: Path) -> None:
    """The calibrations go in the sessions' transaction: a row the database
    refuses (here a trigger stands in for any constraint) leaves no session."""
    from coach.errors import InputError
    from coach.store.transfer import import_sessions, read_export_file

    export = read_export_file(source["export"])
    with open_store(tmp_path / "other.db") as store:
        store.conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON baselines "
                           "BEGIN SELECT RAISE(ABORT, 'refused'); END")
        with pytest.raises(InputError, match=r"does not fit the database \(refused\); nothing was imported"):
            import_sessions(store, export.sessions, "e.json", export.person)
        assert store.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_a_forgotten_calibration_in_the_file_is_forgotten_here_too(tmp_path: Path) -> None:
    """The same calibration, current here and forgotten in the file (``coach
    calibrate --forget`` on the other machine): forgetting wins, once."""
    with open_store(tmp_path / "a.db") as store:
        save_baseline(store, "plank", {"hip_offset": -0.1}, 5.0, 150, "good.csv")
        doc = person_json(store)
    doc["baselines"][0]["retired_at"] = "2026-12-01T10:00:00+00:00"
    person = person_of_export(doc)
    with open_store(tmp_path / "a.db") as store:
        first = import_person(store.conn, person, "e.json")
        second = import_person(store.conn, person, "e.json")
        assert (first.added, first.present, first.retired) == (0, 1, 1)
        assert (second.added, second.present, second.retired) == (0, 1, 0)
        assert current_baselines(store) == {}
        assert person_json(store)["baselines"] == doc["baselines"]


def test_identical_calibrations_are_each_matched_once(tmp_path: Path) -> None:
    """Two runs of the same track within a second: two rows, both carried."""
    with open_store(tmp_path / "a.db") as store:
        for _ in range(2):
            save_baseline(store, "plank", {"hip_offset": -0.1}, 5.0, 150, "good.csv")
        doc = person_json(store)
    doc["baselines"][1]["recorded_at"] = doc["baselines"][0]["recorded_at"]
    with open_store(tmp_path / "b.db") as store:
        first = import_person(store.conn, person_of_export(doc), "e.json")
        second = import_person(store.conn, person_of_export(doc), "e.json")
        assert (first.added, first.present, second.added, second.present) == (2, 0, 0, 2)
        assert person_json(store)["baselines"] == doc["baselines"]


def test_an_older_calibration_imported_later_does_not_become_the_current_one(tmp_path: Path) -> None:
    """Ids differ between databases; the newest by ``recorded_at`` is used."""
    old = {"id": 1, "exercise": "plank", "recorded_at": "2026-01-01T08:00:00+00:00", "values": {"hip_offset": 0.02},
           "seconds": 5.0, "frames": 150, "source": "old.csv", "retired_at": None}
    with open_store(tmp_path / "a.db") as store:
        mine = save_baseline(store, "plank", {"hip_offset": -0.1}, 5.0, 150, "new.csv")
        result = import_person(store.conn, person_of_export({"baselines": [old]}), "e.json")
        assert result.added == 1
        ids = [b["id"] for b in person_json(store)["baselines"]]
        assert current_baselines(store)["plank"].id == mine.id
    assert ids[1] == mine.id and ids[0] != mine.id, "oldest first, the imported one renumbered"


def test_a_database_older_than_calibrations_exports_an_empty_list(tmp_path: Path) -> None:
    """Opened without the tables (read-only, not upgradable): nothing to say."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn, "old", MIGRATIONS[:SCHEMA_BEFORE_PROFILE])
    store = Store(tmp_path / "old.db", conn, read_only=True)
    assert person_json(store) == {"baselines": [], "profile": None}
    conn.close()


def test_a_read_only_database_from_before_calibrations_still_exports(run: Run, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    conn = sqlite3.connect(src / "coach.db", isolation_level=None)
    migrate(conn, "old", MIGRATIONS[:SCHEMA_BEFORE_BASELINES])
    conn.execute("INSERT INTO profile (id, name, height_m, updated_at) VALUES (1, NULL, 1.75, "
                 "'2026-01-01T08:00:00+00:00')")
    conn.close()
    checkpointed(src / "coach.db")
    with read_only(src, tmp_path / "ro") as ro:
        proc = run("export", "--all", db_path=ro / "coach.db")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["baselines"] == [] and doc["profile"] == {"name": None, "height_m": 1.75,
                                                          "updated_at": "2026-01-01T08:00:00+00:00"}


def test_no_person_in_the_file_changes_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        result = import_person(store.conn, PersonData(), "e.json")
        assert (result.added, result.present, result.profile_set, result.conflicts) == (0, 0, (), ())
        assert read_profile(store).updated_at is None
