"""The per-frame pipeline: PoseFrame -> smoother -> analyzer -> feedback
policy -> sinks. Each stage is usable alone; this module only wires them.

:class:`Pipeline` is the performance-critical step (used by ``analyze``,
``demo`` and ``live``); :func:`pose_frames_from` turns an input path into
PoseFrames (running the pose model for videos).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from coach.exercise import ExerciseAnalyzer, FrameVerdict, SetSummary
from coach.feedback import Cue, FeedbackPolicy, policy_for
from coach.pose import PoseFrame
from coach.smoothing import PoseSmoother


@dataclass(frozen=True, eq=False)
class Sample:
    """Everything known about one processed frame."""

    raw: PoseFrame
    frame: PoseFrame  # smoothed
    verdict: FrameVerdict
    cue: Cue | None
    image: NDArray[np.uint8] | None = None
    timings: dict[str, float] = field(default_factory=dict)


class Sink(Protocol):
    """Receives every sample, then the summary once at the end."""

    def on_sample(self, sample: Sample) -> None: ...

    def close(self, summary: SetSummary) -> None: ...


class Watcher(Protocol):
    """Looks at every smoothed frame beside the analyzer; returns words to
    say on the frame they are due (the "This looks like a plank" warning,
    :class:`coach.recognition.mismatch.MismatchWatcher`)."""

    def update(self, frame: PoseFrame) -> str | None: ...

    def reset(self) -> None: ...


WATCH_CUE = "recognition"
"""The ``kind`` of a watcher's cue."""


class Pipeline:
    """Smoothing, analysis and feedback for one set."""

    def __init__(
        self,
        analyzer: ExerciseAnalyzer,
        smoother: PoseSmoother | None = None,
        policy: FeedbackPolicy | None = None,
        watcher: Watcher | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.smoother = smoother or PoseSmoother()
        self.policy = policy or policy_for(analyzer)
        self.watcher = watcher
        self.frames = 0
        self.person_frames = 0

    def step(self, raw: PoseFrame, image: NDArray[np.uint8] | None = None) -> Sample:
        t0 = time.perf_counter()
        smooth = self.smoother(raw)
        verdict = self.analyzer.update(smooth)
        cue = self.policy.update(verdict)
        if self.watcher is not None:
            said = self.watcher.update(smooth)
            if said is not None:  # said once, before anything else on that frame
                cue = Cue(verdict.t, said, WATCH_CUE, spoken=not self.policy.muted)
        self.frames += 1
        if raw.has_person:
            self.person_frames += 1
        return Sample(raw, smooth, verdict, cue, image, {"analysis_s": time.perf_counter() - t0})

    def summary(self) -> SetSummary:
        return self.analyzer.summary()

    def reset(self) -> None:
        self.analyzer.reset()
        self.smoother.reset()
        self.policy.reset()
        if self.watcher is not None:
            self.watcher.reset()
        self.frames = 0
        self.person_frames = 0


@dataclass(frozen=True)
class RunResult:
    summary: SetSummary
    frames: int
    person_frames: int

    @property
    def no_person(self) -> bool:
        return self.person_frames == 0


FrameItem = tuple[PoseFrame, "NDArray[np.uint8] | None"]


def run(
    items: Iterable[FrameItem],
    pipeline: Pipeline,
    sinks: Iterable[Sink] = (),
    on_frame: Callable[[], None] | None = None,
) -> RunResult:
    """Drive ``pipeline`` over (frame, image) items, feeding every sink;
    every sink is closed with the summary even if the input fails midway or
    another sink fails to close (the first such failure is raised after)."""
    sink_list = list(sinks)
    summary: SetSummary | None = None
    try:
        for raw, image in items:
            sample = pipeline.step(raw, image)
            for s in sink_list:
                s.on_sample(sample)
            if on_frame is not None:
                on_frame()
    finally:
        summary = pipeline.summary()
        failed: Exception | None = None
        for s in sink_list:
            try:
                s.close(summary)
            except Exception as exc:  # noqa: BLE001 - close the others (the store), then raise it
                failed = failed or exc
        if failed is not None and sys.exc_info()[1] is None:
            raise failed
    return RunResult(summary, pipeline.frames, pipeline.person_frames)


def pose_frames_from(
    path: str | Path,
    model_path: Path | None = None,
    keep_images: bool = False,
    stack: ExitStack | None = None,
    aspect: float | None = None,
    workers: int | None = 1,
    prefetch: bool = True,
) -> tuple[Iterator[FrameItem], int | None]:
    """(frames, count or None) for a video file or a pose-track CSV.

    For a video the pose model runs here (loaded through ``stack`` so the
    caller closes it), in up to ``workers`` processes for a long enough
    video (:mod:`coach.parallel`; None: one per core; the frames come back in
    order either way). One landmarker runs in its own thread beside a
    decoding thread (:mod:`coach.prefetch`) unless ``prefetch`` is False
    (``coach batch``, whose processes already fill every core).
    Raises InputError / ModelError with clear messages.
    """
    from coach.sources import VideoFrame, VideoSource, is_pose_track

    if is_pose_track(path):
        from coach.posetrack import read_pose_track

        return ((f, None) for f in read_pose_track(path, aspect=aspect)), None
    source = VideoSource(path)
    from coach.models import ensure_model
    from coach.pose_backend import MediaPipePose, PoseBackendOptions

    model = model_path or ensure_model()
    from coach.parallel import ParallelPose, default_workers, plan_chunks

    workers = default_workers() if workers is None else workers
    if workers > 1 and source.frame_count:
        if len(plan_chunks(source.frame_count, workers)) > 1:
            if not Path(model).is_file():
                from coach.errors import ModelError

                raise ModelError(f"pose model not found at {model}; run `coach models fetch`")
            source.close()
            par = ParallelPose(path, Path(model), source.fps, source.frame_count, workers, keep_images,
                               size=(source.width, source.height))
            if stack is not None:
                stack.callback(par.close)
            return iter(par), source.frame_count
    backend = MediaPipePose(PoseBackendOptions(model_path=Path(model)))
    if prefetch:
        from coach.prefetch import Prefetched

        def infer(vf: VideoFrame) -> FrameItem:
            return backend.detect(vf.image, vf.t), (vf.image if keep_images else None)

        stream = Prefetched(source.__iter__, infer, on_close=backend.close)
        if stack is not None:
            stack.callback(stream.close)
        return iter(stream), source.frame_count
    if stack is not None:
        stack.enter_context(backend)

    def gen() -> Iterator[FrameItem]:
        try:
            for vf in source:
                frame = backend.detect(vf.image, vf.t)
                yield frame, (vf.image if keep_images else None)
        finally:
            if stack is None:
                backend.close()

    return gen(), source.frame_count
