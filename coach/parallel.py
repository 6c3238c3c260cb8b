"""Parallel pose inference for video files: all cores, one landmarker each.

The video's frames are split into consecutive chunks, one per worker
process. Each worker decodes the file itself, skips (``grab``, no colour
conversion) to a little before its chunk while its model loads, runs its
own VIDEO-mode PoseLandmarker over ``overlap`` warm-up frames whose results
it throws away, then over its chunk (decoding in a thread beside it,
:mod:`coach.prefetch`), and sends the landmarks (never pixels) back. The
parent stitches the chunks back in frame order, so smoothing, analysis,
feedback and every sink see one stream in frame order, with the timestamps
a single landmarker gives (frame index / fps).

Boundaries. A landmarker in VIDEO mode detects the person on its first
frame and then tracks from the previous frame's landmarks, so at a chunk
start the worker's landmarker has ``overlap`` frames of history where the
serial one has all of them. On the generated and real test videos the
landmarks at a boundary differ from the serial run's by well under the One
Euro smoother's jitter (see docs/models.md, "Parallel inference"); the
tests compare against ``--workers 1`` on a real video with counted reps:
counts equal, hold times within one frame, every verdict change within one
frame (``tests/test_parallel_counts.py``).
Smoothing and analysis never run in the workers: they run once, in order,
in the parent, so no analyzer state is ever split at a boundary.

Skipping costs a decode per skipped frame (~0.4 ms at 640x480, about 2 % of
an inference), so later chunks are made slightly shorter to finish together
(:func:`plan_chunks`). Skipping by ``grab`` rather than seeking keeps frame
indexes exact on every file, variable frame rate included.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coach.errors import CoachError, InputError, ModelError
from coach.pose import PoseFrame

DEFAULT_OVERLAP = 10
"""Warm-up frames before each chunk but the first. VIDEO mode keeps no
state but the region of interest from the previous frame's landmarks, which
settles within a few frames: measured after a boundary (docs/models.md,
"Parallel inference"), the landmarks' difference from a single landmarker's
is the same with 10 warm-up frames as with 30 (median of the per-frame
maximum 0.24 % vs 0.21 % of the image on the Pose2Sim clip, 0.58 % vs
0.53 % on the bench video); only the first 3 frames after the boundary
differ a little more (0.1-0.3 % vs 0.05-0.1 %). 20 fewer inferences per
worker."""
MIN_CHUNK = 120
"""Fewest frames worth a worker of their own: a worker costs a model load
(~0.3 s) and ``DEFAULT_OVERLAP`` warm-up inferences."""
BATCH = 16
"""Frames per message from a worker."""
SKIP_COST_640 = 0.025
"""A skipped frame's decode, as a fraction of one inference, at 640x480
(measured: grab 0.36-0.40 ms, inference 16-18 ms); scaled by pixel count."""

FrameItem = tuple[PoseFrame, "NDArray[np.uint8] | None"]


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Chunk:
    """Frames ``start`` to ``end`` (exclusive; None: to the end of the file),
    after warm-up from ``warmup_from``."""

    index: int
    start: int
    end: int | None
    warmup_from: int


def plan_chunks(frame_count: int, workers: int, overlap: int = DEFAULT_OVERLAP, min_chunk: int = MIN_CHUNK,
                skip_cost: float = SKIP_COST_640) -> list[Chunk]:
    """Split ``frame_count`` frames into at most ``workers`` chunks of at
    least ``min_chunk`` frames that should take the same time, counting
    each worker's skipped frames at ``skip_cost`` of an inference and its
    warm-up frames at a full one. The last chunk runs to the end of the file
    (the container's frame count is an estimate)."""
    n = max(1, min(workers, frame_count // max(1, min_chunk)))
    if n == 1:
        return [Chunk(0, 0, None, 0)]

    def cost(start: int, length: float) -> float:
        warm = min(overlap, start)
        return (start - warm) * skip_cost + warm + length

    # bisect the common finishing time T: each chunk gets what fits in T
    lo, hi = frame_count / n, float(frame_count + overlap + frame_count * skip_cost)
    starts: list[int] = []
    for _ in range(60):
        mid = (lo + hi) / 2
        s, starts = 0.0, []
        for _k in range(n):
            starts.append(round(s))
            length = max(0.0, mid - (cost(round(s), 0.0)))
            s += length
        if s >= frame_count:
            hi = mid
        else:
            lo = mid
    chunks = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < n else None
        chunks.append(Chunk(k, start, end, max(0, start - overlap) if k else 0))
    return [c for c in chunks if c.end is None or c.end > c.start]


def _skip_cost(width: int, height: int) -> float:
    pixels = max(1, width * height)
    return min(0.5, SKIP_COST_640 * pixels / (640 * 480))


def _worker(path: str, chunk: Chunk, model: str, fps: float, out: Any) -> None:
    """One worker process: skip to the warm-up while the model loads, then
    decode (in a thread, :mod:`coach.prefetch`), warm up, infer the chunk,
    send landmarks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    for sig in (signal.SIGTERM, signal.SIGHUP):  # not the CLI's handlers inherited by the fork: just stop
        signal.signal(sig, signal.SIG_DFL)
    try:
        out.put(("done", _infer_chunk(path, chunk, model, fps, out)))
    except CoachError as exc:
        out.put(("error", type(exc).__name__, str(exc)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as one line
        out.put(("error", "RuntimeError", f"{type(exc).__name__}: {exc}"))


def _infer_chunk(path: str, chunk: Chunk, model: str, fps: float, out: Any) -> int:
    """Send the chunk's frames in batches; return the index after the last
    frame decoded."""
    import threading

    from coach.cvlog import cv2
    from coach.pose_backend import MediaPipePose, PoseBackendOptions
    from coach.prefetch import Prefetched

    cap = cv2.VideoCapture(path)
    skipped = [0]

    def skip() -> None:  # grab() decodes without converting: the frames before the warm-up
        while skipped[0] < chunk.warmup_from and cap.grab():
            skipped[0] += 1

    skipper = threading.Thread(target=skip, name="coach-skip", daemon=True)
    skipper.start()
    try:
        backend = MediaPipePose(PoseBackendOptions(model_path=Path(model)))  # loads while the skipper decodes
    except BaseException:
        skipper.join()
        cap.release()
        raise
    skipper.join()
    first = index = skipped[0]

    def frames() -> Iterator[tuple[int, Any]]:
        i = first
        while chunk.end is None or i < chunk.end:
            ok, image = cap.read()
            if not ok or image is None:
                return
            yield i, image
            i += 1

    def infer(item: tuple[int, Any]) -> tuple[int, PoseFrame]:
        i, image = item
        return i, backend.detect(np.asarray(image, dtype=np.uint8), i / fps)

    batch: list[PoseFrame] = []
    stream = Prefetched(frames, infer, on_close=backend.close)
    try:
        for index, frame in stream:
            if index >= chunk.start:
                batch.append(frame)
                if len(batch) >= BATCH:
                    out.put(("frames", batch))
                    batch = []
            index += 1
    finally:
        stream.close()  # both threads stopped, then the landmarker closed
        cap.release()
    out.put(("frames", batch))
    return index


def _freeze(frame: PoseFrame) -> PoseFrame:
    """Arrays arrive writeable from pickling; PoseFrame's are read-only."""
    for a in (frame.xy, frame.z, frame.visibility, frame.world):
        if a is not None:
            a.flags.writeable = False
    return frame


class ParallelPose:
    """Start the workers now (before the caller opens any sink, so no
    child inherits an output file); iterate to get ``(frame, image)`` items
    in frame order; ``close()`` stops them. Images are decoded again in the
    parent only when ``keep_images`` (for ``--video-out``)."""

    def __init__(self, path: str | Path, model: Path, fps: float, frame_count: int, workers: int,
                 keep_images: bool = False, overlap: int = DEFAULT_OVERLAP, min_chunk: int = MIN_CHUNK,
                 size: tuple[int, int] = (640, 480)) -> None:
        import coach.pose_backend  # noqa: F401 - imported once here, inherited by every forked worker

        self.path = Path(path)
        self.keep_images = keep_images
        self.chunks = plan_chunks(frame_count, workers, overlap, min_chunk, _skip_cost(*size))
        ctx = mp.get_context("fork")
        self._queues = [ctx.Queue() for _ in self.chunks]
        self._procs = [ctx.Process(target=_worker, args=(str(self.path), c, str(model), fps, q), daemon=True,
                                   name=f"coach-pose-{c.index}")
                       for c, q in zip(self.chunks, self._queues, strict=True)]
        for p in self._procs:
            p.start()
        self.decoded = 0
        self._finished = 0  # chunks whose worker said "done"

    @property
    def workers(self) -> int:
        return len(self.chunks)

    def _messages(self, k: int) -> Iterator[list[PoseFrame]]:
        q, proc = self._queues[k], self._procs[k]
        while True:
            try:
                msg = q.get(timeout=0.5)
            except queue.Empty:
                if proc.is_alive():
                    continue
                try:
                    msg = q.get(timeout=0.5)
                except queue.Empty:
                    raise CoachError(f"pose worker {k} stopped unexpectedly (exit code {proc.exitcode})") from None
            if msg[0] == "frames":
                yield msg[1]
            elif msg[0] == "done":
                self.decoded = int(msg[1])
                self._finished = k + 1
                return
            else:
                _, kind, text = msg
                raise {"ModelError": ModelError, "InputError": InputError}.get(kind, CoachError)(text)

    def __iter__(self) -> Iterator[FrameItem]:
        images: Iterator[Any] | None = None
        if self.keep_images:
            from coach.sources import VideoSource

            images = iter(VideoSource(self.path))
        try:
            for k in range(len(self.chunks)):
                for batch in self._messages(k):
                    for frame in batch:
                        image = None if images is None else next(images).image
                        yield _freeze(frame), image
            if self.decoded == 0:
                raise InputError(f"{self.path}: no frame could be decoded (corrupt or truncated video)")
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers: those done exit by themselves (give them a
        moment to flush their queue), the others are terminated."""
        for k, p in enumerate(self._procs):
            if k < self._finished:
                p.join(timeout=2)
        for p in self._procs:
            if p.is_alive():
                p.terminate()
        for p in self._procs:
            p.join(timeout=5)
        for q in self._queues:
            q.close()
            q.cancel_join_thread()

    def __enter__(self) -> ParallelPose:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
