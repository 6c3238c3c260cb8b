"""Writing the report file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from coach.errors import StoreError
from coach.outfile import write_text
from coach.report.build import load, render
from coach.store.db import Store


def write_report(store: Store, out: str | Path, session_ids: Sequence[int], *,
                 trend_session_ids: Sequence[int] | None = None, selection: str = "",
                 on_step: Callable[[str], None] | None = None, share: bool = False,
                 include_interrupted: bool = False) -> Path:
    """Render the report for ``session_ids`` and write it to ``out``
    (complete or not at all: :func:`coach.outfile.write_text`; the caller
    checks ``out`` before the work with :func:`coach.outfile.check_output`);
    ``on_step`` is called after each session read and each session drawn
    (a progress bar)."""
    data = load(store, session_ids, trend_session_ids, selection, on_step=on_step, share=share,
                include_interrupted=include_interrupted)
    text = render(store, data, on_step=on_step)
    path = Path(out)
    write_text(path, text, StoreError, f"the report {path}")
    return path
