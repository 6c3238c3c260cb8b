"""A small progress bar for long work, drawn on stderr only when stderr is
a terminal (so logs and CI output stay clean)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int | None, label: str = "", stream: TextIO | None = None,
                 enabled: bool | None = None, min_interval_s: float = 0.1) -> None:
        self.total = total if total and total > 0 else None
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.count = 0
        self._t0 = time.monotonic()
        self._last_draw = 0.0
        self.min_interval_s = min_interval_s

    def update(self, n: int = 1) -> None:
        self.count += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last_draw >= self.min_interval_s:
            self._last_draw = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.count / max(now - self._t0, 1e-9)
        if self.total:
            frac = min(1.0, self.count / self.total)
            width = 30
            filled = int(frac * width)
            eta = (self.total - self.count) / rate if rate > 0 else 0.0
            bar = "#" * filled + "-" * (width - filled)
            text = f"\r{self.label} [{bar}] {self.count}/{self.total} {rate:5.1f} fps ETA {eta:4.0f}s"
        else:
            text = f"\r{self.label} {self.count} frames {rate:5.1f} fps"
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
