"""How a session felt: pain and effort (0-10) and a free text, one note per
session (table ``notes``, schema version 2). Noting again changes only the
fields given."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from coach.store.db import now_iso, transaction


@dataclass(frozen=True)
class Note:
    session_id: int
    pain: int | None
    effort: int | None
    text: str | None
    noted_at: str

    @property
    def empty(self) -> bool:
        return self.pain is None and self.effort is None and not self.text

    def short(self) -> str:
        """``3/6``: pain/effort for a table column (``-`` when not given)."""
        if self.pain is None and self.effort is None:
            return "-"
        p = "-" if self.pain is None else str(self.pain)
        e = "-" if self.effort is None else str(self.effort)
        return f"{p}/{e}"

    def sentence(self, with_text: bool = True) -> str:
        parts = []
        if self.pain is not None:
            parts.append(f"pain {self.pain}/10")
        if self.effort is not None:
            parts.append(f"effort {self.effort}/10")
        if with_text and self.text:
            parts.append(f'"{self.text}"')
        return ", ".join(parts)


def set_note(conn: sqlite3.Connection, session_id: int, *, pain: int | None = None, effort: int | None = None,
             text: str | None = None) -> Note:
    """Add or update the note of ``session_id`` (the fields given only)."""
    with transaction(conn):
        old = get_note(conn, session_id)
        new = Note(session_id,
                   pain if pain is not None else (old.pain if old else None),
                   effort if effort is not None else (old.effort if old else None),
                   text if text is not None else (old.text if old else None),
                   now_iso())
        conn.execute(
            "INSERT INTO notes (session_id, pain, effort, text, noted_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (session_id) DO UPDATE SET pain = excluded.pain, effort = excluded.effort, "
            "text = excluded.text, noted_at = excluded.noted_at",
            (session_id, new.pain, new.effort, new.text, new.noted_at))
    return new


def get_note(conn: sqlite3.Connection, session_id: int) -> Note | None:
    r = conn.execute("SELECT session_id, pain, effort, text, noted_at FROM notes WHERE session_id = ?",
                     (session_id,)).fetchone()
    return None if r is None else Note(int(r[0]), r[1], r[2], r[3], str(r[4]))


def notes_for(conn: sqlite3.Connection, session_ids: Sequence[int]) -> dict[int, Note]:
    if not session_ids:
        return {}
    marks = ", ".join("?" for _ in session_ids)
    rows = conn.execute(f"SELECT session_id, pain, effort, text, noted_at FROM notes WHERE session_id IN ({marks})",
                        tuple(session_ids)).fetchall()
    return {int(r[0]): Note(int(r[0]), r[1], r[2], r[3], str(r[4])) for r in rows}
