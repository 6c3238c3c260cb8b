"""Is the process that started a ``running`` session still alive?

A session row records the pid, the host and the process start time (from
``/proc/<pid>/stat``, so a recycled pid is not mistaken for the original
process). Sessions whose process is gone are marked ``interrupted``.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessId:
    host: str
    pid: int
    start: str | None
    """Start time in clock ticks since boot (Linux), None where unknown."""


def _stat_fields(pid: int) -> tuple[str, str] | None:
    """(state, starttime) from /proc/<pid>/stat, or None if unavailable."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may contain spaces.
    rest = text[text.rfind(")") + 2:].split()
    if len(rest) < 20:
        return None
    return rest[0], rest[19]


def current_process() -> ProcessId:
    pid = os.getpid()
    fields = _stat_fields(pid)
    return ProcessId(socket.gethostname(), pid, fields[1] if fields else None)


def is_alive(proc: ProcessId) -> bool:
    """True if the process may still be running. Processes on another host
    cannot be checked and count as alive."""
    if proc.host != socket.gethostname():
        return True
    if proc.pid <= 0:
        return False
    try:
        os.kill(proc.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    fields = _stat_fields(proc.pid)
    if fields is None:
        return not Path("/proc/self/stat").exists()  # no /proc here: trust kill(0)
    state, start = fields
    if state in ("Z", "X"):
        return False
    return proc.start is None or start == proc.start
