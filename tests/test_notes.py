"""How it felt: ``coach note``, the question at the end of ``coach live``,
and pain, effort and text in ``show``, ``history`` and the report
(``--share`` leaves the text and the names out)."""

from __future__ import annotations

import argparse
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import RunCoach
from test_store import ScriptedAnalyzer, plank_frames, record

from coach.commands.note import note_after_live
from coach.store import open_store
from coach.store.notes import get_note
from coach.store.schema import MIGRATIONS, schema_version


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "coach.db"
    for sags in (((3.0, 5.0),), ()):
        record(path, plank_frames(10.0, sag_spans=sags), ScriptedAnalyzer())
    return path


def test_note_show_history_report_and_share(run_coach: RunCoach, db: Path, tmp_path: Path) -> None:
    env = {"COACH_DB": str(db)}
    done = run_coach("note", "last", "--pain", "3", "--effort", "6", "--text", "tight  hamstrings", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == 'session 2: pain 3/10, effort 6/10, "tight hamstrings"'
    assert run_coach("note", "1", "--pain", "5", env=env).returncode == 0
    assert run_coach("note", "1", "--effort", "4", env=env).returncode == 0  # keeps the pain
    shown = run_coach("show", "2", env=env).stdout
    assert 'how it felt: pain 3/10, effort 6/10, "tight hamstrings"' in shown
    hist = run_coach("history", env=env).stdout.splitlines()
    assert hist[0].split()[-1] == "PAIN/EFFORT"
    assert hist[1].split()[-1] == "5/4" and hist[2].split()[-1] == "3/6"
    out = tmp_path / "r.html"
    assert run_coach("report", "--out", out, env=env).returncode == 0
    text = out.read_text(encoding="utf-8")
    assert ">How it felt<" in text and 'alt="pain against score"' in text and "tight hamstrings" in text
    shared = tmp_path / "share.html"
    proc = run_coach("report", "--share", "--out", shared, env=env)
    assert proc.returncode == 0, proc.stderr
    text = shared.read_text(encoding="utf-8")
    assert "tight hamstrings" not in text and str(db) not in text and "test.csv" not in text
    assert "pain 3/10, effort 6/10" in text and "shared copy" in text


@pytest.mark.parametrize(("args", "needle"), [
    (("--pain", "11"), "from 0 to 10"),
    (("--effort", "x"), "whole number"),
    ((), "give at least one of"),
])
def test_bad_notes_are_one_line_usage_errors(run_coach: RunCoach, db: Path, args: tuple[str, ...],
                                             needle: str) -> None:
    proc = run_coach("note", "1", *args, env={"COACH_DB": str(db)})
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and needle in proc.stderr, proc.stderr


def test_note_of_a_missing_session(run_coach: RunCoach, db: Path) -> None:
    proc = run_coach("note", "9", "--pain", "1", env={"COACH_DB": str(db)})
    assert proc.returncode == 6 and "no session 9" in proc.stderr


def test_question_at_the_end_of_live(db: Path) -> None:
    args = argparse.Namespace(db=db, quiet=False)
    answers = iter(["", "12", "7", "felt good"])  # pain skipped, bad effort asked again
    note = note_after_live(args, 1, stdin_is_tty=True, read=lambda _q: next(answers))
    assert note is not None and (note.pain, note.effort, note.text) == (None, 7, "felt good")
    # Enter everywhere: nothing saved; not a terminal: not even asked
    assert note_after_live(args, 2, stdin_is_tty=True, read=lambda _q: "") is None
    asked: list[str] = []
    assert note_after_live(args, 2, stdin_is_tty=False, read=lambda q: asked.append(q) or "") is None
    assert not asked
    with open_store(db) as store:
        assert get_note(store.conn, 2) is None


def test_a_version_1_database_gains_the_notes_table(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    from coach.store.schema import migrate

    migrate(conn, "old", MIGRATIONS[:1])
    assert schema_version(conn) == 1
    conn.close()
    with open_store(path) as store:
        assert schema_version(store.conn) == len(MIGRATIONS) >= 2
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "notes" in names
        assert re.search("pain", store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'notes'")
                         .fetchone()[0])
