"""A small progress bar for long work on stderr: a redrawn bar on a
terminal; elsewhere (a log file, a pipe, CI) a plain line every
:data:`PLAIN_INTERVAL_S` seconds, so short runs print nothing and long ones
still show they are alive."""

from __future__ import annotations

import sys
import time
from typing import TextIO

PLAIN_INTERVAL_S = 5.0
"""Seconds between the plain progress lines written when stderr is not a terminal."""


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """``enabled=None``: a bar on a terminal, plain periodic lines elsewhere;
    ``False``: nothing (``--quiet``); ``True``: the bar. ``unit`` names what
    is counted (``frames``, ``sessions``)."""

    def __init__(self, total: int | None, label: str = "", stream: TextIO | None = None,
                 enabled: bool | None = None, min_interval_s: float = 0.1, unit: str = "frames",
                 plain_interval_s: float = PLAIN_INTERVAL_S) -> None:
        self.total = total if total and total > 0 else None
        self.label = label
        self.stream = stream or sys.stderr
        tty = _isatty(self.stream)
        self.enabled = tty if enabled is None else enabled
        self.plain = enabled is None and not tty
        self.unit = unit
        self.count = 0
        self._t0 = time.monotonic()
        self._last_draw = 0.0
        self._last_plain = self._t0
        self._plain_lines = 0
        self.min_interval_s = min_interval_s
        self.plain_interval_s = plain_interval_s

    def update(self, n: int = 1) -> None:
        self.count += n
        if self.plain:
            now = time.monotonic()
            if now - self._last_plain >= self.plain_interval_s:
                self._last_plain = now
                self._plain_line(now)
            return
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
            speed = f"{rate:5.1f} fps" if self.unit == "frames" else f"{rate:4.1f} {self.unit}/s"
            text = f"\r{self.label} [{bar}] {self.count}/{self.total} {speed} ETA {eta:4.0f}s"
        else:
            text = f"\r{self.label} {self.count} frames {rate:5.1f} fps"
        self.stream.write(text)
        self.stream.flush()

    def _plain_line(self, now: float) -> None:
        elapsed = now - self._t0
        if self.total:
            pct = 100.0 * min(1.0, self.count / self.total)
            rate = self.count / max(elapsed, 1e-9)
            eta = (self.total - self.count) / rate if rate > 0 else 0.0
            text = f"{self.label}: {self.count}/{self.total} {self.unit} ({pct:.0f}%), {elapsed:.0f} s, " \
                   f"about {eta:.0f} s left"
        else:
            text = f"{self.label}: {self.count} {self.unit}, {elapsed:.0f} s"
        self._plain_lines += 1
        try:
            self.stream.write(text + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            self.plain = False

    def close(self) -> None:
        if self.plain:
            if self._plain_lines:
                self._plain_line(time.monotonic())
            return
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
