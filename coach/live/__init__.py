"""The live coach: capture thread, loop, setup screen, keys and window.

Modules: :mod:`~coach.live.capture` (newest-frame capture, a video played
as a camera), :mod:`~coach.live.loop` (the loop), :mod:`~coach.live.setup`
(get into position, 3-2-1), :mod:`~coach.live.keys`,
:mod:`~coach.live.window` (OpenCV window or headless) and
:mod:`~coach.live.meters` (fps, latency).
"""

from __future__ import annotations

from coach.live.capture import CapturedFrame, FrameSource, LatestFrameCapture, PacedVideoSource
from coach.live.loop import LiveConfig, LiveLoop, LiveResult, LiveStats, PoseDetector
from coach.live.setup import SetupConfig, SetupScreen
from coach.live.window import CvWindow, Display, NullDisplay, display_available

__all__ = [
    "CapturedFrame",
    "CvWindow",
    "Display",
    "FrameSource",
    "LatestFrameCapture",
    "LiveConfig",
    "LiveLoop",
    "LiveResult",
    "LiveStats",
    "NullDisplay",
    "PacedVideoSource",
    "PoseDetector",
    "SetupConfig",
    "SetupScreen",
    "display_available",
]
