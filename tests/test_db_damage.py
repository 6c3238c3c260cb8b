"""Random page damage: over many runs, pages of a real session database are
overwritten at random (whole pages of random bytes or zeros, or one random
512-byte sector: what a bad sector or a torn write leaves); then the user
runs ``coach history``, ``coach export --all`` and ``coach analyze`` (the
real CLI entry point, in this process to keep 60 runs fast).

Checked on every run:

* the user is never locked out: every command exits 0, and the new session
  is saved (``complete``) right away;
* every session none of whose rows lies on a damaged page comes back
  exactly (its ``coach export`` JSON, pose track included, is identical to
  the one before the damage);
* the database left behind passes ``PRAGMA integrity_check``.

Which session lives on which page is worked out independently of coach's
recovery code: by walking each table's b-tree from its root page in the
undamaged file (:func:`session_pages`), following overflow chains.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import struct
from collections import defaultdict
from collections.abc import Callable
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from fs_helpers import DAMAGE_MODES, PAGE, damage_page, page_count
from test_store import plank_frames, record

from coach.cli import main
from coach.posetrack import write_pose_track

RUNS = 60
SESSIONS = 30


# -- an independent map of pages to sessions -----------------------------------------------

def _varint(buf: bytes, i: int) -> tuple[int, int]:
    v = 0
    for k in range(9):
        b = buf[i + k]
        if k == 8:
            return (v << 8) | b, i + 9
        v = (v << 7) | (b & 0x7F)
        if b < 0x80:
            return v, i + k + 1
    raise AssertionError("unreachable")


def _first_int(payload: bytes) -> int:
    """The first value of a record (an integer column)."""
    _size, i = _varint(payload, 0)
    t, _ = _varint(payload, i)
    n = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}.get(t)
    if t in (8, 9):
        return t - 8
    assert n is not None, f"serial type {t} is not an integer"
    return int.from_bytes(payload[_size:_size + n], "big", signed=True)


def _local(size: int, index: bool) -> int:
    u = PAGE
    x = (u - 12) * 64 // 255 - 23 if index else u - 35
    if size <= x:
        return size
    m = (u - 12) * 32 // 255 - 23
    k = m + (size - m) % (u - 4)
    return k if k <= x else m


def session_pages(db: Path) -> dict[int, set[int]]:
    """page number -> the sessions that have a row, or part of one, on it."""
    data = db.read_bytes()
    conn = sqlite3.connect(db)
    try:
        roots = {str(r[0]): int(r[1]) for r in conn.execute(
            "SELECT name, rootpage FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        set_session = dict(conn.execute("SELECT id, session_id FROM sets").fetchall())
        fault_set = dict(conn.execute("SELECT id, set_id FROM fault_events").fetchall())
        score_set = dict(conn.execute("SELECT id, set_id FROM score_history").fetchall())
    finally:
        conn.close()
    owner: dict[str, Callable[[int | None, bytes], int]] = {
        "sessions": lambda rowid, _p: int(rowid or 0),
        "sets": lambda rowid, _p: set_session[rowid],
        "fault_events": lambda rowid, _p: set_session[fault_set[rowid]],
        "score_history": lambda rowid, _p: set_session[score_set[rowid]],
    }
    by_first_column = lambda _rowid, payload: set_session[_first_int(payload)]  # noqa: E731
    out: dict[int, set[int]] = defaultdict(set)

    def page(n: int) -> bytes:
        return data[(n - 1) * PAGE:n * PAGE]

    def walk(table: str, n: int) -> None:
        p = page(n)
        off = 100 if n == 1 else 0
        kind = p[off]
        cells = struct.unpack(">H", p[off + 3:off + 5])[0]
        head = 12 if kind in (2, 5) else 8
        for c in range(cells):
            pos = struct.unpack(">H", p[off + head + 2 * c:off + head + 2 * c + 2])[0]
            if kind in (2, 5):
                walk(table, struct.unpack(">I", p[pos:pos + 4])[0])
                pos += 4
            if kind == 5:
                continue  # a table's interior cell holds a key only
            size, pos = _varint(p, pos)
            rowid = None
            if kind == 13:
                rowid, pos = _varint(p, pos)
            local = _local(size, kind != 13)
            payload = p[pos:pos + local]
            pages = [n]
            if local < size:
                nxt = struct.unpack(">I", p[pos + local:pos + local + 4])[0]
                while nxt:
                    pages.append(nxt)
                    nxt = struct.unpack(">I", page(nxt)[:4])[0]
            session = owner.get(table, by_first_column)(rowid, payload)
            for q in pages:
                out[q].add(session)
        if kind in (2, 5):
            walk(table, struct.unpack(">I", p[off + 8:off + 12])[0])

    for table, root in roots.items():
        walk(table, root)
    return out


# -- the runs ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A database of 30 recorded sessions (3-12 s, a quarter with their pose
    track), checkpointed and closed; and a small pose track to analyse."""
    d = tmp_path_factory.mktemp("damage")
    db = d / "coach.db"
    rng = random.Random(5)
    for i in range(SESSIONS):
        seconds = rng.uniform(3.0, 12.0)
        sag = ((1.0, 2.0 + rng.random()),) if i % 3 else ()
        record(db, plank_frames(seconds, sag_spans=sag), keep_track=i % 4 == 0)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    track = d / "new.csv"
    write_pose_track(track, plank_frames(3.0, sag_spans=()))
    return db, track


def _cli(*args: str) -> tuple[int, str]:
    out = StringIO()
    with redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def _exported(db: Path, out: Path) -> dict[str, dict[str, Any]]:
    code, _ = _cli("export", "--all", "--format", "json", "--db", str(db), "--out", str(out))
    assert code == 0, "export --all failed: the user is locked out"
    return {s["uid"]: s for s in json.loads(out.read_text())["sessions"]}


def test_random_page_damage_never_locks_out_or_loses_an_undamaged_session(
        source: tuple[Path, Path], tmp_path: Path, record_property: Callable[[str, object], None]) -> None:
    src, track = source
    before = _exported(src, tmp_path / "before.json")
    owners = session_pages(src)
    uid_of = {s["id"]: uid for uid, s in before.items()}
    pages = page_count(src)
    rng = random.Random(20240531)
    stats = {"runs": 0, "recovered_runs": 0, "intact_checked": 0, "damaged_exact": 0, "damaged_partial": 0,
             "damaged_lost": 0}
    for run in range(RUNS):
        db = tmp_path / f"run{run}" / "coach.db"
        db.parent.mkdir()
        shutil.copy(src, db)
        hit = rng.sample(range(1, pages + 1), rng.choice((1, 1, 2, 3)))
        for page in hit:
            damage_page(db, page, rng.choice(DAMAGE_MODES), rng)
        touched = {uid_of[sid] for p in hit for sid in owners.get(p, ())}

        code, listing = _cli("history", "--db", str(db))
        assert code == 0, f"run {run}: history failed after damaging pages {hit}"
        after = _exported(db, db.parent / "after.json")
        for uid, session in before.items():
            if uid not in touched:
                assert after.get(uid) == session, f"run {run}: session {session['id']} lost or changed ({hit})"
                stats["intact_checked"] += 1
            elif uid not in after:
                stats["damaged_lost"] += 1
            else:
                stats["damaged_exact" if after[uid] == session else "damaged_partial"] += 1
        code, _ = _cli("analyze", str(track), "-e", "plank", "-q", "--db", str(db))
        assert code == 0
        conn = sqlite3.connect(db)
        try:
            newest = conn.execute("SELECT status FROM sessions ORDER BY id DESC LIMIT 1").fetchone()
            assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"], f"run {run}"
        finally:
            conn.close()
        assert newest == ("complete",), f"run {run}: the new session was not saved"
        stats["runs"] += 1
        stats["recovered_runs"] += int(any(db.parent.glob("coach.db.corrupt-*")))
        assert listing.count("\n") >= 1
    for key, value in stats.items():
        record_property(key, value)
    print(f"\nrandom page damage over {pages} pages: {stats}")
    assert stats["runs"] == RUNS and stats["recovered_runs"] > RUNS // 3
