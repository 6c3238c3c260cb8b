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
line on stderr and the run goes on without saving. A corrupt database file
is moved aside (``coach.db.corrupt-<timestamp>``), a new one is started and
one line says so.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from coach.errors import StoreError
from coach.pipeline import Sink
from coach.store.db import Store, open_store
from coach.store.paths import DB_ENV, resolve_db_path
from coach.store.recorder import SessionRecorder, SessionWriter, UnsavedSession, UnsavedSink


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


def session_sink(args: argparse.Namespace, *, exercise: str, source: str, target: float | None,
                 mode: str) -> Sink | None:
    """Open the store (creating/migrating it), start a session and a set,
    and return the recording sink; None with ``--no-save``."""
    if getattr(args, "no_save", False):
        return None
    path = db_path(args)
    store: Store | None = None
    try:
        store = open_store(path, notify=warn)
        return SessionRecorder(store, exercise=exercise, source=source, target=target, mode=mode,
                               keep_track=bool(getattr(args, "keep_track", False)), notify=warn)
    except StoreError as exc:
        warn(f"{exc}; the session is not saved")
    except sqlite3.Error as exc:
        warn(f"cannot save to the database {path} ({exc}); the session is not saved")
    if store is not None:
        store.close()
    return UnsavedSink()


def open_session(args: argparse.Namespace, *, source: str, mode: str) -> SessionWriter | UnsavedSession:
    """Like :func:`session_sink`, for a session of several sets::

        with open_session(args, source="demo", mode="demo") as session:
            for exercise in ...:
                sinks = [..., session.set_sink(exercise=exercise, target=None)]
                run(frames, pipeline, sinks)

    With ``--no-save`` or an unusable database every set goes unsaved (one
    warning line in the latter case)."""
    if getattr(args, "no_save", False):
        return UnsavedSession()
    path = db_path(args)
    store: Store | None = None
    try:
        store = open_store(path, notify=warn)
        return SessionWriter(store, source=source, mode=mode,
                             keep_track=bool(getattr(args, "keep_track", False)), notify=warn)
    except StoreError as exc:
        warn(f"{exc}; the session is not saved")
    except sqlite3.Error as exc:
        warn(f"cannot save to the database {path} ({exc}); the session is not saved")
    if store is not None:
        store.close()
    return UnsavedSession()


def open_review_store(args: argparse.Namespace) -> Store | None:
    """The database for ``history``/``show``/``report``/``export``/``rescore``:
    None if it does not exist yet (nothing recorded); a corrupt file is moved
    aside with one warning line, like a recording run does."""
    path = db_path(args)
    if not path.exists():
        return None
    return open_store(path, notify=warn)


def require_review_store(args: argparse.Namespace) -> Store:
    store = open_review_store(args)
    if store is None:
        raise StoreError(f"no sessions recorded yet (no database at {db_path(args)})")
    return store


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

