"""Recovery and checked writes, piece by piece, on real files: the page
reader against SQLite itself, the ``-wal`` file, deleted sessions, an old
(version 1) database, damage found by a recording run midway, and output
files on a full disk (a 64 KiB tmpfs, see tests/fs_helpers.py) and on
``/dev/full``."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from fs_helpers import damage_page, full_disk
from test_store import ScriptedAnalyzer, plank_frames, record

from coach.errors import InputError, StoreError
from coach.outfile import StreamFile, write_text
from coach.pipeline import Pipeline, run
from coach.store import SessionRecorder, open_store
from coach.store.pages import cells, read_image
from coach.store.queries import select_sessions, session_detail
from coach.store.recover import check_database, recover_database
from coach.store.salvage import copy_cells, shapes
from coach.store.schema import MIGRATIONS, legacy_uid, migrate
from coach.store.transfer import import_sessions, read_export_file


def _tables(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')]
        out[name] = sorted(conn.execute(f'SELECT {", ".join(cols)} FROM "{name}"').fetchall(), key=repr)
    return out


def _carved(db: Path) -> sqlite3.Connection:
    dest = sqlite3.connect(":memory:", isolation_level=None)
    migrate(dest, ":memory:")
    copy_cells(cells(read_image(db)), dest, shapes())
    return dest


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "coach.db"
    for i, seconds in enumerate((4.0, 7.0, 5.0)):
        record(path, plank_frames(seconds), keep_track=i == 1)
    return path


def test_reading_pages_gives_back_exactly_what_sqlite_reads(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:  # a 40 kB chunk: its row spans a chain of overflow pages
        conn.execute("INSERT INTO track_chunks (set_id, seq, t0, t1, frames, data) VALUES (2, 999, 0, 1, 1, ?)",
                     (random.Random(4).randbytes(40_000),))
        conn.commit()
        expected = _tables(conn)
    finally:
        conn.close()
    assert _tables(_carved(db)) == expected


def test_committed_frames_of_the_wal_are_read(db: Path, tmp_path: Path) -> None:
    """A copy taken while a writer holds the database open: the newest
    session is only in the -wal file."""
    holder = sqlite3.connect(db)  # a reader: keeps the -wal from being checkpointed away
    holder.execute("SELECT count(*) FROM sessions").fetchone()
    record(db, plank_frames(3.0), exercise="plank")
    copy = tmp_path / "copy" / "coach.db"
    copy.parent.mkdir()
    shutil.copy(db, copy)
    shutil.copy(db.with_name("coach.db-wal"), copy.with_name("coach.db-wal"))
    assert copy.with_name("coach.db-wal").stat().st_size > 0
    expected = _tables(holder)
    holder.close()
    assert len(expected["sessions"]) == 4
    assert _tables(_carved(copy)) == expected
    copy.with_name("coach.db-wal").unlink()
    assert len(_tables(_carved(copy))["sessions"]) == 3  # the fourth was in the -wal only


def test_a_deleted_session_is_not_brought_back(db: Path) -> None:
    from coach.store.delete import delete_session

    with open_store(db) as store:
        delete_session(store, 2)
    damage_page(db, 2, "zeros", random.Random(1))  # the sessions table: forces a page-by-page recovery
    report = recover_database(db)
    with open_store(db) as store:
        assert select_sessions(store.conn) == []  # their page is gone: nothing to bring back at all
    assert report.sessions == 0
    conn = _carved(report.damaged_copy)
    assert conn.execute("SELECT count(*) FROM track_chunks").fetchone()[0] == 0  # session 2 kept the track


def test_check_and_recover_by_hand(db: Path) -> None:
    assert check_database(db).ok
    conn = sqlite3.connect(db)
    metrics_leaf = conn.execute("SELECT pageno FROM dbstat WHERE name = 'metrics' AND pagetype = 'leaf'").fetchone()
    conn.close()
    damage_page(db, int(metrics_leaf[0]), "random", random.Random(2))
    result = check_database(db)
    assert not result.ok and result.problems
    report = recover_database(db)
    assert report.sessions == 3 and report.damaged_copy.exists() and check_database(db).ok


def test_a_version_1_database_is_migrated_and_imports_idempotently(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    migrate(conn, "old", MIGRATIONS[:1])
    conn.execute("INSERT INTO sessions (id, started_at, started_unix, last_seen_unix, status, mode, source, host, "
                 "pid, coach_version) VALUES (7, '2024-05-31T18:00:00+00:00', 1717178400.5, 1717178460.0, "
                 "'complete', 'analyze', 'old.csv', 'box', 42, '0.1')")
    conn.execute("INSERT INTO sets (session_id, set_index, exercise, reps, hold_s, duration_s) "
                 "VALUES (7, 1, 'plank', 0, 12.5, 30.0)")
    conn.close()
    with open_store(old) as store:
        uid = store.conn.execute("SELECT uid FROM sessions").fetchone()[0]
        assert uid == legacy_uid("box", 42, "2024-05-31T18:00:00+00:00", 7)
        doc = {"format": "coach-sessions", "version": 1,
               "sessions": [session_detail(store.conn, 7).to_json()]}
    del doc["sessions"][0]["uid"]  # as exported before version 2
    export = tmp_path / "old.json"
    export.write_text(json.dumps(doc))
    with open_store(old) as store:
        result = import_sessions(store, read_export_file(export).sessions, str(export))
    assert (result.imported, result.present) == (0, 1)


def test_damage_found_by_a_recording_run_midway_is_recovered_and_the_set_saved(tmp_path: Path) -> None:
    """The per-second table's last page (where the new rows go) is damaged;
    the recorder's first commit finds it, recovers, and carries on."""
    db = tmp_path / "coach.db"
    record(db, plank_frames(12.0))
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    last = conn.execute("SELECT max(pageno) FROM dbstat WHERE name = 'seconds' AND pagetype = 'leaf'").fetchone()[0]
    conn.close()
    damage_page(db, int(last), "random", random.Random(3))
    notices: list[str] = []
    store = open_store(db)
    rec = SessionRecorder(store, exercise="plank", source="x.csv", notify=notices.append)
    frames = plank_frames(4.0)
    run(((f, None) for f in frames), Pipeline(ScriptedAnalyzer(exercise="plank")), [rec])
    assert rec.failed is None and len(notices) == 1 and "page by page" in notices[0]
    with open_store(db) as fresh:
        detail = session_detail(fresh.conn, rec.session_id)
    assert detail.session.status == "complete" and len(detail.sets[0].seconds) == 4


def test_stream_file_keeps_whole_records_on_a_full_disk(tmp_path: Path) -> None:
    with full_disk(tmp_path / "full", size="64k") as folder:
        out = StreamFile(folder / "a.jsonl", InputError, flush_bytes=4096)
        line = json.dumps({"t": 0.0, "pad": "x" * 100}) + "\n"
        with pytest.raises(InputError, match="No space left on device; kept the complete records"):
            for _ in range(10_000):
                out.write(line)
        text = (folder / "a.jsonl").read_text()
        assert text and text.endswith("\n") and len(text) % len(line) == 0


def test_whole_file_writes_on_full_disks_leave_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="No space left on device"):
        write_text(Path("/dev/full"), "x" * 10, StoreError)
    with full_disk(tmp_path / "full", size="64k") as folder:
        target = folder / "e.json"
        with pytest.raises(InputError, match="No space left on device"):
            write_text(target, "x" * 200_000)
        assert list(folder.iterdir()) == []
