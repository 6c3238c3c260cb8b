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
and marks the session ``complete`` only when the run reached its natural
end; a run that ended by an exception (Ctrl-C, SIGTERM, an input error, a
crash) is stored ``interrupted`` with the reason (:func:`end_reason`) and
its partial data. A SIGKILLed run is marked ``interrupted`` by the next
start (:func:`coach.store.db.mark_interrupted`).

If the database stops accepting writes (disk full, read-only, I/O error)
the recorder prints one warning and goes on silently: the analysis never
fails because of the store.
"""

from __future__ import annotations

import sqlite3
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from coach import __version__
from coach.errors import CoachError, StoreError, Terminated
from coach.exercise import FrameVerdict, SetSummary
from coach.pipeline import Sample, Sink
from coach.pose import PoseFrame
from coach.store.aggregate import SetAccumulator
from coach.store.db import Notify, Store, is_corrupt_error, now_iso, transaction
from coach.store.proc import current_process
from coach.store.rows import FaultRow, ItemRow, MetricSecond, SecondRow
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


def create_session(store: Store, *, source: str, mode: str, keep_track: bool, models: str | None = None) -> int:
    """Insert a ``running`` session (no set yet) and return its id;
    ``models``: the pose models used so far (``sessions.models``)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    proc = current_process()
    now = time.time()
    with transaction(store.conn) as conn:
        cur = conn.execute(
            "INSERT INTO sessions (started_at, started_unix, last_seen_unix, status, mode, source, host, pid, "
            "pid_start, coach_version, has_track, uid, models) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (now_iso(now), now, now, mode, source, proc.host, proc.pid, proc.start, __version__,
             int(keep_track), uuid.uuid4().hex, models),
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


def in_flight_failure() -> BaseException | None:
    """The exception unwinding through the caller, if any (``Sink.close``
    runs in ``run()``'s ``finally``): Ctrl-C and signals included, only a
    closed generator is not a failure."""
    exc = sys.exc_info()[1]
    return None if exc is None or isinstance(exc, GeneratorExit) else exc


def end_reason(exc: BaseException) -> str:
    """Why a run ended early, in a few words, for ``sessions.end_reason``."""
    if isinstance(exc, KeyboardInterrupt):
        return "stopped with Ctrl-C"
    if isinstance(exc, Terminated):
        return f"stopped by {exc.signal_name}"
    if isinstance(exc, CoachError):
        kind = type(exc).__name__.removesuffix("Error").lower() or "coach"
        return f"{kind} error: {exc}"[:300]
    return f"crashed: {type(exc).__name__}: {exc}"[:300]


def finish_session(conn: sqlite3.Connection, session_id: int, reason: str | None) -> None:
    """Mark a session ``complete`` (``reason`` None) or ``interrupted``."""
    conn.execute(
        "UPDATE sessions SET status = ?, end_reason = ?, ended_at = ?, last_seen_unix = ? WHERE id = ?",
        ("complete" if reason is None else "interrupted", reason, now_iso(), time.time(), session_id),
    )


@dataclass(frozen=True)
class _Batch:
    """The rows of one commit (kept to write them again after a recovery)."""

    seconds: list[SecondRow]
    metrics: list[MetricSecond]
    items: list[ItemRow]
    closed: list[FaultRow]
    open_faults: list[FaultRow]
    chunk: tuple[int, float, float, int, bytes] | None
    last: FrameVerdict | None
    elapsed: float


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
        models: Callable[[], str | None] | None = None,
    ) -> None:
        self.store = store
        self.models = models
        """The pose models used so far (``sessions.models``), written with
        every commit: the live coach may switch model mid-set."""
        self.keep_track = keep_track
        self.commit_interval_s = commit_interval_s
        self.notify = notify
        self.clock = clock
        self.owns_session = session_id is None
        if session_id is None:
            session_id = create_session(store, source=source, mode=mode, keep_track=keep_track,
                                        models=models() if models is not None else None)
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
        self.reason: str | None = None
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

    def note_failure(self, exc: BaseException) -> None:
        """Say the run failed when ``close`` cannot see the exception (the
        live loop catches it, closes its sinks, then re-raises it)."""
        if not self.closed and self.reason is None:
            self.reason = end_reason(exc)

    def close(self, summary: SetSummary) -> None:
        if self.closed:
            return
        self.closed = True
        exc = in_flight_failure()
        if exc is not None and self.reason is None:
            self.reason = end_reason(exc)
        self.broken = self.reason is not None
        try:
            if self.failed:
                return
            if self.broken and self._acc.frames == 0:
                self._discard()
                return
            self._acc.finish()
            self._commit(summary)
        finally:
            if self.owns_session:
                self.store.close()

    # -- writing ---------------------------------------------------------------
    def flush(self) -> None:
        """Commit everything gathered so far (called automatically)."""
        if self.failed or self.closed:
            return
        self._commit(None)
        self._last_commit = self.clock()
        self._last_commit_t = self._acc.last.t if self._acc.last is not None else None

    def _commit(self, summary: SetSummary | None) -> None:
        """One transaction: the pending rows (and with ``summary`` the
        set's summary and the session's end). If SQLite finds the database
        damaged, it is recovered and the same rows are written again."""
        batch = self._batch()
        for attempt in range(2):
            try:
                with transaction(self.store.conn) as conn:
                    self._write(conn, batch)
                    if summary is not None:
                        side = self._acc.last.side if self._acc.last is not None else None
                        write_summary(conn, self.set_id, summary, "recorded", side)
                        if self.owns_session:
                            finish_session(conn, self.session_id, self.reason)
                self.commits += 1
                return
            except sqlite3.Error as err:
                if attempt == 0 and is_corrupt_error(err) and self._recovered(err):
                    continue
                self._fail(err)
                return

    def _recovered(self, err: sqlite3.Error) -> bool:
        """Recover the damaged database; True if this set is still in it."""
        try:
            self.store.recover(err, notify=self.notify)
            row = self.store.conn.execute("SELECT 1 FROM sets WHERE id = ? AND session_id = ?",
                                          (self.set_id, self.session_id)).fetchone()
        except (StoreError, sqlite3.Error):
            return False
        return row is not None and not self.store.read_only

    def _batch(self) -> _Batch:
        seconds, metrics, items, closed = self._acc.drain()
        current = self._acc.open_second()
        if current is not None:
            seconds.append(current[0])
            metrics.extend(current[1])
        chunk = None
        if self._track:
            frames, self._track = self._track, []
            self._track_seq += 1
            chunk = (self._track_seq, frames[0].t, frames[-1].t, len(frames), encode_frames(frames))
        return _Batch(seconds, metrics, items, closed, self._acc.open_faults(), chunk, self._acc.last,
                      self._acc.elapsed)

    def _write(self, conn: sqlite3.Connection, b: _Batch) -> None:
        insert_seconds(conn, self.set_id, b.seconds)
        insert_metrics(conn, self.set_id, b.metrics)
        insert_provisional_items(conn, self.set_id, b.items)
        replace_provisional_faults(conn, self.set_id, b.closed, b.open_faults)
        if b.chunk is not None:
            conn.execute("INSERT OR REPLACE INTO track_chunks (set_id, seq, t0, t1, frames, data) "
                         "VALUES (?, ?, ?, ?, ?, ?)", (self.set_id, *b.chunk))
        if self.models is not None:
            conn.execute("UPDATE sessions SET models = ? WHERE id = ?", (self.models(), self.session_id))
        if b.last is not None:
            update_progress(conn, self.session_id, self.set_id, b.last.reps, b.last.hold_s, b.elapsed,
                            b.last.side)

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
                 notify: Notify | None = None, commit_interval_s: float = DEFAULT_COMMIT_INTERVAL_S,
                 models: Callable[[], str | None] | None = None) -> None:
        self.store = store
        self.models = models
        self.keep_track = keep_track
        self.commit_interval_s = commit_interval_s
        self._notify = notify
        self._warned = False
        self.session_id = create_session(store, source=source, mode=mode, keep_track=keep_track,
                                         models=models() if models is not None else None)
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
                                  session_id=self.session_id, models=self.models)
        except sqlite3.Error as err:
            self.failed = str(err)
            self._note(f"cannot save to the database {self.store.path} ({err}); the session goes on "
                       "without saving")
            return UnsavedSink()
        self.sets.append(rec)
        return rec

    def close(self, interrupted: bool = False, reason: str | None = None) -> None:
        if self.closed:
            return
        self.closed = True
        reasons = [r.reason for r in self.sets if r.reason] + (["a set was never closed"] if any(
            not r.closed for r in self.sets) else [])
        if reason is None and (interrupted or reasons):
            reason = reasons[0] if reasons else "stopped before the end"
        try:
            if not self.failed:
                with transaction(self.store.conn) as conn:
                    has_set = conn.execute("SELECT 1 FROM sets WHERE session_id = ? LIMIT 1",
                                           (self.session_id,)).fetchone()
                    if has_set is None:
                        conn.execute("DELETE FROM sessions WHERE id = ?", (self.session_id,))
                    else:
                        finish_session(conn, self.session_id, reason)
        except sqlite3.Error as err:
            self._note(f"cannot save to the database {self.store.path} ({err}); the session goes on "
                       "without saving")
        finally:
            self.store.close()

    def __enter__(self) -> SessionWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        failed = exc is not None and not isinstance(exc, GeneratorExit)
        self.close(interrupted=failed, reason=end_reason(exc) if failed and exc is not None else None)


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

    def close(self, interrupted: bool = False, reason: str | None = None) -> None:
        pass

    def __enter__(self) -> UnsavedSession:
        return self

    def __exit__(self, *exc: object) -> None:
        pass
