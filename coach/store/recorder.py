"""The session recorder: a pipeline :class:`~coach.pipeline.Sink` that
writes a set to the store as it happens.

Every sample updates in-memory aggregates; at least every
``commit_interval_s`` of wall-clock time (0.25 s by default) and every
0.5 s of frame time, one transaction writes the finished seconds, the
second in progress (as an upsert), new reps/holds/lifts, fault episodes,
the running totals and a heartbeat, plus the pose-track chunk with
``--keep-track``. A process
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
from coach.pipeline import Sample, Sink
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
MAX_UNCOMMITTED_FRAME_S = 0.5
"""Also commit after this much frame time, so a run faster than real time
(``coach analyze`` on a file) loses no more of the set when killed."""
TRACK_CHUNK_FRAMES = 300


def canonical_exercise(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def create_session(store: Store, *, source: str, mode: str, keep_track: bool) -> int:
    """Insert a ``running`` session (no set yet) and return its id."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    proc = current_process()
    now = time.time()
    with transaction(store.conn) as conn:
        cur = conn.execute(
            "INSERT INTO sessions (started_at, started_unix, last_seen_unix, status, mode, source, host, pid, "
            "pid_start, coach_version, has_track) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
            (now_iso(now), now, now, mode, source, proc.host, proc.pid, proc.start, __version__,
             int(keep_track)),
        )
    return int(cur.lastrowid or 0)


def create_set(store: Store, session_id: int, *, exercise: str, target: float | None) -> int:
    """Append a set to a session and return its id."""
    with transaction(store.conn) as conn:
        (index,) = conn.execute("SELECT coalesce(max(set_index), 0) + 1 FROM sets WHERE session_id = ?",
                                (session_id,)).fetchone()
        cur = conn.execute(
            "INSERT INTO sets (session_id, set_index, exercise, target, target_requested) VALUES (?, ?, ?, ?, ?)",
            (session_id, int(index), canonical_exercise(exercise), num(target), num(target)),
        )
    return int(cur.lastrowid or 0)


def in_flight_failure() -> bool:
    """True while an exception other than Ctrl-C unwinds through the caller
    (``Sink.close`` runs in ``run()``'s ``finally``)."""
    exc = sys.exc_info()[1]
    return exc is not None and not isinstance(exc, KeyboardInterrupt | GeneratorExit)


class SessionRecorder:
    """Records one set; see the module docstring.

    By default it starts its own session and ends it on :meth:`close`.
    Given ``session_id`` (see :class:`SessionWriter`) it appends a set to
    that session and leaves the session and the store to their owner.
    """

    def __init__(
        self,
        store: Store,
        *,
        exercise: str,
        source: str = "",
        target: float | None = None,
        mode: str = "analyze",
        keep_track: bool = False,
        commit_interval_s: float = DEFAULT_COMMIT_INTERVAL_S,
        notify: Notify | None = None,
        clock: Callable[[], float] = time.monotonic,
        session_id: int | None = None,
    ) -> None:
        self.store = store
        self.keep_track = keep_track
        self.commit_interval_s = commit_interval_s
        self.notify = notify
        self.clock = clock
        self.owns_session = session_id is None
        if session_id is None:
            session_id = create_session(store, source=source, mode=mode, keep_track=keep_track)
        self.session_id = session_id
        self.set_id = create_set(store, session_id, exercise=exercise, target=target)
        self._acc = SetAccumulator(self.set_id, canonical_exercise(exercise))
        self._track: list[PoseFrame] = []
        self._track_seq = 0
        self._last_commit = clock()
        self._last_commit_t: float | None = None
        self.commits = 0
        self.failed: str | None = None
        self.broken = False
        self.closed = False

    # -- Sink ------------------------------------------------------------------
    def on_sample(self, sample: Sample) -> None:
        if self.failed or self.closed:
            return
        self._acc.add(sample.verdict)
        if self.keep_track:
            self._track.append(sample.raw)
        t = sample.verdict.t
        if self._last_commit_t is None:
            self._last_commit_t = t
        if (self.clock() - self._last_commit >= self.commit_interval_s
                or t - self._last_commit_t >= MAX_UNCOMMITTED_FRAME_S
                or len(self._track) >= TRACK_CHUNK_FRAMES):
            self.flush()

    def close(self, summary: SetSummary) -> None:
        if self.closed:
            return
        self.closed = True
        self.broken = in_flight_failure()
        try:
            if self.failed:
                return
            if self.broken and self._acc.frames == 0:
                self._discard()
                return
            self._acc.finish()
            try:
                with transaction(self.store.conn) as conn:
                    self._write_pending(conn)
                    side = self._acc.last.side if self._acc.last is not None else None
                    write_summary(conn, self.set_id, summary, "recorded", side)
                    if self.owns_session:
                        conn.execute(
                            "UPDATE sessions SET status = ?, ended_at = ?, last_seen_unix = ? WHERE id = ?",
                            ("interrupted" if self.broken else "complete", now_iso(), time.time(),
                             self.session_id),
                        )
                self.commits += 1
            except sqlite3.Error as err:
                self._fail(err)
        finally:
            if self.owns_session:
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
        self._last_commit_t = self._acc.last.t if self._acc.last is not None else None

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
        """A run that failed before its first frame leaves no set (and no
        session of its own) behind."""
        try:
            with transaction(self.store.conn) as conn:
                if self.owns_session:
                    conn.execute("DELETE FROM sessions WHERE id = ?", (self.session_id,))
                else:
                    conn.execute("DELETE FROM sets WHERE id = ?", (self.set_id,))
        except sqlite3.Error as err:
            self._fail(err)

    def _fail(self, err: sqlite3.Error) -> None:
        self.failed = str(err)
        self._track = []
        if self.notify is not None:
            self.notify(
                f"cannot save to the database {self.store.path} ({err}); the session goes on without saving"
            )


class SessionWriter:
    """A session of several sets (``coach demo`` runs four exercises, the
    live coach may run set after set): :meth:`set_sink` gives the recording
    sink of the next set; :meth:`close` ends the session (``interrupted``
    if a set ended by an error, or if the ``with`` block did). A session
    that got no set at all is deleted."""

    def __init__(self, store: Store, *, source: str, mode: str, keep_track: bool = False,
                 notify: Notify | None = None, commit_interval_s: float = DEFAULT_COMMIT_INTERVAL_S) -> None:
        self.store = store
        self.keep_track = keep_track
        self.commit_interval_s = commit_interval_s
        self._notify = notify
        self._warned = False
        self.session_id = create_session(store, source=source, mode=mode, keep_track=keep_track)
        self.sets: list[SessionRecorder] = []
        self.failed: str | None = None
        self.closed = False

    def _note(self, message: str) -> None:
        if not self._warned and self._notify is not None:
            self._notify(message)
        self._warned = True

    def set_sink(self, *, exercise: str, target: float | None = None) -> Sink:
        """The sink that records the next set (a do-nothing sink once the
        database has failed: the session goes on without saving)."""
        if self.closed:
            raise ValueError("the session is closed")
        if self.failed or any(r.failed for r in self.sets):
            return UnsavedSink()
        try:
            rec = SessionRecorder(self.store, exercise=exercise, target=target, keep_track=self.keep_track,
                                  commit_interval_s=self.commit_interval_s, notify=self._note,
                                  session_id=self.session_id)
        except sqlite3.Error as err:
            self.failed = str(err)
            self._note(f"cannot save to the database {self.store.path} ({err}); the session goes on "
                       "without saving")
            return UnsavedSink()
        self.sets.append(rec)
        return rec

    def close(self, interrupted: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        broken = interrupted or any(r.broken for r in self.sets) or any(not r.closed for r in self.sets)
        try:
            if not self.failed:
                with transaction(self.store.conn) as conn:
                    has_set = conn.execute("SELECT 1 FROM sets WHERE session_id = ? LIMIT 1",
                                           (self.session_id,)).fetchone()
                    if has_set is None:
                        conn.execute("DELETE FROM sessions WHERE id = ?", (self.session_id,))
                    else:
                        conn.execute(
                            "UPDATE sessions SET status = ?, ended_at = ?, last_seen_unix = ? WHERE id = ?",
                            ("interrupted" if broken else "complete", now_iso(), time.time(), self.session_id))
        except sqlite3.Error as err:
            self._note(f"cannot save to the database {self.store.path} ({err}); the session goes on "
                       "without saving")
        finally:
            self.store.close()

    def __enter__(self) -> SessionWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        self.close(interrupted=exc is not None and not isinstance(exc, KeyboardInterrupt))


class UnsavedSink:
    """Stands in for a recorder when the database is unusable."""

    def on_sample(self, sample: Sample) -> None:
        pass

    def close(self, summary: SetSummary) -> None:
        pass


class UnsavedSession:
    """Stands in for a :class:`SessionWriter` when the database is unusable
    (or with ``--no-save``): every set goes unsaved."""

    session_id: int | None = None

    def set_sink(self, *, exercise: str, target: float | None = None) -> Sink:
        return UnsavedSink()

    def close(self, interrupted: bool = False) -> None:
        pass

    def __enter__(self) -> UnsavedSession:
        return self

    def __exit__(self, *exc: object) -> None:
        pass
