"""What to work on next after a set (``analyze``, ``live``): the advice
lines printed with the summary, from this run's summaries and the earlier
sessions in the database. Advice never makes a run fail: without a
readable database it is given from this run alone."""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Sequence

from coach.advice import what_next
from coach.commands._store_args import db_path, warn
from coach.errors import StoreError
from coach.exercise import SetSummary
from coach.store.db import open_store
from coach.store.results import SetResult, from_summary, recent_results


def earlier_results(args: argparse.Namespace, session_id: int | None) -> list[SetResult]:
    """Complete sets recorded before this run's session (all when it was not saved)."""
    path = db_path(args)
    if not path.exists():
        return []
    try:
        with open_store(path, notify=warn, mark_stale=False) as store:
            return recent_results(store.conn, before_session=session_id, sessions=20)
    except (StoreError, sqlite3.Error, OSError):
        return []


def summary_advice(args: argparse.Namespace, summaries: Sequence[SetSummary], session_id: int | None) -> list[str]:
    now = time.time()
    current = [from_summary(s, started_unix=now, session_id=session_id) for s in summaries]
    return what_next(current, earlier_results(args, session_id))
