"""``coach bench``: how fast coach is, and where the time goes.

Three measurements, each reproducible with one command (BENCHMARKS.md):

1. **Per frame, on the same frames** (decoded into memory first): a bare
   MediaPipe PoseLandmarker loop (:class:`coach.pose_backend.RawLandmarker`)
   and coach's pipeline, split into inference (pose model + conversion to
   PoseFrame), analysis (smoothing + exercise analyzer + feedback policy)
   and rendering (the overlay). The two run interleaved frame by frame,
   alternating which goes first, so machine noise hits both alike; the
   ratios come from one run. Analysis is also timed on a generated
   full-body track of the exercise itself (:mod:`coach.synth.tracks`),
   where the analyzer does all its work (the generated video shows an
   upper body only). Every registered exercise's analysis is also timed
   on the same frames, each right after its own inference of the frame
   (:func:`bench_frames`), so one run gives the share of all of them.
2. **Real-time latency**: the live loop on a video played as a camera
   (``--realtime``), headless, from the capture timestamp to the annotated
   frame handed to the screen.
3. **Memory soak** (``--soak-minutes``): the live loop (capture thread,
   setup screen, pipeline, feedback, overlay rendering) on a replayed generated
   track of the exercise without the model, as fast as it goes, reading RSS from
   ``/proc/self/status`` at every minute of session time.

Without ``--video`` the benchmark makes its own video of a real person
(Grace Hopper's portrait from matplotlib's sample data, moving).
"""

from __future__ import annotations

import math
import os
import platform
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coach.cvlog import cv2
from coach.errors import InputError
from coach.feedback import policy_for
from coach.pose import PoseFrame
from coach.sources import VideoFrame

Image = NDArray[np.uint8]
Report = Callable[[str], None]

# Targets from the performance issue (2-core CPU, full model).
TARGET_SHARE_P95 = 0.03
TARGET_OVERHEAD = 1.05
TARGET_EXCESS_MS = 5.0
TARGET_RSS_GROWTH_MB = 5.0
TARGET_RECOGNITION_P95_MS = 0.2
"""Recognising the exercise (features + rules, :mod:`coach.recognition`)
may add at most 0.2 ms per frame at p95."""


@dataclass(frozen=True)
class BenchConfig:
    video: Path | None = None
    frames: int = 300
    warmup: int = 15
    exercise: str = "plank"
    model: Path | None = None
    size: tuple[int, int] = (640, 480)
    fps: float = 30.0
    realtime_s: float = 10.0
    """Seconds of the real-time latency run (0: skip it)."""
    soak_minutes: float = 0.0
    """Minutes of session time for the memory soak (0: skip it)."""
    skip_frames: bool = False

    def __post_init__(self) -> None:
        if self.frames < 1 or self.warmup < 0 or self.warmup >= self.frames:
            raise ValueError("need frames >= 1 and 0 <= warmup < frames")
        if self.realtime_s < 0 or self.soak_minutes < 0:
            raise ValueError("durations must be >= 0")


# --------------------------------------------------------------------------
# statistics
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Dist:
    """Median and 95th percentile of per-frame times, in milliseconds."""

    median: float
    p95: float
    n: int

    @classmethod
    def of(cls, seconds: Sequence[float] | NDArray[np.float64]) -> Dist:
        ms = np.asarray(seconds, dtype=np.float64) * 1000.0
        if ms.size == 0:
            return cls(math.nan, math.nan, 0)
        return cls(float(np.median(ms)), float(np.percentile(ms, 95)), int(ms.size))

    def __str__(self) -> str:
        return f"median {self.median:7.3f} ms   p95 {self.p95:7.3f} ms"


def rss_mb() -> float:
    """Resident set size of this process (Linux ``/proc/self/status``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return math.nan


# --------------------------------------------------------------------------
# inputs: a video of a real person; generated full-body tracks come from coach.synth.tracks
# --------------------------------------------------------------------------


def _portrait() -> Image:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    img = cv2.imread(str(path))
    if img is None:
        raise InputError(f"cannot read {path} (matplotlib sample data) to make a benchmark video")
    return np.asarray(img, dtype=np.uint8)


def person_frames(frames: int, size: tuple[int, int] = (640, 480)) -> Iterator[Image]:
    """Frames of a real person (Grace Hopper's portrait) drifting and
    zooming slightly, so the pose model tracks a moving upper body."""
    img = _portrait()
    w, h = size
    for i in range(frames):
        scale = 0.75 + 0.05 * math.sin(i / 8.0)
        ph, pw = int(img.shape[0] * scale), int(img.shape[1] * scale)
        small = cv2.resize(img, (pw, ph))
        canvas = np.full((h, w, 3), 90, np.uint8)
        x0 = int((w - pw) / 2 + 20 * math.sin(i / 10.0))
        y0 = max(0, h - ph)
        xs, xe = max(0, x0), min(w, x0 + pw)
        ys, ye = y0, min(h, y0 + ph)
        canvas[ys:ye, xs:xe] = small[ys - y0: ye - y0, xs - x0: xe - x0]
        yield canvas


def make_person_video(path: Path, frames: int = 300, size: tuple[int, int] = (640, 480),
                      fps: float = 30.0) -> Path:
    """Write :func:`person_frames` as an MP4 (mp4v)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
    if not writer.isOpened():
        raise InputError(f"{path}: cannot write the benchmark video")
    try:
        for canvas in person_frames(frames, size):
            writer.write(canvas)
    finally:
        writer.release()
    return path


def stream_frames(path: Path, count: int) -> Iterator[Image]:
    """``count`` decoded frames of a video, read as they are needed (the
    video is read again from the start when it is shorter): memory stays
    at one frame whatever ``count`` is."""
    from coach.sources import VideoSource

    done = 0
    while done < count:
        before = done
        for vf in VideoSource(path):
            yield vf.image
            done += 1
            if done >= count:
                return
        if done == before:
            raise InputError(f"{path}: no frames")


class SyntheticCamera:
    """A FrameSource of plain frames (new buffers, like a camera's), at a
    nominal ``fps``, ``frames`` long."""

    def __init__(self, frames: int, fps: float = 30.0, size: tuple[int, int] = (640, 480)) -> None:
        self.fps = fps
        self.frames = frames
        w, h = size
        self._background = np.full((h, w, 3), 70, np.uint8)

    def __iter__(self) -> Iterator[VideoFrame]:
        for i in range(self.frames):
            yield VideoFrame(t=i / self.fps, image=self._background.copy(), index=i)

    def close(self) -> None:
        pass


class ReplayDetector:
    """A PoseDetector that replays a pose track in a loop (no model)."""

    def __init__(self, track: Sequence[PoseFrame]) -> None:
        self.track = track
        self.i = 0

    def detect(self, image_bgr: Image, t: float) -> PoseFrame:
        del image_bgr
        frame = self.track[self.i % len(self.track)]
        self.i += 1
        return frame.replace(t=t)


# --------------------------------------------------------------------------
# 1. per-frame split, on the same frames
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameBench:
    frames: int
    persons: int
    bare: Dist
    inference: Dist
    analysis: Dist
    render: Dist
    pipeline: Dist  # inference + analysis
    pipeline_render: Dist  # inference + analysis + rendering
    overhead: float  # median(pipeline) / median(bare)
    overhead_p95: float
    overhead_render: float
    share_median: float  # median(analysis) / median(inference)
    share_p95: float  # p95 of per-frame analysis / inference
    analysis_full_body: Dist
    share_full_body_p95: float  # p95(full-body analysis) / median(inference)
    exercises: dict[str, ExerciseShare] = field(default_factory=dict)
    """Every registered exercise's analysis, each timed right after its own
    inference of the same frame (see :func:`bench_frames`)."""


@dataclass(frozen=True)
class ExerciseShare:
    """One exercise's analysis cost against the inference just before it."""

    analysis: Dist
    inference: Dist
    share_median: float
    share_p95: float  # p95 over frames of analysis / that frame's inference
    analysis_full_body: Dist
    share_full_body_p95: float  # p95(full-body track analysis) / median(inference)

    @property
    def worst(self) -> float:
        return max(self.share_p95, self.share_full_body_p95)


def _pipeline_parts(exercise: str) -> tuple[Any, Any]:
    from coach.pipeline import Pipeline
    from coach.registry import get_exercise

    analyzer = get_exercise(exercise)
    return Pipeline(analyzer, policy=policy_for(analyzer)), analyzer.summary()


def _render(image: Image, sample: Any, exercise: str, planned: Any) -> Image:
    from coach.overlay import Hud, annotate

    v = sample.verdict
    hud = Hud.from_verdict(v, exercise=exercise, target=planned.target, target_unit=planned.target_unit,
                           cue=v.cue, cue_kind="fault" if v.faults else None, fps=30.0, latency_ms=20.0)
    return annotate(image, sample.frame, v, hud)


def bench_analysis(exercise: str, seconds: float = 60.0, fps: float = 30.0) -> Dist:
    """Smoothing + analysis + feedback per frame on a generated full-body
    track of ``exercise`` itself (:func:`coach.synth.tracks.exercise_track`)."""
    from coach.synth.tracks import exercise_track

    pipeline, _ = _pipeline_parts(exercise)
    times = []
    for frame in exercise_track(exercise, seconds):
        t0 = time.perf_counter()
        pipeline.step(frame)
        times.append(time.perf_counter() - t0)
    return Dist.of(times[int(fps):])


def bench_recognition(seeds: int = 3) -> Dist:
    """The recognizer's own cost per smoothed frame (posture features,
    rules, state machine) over the demo routine, with world landmarks and
    without; the first second of each run is not counted."""
    from coach.recognition.recognizer import Recognizer
    from coach.smoothing import PoseSmoother
    from coach.synth.scenarios.routine import demo_routine

    times: list[float] = []
    for seed in range(seeds):
        frames = demo_routine(seed).frames
        for world in (True, False):
            smoother, recognizer = PoseSmoother(), Recognizer()
            smoothed = [smoother(f if world else f.replace(world=None)) for f in frames]
            run = []
            for frame in smoothed:
                t0 = time.perf_counter()
                recognizer.update(frame)
                run.append(time.perf_counter() - t0)
            times += run[30:]
    return Dist.of(times)


def bench_frames(images: Iterable[Image], n: int, model: Path, exercise: str, warmup: int, fps: float = 30.0,
                 progress: Report | None = None, all_exercises: bool = True) -> FrameBench:
    """``n`` frames from ``images`` (streamed: each is decoded once, run
    through the bare landmarker and through coach, interleaved, and
    dropped).

    With ``all_exercises``, every registered exercise is timed on the same
    frames too: for each frame, each exercise in turn (the order rotating
    from frame to frame) gets a fresh inference of that frame from a third
    landmarker, then its own analysis, timed. Analysis right after an
    inference is what the live loop does, and it is slower than the same
    work repeated (the network has just pushed coach's code and data out of
    the CPU caches: BENCHMARKS.md), so no exercise is timed after another's
    analysis."""
    from coach.pose_backend import MediaPipePose, PoseBackendOptions, RawLandmarker
    from coach.registry import exercise_names

    options = PoseBackendOptions(model_path=model)
    pipeline, planned = _pipeline_parts(exercise)
    bare = np.zeros(n)
    inf = np.zeros(n)
    ana = np.zeros(n)
    ren = np.zeros(n)
    names = list(exercise_names()) if all_exercises else []
    each = {name: _pipeline_parts(name)[0] for name in names}
    e_inf = {name: np.zeros(n) for name in names}
    e_ana = {name: np.zeros(n) for name in names}
    persons = 0
    with ExitStack() as stack:
        raw = stack.enter_context(RawLandmarker(options))
        backend = stack.enter_context(MediaPipePose(options))
        probe = stack.enter_context(MediaPipePose(options)) if names else None
        detector = backend  # MediaPipePose is itself a PoseDetector (detect(bgr, t))

        def run_bare(i: int, image: Image) -> None:
            t0 = time.perf_counter()
            rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
            raw(np.asarray(rgb, dtype=np.uint8), round(i * 1000.0 / fps))
            bare[i] = time.perf_counter() - t0

        def run_coach(i: int, image: Image) -> None:
            nonlocal persons
            canvas = image.copy()  # the live loop draws on the camera's own buffer
            t = i / fps
            t0 = time.perf_counter()
            frame = detector.detect(image, t)
            t1 = time.perf_counter()
            sample = pipeline.step(frame, image)
            t2 = time.perf_counter()
            _render(canvas, sample, exercise, planned)
            t3 = time.perf_counter()
            inf[i], ana[i], ren[i] = t1 - t0, t2 - t1, t3 - t2
            persons += int(frame.has_person)

        def run_each(i: int, image: Image) -> None:
            assert probe is not None
            k = len(names)
            for j in range(k):
                name = names[(i + j) % k]
                t0 = time.perf_counter()
                frame = probe.detect(image, i / fps + j * 1e-3)  # VIDEO mode: strictly increasing times
                t1 = time.perf_counter()
                # the frame's own time, without validating it again (a
                # replace() here would time a second validation as analysis)
                each[name].step(frame.at(i / fps), image)
                t2 = time.perf_counter()
                e_inf[name][i], e_ana[name][i] = t1 - t0, t2 - t1

        for i, image in zip(range(n), images, strict=False):
            if i % 2 == 0:
                run_bare(i, image)
                run_coach(i, image)
            else:
                run_coach(i, image)
                run_bare(i, image)
            if names:
                run_each(i, image)
            if progress is not None and (i + 1) % 100 == 0:
                progress(f"  {i + 1}/{n} frames")
    s = slice(warmup, n)
    pipe = inf[s] + ana[s]
    full = bench_analysis(exercise, fps=fps)
    d_bare, d_pipe, d_pr = Dist.of(bare[s]), Dist.of(pipe), Dist.of(pipe + ren[s])
    d_inf = Dist.of(inf[s])
    return FrameBench(
        frames=n - warmup,
        persons=persons,
        bare=d_bare,
        inference=d_inf,
        analysis=Dist.of(ana[s]),
        render=Dist.of(ren[s]),
        pipeline=d_pipe,
        pipeline_render=d_pr,
        overhead=d_pipe.median / d_bare.median,
        overhead_p95=d_pipe.p95 / d_bare.p95,
        overhead_render=d_pr.median / d_bare.median,
        share_median=float(np.median(ana[s]) / np.median(inf[s])),
        share_p95=float(np.percentile(ana[s] / inf[s], 95)),
        analysis_full_body=full,
        share_full_body_p95=full.p95 / d_inf.median,
        exercises={name: _share(e_ana[name][s], e_inf[name][s], bench_analysis(name, fps=fps)) for name in names},
    )


def _share(ana: NDArray[np.float64], inf: NDArray[np.float64], full_body: Dist) -> ExerciseShare:
    d_inf = Dist.of(inf)
    return ExerciseShare(
        analysis=Dist.of(ana), inference=d_inf,
        share_median=float(np.median(ana) / np.median(inf)),
        share_p95=float(np.percentile(ana / inf, 95)),
        analysis_full_body=full_body,
        share_full_body_p95=full_body.p95 / d_inf.median,
    )


# --------------------------------------------------------------------------
# 2. real-time latency
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RealtimeBench:
    seconds: float
    processed: int
    dropped: int
    fps: float | None
    latency_p50: float | None
    latency_p95: float | None
    latency_max: float | None
    inference_p50: float | None
    inference_p95: float | None
    excess_p50: float | None
    excess_p95: float | None


def bench_realtime(video: Path, model: Path, exercise: str, seconds: float) -> RealtimeBench:
    """The live loop, headless, on ``video`` played as a camera."""
    from coach.live.capture import PacedVideoSource
    from coach.live.loop import LiveConfig, LiveLoop
    from coach.pose_backend import MediaPipePose, PoseBackendOptions

    pipeline, planned = _pipeline_parts(exercise)
    source = PacedVideoSource(video)
    config = LiveConfig(exercise=exercise, target=planned.target, target_unit=planned.target_unit,
                        setup=None, max_s=seconds)
    with MediaPipePose(PoseBackendOptions(model_path=model)) as backend:
        result = LiveLoop(source, backend, pipeline, config=config).run()
    st = result.stats
    return RealtimeBench(
        seconds=st.wall_s, processed=st.processed, dropped=st.dropped, fps=st.fps,
        latency_p50=st.latency_ms[0], latency_p95=st.latency_ms[1], latency_max=st.latency_ms[2],
        inference_p50=st.inference_ms[0], inference_p95=st.inference_ms[1],
        excess_p50=st.excess_ms[0], excess_p95=st.excess_ms[1],
    )


# --------------------------------------------------------------------------
# 3. memory soak
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SoakBench:
    minutes: float
    frames: int
    wall_s: float
    rss_mb: tuple[float, ...]  # at session minute 0 (start), 1, 2, ...
    cues: int
    reps: int
    growth_mb: float  # minute 1 -> last minute


def bench_soak(minutes: float, exercise: str = "plank", fps: float = 30.0, size: tuple[int, int] = (640, 480),
               progress: Report | None = None) -> SoakBench:
    """The live loop on a replayed pose track (no model), RSS each minute."""
    from coach.live.loop import LiveConfig, LiveLoop

    pipeline, planned = _pipeline_parts(exercise)
    from coach.synth.tracks import exercise_track

    track = exercise_track(exercise, 60.0)
    frames = round(minutes * 60 * fps)
    per_minute = round(60 * fps)
    rss = [rss_mb()]
    cues = 0
    count = 0
    t_start = time.perf_counter()

    def on_frame(sample: Any, image: Image) -> None:
        nonlocal cues, count
        del image
        count += 1
        if sample is not None and sample.cue is not None:
            cues += 1
        if count % per_minute == 0:
            rss.append(rss_mb())
            if progress is not None and (count // per_minute) % 5 == 0:
                progress(f"  soak: minute {count // per_minute}, RSS {rss[-1]:.1f} MB")

    config = LiveConfig(exercise=exercise, target=planned.target, target_unit=planned.target_unit,
                        lossless=True)
    loop = LiveLoop(SyntheticCamera(frames, fps, size), ReplayDetector(track), pipeline, config=config,
                    on_frame=on_frame)
    result = loop.run()
    growth = rss[-1] - rss[1] if len(rss) > 2 else math.nan
    return SoakBench(minutes=minutes, frames=count, wall_s=time.perf_counter() - t_start, rss_mb=tuple(rss),
                     cues=cues, reps=result.summary.reps if result.summary else 0, growth_mb=growth)


# --------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchReport:
    config: BenchConfig
    machine: dict[str, Any] = field(default_factory=dict)
    frame: FrameBench | None = None
    realtime: RealtimeBench | None = None
    soak: SoakBench | None = None
    recognition: Dist | None = None

    def checks(self) -> list[tuple[str, str, bool]]:
        """(target, measured, met) for each target measured in this run."""
        out: list[tuple[str, str, bool]] = []
        if self.recognition is not None:
            p95 = self.recognition.p95
            out.append((f"recognition p95 <= {TARGET_RECOGNITION_P95_MS:g} ms per frame", f"{p95:.3f} ms",
                        p95 <= TARGET_RECOGNITION_P95_MS))
        f = self.frame
        if f is not None:
            worst = max(f.share_p95, f.share_full_body_p95)
            out.append((f"analysis share at p95 <= {TARGET_SHARE_P95}",
                        f"{f.share_p95:.4f} (video), {f.share_full_body_p95:.4f} (full-body track)",
                        worst <= TARGET_SHARE_P95))
            if f.exercises:
                name, e = max(f.exercises.items(), key=lambda kv: kv[1].worst)
                out.append((f"analysis share at p95 <= {TARGET_SHARE_P95} for every exercise",
                            f"worst {e.worst:.4f} ({name})", e.worst <= TARGET_SHARE_P95))
            out.append((f"overhead ratio without rendering <= {TARGET_OVERHEAD}",
                        f"{f.overhead:.3f} (median), {f.overhead_p95:.3f} (p95)", f.overhead <= TARGET_OVERHEAD))
        r = self.realtime
        if r is not None and r.latency_p95 is not None and r.excess_p95 is not None:
            out.append((f"latency p95 <= one inference + {TARGET_EXCESS_MS:g} ms",
                        f"latency p95 {r.latency_p95:.1f} ms; latency - own inference: p95 {r.excess_p95:.1f} ms",
                        r.excess_p95 <= TARGET_EXCESS_MS))
        s = self.soak
        if s is not None and math.isfinite(s.growth_mb):
            out.append((f"RSS growth minute 1 -> {s.minutes:g} < {TARGET_RSS_GROWTH_MB:g} MB",
                        f"{s.growth_mb:+.1f} MB", s.growth_mb < TARGET_RSS_GROWTH_MB))
        return out

    def lines(self) -> list[str]:
        m = self.machine
        out = [f"coach bench: {m.get('cpus')} CPUs, {m.get('cpu')}, model {m.get('model')}",
               f"  video {m.get('video')} ({m.get('size')}), exercise {self.config.exercise}"]
        f = self.frame
        if f is not None:
            out += [
                f"per frame, same {f.frames} frames (after {self.config.warmup} warm-up; person in {f.persons}):",
                f"  bare PoseLandmarker loop      {f.bare}",
                f"  coach inference               {f.inference}",
                f"  coach analysis (smooth+analyzer+feedback) {f.analysis}",
                f"  coach rendering (overlay)     {f.render}",
                f"  coach pipeline (no rendering) {f.pipeline}",
                f"  coach pipeline + rendering    {f.pipeline_render}",
                f"  analysis, full-body generated track of the exercise {f.analysis_full_body}",
                f"  overhead ratio pipeline / bare: {f.overhead:.3f} median, {f.overhead_p95:.3f} p95; "
                f"with rendering {f.overhead_render:.3f}",
                f"  analysis share analysis / inference: {f.share_median:.4f} median, {f.share_p95:.4f} p95; "
                f"full-body track p95 / inference median {f.share_full_body_p95:.4f}",
            ]
            if f.exercises:
                out.append("  every exercise, each right after its own inference of the same frame "
                           "(analysis ms median / p95; share median / p95; full-body track p95 share):")
                out += [f"    {name:<14} {e.analysis.median:.3f} / {e.analysis.p95:.3f} ms; "
                        f"{e.share_median:.4f} / {e.share_p95:.4f}; {e.share_full_body_p95:.4f}"
                        for name, e in f.exercises.items()]
        r = self.realtime
        if r is not None:
            def ms(x: float | None) -> str:
                return "-" if x is None else f"{x:.1f}"

            out += [
                f"real time (--realtime, headless), {r.seconds:.1f} s: {r.processed} frames processed, "
                f"{r.dropped} dropped, {ms(r.fps)} fps",
                f"  latency capture -> frame on screen: p50 {ms(r.latency_p50)} ms, p95 {ms(r.latency_p95)} ms, "
                f"max {ms(r.latency_max)} ms",
                f"  inference in the loop: p50 {ms(r.inference_p50)} ms, p95 {ms(r.inference_p95)} ms; "
                f"latency - own inference: p50 {ms(r.excess_p50)} ms, p95 {ms(r.excess_p95)} ms",
            ]
        if self.recognition is not None:
            out.append(f"recognition (features + rules, per smoothed frame, demo routine) {self.recognition}")
        s = self.soak
        if s is not None:
            marks = {0: "start", 1: "min 1"}
            shown = ", ".join(f"{marks.get(i, f'min {i}')} {v:.1f}" for i, v in enumerate(s.rss_mb)
                              if i in (0, 1) or i == len(s.rss_mb) - 1 or i % 10 == 0)
            out += [
                f"memory soak: {s.minutes:g} min of session ({s.frames} frames) in {s.wall_s:.0f} s, "
                f"{s.cues} cues, {s.reps} holds",
                f"  RSS MB: {shown}",
                f"  growth minute 1 -> {s.minutes:g}: {s.growth_mb:+.2f} MB",
            ]
        checks = self.checks()
        if checks:
            out.append("targets:")
            out += [f"  [{'met' if ok else 'NOT met'}] {name}: {measured}" for name, measured, ok in checks]
        return out

    def to_json(self) -> dict[str, Any]:
        cfg = asdict(self.config)
        cfg = {k: (str(v) if isinstance(v, Path) else v) for k, v in cfg.items()}
        return {
            "config": cfg,
            "machine": self.machine,
            "frame": None if self.frame is None else asdict(self.frame),
            "realtime": None if self.realtime is None else asdict(self.realtime),
            "soak": None if self.soak is None else asdict(self.soak),
            "recognition": None if self.recognition is None else asdict(self.recognition),
            "checks": [{"target": n, "measured": m, "met": ok} for n, m, ok in self.checks()],
        }


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def run_bench(config: BenchConfig, progress: Report | None = None) -> BenchReport:
    """Everything ``coach bench`` measures, per ``config``."""
    say = progress or (lambda _msg: None)
    frame = realtime = soak = None
    need_model = not config.skip_frames or config.realtime_s > 0
    model: Path | None = None
    if need_model:
        from coach.models import ensure_model

        model = Path(config.model) if config.model else ensure_model()
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        video = config.video
        if video is None and need_model:
            frames = max(config.frames, math.ceil(config.realtime_s * config.fps) + 1)
            say(f"making a {frames}-frame video of a real person ({config.size[0]}x{config.size[1]})")
            video = make_person_video(Path(tmp) / "person.mp4", frames, config.size, config.fps)
        machine: dict[str, Any] = {
            "cpus": os.cpu_count(), "cpu": _cpu_name(), "python": platform.python_version(),
            "model": None if model is None else model.name,
            "video": None if video is None else (str(config.video) if config.video else "generated"),
        }
        if video is not None and model is not None:
            if not config.skip_frames:
                first = next(stream_frames(video, 1))
                machine["size"] = f"{first.shape[1]}x{first.shape[0]}"
                del first
                say(f"timing {config.frames} frames: bare landmarker and coach, interleaved")
                frame = bench_frames(stream_frames(video, config.frames), config.frames, model, config.exercise,
                                     config.warmup, config.fps, say)
            if config.realtime_s > 0:
                say(f"live loop in real time for {config.realtime_s:g} s (headless)")
                realtime = bench_realtime(video, model, config.exercise, config.realtime_s)
        if config.soak_minutes > 0:
            say(f"memory soak: {config.soak_minutes:g} min of replayed session")
            soak = bench_soak(config.soak_minutes, config.exercise, config.fps, config.size, say)
    say("timing the exercise recognizer on the demo routine")
    return BenchReport(config, machine, frame, realtime, soak, bench_recognition())
