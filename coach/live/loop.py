"""The live loop: newest frame -> pose -> pipeline -> cue on screen and aloud.

:class:`LiveLoop` wires parts that each do one job and are injected, so
the whole loop runs in tests with a fake camera and a fake pose detector:

* a :class:`~coach.live.capture.FrameSource` read by
  :class:`~coach.live.capture.LatestFrameCapture` (newest frame only);
* a :class:`PoseDetector` (``MediaPipePose`` in real use), given monotonic
  capture timestamps;
* the :class:`~coach.pipeline.Pipeline` (smoothing, analyzer, feedback);
* optionally a :class:`Fallback` (:class:`~coach.live.fallback.ModelFallback`)
  told each frame's inference time, which may switch the pose model once
  and give a notice shown on screen for ``notice_s``;
* the setup screen, then the set; the analyzer and the rest of the
  pipeline are reset when the set starts;
* a :class:`~coach.voice.VoiceEngine`, a
  :class:`~coach.live.window.Display`, an optional video recorder, and the
  sinks (JSONL, session store) made when the set starts and closed with the
  summary at the end, however the loop ends (video over, ``q``, Ctrl-C,
  window closed, camera lost).

Time: MediaPipe gets the capture time. The analysis gets the set's own
clock, which starts at 0 when the set starts and stops while paused (so a
pause never counts as hold time).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from coach.errors import CameraError
from coach.exercise import SetSummary
from coach.live.capture import CapturedFrame, Clock, FrameSource, LatestFrameCapture
from coach.live.keys import Action, action_for
from coach.live.meters import RateMeter, Recent
from coach.live.setup import SetupConfig, SetupScreen
from coach.live.window import Display, NullDisplay
from coach.overlay import Hud, SetupView, annotate, draw_notice
from coach.pipeline import Sample, Sink
from coach.pose import PoseFrame
from coach.voice import SilentVoice, VoiceEngine

Image = NDArray[np.uint8]


class LivePolicy(Protocol):
    muted: bool

    def set_muted(self, muted: bool) -> None: ...


class LivePipeline(Protocol):
    """What the loop drives: a :class:`~coach.pipeline.Pipeline` (one named
    exercise) or a :class:`~coach.recognition.routine.LiveRoutine` (the
    exercise recognised, set after set)."""

    @property
    def policy(self) -> LivePolicy: ...

    def step(self, raw: PoseFrame, image: Image | None = None) -> Sample: ...

    def reset(self) -> None: ...

    def summary(self) -> SetSummary | None: ...


class PoseDetector(Protocol):
    def detect(self, image_bgr: Image, t: float) -> PoseFrame: ...


class Fallback(Protocol):
    """Told each frame's capture time, inference time and the camera's
    frame interval (s); returns a notice to show, on the frame it is due."""

    def observe(self, t: float, inference_s: float, interval_s: float | None) -> str | None: ...


class FrameRecorder(Protocol):
    def write(self, image: Image, t: float | None = None) -> None: ...


@dataclass(frozen=True)
class LiveConfig:
    exercise: str = ""
    target: float | None = None
    target_unit: str | None = None
    mirror: bool = False
    setup: SetupConfig | None = field(default_factory=SetupConfig)
    """None: no setup screen, the set starts on the first frame."""
    lossless: bool = False
    """Process every frame (a video analysed as fast as possible) instead
    of only the newest one."""
    stale_s: float = 0.005
    """In real time, a frame that waited longer than this behind a slow
    one is skipped for the next (see ``LiveLoop._fresher``); inf: never.
    5 ms is the latency budget the loop may add to one inference; measured
    (BENCHMARKS.md) at no loss in frames processed."""
    cue_hold_s: float = 3.0
    notice_s: float = 5.0
    """How long a notice (the model fall-back) stays on screen, in seconds
    of wall time: long enough to read a sentence."""
    frame_timeout_s: float = 5.0
    max_s: float | None = None
    """Stop after this many seconds of capture time."""
    end_at_target: bool = False
    """End the set once its target is met (a programme's sets): the hold
    time reaches it (``target_unit`` ``s``) or the reps do."""


class Stage(Enum):
    SETUP = "setup"
    SET = "set"


@dataclass(frozen=True)
class LiveStats:
    captured: int
    processed: int
    dropped: int
    set_frames: int
    wall_s: float
    latency_ms: tuple[float | None, float | None, float | None]  # p50, p95, max
    inference_ms: tuple[float | None, float | None]
    analysis_ms: tuple[float | None, float | None]
    render_ms: tuple[float | None, float | None]
    excess_ms: tuple[float | None, float | None] = (None, None)
    """Latency minus that frame's own inference time (p50, p95): what the
    loop adds to the model (waiting for the frame, analysis, drawing)."""

    @property
    def fps(self) -> float | None:
        return self.processed / self.wall_s if self.wall_s > 0 else None

    def line(self) -> str:
        def ms(x: float | None) -> str:
            return "-" if x is None else f"{x:.1f}"

        fps = self.fps
        text = (f"live: {self.processed} frames processed ({'-' if fps is None else f'{fps:.1f}'} fps), "
                f"{self.dropped} dropped; inference p50 {ms(self.inference_ms[0])} ms")
        if self.latency_ms[0] is not None:
            text += (f"; latency capture -> screen p50 {ms(self.latency_ms[0])} ms, p95 {ms(self.latency_ms[1])} ms "
                     f"(loop adds p95 {ms(self.excess_ms[1])} ms to the inference)")
        return text


@dataclass(frozen=True)
class LiveResult:
    summary: SetSummary | None
    """None when the set never started (nobody got into position)."""
    stats: LiveStats
    quit: bool = False
    """The user quit (q, Esc, Ctrl-C, closed the window)."""
    notices: tuple[tuple[float, str], ...] = ()
    """(capture time, words) of each notice shown on screen (the model fall-back)."""

    @property
    def started(self) -> bool:
        return self.summary is not None


def _ms(r: Recent, q: float) -> float | None:
    v = r.percentile(q)
    return None if v is None else v * 1000.0


class LiveLoop:
    """One live set. ``run()`` returns when the source ends or the user quits."""

    def __init__(
        self,
        source: FrameSource,
        detector: PoseDetector,
        pipeline: LivePipeline,
        *,
        config: LiveConfig | None = None,
        voice: VoiceEngine | None = None,
        display: Display | None = None,
        recorder: FrameRecorder | None = None,
        make_sinks: Callable[[], Sequence[Sink]] = tuple,
        clock: Clock = time.monotonic,
        on_frame: Callable[[Sample | None, Image], None] | None = None,
        fallback: Fallback | None = None,
    ) -> None:
        self.source = source
        self.detector = detector
        self.pipeline = pipeline
        self.config = config or LiveConfig()
        self.voice = voice or SilentVoice()
        self.display = display or NullDisplay()
        self.recorder = recorder
        self.make_sinks = make_sinks
        self.clock = clock
        self.on_frame = on_frame
        self.fallback = None if self.config.lossless else fallback
        """Not for a video analysed frame by frame (nothing to keep up with)."""
        self._notice: tuple[str, float] | None = None  # text, until (clock)
        self.notices: list[tuple[float, str]] = []
        """(capture time, words) of every notice shown."""
        self._capture: LatestFrameCapture | None = None
        self.setup = SetupScreen(self.config.setup, self.config.exercise) if self.config.setup else None
        self.stage = Stage.SETUP if self.setup is not None else Stage.SET
        self.sinks: list[Sink] = []
        self.muted = pipeline.policy.muted
        self.paused = False
        self.quit = False
        self.done = False
        """The set met its target (with ``end_at_target``)."""
        self._offset: float | None = 0.0  # analysis time = capture time - offset
        self._resume = False
        self._last_t = 0.0
        self._period = 1.0 / max(1.0, float(getattr(source, "fps", 30.0) or 30.0))
        self._started = False
        self._cue: tuple[str, str, float] | None = None  # text, kind, until (analysis time)
        self.rate = RateMeter()
        self.latency = Recent()
        self.inference = Recent()
        self.analysis = Recent()
        self.render = Recent()
        self.excess = Recent()
        self.processed = 0
        self.set_frames = 0
        self.stale_skipped = 0
        self._inference_ema = 0.0

    # -- the loop -----------------------------------------------------------------
    def run(self) -> LiveResult:
        capture = LatestFrameCapture(self.source, lossless=self.config.lossless, clock=self.clock)
        self._capture = capture
        t_start = self.clock()
        last_frame = t_start
        if self.stage is Stage.SET:
            self._start_set()
        error: BaseException | None = None
        capture.start()
        try:
            while not self.quit and not self.done:
                item = capture.get(timeout=0.05)
                if item is None:
                    if capture.finished:
                        break
                    self._handle_key(self.display.poll())
                    if self.clock() - last_frame > self.config.frame_timeout_s:
                        raise CameraError(
                            f"no frame from the camera for {self.config.frame_timeout_s:g} s "
                            "(unplugged or taken by another app?)"
                        )
                    continue
                last_frame = self.clock()
                if not self.config.lossless and not self.paused:
                    item = self._fresher(capture, item)
                if self.config.max_s is not None and item.t > self.config.max_s:
                    break
                self._step(item)
        except KeyboardInterrupt:
            self.quit = True
        except BaseException as exc:  # noqa: BLE001 - re-raised below, after the session is saved
            error = exc
        finally:
            capture.stop()
            summary = self._finish(error or capture.error)
        if error is None and capture.error is not None:
            error = capture.error
        if error is not None:
            raise error
        stats = LiveStats(
            captured=capture.captured,
            processed=self.processed,
            dropped=capture.dropped + self.stale_skipped,
            set_frames=self.set_frames,
            wall_s=self.clock() - t_start,
            latency_ms=(_ms(self.latency, 50), _ms(self.latency, 95),
                        None if self.latency.count == 0 else self.latency.max * 1000.0),
            inference_ms=(_ms(self.inference, 50), _ms(self.inference, 95)),
            analysis_ms=(_ms(self.analysis, 50), _ms(self.analysis, 95)),
            render_ms=(_ms(self.render, 50), _ms(self.render, 95)),
            excess_ms=(_ms(self.excess, 50), _ms(self.excess, 95)),
        )
        return LiveResult(summary, stats, self.quit, tuple(self.notices))

    def _fresher(self, capture: LatestFrameCapture, item: CapturedFrame) -> CapturedFrame:
        """After a slow frame the newest frame may already be old: wait for
        the next one instead (due within one camera period) when it waited
        longer than ``stale_s``, so the cue reaches the screen one inference
        after the capture. Not when inference is slower than the camera
        anyway (every frame would wait: the frame rate would halve). The
        skipped frame counts as dropped."""
        period = capture.interval or self._period
        age = self.clock() - item.captured_at
        if age <= self.config.stale_s or self._inference_ema >= period:
            return item
        newer = capture.get(timeout=max(0.0, period - age) + 0.25 * period)
        if newer is None:
            return item
        self.stale_skipped += 1
        return newer

    def _step(self, item: CapturedFrame) -> None:
        image = item.image
        if self.paused:
            hud = Hud(exercise=self.config.exercise, paused=True, muted=self.muted)
            self._show(item, annotate(image, None, None, hud, mirror=self.config.mirror), None)
            return
        if self._offset is None:  # the first frame of the set: its clock starts
            self._offset = item.t
        elif self._resume:  # the pause never happened, as far as the analysis knows
            self._offset += item.t - self._last_t - self._period
        self._resume = False
        self._last_t = item.t
        t0 = time.perf_counter()
        raw = self.detector.detect(image, item.t)
        inference_s = time.perf_counter() - t0
        t_an = item.t - self._offset
        if raw.t != t_an:
            raw = raw.replace(t=t_an)
        sample = self.pipeline.step(raw, image)
        sample.timings["inference_s"] = inference_s
        self.inference.add(inference_s)
        self._inference_ema += 0.05 * (inference_s - self._inference_ema)
        if self.fallback is not None:
            interval = (self._capture.interval if self._capture is not None else None) or self._period
            notice = self.fallback.observe(item.t, inference_s, interval)
            if notice:
                self._notice = (notice, self.clock() + self.config.notice_s)
                self.notices.append((item.t, notice))
        self.analysis.add(sample.timings.get("analysis_s", 0.0))
        t1 = time.perf_counter()
        if self.stage is Stage.SETUP:
            out = self._setup_frame(image, sample)
        else:
            out = self._set_frame(image, sample)
        if self._notice is not None:
            if self.clock() <= self._notice[1]:
                out = draw_notice(out, self._notice[0])
            else:
                self._notice = None
        self.render.add(time.perf_counter() - t1)
        self._show(item, out, sample)

    def _setup_frame(self, image: Image, sample: Sample) -> Image:
        assert self.setup is not None
        step = self.setup.update(sample.verdict.t, sample.verdict, sample.frame)
        if step.say:
            self._say(step.say)
        if step.done:
            self._start_set()
        return annotate(image, sample.frame, sample.verdict, setup=step.view, mirror=self.config.mirror)

    def _set_frame(self, image: Image, sample: Sample) -> Image:
        self.set_frames += 1
        for sink in self.sinks:
            sink.on_sample(sample)
        v = sample.verdict
        target = self.config.target
        if self.config.end_at_target and target:
            reached = v.hold_s if self.config.target_unit == "s" else float(v.reps)
            self.done = reached >= target - 1e-9
        cue = sample.cue
        if cue is not None:
            self._cue = (cue.text, cue.kind, v.t + self.config.cue_hold_s)
            if cue.spoken:
                self.voice.say(cue.text)
        shown = self._cue if (self._cue is not None and v.t <= self._cue[2]) else None
        hud = Hud.from_verdict(
            v, exercise=getattr(sample, "exercise", None) or self.config.exercise, target=self.config.target,
            target_unit=self.config.target_unit,
            cue=shown[0] if shown else None, cue_kind=shown[1] if shown else None,
            fps=self.rate.fps, latency_ms=None if self.latency.count == 0 else self.latency.last * 1000.0,
            muted=self.muted,
        )
        return annotate(image, sample.frame, v, hud, mirror=self.config.mirror)

    def _show(self, item: CapturedFrame, image: Image, sample: Sample | None) -> None:
        key = self.display.show(image)
        now = self.clock()
        if sample is not None:
            self.processed += 1
            self.rate.tick(now)
            if not self.config.lossless:
                latency = now - item.captured_at
                self.latency.add(latency)
                self.excess.add(latency - sample.timings.get("inference_s", 0.0))
        if self.recorder is not None:
            self.recorder.write(image, item.t)
        if self.on_frame is not None:
            self.on_frame(sample, image)
        self._handle_key(key)
        if self.display.closed:
            self.quit = True

    # -- state changes ----------------------------------------------------------------
    def _start_set(self) -> None:
        """The set starts with the next frame (its clock at 0): the
        analyzer, smoother and feedback policy start afresh, the sinks open."""
        self.pipeline.reset()
        self._offset = None
        self._cue = None
        self.stage = Stage.SET
        self._started = True
        self.sinks = list(self.make_sinks())

    def _finish(self, error: BaseException | None = None) -> SetSummary | None:
        """Close the set's sinks; with ``error`` (the run failed), sinks
        that record a session are told first, so it is stored
        ``interrupted`` with the reason (``note_failure``)."""
        if not self._started:
            return None
        summary = self.pipeline.summary()
        first_error: BaseException | None = None
        for sink in self.sinks:
            note = getattr(sink, "note_failure", None)
            if error is not None and callable(note):
                note(error)
            try:
                sink.close(summary)  # type: ignore[arg-type]  # a routine with no set: sinks get None
            except Exception as exc:  # noqa: BLE001 - close every sink, then report the first failure
                first_error = first_error or exc
        self.sinks = []
        if first_error is not None:
            raise first_error
        return summary

    def _say(self, text: str) -> None:
        if not self.muted:
            self.voice.say(text)

    def _handle_key(self, key: int) -> None:
        action = action_for(key)
        if action is Action.QUIT:
            self.quit = True
        elif action is Action.MUTE:
            self.muted = not self.muted
            self.pipeline.policy.set_muted(self.muted)
        elif action is Action.PAUSE:
            self.toggle_pause()

    def toggle_pause(self) -> None:
        self._resume = self.paused
        self.paused = not self.paused


__all__ = ["Fallback", "LiveConfig", "LiveLoop", "LiveResult", "LiveStats", "PoseDetector", "SetupView"]
