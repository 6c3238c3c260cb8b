"""The analysis JSONL sink (one object per analysed frame, docs/formats.md) and
the summary JSON writer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coach.errors import InputError
from coach.exercise import SetSummary
from coach.outfile import StreamFile, write_text
from coach.pipeline import Sample


class JsonlSink:
    """Writes one JSON line per frame; ``cue`` is the feedback policy's cue.

    Lines are written whole (:class:`~coach.outfile.StreamFile`): on a full
    disk the file keeps its complete lines only (or is removed if it has
    none) and the run stops with a one-line :class:`InputError`."""

    def __init__(self, path: str | Path, include_metrics: bool = True) -> None:
        self.path = Path(path)
        self.include_metrics = include_metrics
        self._out = StreamFile(self.path, InputError)
        self.lines = 0

    def on_sample(self, sample: Sample) -> None:
        obj = sample.verdict.to_json(
            cue=sample.cue.text if sample.cue else None, include_metrics=self.include_metrics
        )
        extra = getattr(sample, "json_extra", None)  # a routine's frame: its exercise and set
        if extra:
            obj.update(extra)
        self._out.write(json.dumps(obj, separators=(",", ":")) + "\n")
        self.lines += 1

    def close(self, summary: SetSummary) -> None:
        self._out.close()


def write_json(path: str | Path, obj: Any) -> None:
    """Write JSON completely or not at all (:func:`coach.outfile.write_text`:
    a regular file is replaced atomically after an ``fsync``; a device or
    pipe such as ``/dev/stdout`` is written directly); any failure is a
    one-line :class:`InputError` and leaves no temporary file."""
    write_text(Path(path), json.dumps(obj, indent=2) + "\n", InputError)
