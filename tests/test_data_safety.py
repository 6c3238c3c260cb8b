"""Data safety through the real CLI (issue 11), one table row per case: a
damaged, read-only or full store never locks the user out, loses a session
silently, or calls a broken run complete.

Every row runs the real ``coach`` in a subprocess against a real SQLite
file (a copy of one recorded by three real ``coach analyze`` runs) and
checks the exit code, the one-line message, and what is left on disk.
What each row simulates is in its ``what``; the broken file systems are
real (tests/fs_helpers.py: a 64 KiB tmpfs for a full disk, a read-only
bind mount, pages overwritten in the database file), signals are real
signals sent to the running process.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, coach_command
from fs_helpers import checkpointed, damage_page, full_disk, read_only
from test_store import plank_frames

from coach.posetrack import frame_row, header, write_pose_track

Proc = subprocess.CompletedProcess[str]


@dataclass
class Env:
    tmp: Path
    db: Path
    plank: Path
    long_plank: Path
    video: Path

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env["COACH_DB"] = str(self.db)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
        env.update(extra or {})
        return env

    def run(self, *args: str | Path, env: dict[str, str] | None = None, stdin: str = "",
            stdout: Path | None = None) -> Proc:
        cmd = [*coach_command(), *map(str, args)]
        if stdout is None:
            return subprocess.run(cmd, capture_output=True, text=True, env=self.env(env), cwd=self.tmp,
                                  input=stdin, timeout=300, check=False)
        with stdout.open("w") as out:
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True, env=self.env(env),
                                  cwd=self.tmp, input=stdin, timeout=300, check=False)
        return subprocess.CompletedProcess(cmd, proc.returncode, "", proc.stderr)

    def sessions(self, db: Path | None = None) -> list[tuple[int, str, str | None]]:
        conn = sqlite3.connect(db or self.db)
        try:
            return [(int(r[0]), str(r[1]), r[2]) for r in
                    conn.execute("SELECT id, status, end_reason FROM sessions ORDER BY id")]
        finally:
            conn.close()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three sessions recorded by the real ``coach analyze`` (the last with
    ``--keep-track``), and the pose tracks."""
    d = tmp_path_factory.mktemp("recorded")
    plank, sag, long_plank = d / "plank.csv", d / "sag.csv", d / "long.csv"
    write_pose_track(plank, plank_frames(8.0, sag_spans=()))
    write_pose_track(sag, plank_frames(10.0, sag_spans=((3.0, 5.0),)))
    write_pose_track(long_plank, plank_frames(40.0, sag_spans=()))
    db = d / "coach.db"
    e = Env(d, db, plank, long_plank, Path())
    for track, extra in ((plank, ()), (sag, ()), (sag, ("--keep-track",))):
        proc = e.run("analyze", track, "-e", "plank", "-q", *extra)
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    checkpointed(db)
    return {"db": db, "plank": plank, "long": long_plank}


@pytest.fixture()
def env(recorded: dict[str, Path], tmp_path: Path, person_video: Path, model_path: Path) -> Env:
    db = tmp_path / "coach.db"
    shutil.copy(recorded["db"], db)
    return Env(tmp_path, db, recorded["plank"], recorded["long"], person_video)


# -- helpers used by the rows ----------------------------------------------------------

def _pages(db: Path, table: str, kind: str = "leaf") -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [int(r[0]) for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno", (table, kind))]
    finally:
        conn.close()


def _damage(db: Path, table: str, kind: str = "leaf") -> None:
    import random

    damage_page(db, _pages(db, table, kind)[0], "random", random.Random(11))


def _damage_index(e: Env) -> None:
    _damage(e.db, "sessions_started")


def _corrupt_copies(e: Env) -> list[Path]:
    return sorted(e.tmp.glob("coach.db.corrupt-*"))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _complete_lines(path: Path) -> None:
    """The file is absent, or holds only complete lines (no empty leftover)."""
    if path.exists():
        text = path.read_text()
        assert text and text.endswith("\n"), f"{path.name}: cut mid-line or empty"


def _signal_midway(e: Env, sig: int) -> Proc:
    """``coach analyze`` reading a pose track from a FIFO; once it has saved
    two seconds, ``sig`` arrives while it waits for more frames."""
    fifo = e.tmp / "stream.csv"
    os.mkfifo(fifo)
    cmd = [*coach_command(), "analyze", str(fifo), "-e", "plank", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e.env(),
                            cwd=e.tmp)
    before = len(e.sessions())
    try:
        with fifo.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header(False))
            for f in plank_frames(3.0, sag_spans=()):
                w.writerow(frame_row(f, False))
            fh.flush()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                conn = sqlite3.connect(e.db)
                try:
                    saved = conn.execute("SELECT max(t_last) FROM seconds JOIN sets ON sets.id = seconds.set_id "
                                         "WHERE sets.session_id > ?", (before,)).fetchone()[0]
                finally:
                    conn.close()
                if saved is not None and saved >= 2.0:
                    break
                time.sleep(0.05)
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=60)
    except BrokenPipeError:
        out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _interrupted_with(e: Env, reason: str) -> None:
    sid, status, why = e.sessions()[-1]
    assert sid == 4 and status == "interrupted" and why is not None and reason in why, (status, why)
    conn = sqlite3.connect(e.db)
    try:
        kept = conn.execute("SELECT count(*) FROM seconds JOIN sets ON sets.id = seconds.set_id "
                            "WHERE sets.session_id = 4").fetchone()[0]
    finally:
        conn.close()
    assert kept >= 1, "the partial data is kept"
    hist = e.run("history")
    assert hist.returncode == 0 and "interrupted" in hist.stdout and "* score of a partial set" in hist.stdout


# -- the rows ----------------------------------------------------------------------------

def damaged_index_history(e: Env) -> Proc:
    _damage_index(e)
    proc = e.run("history")
    assert [ln.split()[0] for ln in proc.stdout.splitlines()[1:]] == ["1", "2", "3"]
    assert len(_corrupt_copies(e)) == 1
    saved = e.run("analyze", e.plank, "-e", "plank", "-q")  # new sessions save again at once
    assert saved.returncode == 0 and saved.stderr == "" and len(e.sessions()) == 4
    return proc


def damaged_index_show_report_export_rescore(e: Env) -> Proc:
    _damage_index(e)
    first = e.run("show", "last")
    assert first.returncode == 0 and "Session 3" in first.stdout, first.stderr
    for args in (("report", "--out", e.tmp / "r.html"), ("export", "--all"), ("rescore", "3")):
        again = e.run(*args)
        assert again.returncode == 0 and again.stderr.count("warning") == 0, (args, again.stderr)
    return first


def damaged_data_page_show(e: Env) -> Proc:
    _damage(e.db, "seconds")  # history reads no per-second rows: the damage shows up in `show 1`
    assert e.run("history").stderr == ""
    proc = e.run("show", "1")
    assert "Session 1" in proc.stdout
    assert e.run("show", "2").returncode == 0 and e.run("show", "3").returncode == 0
    return proc


def damaged_sessions_page_new_run(e: Env) -> Proc:
    _damage(e.db, "sessions")  # the one page of session rows: all three are lost
    proc = e.run("analyze", e.plank, "-e", "plank", "-q")
    assert [s[1] for s in e.sessions()] == ["complete"]  # ... and the new one is saved
    return proc


def damaged_db_check(e: Env) -> Proc:
    _damage(e.db, "sets")
    return e.run("db", "check")


def damaged_db_recover(e: Env) -> Proc:
    _damage(e.db, "metrics")
    proc = e.run("db", "recover")
    assert len(_corrupt_copies(e)) == 1 and [s[0] for s in e.sessions()] == [1, 2, 3]
    check = e.run("db", "check")
    assert check.returncode == 0 and "ok" in check.stdout
    return proc


def read_only_db(command: tuple[str, ...]) -> Callable[[Env], Proc]:
    def row(e: Env) -> Proc:
        src = e.tmp / "src"
        src.mkdir()
        shutil.move(e.db, src / "coach.db")
        with read_only(src, e.tmp / "ro") as ro:
            args = [a.replace("OUT", str(e.tmp / "out")) for a in command]
            proc = e.run(*args, env={"COACH_DB": str(ro / "coach.db")})
            assert sorted(p.name for p in ro.iterdir()) == ["coach.db"]
        if command[0] in ("history", "show", "export"):
            assert "plank" in proc.stdout
        return proc
    return row


def read_only_damaged_history(e: Env) -> Proc:
    _damage_index(e)
    return read_only_db(("history",))(e)


def read_only_analyze(e: Env) -> Proc:
    proc = read_only_db(("analyze", str(e.plank), "-e", "plank"))(e)
    assert proc.stdout.startswith("plank: score")
    return proc


def _fill(folder: Path, room: int = 0) -> None:
    """Fill the disk to the last byte, then free ``room`` bytes."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"x" * 4096)
        except OSError:
            pass
    os.truncate(filler, max(0, filler.stat().st_size - room))


def full(command: Callable[[Env, Path], Proc], leftover: Callable[[Path], None] | None = None,
         shell_file: str = "", room: int = 0) -> Callable[[Env], Proc]:
    """Run ``command`` with ``folder`` on a full disk; coach must leave no
    temporary or empty file there (``shell_file`` is the target of a shell
    redirect: the shell, not coach, created it)."""
    def row(e: Env) -> Proc:
        with full_disk(e.tmp / "full") as folder:
            _fill(folder, room)
            proc = command(e, folder)
            names = [n for n in _leftovers(folder) if n not in ("filler", shell_file)]
            assert not [n for n in names if ".tmp" in n or ".probe" in n], names
            for name in names:
                assert (folder / name).stat().st_size > 0, f"empty leftover {name}"
            if leftover is not None:
                leftover(folder)
        return proc
    return row


def summary_into_read_only_folder(e: Env) -> Proc:
    src = e.tmp / "src"
    src.mkdir()
    with read_only(src, e.tmp / "ro") as ro:
        proc = e.run("analyze", e.long_plank, "-e", "plank", "--summary-json", ro / "s.json")
    assert ".tmp" not in proc.stderr and len(e.sessions()) == 3  # refused before the work: nothing recorded
    return proc


def jsonl_into_missing_folder(e: Env) -> Proc:
    proc = e.run("analyze", e.plank, "-e", "plank", "--jsonl", e.tmp / "nonexistentdir" / "x.jsonl")
    assert not (e.tmp / "nonexistentdir").exists() and len(e.sessions()) == 3
    return proc


def model_folder_is_a_file(e: Env) -> Proc:
    (e.tmp / "models").write_text("not a folder")
    return e.run("analyze", e.video, "-e", "plank", "--no-save", env={"COACH_MODEL_DIR": str(e.tmp / "models")})


def model_folder_read_only(e: Env) -> Proc:
    src = e.tmp / "models-src"
    src.mkdir()
    with read_only(src, e.tmp / "models") as ro:
        return e.run("analyze", e.video, "-e", "plank", "--no-save", env={"COACH_MODEL_DIR": str(ro)})


def aspect_column_wins(e: Env) -> Proc:
    proc = e.run("analyze", e.plank, "-e", "plank", "--aspect", "4:3", "-q", "--summary-json", e.tmp / "a.json")
    plain = e.run("analyze", e.plank, "-e", "plank", "-q", "--summary-json", e.tmp / "b.json")
    assert (e.tmp / "a.json").read_text() == (e.tmp / "b.json").read_text()  # the recorded aspect was used
    assert plain.stderr == ""
    return proc


def ctrl_c(e: Env) -> Proc:
    proc = _signal_midway(e, signal.SIGINT)
    _interrupted_with(e, "Ctrl-C")
    return proc


def sigterm(e: Env) -> Proc:
    proc = _signal_midway(e, signal.SIGTERM)
    _interrupted_with(e, "SIGTERM")
    return proc


def input_error_midway(e: Env) -> Proc:
    bad = e.tmp / "bad.csv"
    lines = e.plank.read_text().splitlines(keepends=True)
    lines[120] = lines[120].replace(",", ",oops,", 1)
    bad.write_text("".join(lines))
    proc = e.run("analyze", bad, "-e", "plank", "-q")
    _interrupted_with(e, "input error")
    return proc


def crash_midway(e: Env) -> Proc:
    proc = e.run("analyze", e.plank, "-e", "crash_test", "-q", env={"COACH_PLUGINS": "tests.plugins.crashing"})
    sid, status, why = e.sessions()[-1]
    assert (sid, status) == (4, "interrupted") and why is not None and "crashed: RuntimeError" in why
    return proc


def delete_yes(e: Env) -> Proc:
    proc = e.run("delete", "last", "--yes")
    assert [s[0] for s in e.sessions()] == [1, 2] and "deleted session 3" in proc.stdout
    return proc


def delete_without_answer(e: Env) -> Proc:
    proc = e.run("delete", "2")
    assert len(e.sessions()) == 3
    return proc


def delete_declined(e: Env) -> Proc:
    proc = e.run("delete", "2", stdin="n\n")
    assert len(e.sessions()) == 3
    return proc


def import_round_trip(e: Env) -> Proc:
    first, again = e.tmp / "e1.json", e.tmp / "e2.json"
    assert e.run("note", "2", "--pain", "3", "--effort", "6", "--text", "left hip sore").returncode == 0
    assert e.run("export", "--all", "--out", first).returncode == 0
    assert '"text": "left hip sore"' in first.read_text()
    other = {"COACH_DB": str(e.tmp / "other.db")}
    proc = e.run("import", first, env=other)
    assert "imported 3 session(s)" in proc.stdout
    twice = e.run("import", first, env=other)
    assert twice.returncode == 0 and "imported 0 session(s)" in twice.stdout and "3 already" in twice.stdout
    assert e.run("export", "--all", "--out", again, env=other).returncode == 0
    assert first.read_bytes() == again.read_bytes()  # exact, pose track included
    return proc


def import_not_an_export(e: Env) -> Proc:
    return e.run("import", e.plank)


@dataclass(frozen=True)
class Row:
    name: str
    what: str
    run: Callable[[Env], Proc]
    code: int
    says: str
    """In the one stderr line (an error line for a non-zero code, else a warning); "" = stderr is empty."""


ROWS = (
    Row("damaged-index-history", "a damaged index page: history recovers the file (VACUUM INTO) and lists all "
        "sessions; a new run saves", damaged_index_history, 0, "recovered 3 session(s) with 3 set(s)"),
    Row("damaged-index-review", "the same damage: show, report, export and rescore all work",
        damaged_index_show_report_export_rescore, 0, "kept as coach.db.corrupt-"),
    Row("damaged-data-page-show", "a damaged per-second page, found by `show 1` midway: recovered page by page",
        damaged_data_page_show, 0, "(page by page)"),
    Row("damaged-sessions-page-new-run", "the page of session rows destroyed: a new run saves at once",
        damaged_sessions_page_new_run, 0, "3 session(s) could not be read"),
    Row("db-check-damaged", "`coach db check` on a damaged file", damaged_db_check, 6, "damaged"),
    Row("db-recover", "`coach db recover` by hand", damaged_db_recover, 0, ""),
    Row("read-only-history", "a database on a read-only mount: history", read_only_db(("history",)), 0, ""),
    Row("read-only-show", "... show", read_only_db(("show", "2")), 0, ""),
    Row("read-only-report", "... report", read_only_db(("report", "--out", "OUT.html")), 0, ""),
    Row("read-only-export", "... export", read_only_db(("export", "--all")), 0, ""),
    Row("read-only-rescore", "... rescore cannot write: said before any work", read_only_db(("rescore", "3")), 6,
        "read-only"),
    Row("read-only-analyze", "... a new run says once, up front, that it cannot save", read_only_analyze, 0,
        "is read-only"),
    Row("read-only-live", "... `coach live` says it before the camera loop, not when the set starts",
        lambda e: read_only_db(("live", "-e", "plank", "--source", str(e.video), "--no-window", "--no-setup",
                                "--no-voice", "-q"))(e), 0, "is read-only"),
    Row("read-only-damaged", "a damaged database on a read-only mount: viewed from a copy in memory",
        read_only_damaged_history, 0, "cannot be written; showing the 3 session(s)"),
    Row("export-stdout-full", "`coach export --all > full/e.json` on a full disk",
        full(lambda e, f: e.run("export", "--all", stdout=f / "e.json"), shell_file="e.json"), 6,
        "No space left on device"),
    Row("export-dev-full", "`coach export --all --out /dev/full`",
        lambda e: e.run("export", "--all", "--out", "/dev/full"), 6, "No space left on device"),
    Row("show-stdout-full", "`coach show last > full/x` on a full disk",
        full(lambda e, f: e.run("show", "last", stdout=f / "x"), shell_file="x"), 6, "No space left on device"),
    Row("export-json-full", "`coach export --out full/e.json`: no e.json.tmp left",
        full(lambda e, f: e.run("export", "--all", "--out", f / "e.json")), 6, "No space left on device"),
    Row("export-csv-full", "`coach export --format csv --out full/e.csv`: no e.csv.tmp left",
        full(lambda e, f: e.run("export", "--all", "--format", "csv", "--out", f / "e.csv")), 6,
        "No space left on device"),
    Row("report-full", "`coach report --out full/r.html`: no r.html.tmp left",
        full(lambda e, f: e.run("report", "--out", f / "r.html")), 6, "No space left on device"),
    Row("jsonl-full", "`coach analyze --jsonl full/a.jsonl`: no empty a.jsonl, no cut line",
        full(lambda e, f: e.run("analyze", e.long_plank, "-e", "plank", "--jsonl", f / "a.jsonl"),
             lambda f: _complete_lines(f / "a.jsonl")), 3, "No space left on device"),
    Row("record-full", "`coach record --out full/t.csv` (real video, real model): no empty t.csv, no cut row",
        full(lambda e, f: e.run("record", "--source", e.video, "--out", f / "t.csv"),
             lambda f: _complete_lines(f / "t.csv")), 3, "No space left on device"),
    Row("video-out-full", "`coach analyze VIDEO --video-out full/v.mp4`: OpenCV says nothing, coach checks",
        full(lambda e, f: e.run("analyze", e.video, "-e", "plank", "--video-out", f / "v.mp4", "-q"),
             room=16384), 3,
        "the video file is incomplete"),
    Row("summary-json-read-only-folder", "--summary-json into a read-only folder: refused before the work",
        summary_into_read_only_folder, 3, "cannot write --summary-json"),
    Row("jsonl-missing-folder", "--jsonl /nonexistentdir/x.jsonl: refused, the folder is not created",
        jsonl_into_missing_folder, 3, "does not exist"),
    Row("model-folder-is-a-file", "COACH_MODEL_DIR names a file", model_folder_is_a_file, 5, "is a file"),
    Row("model-folder-read-only", "COACH_MODEL_DIR is an empty read-only folder", model_folder_read_only, 5,
        "cannot install pose model"),
    Row("aspect-column-wins", "--aspect with a CSV that records its aspect: the column wins, said once",
        aspect_column_wins, 0, "--aspect 1.333 is ignored"),
    Row("ctrl-c", "Ctrl-C (SIGINT) midway through `coach analyze`", ctrl_c, 130, ""),
    Row("sigterm", "SIGTERM midway through `coach analyze`", sigterm, 143, ""),
    Row("input-error-midway", "a bad row in the middle of the pose track", input_error_midway, 3, "line 121"),
    Row("crash-midway", "the analyzer crashes (a bug) after one second", crash_midway, 70, "internal error"),
    Row("delete-yes", "`coach delete last --yes`", delete_yes, 0, ""),
    Row("delete-no-answer", "`coach delete 2` with nobody to answer the prompt", delete_without_answer, 2,
        "pass --yes"),
    Row("delete-declined", "`coach delete 2`, answered no", delete_declined, 1, ""),
    Row("import-round-trip", "export (pose track and a note in it), import twice into another database, "
        "export again: identical",
        import_round_trip, 0, ""),
    Row("import-not-an-export", "`coach import` of a pose-track CSV", import_not_an_export, 3,
        "not JSON"),
)


PROGRESS_LINE = re.compile(r"^.+?: \d+(/\d+ \w+ \(\d+%\), \d+ s, about \d+ s left| \w+, \d+ s)$")
"""A plain progress line (coach.progress): written whenever the work takes
longer than its interval, which on a busy machine even short work can."""


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_data_safety(env: Env, row: Row) -> None:
    proc = row.run(env)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == row.code, (row.what, proc.returncode, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines()
             if ln.strip() and not ln.startswith("delete ") and not PROGRESS_LINE.match(ln)]
    if row.name in ("ctrl-c", "sigterm"):
        assert lines == [f"coach: {'interrupted' if row.code == 130 else 'stopped by SIGTERM'}"], lines
    elif row.name == "delete-declined":
        assert lines == ["nothing deleted"], lines
    elif row.says or row.code:
        assert len(lines) == 1, (row.what, lines)
        prefix = "coach: error:" if row.code else "coach: warning:"
        assert lines[0].startswith(prefix) and row.says in lines[0], (row.what, lines[0])
    else:
        assert lines == [], (row.what, lines)
