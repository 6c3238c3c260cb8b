"""Where the session database lives by default."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "COACH_DB"
DB_NAME = "coach.db"


def user_data_dir() -> Path:
    """``$XDG_DATA_HOME/coach``, else ``~/.local/share/coach``."""
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "coach"


def default_db_path() -> Path:
    """``$COACH_DB`` if set, else the database in the user data dir."""
    env = os.environ.get(DB_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return user_data_dir() / DB_NAME


def resolve_db_path(explicit: str | os.PathLike[str] | None) -> Path:
    """``--db`` wins over ``$COACH_DB``, which wins over the user data dir."""
    if explicit is not None and str(explicit).strip():
        return Path(explicit).expanduser()
    return default_db_path()
