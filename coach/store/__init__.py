"""The session store: SQLite (WAL) in the user's data dir.

* :mod:`~coach.store.schema` - tables and versioned migrations
* :mod:`~coach.store.db` - opening, corrupt files, interrupted sessions
* :mod:`~coach.store.recorder` - the crash-safe recording sink
* :mod:`~coach.store.queries` - reading sessions back
* :mod:`~coach.store.export` - CSV/JSON export
* :mod:`~coach.store.rescore` - re-running the analyzer on a stored track

The command-line integration (``--db``, ``session_sink``) is in
:mod:`coach.commands._store_args`.
"""

from __future__ import annotations

from coach.store.db import Store, open_store
from coach.store.paths import default_db_path, resolve_db_path
from coach.store.recorder import SessionRecorder

__all__ = ["SessionRecorder", "Store", "default_db_path", "open_store", "resolve_db_path"]
