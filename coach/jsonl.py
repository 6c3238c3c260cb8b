"""The analysis JSONL sink (one object per analysed frame, docs/formats.md) and
the summary JSON writer."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TextIO

from coach.errors import InputError
from coach.exercise import SetSummary
from coach.pipeline import Sample


def _open_for_write(path: str | Path) -> TextIO:
    p = Path(path)
    try:
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        return p.open("w", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None


class JsonlSink:
    """Writes one JSON line per frame; ``cue`` is the feedback policy's cue."""

    def __init__(self, path: str | Path, include_metrics: bool = True) -> None:
        self.path = Path(path)
        self.include_metrics = include_metrics
        self._fh = _open_for_write(path)
        self.lines = 0

    def on_sample(self, sample: Sample) -> None:
        obj = sample.verdict.to_json(
            cue=sample.cue.text if sample.cue else None, include_metrics=self.include_metrics
        )
        try:
            self._fh.write(json.dumps(obj, separators=(",", ":")) + "\n")
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        self.lines += 1

    def close(self, summary: SetSummary) -> None:
        if not self._fh.closed:
            try:
                self._fh.close()
            except OSError as exc:
                raise InputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None


def write_json(path: str | Path, obj: Any) -> None:
    """Write JSON. A regular file (or a new path) is replaced atomically
    (temp file + rename); a symlink is followed; a device or pipe
    (``/dev/stdout``) is written directly, never replaced."""
    text = json.dumps(obj, indent=2) + "\n"
    p = Path(path)
    try:
        if p.is_symlink():
            p = p.resolve()
        if p.is_dir():
            raise InputError(f"{path}: is a folder; give a file path")
        if p.exists() and not p.is_file():
            with p.open("w", encoding="utf-8") as device:
                device.write(text)
            return
        tmp = p.with_name(p.name + ".tmp")
        with _open_for_write(tmp) as fh:
            fh.write(text)
        os.replace(tmp, p)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
