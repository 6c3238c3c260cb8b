"""The session recorder: a pipeline :class:`~coach.pipeline.Sink` that
writes a set to the store as it happens.

Every sample updates in-memory aggregates; at least every
``commit_interval_s`` of wall-clock time (0.25 s by default) one
transaction writes the finished seconds, the second in progress (as an
upsert), new reps/holds/lifts, fault episodes, the running totals and a
heartbeat, plus the pose-track chunk with ``--keep-track``. A process
killed with SIGKILL therefore loses at most the frames since the last
commit. ``close`` replaces the provisional rows with the analyzer's summary
and marks the session ``complete`` (``interrupted`` when the run ended by
an exception other than Ctrl-C).

If the database stops accepting writes (disk full, read-only, I/O error)
the recorder prints one warning and goes on silently: the analysis never
fails because of the store.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable

from coach import __version__
from coach.exercise import SetSummary
from coach.pipeline import Sample
from coach.pose import PoseFrame
from coach.store.aggregate import SetAccumulator
from coach.store.db import Notify, Store, now_iso, transaction
from coach.store.proc import current_process
from coach.store.trackblob import encode_frames
from coach.store.writes import (
    insert_metrics,
    insert_provisional_items,
    insert_seconds,
    num,
    replace_provisional_faults,
    update_progress,
    write_summary,
)

MODES = ("analyze", "live", "demo")
DEFAULT_COMMIT_INTERVAL_S = 0.25
TRACK_CHUNK_FRAMES = 300


def canonical_exercise(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def create_session(store: Store, *, exercise: str, source: str, target: float | None, mode: str,
                   keep_track: bool) -> tuple[int, int]:
    """Insert a ``running`` session with its first set; returns (session id, set id)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    proc = current_process()
    now = time.time()
    conn = store.conn
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO sessions (started_at, started_unix, last_seen_unix, status, mode, source, host, pid, "
            "pid_start, coach_version, has_track) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
            (now_iso(now), now, now, mode, source, proc.host, proc.pid, proc.start, __version__,
             int(keep_track)),
        )
        session_id = int(cur.lastrowid or 0)
        cur = conn.execute(
            "INSERT INTO sets (session_id, set_index, exercise, target, target_requested) VALUES (?, 1, ?, ?, ?)",
            (session_id, canonical_exercise(exercise), num(target), num(target)),
        )
        set_id = int(cur.lastrowid or 0)
    return session_id, set_id


class SessionRecorder:
    """Records one set of one session; see the module docstring."""

    def __init__(
        self,
        store: Store,
        *,
        exercise: str,
        source: str,
        target: float | None,
        mode: str,
        keep_track: bool = False,
        commit_interval_s: float = DEFAULT_COMMIT_INTERVAL_S,
        notify: Notify | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.keep_track = keep_track
        self.commit_interval_s = commit_interval_s
        self.notify = notify
        self.clock = clock
        self.session_id, self.set_id = create_session(
            store, exercise=exercise, source=source, target=target, mode=mode, keep_track=keep_track)
        self._acc = SetAccumulator(self.set_id, canonical_exercise(exercise))
        self._track: list[PoseFrame] = []
        self._track_seq = 0
        self._last_commit = clock()
        self.commits = 0
        self.failed: str | None = None
        self.closed = False

    # -- Sink ------------------------------------------------------------------
    def on_sample(self, sample: Sample) -> None:
        if self.failed or self.closed:
            return
        self._acc.add(sample.verdict)
        if self.keep_track:
            self._track.append(sample.raw)
        if (self.clock() - self._last_commit >= self.commit_interval_s
                or len(self._track) >= TRACK_CHUNK_FRAMES):
            self.flush()

    def close(self, summary: SetSummary) -> None:
        if self.closed:
            return
        self.closed = True
        exc = sys.exc_info()[1]
        broken = exc is not None and not isinstance(exc, KeyboardInterrupt | GeneratorExit)
        try:
            if self.failed:
                return
            if broken and self._acc.frames == 0:
                self._discard()
                return
            self._acc.finish()
            try:
                with transaction(self.store.conn) as conn:
                    self._write_pending(conn)
                    side = self._acc.last.side if self._acc.last is not None else None
                    write_summary(conn, self.set_id, summary, "recorded", side)
                    conn.execute(
                        "UPDATE sessions SET status = ?, ended_at = ?, last_seen_unix = ? WHERE id = ?",
                        ("interrupted" if broken else "complete", now_iso(), time.time(), self.session_id),
                    )
                self.commits += 1
            except sqlite3.Error as err:
                self._fail(err)
        finally:
            self.store.close()

    # -- writing ---------------------------------------------------------------
    def flush(self) -> None:
        """Commit everything gathered so far (called automatically)."""
        if self.failed or self.closed:
            return
        try:
            with transaction(self.store.conn) as conn:
                self._write_pending(conn)
            self.commits += 1
        except sqlite3.Error as err:
            self._fail(err)
        self._last_commit = self.clock()

    def _write_pending(self, conn: sqlite3.Connection) -> None:
        seconds, metrics, items, closed = self._acc.drain()
        current = self._acc.open_second()
        if current is not None:
            seconds.append(current[0])
            metrics.extend(current[1])
        insert_seconds(conn, self.set_id, seconds)
        insert_metrics(conn, self.set_id, metrics)
        insert_provisional_items(conn, self.set_id, items)
        replace_provisional_faults(conn, self.set_id, closed, self._acc.open_faults())
        if self._track:
            frames, self._track = self._track, []
            self._track_seq += 1
            conn.execute(
                "INSERT INTO track_chunks (set_id, seq, t0, t1, frames, data) VALUES (?, ?, ?, ?, ?, ?)",
                (self.set_id, self._track_seq, frames[0].t, frames[-1].t, len(frames), encode_frames(frames)),
            )
        last = self._acc.last
        if last is not None:
            update_progress(conn, self.session_id, self.set_id, last.reps, last.hold_s,
                            self._acc.elapsed, last.side)

    def _discard(self) -> None:
        """A run that failed before its first frame leaves no session behind."""
        try:
            with transaction(self.store.conn) as conn:
                conn.execute("DELETE FROM sessions WHERE id = ?", (self.session_id,))
        except sqlite3.Error as err:
            self._fail(err)

    def _fail(self, err: sqlite3.Error) -> None:
        self.failed = str(err)
        self._track = []
        if self.notify is not None:
            self.notify(
                f"cannot save to the database {self.store.path} ({err}); the session goes on without saving"
            )
