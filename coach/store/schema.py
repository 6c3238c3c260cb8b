"""The database schema as an ordered list of migrations.

``PRAGMA user_version`` holds the number of migrations applied; opening a
database applies the missing ones in order, each in its own transaction.
Never edit a released migration: append a new one.

Tables (times ``*_s`` are seconds on the set's own clock, the frame ``t``):

* ``sessions``: one run of ``coach live``/``analyze``/``demo``; ``status``
  is ``running`` until the run closes it (``complete``) or a later start
  finds its process gone (``interrupted``). ``pid``+``pid_start`` identify
  the process, ``last_seen_unix`` is the time of its last commit.
* ``sets``: exercise, side, target (``target_requested`` is what the user
  asked for, None for the exercise default) and the summary (``score`` and
  ``score_formula`` exactly as the analyzer gave them; NULL until closed).
  ``reps``/``hold_s``/``duration_s`` are updated as the set runs.
* ``items``: the reps, holds or lifts (``kind``) with start, end, score and
  worst measures (JSON). Rows written during the run are ``provisional``
  (no score yet); the closing summary replaces them.
* ``fault_events``: debounced fault episodes (code, start, end, duration),
  provisional while the run goes on, replaced by the summary's at the end.
* ``seconds``: one row per second of the set: phase, side, reps, hold time,
  visible frames and the faults active in that second.
* ``metrics``: the key measures of ``FrameVerdict.metrics`` aggregated per
  second (n, mean, min, max).
* ``track_chunks``: with ``--keep-track``, the raw pose track in chunks
  (``numpy.savez_compressed`` blobs, see :mod:`coach.store.trackblob`), so
  ``coach rescore`` can re-run a newer analyzer. Never any video.
* ``score_history``: every score a set has had (``recorded``, ``rescore``).
* ``notes`` (version 2): how a session felt, one row per session: ``pain``
  and ``effort`` (0-10, NULL when not given), free ``text``, and when it
  was noted (``coach note``, or the question at the end of ``coach live``).
* ``profile`` (version 4, one row): the person's ``name`` and ``height_m`` (``coach
  profile``), used for distances in cm and anything scaled by stature.
* ``baselines`` (version 5): every ``coach calibrate`` run that found the
  person's best form: the exercise, the medians of its baseline measures
  (``values_json``, :mod:`coach.baseline`), the seconds and frames they
  came from and the source. The newest row of an exercise with no
  ``retired_at`` is the one later sets are judged against (``coach
  calibrate --forget`` retires them; rows are never deleted, so the
  report can chart progress against each one).
* ``sessions.models`` (version 6): the pose model files the run used, in
  order, comma-separated (``pose_landmarker_full.task`` or, after the live
  coach fell back to lite, ``pose_landmarker_full.task,pose_landmarker_lite.task``);
  NULL when no model ran (a pose-track CSV) or the session predates it.

Version 3 adds ``sessions.end_reason`` (why a session ended
``interrupted``: Ctrl-C, a signal, an input error, a crash, or the process
vanished; NULL for a session that ran to its natural end) and
``sessions.uid``, an identity that survives ``coach export`` and ``coach
import`` (a random hex id for new sessions; for sessions recorded before
version 3, ``legacy/<host>/<pid>/<started_at>/<id>``, see
:func:`legacy_uid`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from coach.errors import StoreError

Migration = Sequence[str]

_V1: Migration = (
    """CREATE TABLE sessions (
        id             INTEGER PRIMARY KEY,
        started_at     TEXT    NOT NULL,
        started_unix   REAL    NOT NULL,
        ended_at       TEXT,
        last_seen_unix REAL    NOT NULL,
        status         TEXT    NOT NULL DEFAULT 'running'
                       CHECK (status IN ('running', 'complete', 'interrupted')),
        mode           TEXT    NOT NULL,
        source         TEXT    NOT NULL,
        host           TEXT    NOT NULL,
        pid            INTEGER NOT NULL,
        pid_start      TEXT,
        coach_version  TEXT    NOT NULL,
        has_track      INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX sessions_started ON sessions (started_unix)",
    "CREATE INDEX sessions_running ON sessions (status) WHERE status = 'running'",
    """CREATE TABLE sets (
        id               INTEGER PRIMARY KEY,
        session_id       INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        set_index        INTEGER NOT NULL,
        exercise         TEXT    NOT NULL,
        side             TEXT,
        target           REAL,
        target_requested REAL,
        target_unit      TEXT,
        reps             INTEGER NOT NULL DEFAULT 0,
        hold_s           REAL    NOT NULL DEFAULT 0,
        best_hold_s      REAL,
        duration_s       REAL    NOT NULL DEFAULT 0,
        score            REAL,
        score_formula    TEXT,
        visible_fraction REAL,
        top_fault        TEXT,
        extra_json       TEXT,
        scored_at        TEXT,
        UNIQUE (session_id, set_index)
    )""",
    "CREATE INDEX sets_exercise ON sets (exercise)",
    """CREATE TABLE items (
        set_id        INTEGER NOT NULL REFERENCES sets (id) ON DELETE CASCADE,
        idx           INTEGER NOT NULL,
        kind          TEXT    NOT NULL,
        start_s       REAL    NOT NULL,
        end_s         REAL    NOT NULL,
        score         REAL,
        good          INTEGER,
        side          TEXT,
        faults_json   TEXT    NOT NULL DEFAULT '[]',
        measures_json TEXT    NOT NULL DEFAULT '{}',
        provisional   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (set_id, idx)
    )""",
    """CREATE TABLE fault_events (
        id          INTEGER PRIMARY KEY,
        set_id      INTEGER NOT NULL REFERENCES sets (id) ON DELETE CASCADE,
        code        TEXT    NOT NULL,
        start_s     REAL    NOT NULL,
        end_s       REAL    NOT NULL,
        duration_s  REAL    NOT NULL,
        provisional INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX fault_events_set ON fault_events (set_id, start_s)",
    """CREATE TABLE seconds (
        set_id         INTEGER NOT NULL REFERENCES sets (id) ON DELETE CASCADE,
        second         INTEGER NOT NULL,
        t_last         REAL    NOT NULL,
        frames         INTEGER NOT NULL,
        visible_frames INTEGER NOT NULL,
        phase          TEXT,
        side           TEXT,
        reps           INTEGER NOT NULL,
        hold_s         REAL    NOT NULL,
        faults_json    TEXT    NOT NULL DEFAULT '[]',
        PRIMARY KEY (set_id, second)
    ) WITHOUT ROWID""",
    """CREATE TABLE metrics (
        set_id INTEGER NOT NULL REFERENCES sets (id) ON DELETE CASCADE,
        name   TEXT    NOT NULL,
        second INTEGER NOT NULL,
        n      INTEGER NOT NULL,
        mean   REAL    NOT NULL,
        min    REAL    NOT NULL,
        max    REAL    NOT NULL,
        PRIMARY KEY (set_id, name, second)
    ) WITHOUT ROWID""",
    """CREATE TABLE track_chunks (
        set_id INTEGER NOT NULL REFERENCES sets (id) ON DELETE CASCADE,
        seq    INTEGER NOT NULL,
        t0     REAL    NOT NULL,
        t1     REAL    NOT NULL,
        frames INTEGER NOT NULL,
        data   BLOB    NOT NULL,
        PRIMARY KEY (set_id, seq)
    )""",
    """CREATE TABLE score_history (
        id            INTEGER PRIMARY KEY,
        set_id        INTEGER NOT NULL REFERENCES sets (id) ON DELETE CASCADE,
        scored_at     TEXT    NOT NULL,
        source        TEXT    NOT NULL CHECK (source IN ('recorded', 'rescore')),
        score         REAL    NOT NULL,
        reps          INTEGER NOT NULL,
        hold_s        REAL    NOT NULL,
        score_formula TEXT
    )""",
)

_V2_NOTES: Migration = (
    """CREATE TABLE notes (
        session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        pain       INTEGER CHECK (pain BETWEEN 0 AND 10),
        effort     INTEGER CHECK (effort BETWEEN 0 AND 10),
        text       TEXT,
        noted_at   TEXT    NOT NULL
    )""",
)

_V3_SAFETY: Migration = (
    "ALTER TABLE sessions ADD COLUMN end_reason TEXT",
    "ALTER TABLE sessions ADD COLUMN uid TEXT",
    "UPDATE sessions SET uid = 'legacy/' || host || '/' || pid || '/' || started_at || '/' || id WHERE uid IS NULL",
    "CREATE UNIQUE INDEX sessions_uid ON sessions (uid)",
)

_V4_PROFILE: Migration = (
    """CREATE TABLE profile (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        name       TEXT,
        height_m   REAL CHECK (height_m IS NULL OR (height_m > 0.5 AND height_m < 2.6)),
        updated_at TEXT NOT NULL
    )""",
)

_V5_BASELINES: Migration = (
    """CREATE TABLE baselines (
        id          INTEGER PRIMARY KEY,
        exercise    TEXT    NOT NULL,
        recorded_at TEXT    NOT NULL,
        values_json TEXT    NOT NULL,
        seconds     REAL    NOT NULL CHECK (seconds > 0),
        frames      INTEGER NOT NULL CHECK (frames > 0),
        source      TEXT    NOT NULL DEFAULT '',
        retired_at  TEXT
    )""",
    "CREATE INDEX baselines_exercise ON baselines (exercise, id)",
)

_V6_MODELS: Migration = (
    "ALTER TABLE sessions ADD COLUMN models TEXT",
)

MIGRATIONS: list[Migration] = [_V1, _V2_NOTES, _V3_SAFETY, _V4_PROFILE, _V5_BASELINES, _V6_MODELS]
"""Ordered; migration ``i`` takes the database from version ``i`` to ``i + 1``."""


def legacy_uid(host: str, pid: int, started_at: str, session_id: int) -> str:
    """The ``uid`` migration 3 gives a session recorded before it (the same
    formula, so an old export imports idempotently)."""
    return f"legacy/{host}/{pid}/{started_at}/{session_id}"


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, label: str, migrations: Sequence[Migration] | None = None) -> int:
    """Bring the database up to the newest version; returns that version.

    ``conn`` must be in autocommit mode (``isolation_level=None``). A
    database newer than this coach raises :class:`StoreError`; so does one
    whose tables clash with ours (not a coach database).
    """
    steps = MIGRATIONS if migrations is None else migrations
    current = schema_version(conn)
    if current > len(steps):
        raise StoreError(
            f"{label}: the database has schema version {current} but this coach knows only up to "
            f"{len(steps)}; upgrade coach or use another --db"
        )
    for version in range(current, len(steps)):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for stmt in steps[version]:
                conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {version + 1:d}")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and "already exists" in str(exc):
                raise StoreError(
                    f"{label}: not a coach database ({exc}); use another --db"
                ) from None
            raise
        conn.execute("COMMIT")
    return len(steps)
