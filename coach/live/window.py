"""Where the live picture goes: an OpenCV window, or nowhere.

A window is only opened when there is a display; on a headless machine
(no ``$DISPLAY`` / ``$WAYLAND_DISPLAY`` on Linux) the loop runs with
:class:`NullDisplay`, so ``coach live`` works on servers and in CI.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from coach.cvlog import cv2


class Display(Protocol):
    def show(self, image: NDArray[np.uint8]) -> int:
        """Show a frame; return the key pressed meanwhile (-1: none)."""
        ...

    def poll(self) -> int:
        """Handle window events without a new frame; the key or -1."""
        ...

    @property
    def closed(self) -> bool:
        """True once the user closed the window."""
        ...

    def close(self) -> None: ...


def display_available(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Can a window be opened? On Linux (and other X11/Wayland systems)
    only with ``DISPLAY`` or ``WAYLAND_DISPLAY`` set; macOS and Windows
    always have one."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin")):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


class NullDisplay:
    """Shows nothing (headless, ``--no-window``)."""

    closed = False

    def show(self, image: NDArray[np.uint8]) -> int:
        del image
        return -1

    def poll(self) -> int:
        return -1

    def close(self) -> None:
        pass


class CvWindow:
    """An OpenCV HighGUI window."""

    def __init__(self, title: str = "coach") -> None:
        self.title = title
        cv2.namedWindow(title, cv2.WINDOW_NORMAL)
        self._shown = False
        self._closed = False

    def show(self, image: NDArray[np.uint8]) -> int:
        cv2.imshow(self.title, image)
        self._shown = True
        return self.poll()

    def poll(self) -> int:
        key = int(cv2.waitKey(1))
        if self._shown and cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) < 1:
            self._closed = True
        return key

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        try:
            cv2.destroyWindow(self.title)
            cv2.waitKey(1)
        except cv2.error:
            pass
