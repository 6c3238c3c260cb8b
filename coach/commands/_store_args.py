"""The store's command-line integration: the ``--db``, ``--no-save`` and
``--keep-track`` options, what ``coach analyze``, ``coach live`` and
``coach demo`` call to record a session, and how the review commands
(``history``, ``show``, ``report``, ``export``, ``rescore``) open the
database.

    add_store_args(parser)                  # --db, --no-save, --keep-track
    sink = session_sink(args, exercise=..., source=..., target=..., mode="live")
    if sink is not None:
        sinks.append(sink)

    # or several sets in one session:
    with open_session(args, source=..., mode="demo") as session:
        sinks.append(session.set_sink(exercise=..., target=...))

The sink never makes the analysis fail: if the database cannot be opened
or written (read-only, full disk, unwritable folder) it prints one warning
line on stderr, before the work starts, and the run goes on without saving.
A damaged database is recovered into a new one (the damaged file is kept
as ``coach.db.corrupt-<timestamp>``) and one line says so; the review
commands (:func:`review`) do the same when the damage shows up midway.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from coach.baseline import Baseline
from coach.errors import DamagedStoreError, StoreError
from coach.pipeline import Sink
from coach.store.db import Store, is_corrupt_error, open_store
from coach.store.paths import DB_ENV, resolve_db_path
from coach.store.recorder import SessionRecorder, SessionWriter, UnsavedSession, UnsavedSink

T = TypeVar("T")


def warn(message: str) -> None:
    """One warning line on stderr."""
    print("coach: warning: " + " ".join(str(message).split()), file=sys.stderr)


def add_db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", type=Path, default=None, metavar="PATH",
        help=f"session database (default: ${DB_ENV}, else $XDG_DATA_HOME/coach/coach.db "
             "or ~/.local/share/coach/coach.db)",
    )


def add_store_args(p: argparse.ArgumentParser, *, allow_no_save: bool = True) -> None:
    """--db PATH, --no-save (unless ``allow_no_save`` is False), --keep-track."""
    add_db_arg(p)
    if allow_no_save:
        p.add_argument("--no-save", action="store_true", help="do not record this session in the database")
    p.add_argument(
        "--keep-track", action="store_true",
        help="also store the raw pose track (no video) so `coach rescore` can re-score the session later",
    )


def db_path(args: argparse.Namespace) -> Path:
    return resolve_db_path(getattr(args, "db", None))


def _open_for_recording(args: argparse.Namespace) -> Store | None:
    """The store a recording run writes to, or None after one warning line
    (up front, before the work starts) saying why the session is not saved."""
    path = db_path(args)
    try:
        store = open_store(path, notify=warn)
    except StoreError as exc:
        warn(f"{exc}; the session is not saved")
        return None
    if store.read_only:
        warn(f"the database {path} is read-only (a read-only file, folder or disk); the session is not saved")
        store.close()
        return None
    return store


def _started(store: Store, start: Callable[[], T]) -> T | None:
    """``start()`` (it writes the session's first rows); a damaged database
    is recovered and ``start`` tried again; None after one warning line."""
    for attempt in range(2):
        try:
            return start()
        except sqlite3.DatabaseError as exc:
            if attempt == 0 and is_corrupt_error(exc):
                try:
                    store.recover(exc, notify=warn)
                    continue
                except StoreError as err:
                    exc = sqlite3.DatabaseError(str(err))
            warn(f"cannot save to the database {store.path} ({exc}); the session is not saved")
            store.close()
            return None
    return None


def preflight(args: argparse.Namespace) -> None:
    """For a run whose sessions start later (``coach live`` opens its set
    after the setup screen): check now, before the work starts, that the
    database can save; if not, say so in one line and record nothing."""
    if getattr(args, "no_save", False):
        return
    store = _open_for_recording(args)
    if store is None:
        args.no_save = True
    else:
        store.close()


def session_sink(args: argparse.Namespace, *, exercise: str, source: str, target: float | None,
                 mode: str, models: Callable[[], str | None] | None = None) -> Sink | None:
    """Open the store (creating/migrating it), start a session and a set,
    and return the recording sink; None with ``--no-save``. ``models``
    gives the pose models used so far (``sessions.models``)."""
    if getattr(args, "no_save", False):
        return None
    store = _open_for_recording(args)
    if store is None:
        return UnsavedSink()
    opened = store

    def start() -> SessionRecorder:
        return SessionRecorder(opened, exercise=exercise, source=source, target=target, mode=mode,
                               keep_track=bool(getattr(args, "keep_track", False)), notify=warn, models=models)

    recorder = _started(store, start)
    return UnsavedSink() if recorder is None else recorder


def open_session(args: argparse.Namespace, *, source: str, mode: str,
                 models: Callable[[], str | None] | None = None) -> SessionWriter | UnsavedSession:
    """Like :func:`session_sink`, for a session of several sets::

        with open_session(args, source="demo", mode="demo") as session:
            for exercise in ...:
                sinks = [..., session.set_sink(exercise=exercise, target=None)]
                run(frames, pipeline, sinks)

    With ``--no-save`` or an unusable database every set goes unsaved (one
    warning line in the latter case)."""
    if getattr(args, "no_save", False):
        return UnsavedSession()
    store = _open_for_recording(args)
    if store is None:
        return UnsavedSession()
    opened = store

    def start() -> SessionWriter:
        return SessionWriter(opened, source=source, mode=mode,
                             keep_track=bool(getattr(args, "keep_track", False)), notify=warn, models=models)

    writer = _started(store, start)
    return UnsavedSession() if writer is None else writer


@dataclass(frozen=True)
class Person:
    """Who is exercising, from the database: the height (``coach profile``;
    None: not set) and the current calibrations by exercise (``coach
    calibrate``; empty with ``--no-baseline``)."""

    stature_m: float | None = None
    baselines: Mapping[str, Baseline] = field(default_factory=dict)


def read_person(args: argparse.Namespace) -> Person:
    """The :class:`Person` in the database ``args`` points at, read in one
    opening (never creates the database; nothing known without one)."""
    from coach.store.baselines import current_baselines
    from coach.store.profile import read_profile

    with_baselines = not getattr(args, "no_baseline", False)

    def read(store: Store) -> Person:
        return Person(read_profile(store).height_m, current_baselines(store) if with_baselines else {})

    return _read_personal(args, read, Person())


def _read_personal(args: argparse.Namespace, read: Callable[[Store], T], default: T) -> T:
    """``read`` the person's data from the database ``args`` points at;
    ``default`` without a database or when it cannot be opened (the
    recording run reports that). Damage found while reading is recovered
    (one warning line) and the read retried, so a damaged page in the
    profile or the calibrations is never left behind for the session to
    be written next to."""
    path = db_path(args)
    if not path.exists():
        return default
    try:
        store = open_store(path, notify=warn, mark_stale=False)
    except (StoreError, sqlite3.Error):
        return default
    try:
        for attempt in range(2):
            try:
                return read(store)
            except sqlite3.Error as exc:
                if attempt or not is_corrupt_error(exc) or store.read_only:
                    return default
                try:
                    store.recover(exc, notify=warn)
                except (StoreError, sqlite3.Error, OSError):
                    return default
        return default
    finally:
        store.close()


def add_baseline_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-baseline", action="store_true",
                   help="judge by the exercise's own thresholds only, not against your calibration "
                        "(coach calibrate)")


def open_review_store(args: argparse.Namespace) -> Store | None:
    """The database for the review commands: None if it does not exist yet
    (nothing recorded); a damaged file is recovered with one warning line,
    like a recording run does; one that cannot be written is opened
    read-only."""
    path = db_path(args)
    if not path.exists():
        return None
    return open_store(path, notify=warn)


def require_review_store(args: argparse.Namespace) -> Store:
    store = open_review_store(args)
    if store is None:
        raise StoreError(f"no sessions recorded yet (no database at {db_path(args)})")
    return store


def review(args: argparse.Namespace, work: Callable[[Store], T], *, missing: Callable[[], T] | None = None,
           changes: str | None = None, create: bool = False) -> T:
    """Run ``work`` on the review store and close it. If SQLite finds the
    database damaged midway, it is recovered (one warning line) and
    ``work`` runs again on the recovered copy. Without a database,
    ``missing()`` is the result (else a StoreError). ``changes`` says what
    ``work`` writes ("re-score a session"): a read-only database is then an
    error before any work. ``create``: start a new database if there is none."""
    store = open_store(db_path(args), notify=warn) if create else open_review_store(args)
    if store is None:
        if missing is not None:
            return missing()
        raise StoreError(f"no sessions recorded yet (no database at {db_path(args)})")
    with store:
        if changes is not None:
            store.require_writable(changes)
        for attempt in range(2):
            try:
                return work(store)
            except (DamagedStoreError, sqlite3.DatabaseError) as exc:
                damaged = isinstance(exc, DamagedStoreError) or (
                    isinstance(exc, sqlite3.DatabaseError) and is_corrupt_error(exc))
                if not damaged or attempt:
                    if isinstance(exc, StoreError):
                        raise
                    raise StoreError(f"database error in {store.path}: {exc}") from None
                store.recover(exc, notify=warn)
        raise AssertionError("unreachable")


def add_exercise_filter(p: argparse.ArgumentParser) -> None:
    p.add_argument("--exercise", "-e", metavar="NAME", default=None, help="only this exercise")


def exercise_filter(name: str | None) -> str | None:
    """Canonical exercise name, or a UsageError listing the valid ones."""
    if name is None:
        return None
    from coach.errors import UsageError
    from coach.registry import exercise_names

    key = name.strip().lower().replace("-", "_")
    valid = exercise_names()
    if key not in valid:
        raise UsageError(f"unknown exercise {name!r}; choose one of: {', '.join(valid)}")
    return key

