"""The live loop: newest-frame capture, a video paced like a camera, the
setup screen, keys, and the whole loop with a fake camera (same interface
as the webcam source) and a pose-track replay instead of the model; then
the real CLI in a subprocess."""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from coach.cvlog import cv2
from coach.errors import CameraError
from coach.exercise import FrameVerdict, SetSummary
from coach.live.capture import FrameSource, LatestFrameCapture, PacedVideoSource
from coach.live.keys import Action, action_for
from coach.live.loop import LiveConfig, LiveLoop, LiveResult
from coach.live.meters import RateMeter, Recent
from coach.live.setup import STEP_BACK, TURN_SIDE_ON, SetupConfig, SetupScreen
from coach.live.window import NullDisplay, display_available
from coach.pipeline import Pipeline, Sample
from coach.pose import PoseFrame
from coach.registry import get_exercise
from coach.sources import VideoFrame, VideoSource, WebcamSource
from coach.voice import SilentVoice
from tests.conftest import RunCoach

FPS = 30.0


class FakeCamera:
    """A camera behind the webcam source's interface (``fps``, iteration
    of VideoFrames, ``close``). ``period`` > 0 paces it in real time;
    ``stall_after`` makes it hang like an unplugged camera."""

    def __init__(self, frames: int, fps: float = FPS, size: tuple[int, int] = (320, 240), period: float = 0.0,
                 stall_after: int | None = None) -> None:
        self.fps = fps
        self.frames = frames
        self.size = size
        self.period = period
        self.stall_after = stall_after
        self.release = threading.Event()
        self.closed = False

    def __iter__(self) -> Iterator[VideoFrame]:
        w, h = self.size
        for i in range(self.frames):
            if self.stall_after is not None and i >= self.stall_after:
                self.release.wait(0.5)
                return
            if self.period:
                time.sleep(self.period)
            yield VideoFrame(t=i / self.fps, image=np.full((h, w, 3), i % 200, np.uint8), index=i)

    def close(self) -> None:
        self.closed = True


class Replay:
    """A pose detector replaying a pose track (counts its calls)."""

    def __init__(self, track: Sequence[PoseFrame]) -> None:
        self.track = track
        self.calls = 0

    def detect(self, image_bgr: np.ndarray, t: float) -> PoseFrame:
        frame = self.track[self.calls % len(self.track)]
        self.calls += 1
        return frame.replace(t=t)


class ScriptedDisplay(NullDisplay):
    """Presses keys at given frame numbers."""

    def __init__(self, keys: dict[int, str]) -> None:
        self.keys = keys
        self.shown = 0

    def show(self, image: np.ndarray) -> int:
        self.shown += 1
        key = self.keys.get(self.shown)
        return ord(key) if key else -1


class RecordingSink:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.summaries: list[SetSummary] = []

    def on_sample(self, sample: Sample) -> None:
        self.samples.append(sample)

    def close(self, summary: SetSummary) -> None:
        self.summaries.append(summary)


@pytest.fixture(scope="module")
def plank_track() -> list[PoseFrame]:
    from coach.synth import NoiseConfig, plank_hold

    sc = plank_hold(12.0, seed=0, noise=NoiseConfig.jitter_only(), fps=FPS)
    start = next(s.start for s in sc.truth.phases if s.label == "hold") + 0.5
    return [f for f in sc.frames if f.t >= start][: int(8 * FPS)]  # good form only (8 s), in position


def make_loop(camera: FrameSource, track: Sequence[PoseFrame], *, keys: dict[int, str] | None = None,
              setup: SetupConfig | None = None, lossless: bool = True,
              **config: object) -> tuple[LiveLoop, Replay, RecordingSink, SilentVoice]:
    detector = Replay(track)
    sink = RecordingSink()
    voice = SilentVoice()
    analyzer = get_exercise("plank")
    loop = LiveLoop(camera, detector, Pipeline(analyzer), voice=voice, display=ScriptedDisplay(keys or {}),
                    make_sinks=lambda: [sink],
                    config=LiveConfig(exercise="plank", target=30, target_unit="s", setup=setup,
                                      lossless=lossless, **config))  # type: ignore[arg-type]
    return loop, detector, sink, voice


# -- the camera interface and capture ------------------------------------------------------


def test_fake_camera_and_sources_share_the_webcam_interface(person_video: Path) -> None:
    assert isinstance(FakeCamera(1), FrameSource)
    assert isinstance(VideoSource(person_video), FrameSource)
    assert isinstance(PacedVideoSource(person_video), FrameSource)
    for name in ("__iter__", "close"):
        assert callable(getattr(WebcamSource, name))


def test_capture_keeps_only_the_newest_frame_and_counts_drops() -> None:
    camera = FakeCamera(60, period=0.004)
    capture = LatestFrameCapture(camera).start()
    got = []
    while True:
        item = capture.get(timeout=1.0)
        if item is None:
            break
        got.append(item.seq)
        time.sleep(0.02)  # a slow model: frames pile up at the camera
    capture.stop()
    assert capture.finished and capture.captured == 60
    assert got == sorted(got) and len(set(got)) == len(got)
    assert capture.dropped == 60 - len(got) > 20
    assert got[-1] == 59  # the newest frame, not a stale one


def test_lossless_capture_hands_over_every_frame_with_video_time() -> None:
    capture = LatestFrameCapture(FakeCamera(40), lossless=True).start()
    items = []
    while (item := capture.get(timeout=1.0)) is not None:
        items.append(item)
        time.sleep(0.001)
    capture.stop()
    assert [i.seq for i in items] == list(range(40))
    assert capture.dropped == 0
    assert items[3].t == pytest.approx(3 / FPS)


def test_capture_passes_source_errors_to_the_loop() -> None:
    class Broken(FakeCamera):
        def __iter__(self) -> Iterator[VideoFrame]:
            yield from list(super().__iter__())[:2]
            raise OSError("camera unplugged")

    capture = LatestFrameCapture(Broken(5)).start()
    while capture.get(timeout=1.0) is not None:
        pass
    assert isinstance(capture.error, OSError)


class FakeClock:
    def __init__(self, lag: float = 0.0) -> None:
        self.now = 100.0
        self.lag = lag  # seconds each reading costs (slow decoding)
        self.slept = 0.0

    def __call__(self) -> float:
        self.now += self.lag
        return self.now

    def sleep(self, dt: float) -> None:
        self.now += dt
        self.slept += dt


def test_paced_video_plays_at_its_frame_rate(person_video: Path) -> None:
    clock = FakeClock()
    source = PacedVideoSource(person_video, clock=clock, sleep=clock.sleep)
    frames = list(source)
    assert len(frames) == 45 and source.skipped == 0
    assert clock.slept == pytest.approx(44 / source.fps, abs=1e-6)


def test_paced_video_drops_frames_whose_time_has_passed(person_video: Path) -> None:
    clock = FakeClock(lag=0.1)  # each frame takes 3 frame periods to arrive
    source = PacedVideoSource(person_video, clock=clock, sleep=clock.sleep)
    frames = list(source)
    assert source.skipped > 20
    assert len(frames) + source.skipped == 45


# -- setup screen ------------------------------------------------------------------------------


def test_setup_screen_positions_then_counts_down(plank_track: list[PoseFrame]) -> None:
    screen = SetupScreen(SetupConfig(ready_s=2.0, countdown=3))
    good = plank_track[0]
    said: list[str] = []
    views = []
    t = 0.0

    def step(visible: bool, frame: PoseFrame, dur: float) -> bool:
        nonlocal t
        end = t + dur
        while t < end - 1e-9:
            s = screen.update(t, FrameVerdict(t=t, phase="setup", visible=visible), frame)
            views.append((round(t, 2), s.view))
            if s.say:
                said.append(s.say)
            t = round(t + 0.1, 3)
            if s.done:
                return True
        return False

    assert not step(False, PoseFrame.empty(0.0), 1.0)
    assert views[-1][1].lines[0] == STEP_BACK
    assert not step(True, good, 1.0)
    assert 0.0 < views[-1][1].progress < 1.0  # holding position, not yet 2 s
    assert not step(True, good, 2.0)  # 2 s in position, the countdown began
    assert views[-1][1].countdown in (3, 2)
    assert step(True, good, 3.0)
    assert said == [STEP_BACK, "3", "2", "1", "Go"]


def test_leaving_position_during_the_countdown_goes_back(plank_track: list[PoseFrame]) -> None:
    screen = SetupScreen(SetupConfig(ready_s=0.0, countdown=3, grace_s=0.5))
    good = plank_track[0]
    t = 0.0
    for _ in range(10):
        screen.update(t, FrameVerdict(t=t, phase="setup"), good)
        t += 0.1
    assert screen.state.value == "countdown"
    for _ in range(8):
        step = screen.update(t, FrameVerdict(t=t, phase="setup", visible=False), good)
        t += 0.1
    assert screen.state.value == "position" and not step.done
    assert step.view.lines[0] == STEP_BACK


def test_facing_the_camera_asks_to_turn_side_on(plank_track: list[PoseFrame]) -> None:
    from coach.landmarks import Landmark

    xy = np.array(plank_track[0].xy)
    xy[Landmark.RIGHT_SHOULDER] = xy[Landmark.LEFT_SHOULDER] + (0.15, 0.0)  # shoulders wide apart
    front = plank_track[0].replace(xy=xy)
    step = SetupScreen().update(0.0, FrameVerdict(t=0.0, phase="setup"), front)
    assert step.view.lines == (TURN_SIDE_ON,) and step.say == TURN_SIDE_ON


# -- keys, display, meters -------------------------------------------------------------------


@pytest.mark.parametrize(("key", "action"), [
    (ord("m"), Action.MUTE), (ord("M"), Action.MUTE), (ord(" "), Action.PAUSE), (ord("q"), Action.QUIT),
    (27, Action.QUIT), (0x100000 | ord("q"), Action.QUIT), (-1, None), (ord("x"), None), (None, None),
])
def test_keys(key: int | None, action: Action | None) -> None:
    assert action_for(key) is action


@pytest.mark.parametrize(("env", "platform", "ok"), [
    ({}, "linux", False), ({"DISPLAY": ":0"}, "linux", True), ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
    ({"DISPLAY": ""}, "linux", False), ({}, "darwin", True), ({}, "win32", True),
])
def test_display_detection(env: dict[str, str], platform: str, ok: bool) -> None:
    assert display_available(env, platform) is ok


def test_no_window_without_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.commands.live import _display

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    args = argparse.Namespace(no_window=False, quiet=True, exercise="plank")
    assert isinstance(_display(args), NullDisplay)


def test_meters_are_bounded() -> None:
    rate = RateMeter(window_s=1.0)
    for i in range(100):
        rate.tick(i / 30)
    assert rate.fps == pytest.approx(30.0)
    recent = Recent(size=10)
    for i in range(1000):
        recent.add(float(i))
    assert recent.count == 1000 and len(recent.values) == 10 and recent.max == 999.0
    assert recent.percentile(50) == pytest.approx(994.5)


# -- the whole loop ------------------------------------------------------------------------------


def test_loop_runs_setup_then_the_set(plank_track: list[PoseFrame]) -> None:
    loop, detector, sink, voice = make_loop(FakeCamera(int(12 * FPS)), plank_track, setup=SetupConfig())
    result = loop.run()
    assert isinstance(result, LiveResult) and result.started and not result.quit
    assert list(voice.said)[:4] == ["3", "2", "1", "Go"]
    # the set starts after ~2 s in position + 3 s countdown, its clock at 0, analyzer fresh
    assert sink.samples[0].verdict.t == 0.0
    assert 6.0 < len(sink.samples) / FPS < 7.5
    assert len(sink.summaries) == 1 and result.summary is sink.summaries[0]
    assert 4.0 < result.summary.hold_s < 7.5
    assert "10 seconds" not in voice.said
    assert result.stats.processed == detector.calls == int(12 * FPS)
    assert result.stats.dropped == 0


def test_never_in_position_means_no_set_and_nothing_saved() -> None:
    empty = [PoseFrame.empty(0.0)]
    loop, _, sink, voice = make_loop(FakeCamera(60), empty, setup=SetupConfig())
    result = loop.run()
    assert result.summary is None and not sink.samples and not sink.summaries
    assert list(voice.said) == [STEP_BACK]


def test_mute_pause_and_quit_keys(plank_track: list[PoseFrame]) -> None:
    keys = {5: "m", 60: " ", 120: " ", 450: "q"}
    loop, detector, sink, voice = make_loop(FakeCamera(int(20 * FPS)), plank_track, keys=keys)
    result = loop.run()
    assert result.quit and len(sink.summaries) == 1  # quitting saves the session
    assert loop.muted and loop.pipeline.policy.muted
    assert not voice.said  # muted from frame 5, before any cue
    assert any(s.cue is not None and not s.cue.spoken for s in sink.samples)  # still shown
    assert detector.calls == 450 - 60  # no inference while paused
    ts = [s.verdict.t for s in sink.samples]
    assert max(np.diff(ts)) < 2.5 / FPS  # the pause left no hole in the set's clock
    assert result.summary is not None and result.summary.hold_s < (450 - 60) / FPS


def test_ctrl_c_saves_the_session(plank_track: list[PoseFrame]) -> None:
    class Interrupting(Replay):
        def detect(self, image_bgr: np.ndarray, t: float) -> PoseFrame:
            if self.calls == 50:
                raise KeyboardInterrupt
            return super().detect(image_bgr, t)

    loop, _, sink, _ = make_loop(FakeCamera(100), plank_track)
    loop.detector = Interrupting(plank_track)
    result = loop.run()
    assert result.quit and len(sink.samples) == 50 and len(sink.summaries) == 1


def test_a_camera_that_stops_is_a_camera_error_after_saving(plank_track: list[PoseFrame]) -> None:
    camera = FakeCamera(100, stall_after=30)
    loop, _, sink, _ = make_loop(camera, plank_track, lossless=False, frame_timeout_s=0.3)
    try:
        with pytest.raises(CameraError, match="no frame from the camera"):
            loop.run()
    finally:
        camera.release.set()
    assert len(sink.summaries) == 1 and len(sink.samples) >= 1


def test_realtime_loop_measures_latency(plank_track: list[PoseFrame]) -> None:
    loop, *_ = make_loop(FakeCamera(30, period=1 / FPS), plank_track, lossless=False)
    result = loop.run()
    p50, p95, worst = result.stats.latency_ms
    assert p50 is not None and p95 is not None and worst is not None
    assert 0 <= p50 <= p95 <= worst
    assert result.stats.processed + result.stats.dropped == 30


# -- the real command line ---------------------------------------------------------------------


def test_cli_live_on_a_video_headless_writes_an_mp4(run_coach: RunCoach, person_video: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.mp4"
    proc = run_coach("live", "--source", person_video, "--realtime", "--no-window", "--video-out", out,
                     "--exercise", "plank", "--no-voice", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    cap = cv2.VideoCapture(str(out))
    ok, image = cap.read()
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    cap.release()
    assert ok and image is not None and image.shape[:2] == (480, 640)
    assert count >= 40  # 45 frames of video: real time, dropped frames filled
    assert "dropped" in proc.stderr


def test_cli_live_without_a_camera_is_one_clear_line(run_coach: RunCoach) -> None:
    proc = run_coach("live", "--camera", "7", "--exercise", "plank", timeout=60)
    assert proc.returncode != 0
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "camera 7" in lines[0] and "coach demo" in lines[0] and "coach analyze" in lines[0]


def test_quitting_saves_the_session_in_the_store(plank_track: list[PoseFrame], tmp_path: Path) -> None:
    import sqlite3

    from coach.commands._store_args import session_sink

    db = tmp_path / "coach.db"
    args = argparse.Namespace(db=db, no_save=False, keep_track=False)
    loop, _, _, _ = make_loop(FakeCamera(int(20 * FPS)), plank_track, keys={int(12 * FPS): "q"})
    loop.make_sinks = lambda: [s for s in [session_sink(args, exercise="plank", source="camera:0", target=30,
                                                        mode="live")] if s is not None]
    result = loop.run()
    assert result.quit and result.summary is not None
    with sqlite3.connect(db) as conn:
        sessions = conn.execute("SELECT mode, source, status FROM sessions").fetchall()
        sets = conn.execute("SELECT exercise, hold_s FROM sets").fetchall()
    assert len(sessions) == 1 and sessions[0][:2] == ("live", "camera:0")
    assert len(sets) == 1 and sets[0][0] == "plank"
    assert sets[0][1] == pytest.approx(result.summary.hold_s, abs=0.01)


def test_a_frame_gone_stale_behind_a_slow_one_is_skipped_for_the_next(plank_track: list[PoseFrame]) -> None:
    from coach.live.capture import CapturedFrame

    now = [10.0]
    frame = VideoFrame(t=0.0, image=np.zeros((2, 2, 3), np.uint8), index=0)

    class Capture:
        interval = 1 / FPS
        calls = 0

        def get(self, timeout: float | None = None) -> CapturedFrame | None:
            self.calls += 1
            return CapturedFrame(frame, 1.0, now[0], 2)

    loop, *_ = make_loop(FakeCamera(1), plank_track, lossless=False)
    loop.clock = lambda: now[0]
    capture = Capture()
    fresh = CapturedFrame(frame, 0.9, now[0] - 0.002, 1)
    assert loop._fresher(capture, fresh) is fresh and capture.calls == 0  # type: ignore[arg-type]
    stale = CapturedFrame(frame, 0.9, now[0] - 0.020, 1)  # waited 20 ms behind a slow frame
    newer = loop._fresher(capture, stale)  # type: ignore[arg-type]
    assert newer.seq == 2 and loop.stale_skipped == 1


def test_setup_instruction_is_repeated_while_the_problem_lasts() -> None:
    screen = SetupScreen(SetupConfig(remind_s=10.0))
    said = [step.say for i in range(250)
            if (step := screen.update(i / 10, FrameVerdict(t=i / 10, phase="setup", visible=False),
                                      PoseFrame.empty(i / 10))).say]
    assert said == [STEP_BACK] * 3  # at 0, 10 and 20 s


def test_no_waiting_for_fresher_frames_when_inference_is_slower_than_the_camera(
        plank_track: list[PoseFrame]) -> None:
    from coach.live.capture import CapturedFrame

    frame = VideoFrame(t=0.0, image=np.zeros((2, 2, 3), np.uint8), index=0)

    class Capture:
        interval = 1 / FPS

        def get(self, timeout: float | None = None) -> CapturedFrame | None:
            raise AssertionError("must not wait")

    loop, *_ = make_loop(FakeCamera(1), plank_track, lossless=False)
    loop.clock = lambda: 10.0
    loop._inference_ema = 0.05  # 50 ms per frame: always behind a 30 fps camera
    stale = CapturedFrame(frame, 0.9, 10.0 - 0.020, 1)
    assert loop._fresher(Capture(), stale) is stale  # type: ignore[arg-type]


def test_cli_live_on_a_file_judges_the_same_frames_as_analyze(run_coach: RunCoach, person_video: Path,
                                                              tmp_path: Path) -> None:
    """A video played with `coach live --source` has no setup screen (it cannot
    be repositioned), so live and analyze judge the same frames alike."""
    import json

    live_out, ana_out = tmp_path / "live.jsonl", tmp_path / "analyze.jsonl"
    live = run_coach("live", "--source", person_video, "--no-window", "--no-voice", "--exercise", "lift",
                     "--jsonl", live_out, "--no-save", timeout=120)
    assert live.returncode == 0, live.stderr
    ana = run_coach("analyze", person_video, "--exercise", "lift", "--jsonl", ana_out, "--no-save", timeout=120)
    assert ana.returncode == 0, ana.stderr

    def rows(p: Path) -> list[tuple[float, str, tuple[str, ...], int]]:
        out = []
        for line in p.read_text().splitlines():
            r = json.loads(line)
            out.append((round(r["t"], 3), r["phase"], tuple(r["faults"]), r["reps"]))
        return out

    assert rows(live_out) == rows(ana_out)
    assert len(rows(ana_out)) == 45
