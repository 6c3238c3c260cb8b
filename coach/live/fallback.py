"""Live fall-back to a lighter pose model when inference cannot keep up
with the camera (docs/models.md, "Live fall-back to lite").

Three parts, each with one job:

* :class:`KeepUpMonitor`, a pure state machine: fed each frame's capture
  time, inference time and the camera's frame interval, it decides once
  (and never again) that the model is too slow, by the rule in
  :class:`FallbackConfig`;
* :class:`SwitchableDetector`, the pose detector the live loop calls: it
  forwards to the current backend, can be switched to another one, and
  keeps the names of the models it used, in order (what the session
  records);
* :class:`ModelFallback`, what the loop is given: it feeds the monitor and,
  when it fires, loads the lighter model and switches to it, or, when that
  model is not installed, says once how to install it and goes on.

There is no way back: a switch happens at most once per run, so the model
never oscillates between sizes.
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from coach.errors import ModelError
from coach.pose import PoseFrame

Image = NDArray[np.uint8]


@dataclass(frozen=True)
class FallbackConfig:
    """When the live coach gives up on the full model.

    The rule: once ``warmup_s`` of capture time has passed, when the
    **median inference time over the last** ``window_s`` **seconds** (at
    least ``min_frames`` frames) **exceeds** ``margin`` **times the
    camera's frame interval**, the model cannot keep up: the camera
    delivers frames faster than the model reads them, so frames are dropped
    and each cue reaches the screen late.
    """

    window_s: float = 3.0
    """Long enough that a few slow frames (the person detector re-running
    after tracking is lost, a hiccup from another program) do not decide;
    short enough that a slow machine gets the faster model within seconds."""
    warmup_s: float = 2.0
    """The first inferences are slow (the model warms up, the detector runs
    on the first frame): they are not judged."""
    min_frames: int = 10
    """A median over fewer frames says too little."""
    margin: float = 1.0
    """1.0: slower than the camera at the median, i.e. more than half the
    frames would be late. Full takes about 17 ms on a 2-core CPU
    (docs/models.md), half a 30 fps camera's 33 ms, so a machine that can
    run full at 30 fps keeps it."""

    def __post_init__(self) -> None:
        if not (self.window_s > 0 and self.warmup_s >= 0 and self.min_frames >= 1 and self.margin > 0):
            raise ValueError("FallbackConfig: window_s and margin must be > 0, warmup_s >= 0, min_frames >= 1")


@dataclass(frozen=True)
class SlowModel:
    """Why the monitor fired: the median inference and the camera interval
    (seconds), at capture time ``t``."""

    t: float
    median_s: float
    interval_s: float


class KeepUpMonitor:
    """``update(t, inference_s, interval_s) -> SlowModel | None``: the
    verdict on the one frame the rule is first met; None before and ever
    after."""

    def __init__(self, config: FallbackConfig | None = None) -> None:
        self.config = config or FallbackConfig()
        self._recent: deque[tuple[float, float]] = deque()
        self.fired: SlowModel | None = None

    def update(self, t: float, inference_s: float, interval_s: float | None) -> SlowModel | None:
        if self.fired is not None:
            return None
        c = self.config
        if self._recent and t < self._recent[-1][0]:
            self._recent.clear()  # the capture clock restarted (the next set of a programme)
        self._recent.append((t, inference_s))
        while self._recent and t - self._recent[0][0] > c.window_s:
            self._recent.popleft()
        if t < c.warmup_s or len(self._recent) < c.min_frames or not interval_s or interval_s <= 0:
            return None
        median = statistics.median(x for _, x in self._recent)
        if median > c.margin * interval_s:
            self.fired = SlowModel(t, median, interval_s)
            return self.fired
        return None


class Backend(Protocol):
    def detect(self, image_bgr: Image, t: float) -> PoseFrame: ...

    def close(self) -> None: ...


class SwitchableDetector:
    """A pose detector that can change its backend once the loop is
    running; ``models`` lists the names of the models used, in order
    (none for a replayed pose track: ``name`` None)."""

    def __init__(self, backend: Backend, name: str | None) -> None:
        self.backend = backend
        self.models: list[str] = [] if name is None else [name]

    def detect(self, image_bgr: Image, t: float) -> PoseFrame:
        return self.backend.detect(image_bgr, t)

    def switch(self, backend: Backend, name: str) -> None:
        """Use ``backend`` from the next frame on; the old one is closed."""
        old, self.backend = self.backend, backend
        self.models.append(name)
        old.close()

    def models_text(self) -> str | None:
        """The models used, comma-separated (``sessions.models``); None: no model ran."""
        return ",".join(self.models) or None

    def close(self) -> None:
        self.backend.close()


Loader = Callable[[], tuple[Backend, str]]
"""Loads the lighter model: (backend, model name). Raises ModelError when
it is not installed or cannot be loaded."""


class ModelFallback:
    """``observe(t, inference_s, interval_s) -> str | None``: the words to
    show on screen, on the one frame the switch happens (or the hint to
    install the lighter model). ``say`` gets the same once, for stderr."""

    def __init__(self, detector: SwitchableDetector, load: Loader, *, lighter: str = "lite",
                 config: FallbackConfig | None = None, say: Callable[[str], None] | None = None) -> None:
        self.detector = detector
        self.load = load
        self.lighter = lighter
        self.monitor = KeepUpMonitor(config)
        self.say = say or (lambda _text: None)
        self.switched_at: float | None = None
        self.missing: str | None = None
        """Why the lighter model could not be used (it was not switched to)."""

    def observe(self, t: float, inference_s: float, interval_s: float | None) -> str | None:
        slow = self.monitor.update(t, inference_s, interval_s)
        if slow is None:
            return None
        why = (f"median inference {slow.median_s * 1000:.0f} ms per frame over the last "
               f"{self.monitor.config.window_s:g} s, the camera gives a frame every {slow.interval_s * 1000:.0f} ms")
        try:
            backend, name = self.load()
        except ModelError as exc:
            self.missing = str(exc)
            self.say(f"coach: the pose model cannot keep up with the camera ({why}); the {self.lighter} model "
                     f"would, but it is not usable ({exc}); install it with "
                     f"`coach models fetch --variant {self.lighter}`")
            return f"Too slow for this camera: run `coach models fetch --variant {self.lighter}`"
        self.detector.switch(backend, name)
        self.switched_at = t
        self.say(f"coach: switched to the {self.lighter} pose model at {t:.1f} s: the full model could not keep "
                 f"up with the camera ({why}); `--model-variant full` keeps the full model")
        return f"Switched to the {self.lighter} pose model to keep up with the camera"
