"""Import OpenCV with its native logging silenced.

OpenCV and FFmpeg print warnings straight to stderr (``[ERROR:0@0.01]
global cap.cpp ...``) on unreadable files; coach reports such problems as
its own one-line errors instead. Import cv2 via ``from coach.cvlog import
cv2`` so the silencing happens before the first capture is opened.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_VIDEOIO_DEBUG", "0")

import cv2

try:
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
except AttributeError:  # pragma: no cover - very old OpenCV builds
    pass

__all__ = ["cv2"]
