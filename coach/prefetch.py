"""One landmarker, with decoding and analysis beside it (``coach analyze
VIDEO --workers 1``, and a video too short to split).

A bare MediaPipe loop does one thing at a time on one thread: decode a
frame, convert it, run the landmarker, then the next frame. The landmarker's
inference (85 % of a frame) runs in native code that releases the GIL, and
so does OpenCV's decoding, so coach runs three stages at once:

- a **decoding** thread reads frames ahead into a queue of :data:`DEPTH`;
- an **inference** thread runs the one landmarker over them, in order, with
  the timestamps a plain loop gives (frame index / fps);
- the caller's thread (smoothing, analysis, feedback, sinks) takes the
  results in order.

The landmarker sees exactly the frames and timestamps of a plain loop, in
the same order, one call at a time, so the landmark stream is bit for bit
that of a single landmarker (``tests/test_prefetch.py``); only the waiting
moves. Decoding and analysis use a second core when there is one; on one
core the threads just take turns.

Errors raised in a stage (a file that cannot be decoded, a model that fails)
reach the caller as the same exception, in order after the frames before
it. Closing (or leaving the iteration early, or Ctrl-C in the caller) stops
both threads before the landmarker and the capture are released.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

DEPTH = 4
"""Frames decoded ahead, and results waiting for the caller: enough to
absorb a slow frame on either side (a keyframe to decode, a sink writing),
small enough to keep memory at a few frames (1.2 MB each at 640x480)."""
POLL_S = 0.1
"""How often a blocked stage looks whether it was told to stop."""
JOIN_S = 10.0
"""How long closing waits for a stage to finish its current frame."""

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_END = object()


class _Stage:
    """A thread that feeds ``fn(item)`` for each item of ``items`` into a
    bounded queue, then an end mark (or the exception that stopped it)."""

    def __init__(self, name: str, items: Callable[[], Iterator[Any]], fn: Callable[[Any], Any],
                 stop: threading.Event) -> None:
        self.out: queue.Queue[Any] = queue.Queue(maxsize=DEPTH)
        self._items = items
        self._fn = fn
        self._stop = stop
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self.out.put(item, timeout=POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        it = self._items()
        try:
            for item in it:
                if not self._put(self._fn(item)):
                    return
            self._put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, raised there
            self._put(_Failed(exc))
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()  # a generator's own clean-up (the capture's release) runs in this thread

    def items(self) -> Iterator[Any]:
        """What the stage produced, in order; its exception is raised here."""
        while True:
            try:
                got = self.out.get(timeout=POLL_S)
            except queue.Empty:
                if self.thread.is_alive() or not self.out.empty():
                    continue
                return  # stopped from outside
            if got is _END:
                return
            if isinstance(got, _Failed):
                raise got.error
            yield got

    def drain(self) -> None:
        while True:
            try:
                self.out.get_nowait()
            except queue.Empty:
                return


class Prefetched:
    """``for result in Prefetched(frames, infer): ...``: ``frames()`` runs in
    a decoding thread, ``infer(frame)`` in an inference thread, in order.
    ``close()`` (also on leaving the iteration) stops and joins both."""

    def __init__(self, frames: Callable[[], Iterator[T]], infer: Callable[[T], U],
                 on_close: Callable[[], None] | None = None) -> None:
        self._stop = threading.Event()
        self._decode = _Stage("coach-decode", frames, lambda f: f, self._stop)
        self._infer = _Stage("coach-infer", self._decode.items, infer, self._stop)
        self._on_close = on_close
        self._closed = False
        self._decode.thread.start()
        self._infer.thread.start()

    def __iter__(self) -> Iterator[Any]:
        try:
            yield from self._infer.items()
        finally:
            self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        for stage in (self._infer, self._decode):
            stage.drain()
        for stage in (self._infer, self._decode):
            for _ in range(int(JOIN_S / POLL_S)):
                if not stage.thread.is_alive():
                    break
                stage.drain()
                stage.thread.join(timeout=POLL_S)
        if self._on_close is not None and not self._infer.thread.is_alive():
            self._on_close()  # never under a landmarker call still running (a stuck thread is left, daemon)
