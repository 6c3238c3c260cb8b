"""Parsing ``--since DATE`` and showing stored times in local time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from coach.errors import UsageError

_RELATIVE = re.compile(r"^(\d+)\s*([dwh])$")


def parse_since(text: str, now: datetime | None = None) -> float:
    """Unix time for ``YYYY-MM-DD`` (local midnight), an ISO date-time,
    ``today``, ``yesterday`` or ``N{h,d,w}`` (hours, days, weeks ago)."""
    raw = text.strip().lower()
    current = now or datetime.now().astimezone()
    midnight = current.replace(hour=0, minute=0, second=0, microsecond=0)
    if raw == "today":
        return midnight.timestamp()
    if raw == "yesterday":
        return (midnight - timedelta(days=1)).timestamp()
    m = _RELATIVE.match(raw)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        delta = {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[unit]
        return (current - delta).timestamp()
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--since {text!r}: expected a date such as 2024-05-31, a date-time such as 2024-05-31T18:00, "
            "'today', 'yesterday' or '7d'"
        ) from None
    if dt.tzinfo is None:
        dt = dt.astimezone()  # local time
    return dt.timestamp()


def local_time(unix: float, with_seconds: bool = False) -> str:
    fmt = "%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M"
    return datetime.fromtimestamp(unix).astimezone().strftime(fmt)
