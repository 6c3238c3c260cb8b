"""``coach delete SESSION``: remove a session and everything stored about
it (sets, reps, fault episodes, per-second rows, the pose track, the score
history; the foreign keys cascade). With ``secure_delete`` on (see
:func:`coach.store.db._connect`) the deleted rows are overwritten, so a
later recovery of a damaged file cannot bring them back."""

from __future__ import annotations

from coach.errors import StoreError
from coach.store.db import Store, transaction
from coach.store.proc import ProcessId, is_alive


def delete_session(store: Store, session_id: int) -> None:
    """Delete a session; refused while its process is still recording it."""
    store.require_writable(f"delete session {session_id}")
    with transaction(store.conn) as conn:
        row = conn.execute("SELECT status, host, pid, pid_start FROM sessions WHERE id = ?",
                           (session_id,)).fetchone()
        if row is None:
            raise StoreError(f"no session {session_id}; `coach history` lists the sessions")
        if row[0] == "running" and is_alive(ProcessId(str(row[1]), int(row[2]), row[3])):
            raise StoreError(f"session {session_id} is still being recorded (process {row[2]}); "
                             "stop that run first")
        conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
