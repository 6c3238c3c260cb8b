"""The session store: schema and migrations, the crash-safe recorder,
queries, export, rescore and the CLI hook, through the library API.

A scripted analyzer (deterministic, driven by the frame) stands in for the
real exercises here so that every stored number can be checked exactly;
the CLI tests use the real analyzers.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from coach.commands._store_args import add_store_args, session_sink
from coach.errors import StoreError, UsageError
from coach.exercise import FaultEvent, FrameVerdict, RepRecord, SetSummary
from coach.landmarks import NUM_LANDMARKS, Landmark
from coach.pipeline import Pipeline, Sample, run
from coach.pose import PoseFrame
from coach.store import SessionRecorder, open_store
from coach.store.dates import parse_since
from coach.store.db import mark_interrupted
from coach.store.export import to_csv, to_json
from coach.store.paths import default_db_path, resolve_db_path
from coach.store.queries import history, resolve_session, select_sessions, session_detail
from coach.store.recorder import UnsavedSink
from coach.store.rescore import rescore_session
from coach.store.schema import MIGRATIONS, migrate, schema_version
from coach.store.trackblob import decode_frames, encode_frames

FPS = 30.0
SAG_Y = 0.66
"""Hip height (image y) of a sagging frame; a good plank has the hips at 0.60."""

# -- a plank-like body and a scripted analyzer ---------------------------------------


def plank_frame(t: float, sag: float = 0.0, with_world: bool = False) -> PoseFrame:
    """All 33 landmarks of a horizontal forearm-plank body seen from the side."""
    xy = np.zeros((NUM_LANDMARKS, 2))
    spots = {
        "NOSE": (0.18, 0.50), "EYE": (0.19, 0.49), "EAR": (0.21, 0.50), "MOUTH": (0.18, 0.52),
        "SHOULDER": (0.30, 0.55), "ELBOW": (0.30, 0.72), "WRIST": (0.42, 0.72), "PINKY": (0.44, 0.72),
        "INDEX": (0.45, 0.72), "THUMB": (0.44, 0.71), "HIP": (0.55, 0.60 + sag), "KNEE": (0.70, 0.62),
        "ANKLE": (0.84, 0.64), "HEEL": (0.86, 0.63), "FOOT_INDEX": (0.85, 0.70),
    }
    for lm in Landmark:
        key = next(k for k in sorted(spots, key=len, reverse=True) if k in lm.name)
        x, y = spots[key]
        xy[lm] = (x + (0.005 if lm.name.startswith("RIGHT") else 0.0) + 0.002 * math.sin(3 * t), y)
    world = None
    if with_world:
        world = np.column_stack([xy[:, 0] - 0.5, xy[:, 1] - 0.6, np.zeros(NUM_LANDMARKS)])
    return PoseFrame(t=t, xy=xy, z=np.zeros(NUM_LANDMARKS), visibility=np.full(NUM_LANDMARKS, 0.98),
                     world=world, aspect=16 / 9)


def plank_frames(seconds: float, sag_spans: tuple[tuple[float, float], ...] = ((3.0, 5.0),),
                 fps: float = FPS) -> list[PoseFrame]:
    out = []
    for i in range(round(seconds * fps)):
        t = i / fps
        sag = SAG_Y - 0.60 if any(a <= t < b for a, b in sag_spans) else 0.0
        out.append(plank_frame(t, sag))
    return out


@dataclass
class ScriptedAnalyzer:
    """Judges from the frame alone (so a re-run on a stored track agrees):
    ``hip_angle`` from the hip height, ``hips_sagging`` while the hip is
    low, a completed hold/rep every ``period`` seconds."""

    exercise: str = "plank"
    kind: str = "hold"
    period: float = 4.0
    penalty: float = 10.0
    target: float | None = None
    name: ClassVar[str] = "scripted"
    _frames: list[FrameVerdict] = field(default_factory=list)

    def reset(self) -> None:
        self._frames.clear()

    def update(self, frame: PoseFrame) -> FrameVerdict:
        hip_y = float(frame.xy[Landmark.LEFT_HIP, 1])
        angle = 180.0 - 300.0 * (hip_y - 0.60)
        faults = ("hips_sagging",) if hip_y > 0.63 else ()
        t0 = self._frames[0].t if self._frames else frame.t
        reps = int((frame.t - t0 + 1e-9) // self.period)
        hold = sum(1.0 / FPS for v in self._frames if not v.faults)
        v = FrameVerdict(t=frame.t, phase="hold", faults=faults, reps=reps, hold_s=hold,
                         metrics={"hip_angle": angle, "noise": math.nan})
        self._frames.append(v)
        return v

    def events(self) -> list[FaultEvent]:
        out: list[FaultEvent] = []
        start: float | None = None
        for v in self._frames:
            if v.faults and start is None:
                start = v.t
            if not v.faults and start is not None:
                out.append(FaultEvent("hips_sagging", start, v.t))
                start = None
        if start is not None:
            out.append(FaultEvent("hips_sagging", start, self._frames[-1].t))
        return out

    def summary(self) -> SetSummary:
        events = self.events()
        items = []
        reps = self._frames[-1].reps if self._frames else 0
        t0 = self._frames[0].t if self._frames else 0.0
        for i in range(reps):
            a, b = t0 + i * self.period, t0 + (i + 1) * self.period
            span = [v for v in self._frames if a <= v.t < b]
            faults = tuple(sorted({f for v in span for f in v.faults}))
            angles = [v.metrics["hip_angle"] for v in span]
            measures = {"hip_angle_min": min(angles), "trunk_flexion_max": 40.0 + i,
                        "knee_flexion_min_at_bottom": 70.0 - i, "h_frac": 0.2 + 0.05 * i, "bad": math.inf}
            items.append(RepRecord(i + 1, self.kind, a, b, 100.0 - self.penalty * len(faults), faults,
                                   None, not faults, measures))
        score = max(0.0, 100.0 - self.penalty * len(events)) if self._frames else 0.0
        dur = self._frames[-1].t - t0 if self._frames else 0.0
        unit = "s" if self.kind == "hold" else f"{self.kind}s"
        return SetSummary(self.exercise, reps, self._frames[-1].hold_s if self._frames else 0.0, score,
                          f"100 - {self.penalty:g} per fault episode", dur, 0.0, self.target or 30.0, unit,
                          tuple(items), tuple(events), 1.0, {"note": "scripted"})


RULES = {"penalty": 10.0}


def _scripted_plank(target: float | None = None) -> ScriptedAnalyzer:
    return ScriptedAnalyzer(exercise="scripted_plank", target=target, penalty=RULES["penalty"])


@pytest.fixture()
def scripted_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """``scripted_plank`` in the exercise registry, for this test only."""
    from coach import registry
    from coach.spec import ExerciseSpec

    registry.exercise_names()  # load the real ones first
    spec = ExerciseSpec(name="scripted_plank", description="a scripted plank twin for the store tests",
                        item_kind="hold", unit="s", default_target=None, faults=())
    monkeypatch.setitem(registry._REGISTRY, "scripted_plank", (spec, _scripted_plank))


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Collector:
    """A sink that keeps every verdict."""

    def __init__(self) -> None:
        self.verdicts: list[FrameVerdict] = []

    def on_sample(self, sample: Sample) -> None:
        self.verdicts.append(sample.verdict)

    def close(self, summary: SetSummary) -> None:
        pass


LAST_VERDICTS: list[FrameVerdict] = []


def record(db: Path, frames: list[PoseFrame], analyzer: ScriptedAnalyzer | None = None, *,
           keep_track: bool = False, exercise: str = "plank", mode: str = "analyze",
           clock: FakeClock | None = None) -> tuple[SessionRecorder, SetSummary]:
    """Record ``frames`` as one session; the verdicts land in LAST_VERDICTS."""
    store = open_store(db)
    kwargs = {} if clock is None else {"clock": clock}
    rec = SessionRecorder(store, exercise=exercise, source="test.csv", target=None, mode=mode,
                          keep_track=keep_track, **kwargs)  # type: ignore[arg-type]
    collector = Collector()
    result = run(((f, None) for f in frames), Pipeline(analyzer or ScriptedAnalyzer(exercise=exercise)),
                 [rec, collector])
    LAST_VERDICTS[:] = collector.verdicts
    return rec, result.summary


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "coach.db"


# -- schema and migrations ------------------------------------------------------------


def test_new_database_is_migrated_and_in_wal_mode(db: Path) -> None:
    with open_store(db) as store:
        assert schema_version(store.conn) == len(MIGRATIONS)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sessions", "sets", "items", "fault_events", "seconds", "metrics", "track_chunks",
            "score_history"} <= tables
    with open_store(db) as store:  # reopening is a no-op
        assert schema_version(store.conn) == len(MIGRATIONS)


def test_migrations_apply_in_order_from_an_older_version(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    steps = [("CREATE TABLE a (x INTEGER)",), ("ALTER TABLE a ADD COLUMN y TEXT",),
             ("INSERT INTO a (x, y) VALUES (1, 'two')",)]
    assert migrate(conn, "m.db", steps[:1]) == 1
    assert migrate(conn, "m.db", steps) == 3
    assert conn.execute("SELECT x, y FROM a").fetchall() == [(1, "two")]
    assert schema_version(conn) == 3


def test_a_failing_migration_rolls_back_and_keeps_the_version(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    steps = [("CREATE TABLE a (x INTEGER)",), ("CREATE TABLE b (x INTEGER)", "INSERT INTO nowhere VALUES (1)")]
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, "m.db", steps)
    assert schema_version(conn) == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'b'").fetchone() is None


def test_newer_schema_is_refused(db: Path) -> None:
    open_store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match=r"newer|upgrade coach"):
        open_store(db)


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE sessions (whatever TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a coach database"):
        open_store(path)


@pytest.mark.parametrize("content", [b"this is not a database at all\n" * 40, b"SQLite format 3\x00" + b"\xff" * 5000])
def test_corrupt_file_is_moved_aside_with_one_notice(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "coach.db"
    path.write_bytes(content)
    notices: list[str] = []
    with open_store(path, notify=notices.append) as store:
        assert schema_version(store.conn) == len(MIGRATIONS)
    assert len(notices) == 1 and "kept as coach.db.corrupt-" in notices[0]
    moved = list(tmp_path.glob("coach.db.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == content


def test_unwritable_location_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the database folder"):
        open_store(blocker / "sub" / "coach.db")
    with pytest.raises(StoreError, match="is a folder"):
        open_store(tmp_path)


# -- the recorder ----------------------------------------------------------------------


def test_recorded_session_matches_the_analyzer_summary(db: Path) -> None:
    frames = plank_frames(10.0)
    rec, summary = record(db, frames)
    with open_store(db) as store:
        sd = session_detail(store.conn, rec.session_id)
    assert sd.session.status == "complete" and sd.session.mode == "analyze"
    (det,) = sd.sets
    assert det.set.score == summary.score == 90.0
    assert det.set.score_formula == summary.score_formula
    assert det.set.reps == summary.reps == 2 and det.set.hold_s == pytest.approx(summary.hold_s)
    assert det.set.top_fault == "hips_sagging" and det.set.target == 30.0 and det.set.target_unit == "s"
    assert [(i.index, i.kind, i.start, i.end, i.score, i.faults) for i in det.items] == [
        (r.index, r.kind, r.start, r.end, r.score, r.faults) for r in summary.items]
    assert all(not i.provisional for i in det.items)
    assert det.items[0].measures["bad"] is None  # inf stored as null, never as invalid JSON
    assert [(f.code, f.start, f.end) for f in det.faults] == [
        (e.code, e.start, e.end) for e in summary.fault_events]
    assert [s.second for s in det.seconds] == list(range(10))
    assert all(s.frames == 30 for s in det.seconds)
    assert det.seconds[3].faults == ("hips_sagging",) and det.seconds[6].faults == ()
    # per-second aggregates are exact
    angles = [v.metrics["hip_angle"] for v in LAST_VERDICTS if 3 <= v.t < 4]
    (m3,) = [m for m in det.metric_series("hip_angle") if m.second == 3]
    assert m3.n == 30 and m3.mean == pytest.approx(np.mean(angles)) and m3.min == pytest.approx(min(angles))
    assert det.metric_names() == ["hip_angle"]  # the all-NaN metric is not stored
    assert [s.source for s in det.scores] == ["recorded"]


def test_commits_at_least_every_quarter_second_and_readers_see_them(db: Path) -> None:
    clock = FakeClock()
    store = open_store(db)
    rec = SessionRecorder(store, exercise="plank", source="x", target=60, mode="live", clock=clock)
    pipeline = Pipeline(ScriptedAnalyzer())
    reader = sqlite3.connect(db)
    seen: list[float] = []
    for f in plank_frames(6.0):
        clock.now = f.t  # real time
        rec.on_sample(pipeline.step(f))
        if abs(f.t * 10 - round(f.t * 10)) < 1e-6:  # poll 10 times a second
            row = reader.execute("SELECT max(t_last) FROM seconds").fetchone()
            seen.append(f.t - (row[0] if row[0] is not None else 0.0))
    # a reader never lags more than the commit interval plus one frame
    assert max(seen) <= 0.25 + 1 / FPS + 1e-9
    assert rec.commits >= 6.0 / 0.25 - 2
    status, = reader.execute("SELECT status FROM sessions").fetchone()
    assert status == "running"
    items = reader.execute("SELECT idx, provisional, score FROM items").fetchall()
    assert items == [(1, 1, None)]  # a provisional hold, no score until the set closes
    faults = reader.execute("SELECT code, start_s, end_s, provisional FROM fault_events").fetchall()
    assert faults == [("hips_sagging", 3.0, pytest.approx(5.0), 1)]
    rec.close(pipeline.summary())
    assert reader.execute("SELECT status FROM sessions").fetchone()[0] == "complete"
    assert reader.execute("SELECT count(*) FROM items WHERE provisional = 1").fetchone()[0] == 0
    reader.close()


def test_an_open_fault_is_saved_while_it_lasts(db: Path) -> None:
    clock = FakeClock()
    store = open_store(db)
    rec = SessionRecorder(store, exercise="plank", source="x", target=None, mode="live", clock=clock)
    pipeline = Pipeline(ScriptedAnalyzer())
    for f in plank_frames(4.0, sag_spans=((2.0, 99.0),)):
        clock.now = f.t
        rec.on_sample(pipeline.step(f))
    reader = sqlite3.connect(db)
    row = reader.execute("SELECT code, start_s, end_s, provisional FROM fault_events").fetchone()
    assert row[0] == "hips_sagging" and row[1] == 2.0 and row[2] >= 3.7 and row[3] == 2
    reader.close()
    store.close()


def test_failure_midway_marks_interrupted_and_keeps_the_data(db: Path) -> None:
    store = open_store(db)
    rec = SessionRecorder(store, exercise="plank", source="x", target=None, mode="analyze")

    def frames() -> Iterator[tuple[PoseFrame, None]]:
        for f in plank_frames(3.0):
            yield f, None
        raise OSError("camera unplugged")

    with pytest.raises(OSError):
        run(frames(), Pipeline(ScriptedAnalyzer()), [rec])
    with open_store(db) as store2:
        sd = session_detail(store2.conn, rec.session_id)
    assert sd.session.status == "interrupted" and len(sd.sets[0].seconds) == 3


def test_failure_before_the_first_frame_leaves_no_session(db: Path) -> None:
    store = open_store(db)
    rec = SessionRecorder(store, exercise="plank", source="bad.csv", target=None, mode="analyze")

    def frames() -> Iterator[tuple[PoseFrame, None]]:
        raise ValueError("bad header")
        yield  # pragma: no cover

    with pytest.raises(ValueError):
        run(frames(), Pipeline(ScriptedAnalyzer()), [rec])
    with open_store(db) as store2:
        assert select_sessions(store2.conn) == []


@pytest.mark.parametrize("breakage", ["full", "readonly"])
def test_disk_full_or_read_only_mid_run_warns_once_and_analysis_goes_on(db: Path, breakage: str) -> None:
    clock = FakeClock()
    store = open_store(db)
    notes: list[str] = []
    rec = SessionRecorder(store, exercise="plank", source="x", target=None, mode="live", clock=clock,
                          notify=notes.append, keep_track=True)
    pipeline = Pipeline(ScriptedAnalyzer())
    frames = plank_frames(8.0)
    for f in frames[:60]:
        clock.now = f.t
        rec.on_sample(pipeline.step(f))
    if breakage == "full":
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
    else:
        store.conn.execute("PRAGMA query_only = ON")
    for f in frames[60:]:
        clock.now = f.t
        rec.on_sample(pipeline.step(f))  # must not raise
    rec.close(pipeline.summary())
    assert len(notes) == 1 and "goes on without saving" in notes[0]
    assert ("full" in notes[0]) if breakage == "full" else ("readonly" in notes[0])
    with open_store(db) as s2:
        sd = session_detail(s2.conn, rec.session_id)
    assert sd.sets[0].seconds and sd.sets[0].seconds[-1].second <= 2  # kept what was saved before


# -- interrupted sessions ----------------------------------------------------------------


def _set_process(db: Path, session_id: int, pid: int, start: str | None, status: str = "running") -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE sessions SET pid = ?, pid_start = ?, status = ? WHERE id = ?",
                 (pid, start, status, session_id))
    conn.commit()
    conn.close()


def test_running_session_of_a_dead_process_is_marked_interrupted(db: Path) -> None:
    rec, _ = record(db, plank_frames(2.0))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    _set_process(db, rec.session_id, int(dead.stdout), None)
    with open_store(db) as store:
        sd = session_detail(store.conn, rec.session_id)
    assert sd.session.status == "interrupted" and sd.session.ended_at is not None


def test_running_session_of_a_live_process_stays_running(db: Path) -> None:
    from coach.store.proc import current_process

    rec, _ = record(db, plank_frames(2.0))
    me = current_process()
    _set_process(db, rec.session_id, me.pid, me.start)
    with open_store(db) as store:
        assert mark_interrupted(store.conn) == []
        assert session_detail(store.conn, rec.session_id).session.status == "running"
    # the same pid with another start time is a recycled pid: the owner is gone
    _set_process(db, rec.session_id, me.pid, "1")
    with open_store(db) as store:
        assert session_detail(store.conn, rec.session_id).session.status == "interrupted"


# -- queries ------------------------------------------------------------------------------


def test_history_filters_and_session_references(db: Path) -> None:
    r1, _ = record(db, plank_frames(3.0))
    r2, _ = record(db, plank_frames(5.0), ScriptedAnalyzer(exercise="hip_bridge", kind="rep", period=1.0),
                   exercise="hip_bridge")
    with open_store(db) as store:
        rows = history(store.conn)
        assert [r.session.id for r in rows] == [r1.session_id, r2.session_id]
        assert rows[1].set is not None and rows[1].set.result_text() == "4 reps / 30"
        assert rows[0].set is not None and rows[0].set.result_text().endswith("s hold / 30 s")
        assert [r.session.id for r in history(store.conn, exercise="hip_bridge")] == [r2.session_id]
        assert history(store.conn, since_unix=rows[1].session.started_unix + 60) == []
        assert resolve_session(store.conn, "last") == r2.session_id
        assert resolve_session(store.conn, str(r1.session_id)) == r1.session_id
        with pytest.raises(StoreError, match="no session 999"):
            resolve_session(store.conn, "999")
        with pytest.raises(UsageError, match="must be a number"):
            resolve_session(store.conn, "yesterday's")
        assert select_sessions(store.conn, last=1) == [r2.session_id]


def test_parse_since() -> None:
    from datetime import datetime

    now = datetime(2024, 6, 10, 15, 30).astimezone()
    assert parse_since("today", now) == datetime(2024, 6, 10).astimezone().timestamp()
    assert parse_since("2024-06-01", now) == datetime(2024, 6, 1).astimezone().timestamp()
    assert parse_since("7d", now) == pytest.approx(now.timestamp() - 7 * 86400)
    with pytest.raises(UsageError, match="--since"):
        parse_since("last tuesday", now)


# -- export, track, rescore --------------------------------------------------------------


def test_export_json_and_csv(db: Path) -> None:
    rec, summary = record(db, plank_frames(9.0))
    with open_store(db) as store:
        sd = session_detail(store.conn, rec.session_id)
    doc = json.loads(to_json([sd]))
    (s,) = doc["sessions"]
    assert s["sets"][0]["score"] == summary.score and len(s["sets"][0]["seconds"]) == 9
    assert s["sets"][0]["seconds"][0]["metrics"]["hip_angle"]["n"] == 30
    assert [i["index"] for i in s["sets"][0]["items"]] == [1, 2]
    lines = to_csv([sd]).splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["session_id", "started_at", "status"] and "m_hip_angle_min" in header
    kinds = [line.split(",")[header.index("record")] for line in lines[1:]]
    assert kinds == ["set", "hold", "hold", "fault"]


def test_track_blob_round_trip() -> None:
    frames = [plank_frame(i / 30, with_world=i % 2 == 0) for i in range(5)]
    back = list(decode_frames(encode_frames(frames)))
    assert [f.t for f in back] == [f.t for f in frames]
    for a, b in zip(frames, back, strict=True):
        assert np.allclose(a.xy, b.xy, atol=1e-6) and np.allclose(a.visibility, b.visibility)
        assert a.aspect == pytest.approx(b.aspect) and (a.world is None) == (b.world is None)
    with pytest.raises(StoreError, match="unreadable"):
        list(decode_frames(b"garbage"))


@pytest.mark.usefixtures("scripted_registered")
def test_rescore_uses_the_current_rules_and_keeps_the_old_score(db: Path) -> None:
    RULES["penalty"] = 10.0
    frames = plank_frames(9.0, sag_spans=((2.0, 3.0), (5.0, 6.0)))
    rec, summary = record(db, frames, ScriptedAnalyzer(exercise="scripted_plank"), keep_track=True,
                          exercise="scripted_plank")
    assert summary.score == 80.0
    RULES["penalty"] = 25.0  # the rules improved
    try:
        with open_store(db) as store:
            (res,) = rescore_session(store, rec.session_id)
            sd = session_detail(store.conn, rec.session_id)
    finally:
        RULES["penalty"] = 10.0
    assert res.old_score == 80.0 and res.summary.score == 50.0 and res.frames == len(frames)
    det = sd.sets[0]
    assert det.set.score == 50.0 and det.track_frames == len(frames)
    assert [(s.source, s.score) for s in det.scores] == [("recorded", 80.0), ("rescore", 50.0)]
    assert len(det.seconds) == 9 and det.set.score_formula == "100 - 25 per fault episode"


def test_rescore_without_track_is_a_clear_error(db: Path) -> None:
    rec, _ = record(db, plank_frames(2.0))
    with open_store(db) as store, pytest.raises(StoreError, match=r"no stored pose track.*--keep-track"):
        rescore_session(store, rec.session_id)


# -- the hook ------------------------------------------------------------------------------


def _parse(*argv: str, allow_no_save: bool = True) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    add_store_args(p, allow_no_save=allow_no_save)
    return p.parse_args(list(argv))


def test_default_path_env_and_flag(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COACH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "coach" / "coach.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_db_path() == tmp_path / "home" / ".local" / "share" / "coach" / "coach.db"
    monkeypatch.setenv("COACH_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(None) == tmp_path / "env.db"
    assert resolve_db_path(tmp_path / "flag.db") == tmp_path / "flag.db"
    args = _parse()
    assert args.db is None and args.no_save is False and args.keep_track is False
    assert not hasattr(_parse(allow_no_save=False), "no_save")


def test_session_sink_records_and_no_save_skips(db: Path) -> None:
    assert session_sink(_parse("--db", str(db), "--no-save"), exercise="plank", source="s", target=None,
                        mode="live") is None
    sink = session_sink(_parse("--db", str(db), "--keep-track"), exercise="Plank", source="cam 0",
                        target=45.0, mode="live")
    assert isinstance(sink, SessionRecorder)
    run(((f, None) for f in plank_frames(2.0)), Pipeline(ScriptedAnalyzer()), [sink])
    with open_store(db) as store:
        sd = session_detail(store.conn, sink.session_id)
    assert sd.session.mode == "live" and sd.session.has_track and sd.sets[0].set.exercise == "plank"
    assert sd.sets[0].track_frames == 60


def test_session_sink_on_an_unusable_database_warns_and_goes_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    sink = session_sink(_parse("--db", str(blocker / "coach.db")), exercise="plank", source="s", target=None,
                        mode="demo")
    assert isinstance(sink, UnsavedSink)
    run(((f, None) for f in plank_frames(1.0)), Pipeline(ScriptedAnalyzer()), [sink])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("coach: warning:") and "not saved" in err


def test_session_sink_on_a_corrupt_database_starts_a_new_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "coach.db"
    db.write_text("garbage " * 100)
    sink = session_sink(_parse("--db", str(db)), exercise="plank", source="s", target=None, mode="analyze")
    assert isinstance(sink, SessionRecorder)
    run(((f, None) for f in plank_frames(1.0)), Pipeline(ScriptedAnalyzer()), [sink])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "corrupt-" in err and "started a new coach.db" in err
    with open_store(db) as store:
        assert len(history(store.conn)) == 1


# -- several sets in one session ---------------------------------------------------------


def test_session_writer_records_several_sets_in_one_session(db: Path) -> None:
    from coach.commands._store_args import open_session

    with open_session(_parse("--db", str(db)), source="demo", mode="demo") as session:
        for exercise, kind in (("plank", "hold"), ("hip_bridge", "rep"), ("lift", "lift")):
            sink = session.set_sink(exercise=exercise, target=None)
            run(((f, None) for f in plank_frames(3.0)),
                Pipeline(ScriptedAnalyzer(exercise=exercise, kind=kind, period=1.0)), [sink])
            with open_store(db) as peek:  # the session stays running between sets
                assert session_detail(peek.conn, 1).session.status == "running"
    with open_store(db) as store:
        sd = session_detail(store.conn, 1)
        assert len(history(store.conn)) == 3
    assert sd.session.status == "complete" and sd.session.mode == "demo"
    assert [(d.set.set_index, d.set.exercise, d.set.reps) for d in sd.sets] == [
        (1, "plank", 2), (2, "hip_bridge", 2), (3, "lift", 2)]


def test_session_writer_failure_and_empty_session(db: Path) -> None:
    from coach.commands._store_args import open_session

    with pytest.raises(RuntimeError), open_session(_parse("--db", str(db)), source="x", mode="live") as session:
        run(((f, None) for f in plank_frames(2.0)), Pipeline(ScriptedAnalyzer()),
            [session.set_sink(exercise="plank")])
        raise RuntimeError("camera lost")
    with open_session(_parse("--db", str(db)), source="y", mode="live"):
        pass  # no set: nothing is kept
    with open_store(db) as store:
        assert [(r.session.id, r.session.status) for r in history(store.conn)] == [(1, "interrupted")]
    unsaved = open_session(_parse("--db", str(db), "--no-save"), source="z", mode="demo")
    assert isinstance(unsaved.set_sink(exercise="plank"), UnsavedSink)
    unsaved.close()


def test_a_file_that_is_not_a_database_is_left_alone(tmp_path: Path) -> None:
    """--db pointed at a pose track by mistake: an error, the file untouched."""
    from coach.errors import StoreError
    from coach.store.db import open_store

    track = tmp_path / "track.csv"
    track.write_text("t,nose_x,nose_y\n0,0.5,0.5\n")
    with pytest.raises(StoreError, match="not a coach database"):
        open_store(track)
    assert track.read_text() == "t,nose_x,nose_y\n0,0.5,0.5\n"
    assert not list(tmp_path.glob("track.csv.corrupt-*"))


def test_the_models_a_session_used_are_stored_as_they_change_and_survive_export_import(tmp_path: Path) -> None:
    """``sessions.models`` follows the live coach's switch to lite mid-set
    (written with every commit), and export -> import keeps it."""
    from coach.store.transfer import import_sessions, read_export_file

    db = tmp_path / "a.db"
    clock = FakeClock()
    used = ["pose_landmarker_full.task"]
    rec = SessionRecorder(open_store(db), exercise="plank", source="camera:0", target=None, mode="live",
                          clock=clock, models=lambda: ",".join(used))
    pipeline = Pipeline(ScriptedAnalyzer())
    reader = sqlite3.connect(db)
    seen = set()
    for f in plank_frames(4.0):
        clock.now = f.t
        if f.t >= 2.0 and len(used) == 1:
            used.append("pose_landmarker_lite.task")
        rec.on_sample(pipeline.step(f))
        seen.add(reader.execute("SELECT models FROM sessions").fetchone()[0])
    rec.close(pipeline.summary())
    reader.close()
    both = "pose_landmarker_full.task,pose_landmarker_lite.task"
    assert seen == {"pose_landmarker_full.task", both}, "each commit writes the models so far"
    with open_store(db) as store:
        text = to_json([session_detail(store.conn, 1)])
    assert json.loads(text)["sessions"][0]["models"] == both
    export = tmp_path / "e.json"
    export.write_text(text)
    with open_store(tmp_path / "b.db") as store:
        import_sessions(store, read_export_file(export).sessions, str(export))
        assert store.conn.execute("SELECT models FROM sessions").fetchone()[0] == both
    # a session without a model (a pose track) stores NULL
    rec = SessionRecorder(open_store(db), exercise="plank", source="t.csv", target=None, mode="analyze")
    rec.close(pipeline.summary())
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT models FROM sessions ORDER BY id").fetchall() == [(both,), (None,)]
