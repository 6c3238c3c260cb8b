"""Writing the report file."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from coach.errors import StoreError
from coach.report.build import load, render
from coach.store.db import Store


def write_report(store: Store, out: str | Path, session_ids: Sequence[int], *,
                 trend_session_ids: Sequence[int] | None = None, selection: str = "",
                 on_step: Callable[[str], None] | None = None, share: bool = False) -> Path:
    """Render the report for ``session_ids`` and write it atomically to
    ``out``; ``on_step`` is called after each session read and each
    session drawn (a progress bar)."""
    data = load(store, session_ids, trend_session_ids, selection, on_step=on_step, share=share)
    text = render(store, data, on_step=on_step)
    path = Path(out)
    tmp = path.with_name(path.name + ".tmp")
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(f"cannot write the report {path}: {exc.strerror or exc}") from None
    return path
