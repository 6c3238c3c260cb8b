"""The MediaPipe PoseLandmarker backend: images in, :class:`PoseFrame` out.

This is the only module in coach that imports mediapipe. It runs the Tasks
API in VIDEO mode (detection on the first frame, tracking afterwards) and
converts results at the edge, so nothing downstream sees mediapipe types.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np
from numpy.typing import NDArray

from coach.cvlog import cv2
from coach.errors import ModelError
from coach.landmarks import NUM_LANDMARKS
from coach.pose import PoseFrame

# MediaPipe's C++ side logs INFO lines to stderr through glog/absl; keep
# only errors so the CLI's own one-line messages stay readable.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

UNUSED_BY_COACH = ("matplotlib", "matplotlib.pyplot", "sounddevice")
"""Modules that ``import mediapipe`` loads eagerly for helpers coach never
calls: matplotlib for ``drawing_utils.plot_landmarks`` and sounddevice for
the audio tasks' microphone recorder. Loading them is 0.4-0.6 s of CPU (and
sounddevice runs ``gcc``/``ldconfig`` to find PortAudio), about as much as
everything else coach imports; see BENCHMARKS.md, "Where a whole process
spends its time"."""


class _Deferred(types.ModuleType):
    """Stands in for one of :data:`UNUSED_BY_COACH` while mediapipe is
    imported. Afterwards (once it is no longer in ``sys.modules``) any
    attribute use imports the real module, so mediapipe's plotting and audio
    helpers still work if something ever calls them."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("__") or sys.modules.get(self.__name__) is self:
            raise AttributeError(name)
        return getattr(importlib.import_module(self.__name__), name)


def _import_mediapipe() -> types.ModuleType:
    """``import mediapipe`` without loading :data:`UNUSED_BY_COACH` (those
    already loaded are left alone). Should a mediapipe release need them
    while it is imported, the plain import is used instead."""
    stubbed = [name for name in UNUSED_BY_COACH if name not in sys.modules]
    for name in stubbed:
        sys.modules[name] = _Deferred(name)
    try:
        return importlib.import_module("mediapipe")
    except Exception:  # noqa: BLE001 - retried below as a plain import, which raises for real
        for name in [n for n in sys.modules if n == "mediapipe" or n.startswith("mediapipe.")]:
            del sys.modules[name]
    finally:
        for name in stubbed:
            if isinstance(sys.modules.get(name), _Deferred):
                del sys.modules[name]
    return importlib.import_module("mediapipe")


mp = _import_mediapipe()
from mediapipe.tasks.python import BaseOptions, vision  # noqa: E402 - after the lean import above


@dataclass(frozen=True)
class PoseBackendOptions:
    """PoseLandmarker settings.

    The confidences are MediaPipe's defaults (0.5): lower values make the
    tracker hold on to a person longer through occlusion but also keep
    tracking garbage; analyzers gate on per-landmark visibility anyway.
    """

    model_path: Path
    num_poses: int = 1
    min_pose_detection_confidence: float = 0.5
    min_pose_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5


NOISY_CALLS = 2
"""MediaPipe's native code (LiteRT, XNNPACK, glog) writes INFO and WARNING
lines straight to file descriptor 2 while it loads the model and during the
first inferences ("Sparsity tensors may not yet be fully supported", "Using
NORM_RECT without IMAGE_DIMENSIONS..."); GLOG_minloglevel does not reach
them. coach silences fd 2 for those calls only, so the CLI's own one-line
messages stay readable. COACH_DEBUG=1 keeps them."""


@contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Point fd 2 at /dev/null for the duration (unless COACH_DEBUG is set).
    Python exceptions are unaffected: they are raised, not printed."""
    if os.environ.get("COACH_DEBUG"):
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:  # no fd 2 (embedded use): nothing to silence
        yield
        return
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _landmarker(options: PoseBackendOptions) -> vision.PoseLandmarker:
    """Create a VIDEO-mode PoseLandmarker, quietly. Raises ModelError with a
    fix when the model cannot be loaded."""
    path = Path(options.model_path)
    if not path.is_file():
        raise ModelError(f"pose model not found at {path}; run `coach models fetch`")
    mp_options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(path)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=options.num_poses,
        min_pose_detection_confidence=options.min_pose_detection_confidence,
        min_pose_presence_confidence=options.min_pose_presence_confidence,
        min_tracking_confidence=options.min_tracking_confidence,
    )
    try:
        with native_stderr_silenced():
            return vision.PoseLandmarker.create_from_options(mp_options)
    except (RuntimeError, ValueError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(
            f"cannot load pose model {path} ({first[:120]}); run `coach models fetch --force`"
        ) from None


class MediaPipePose:
    """``with MediaPipePose(opts) as pose: frame = pose.detect(bgr, t)``.

    Must be closed (docs/models.md: an unclosed landmarker prints a TypeError at
    interpreter shutdown); the context manager does it.
    """

    def __init__(self, options: PoseBackendOptions) -> None:
        self.options = options
        self._landmarker = _landmarker(options)
        self._last_ms = -1
        self._calls = 0
        self._closed = False

    def detect(self, image_bgr: NDArray[np.uint8], t: float) -> PoseFrame:
        """Run the landmarker on one BGR image (as OpenCV delivers it) taken
        at time ``t`` (s). The colour conversion uses ``cv2.cvtColor``
        (~0.1 ms at 640x480; a numpy channel flip costs ~1 ms)."""
        return self.detect_rgb(np.asarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8), t)

    def detect_rgb(self, image_rgb: NDArray[np.uint8], t: float) -> PoseFrame:
        """Run the landmarker on one RGB image taken at time ``t`` (s).

        Timestamps given to MediaPipe are forced strictly increasing (VIDEO
        mode rejects repeats). No person gives an empty frame, not None.
        """
        if self._closed:
            raise RuntimeError("MediaPipePose used after close()")
        ts_ms = max(round(t * 1000.0), self._last_ms + 1)
        self._last_ms = ts_ms
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image_rgb))
        if self._calls < NOISY_CALLS:
            self._calls += 1
            with native_stderr_silenced():
                result = self._landmarker.detect_for_video(image, ts_ms)
        else:
            result = self._landmarker.detect_for_video(image, ts_ms)
        h, w = image_rgb.shape[:2]
        return to_pose_frame(result, t, aspect=w / h)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            with native_stderr_silenced():
                self._landmarker.close()

    def __enter__(self) -> MediaPipePose:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def to_pose_frame(result: vision.PoseLandmarkerResult, t: float, aspect: float) -> PoseFrame:
    """Convert a PoseLandmarkerResult (first pose) to a PoseFrame."""
    if not result.pose_landmarks:
        return PoseFrame.empty(t, aspect=aspect)
    lms = result.pose_landmarks[0]
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    z = np.zeros(NUM_LANDMARKS)
    vis = np.zeros(NUM_LANDMARKS)
    for i, lm in enumerate(lms[:NUM_LANDMARKS]):
        xy[i] = (lm.x, lm.y)
        z[i] = lm.z if lm.z is not None else 0.0
        vis[i] = lm.visibility if lm.visibility is not None else 0.0
    world = None
    if result.pose_world_landmarks:
        world = np.full((NUM_LANDMARKS, 3), np.nan)
        for i, wl in enumerate(result.pose_world_landmarks[0][:NUM_LANDMARKS]):
            world[i] = (wl.x, wl.y, wl.z)
    return PoseFrame(t=t, xy=xy, z=z, visibility=vis, world=world, aspect=aspect)


class RawLandmarker:
    """The bare Tasks API loop, the baseline of ``coach bench``: an RGB
    image in, ``detect_for_video`` called, the result thrown away (no
    conversion to PoseFrame). Same options as :class:`MediaPipePose`."""

    def __init__(self, options: PoseBackendOptions) -> None:
        self._landmarker = _landmarker(options)

    def __call__(self, image_rgb: NDArray[np.uint8], ts_ms: int) -> bool:
        """Run once; True if a person was found."""
        result = self._landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=image_rgb),
                                                   ts_ms)
        return bool(result.pose_landmarks)

    def close(self) -> None:
        with native_stderr_silenced():
            self._landmarker.close()

    def __enter__(self) -> RawLandmarker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


BARE_LOOP_SCRIPT = r"""
import sys, cv2, mediapipe as mp
from mediapipe.tasks.python import BaseOptions, vision
model, video = sys.argv[1], sys.argv[2]
cap = cv2.VideoCapture(video)
fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
opts = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=model),
                                    running_mode=vision.RunningMode.VIDEO)
with vision.PoseLandmarker.create_from_options(opts) as lm:
    i = 0
    while True:
        ok, img = cap.read()
        if not ok:
            break
        rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        lm.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), round(i * 1000 / fps))
        i += 1
print(i)
"""
"""The plainest MediaPipe program over a video file, the baseline of ``coach
bench --scaling`` (run as ``python -c BARE_LOOP_SCRIPT MODEL VIDEO``): one
landmarker, no coach code."""

LEGACY_LOOP_SCRIPT = r"""
import sys, cv2, mediapipe as mp
video = sys.argv[1]
cap = cv2.VideoCapture(video)
with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
    i = 0
    while True:
        ok, img = cap.read()
        if not ok:
            break
        pose.process(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
        i += 1
print(i)
"""
"""The legacy ``mp.solutions.pose`` loop (full model, ``model_complexity=1``),
for ``coach bench --scaling-legacy-python PY``: mediapipe 1.2.x, coach's,
no longer has ``mp.solutions``, so it runs under another interpreter with
mediapipe 0.10.x (whose wheel holds the full model only)."""
