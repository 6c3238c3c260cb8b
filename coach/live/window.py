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


MIN_WINDOW = (1280, 720)
"""The smallest window opened for the picture (when the window manager does
not size it, as under a bare X server, a window would otherwise open at
OpenCV's 400x300 and the HUD could not be read)."""
SCREEN_FILL = 0.9
"""At most this fraction of the screen is used."""


def initial_window_size(image_wh: tuple[int, int], screen_wh: tuple[int, int] | None = None,
                        minimum: tuple[int, int] = MIN_WINDOW) -> tuple[int, int]:
    """The window's first size: the picture's own size, scaled up (aspect
    kept) to at least ``minimum``, then down to fit the screen if known."""
    w, h = max(1, image_wh[0]), max(1, image_wh[1])
    scale = max(1.0, minimum[0] / w, minimum[1] / h)
    if screen_wh is not None and screen_wh[0] > 0 and screen_wh[1] > 0:
        scale = min(scale, SCREEN_FILL * screen_wh[0] / w, SCREEN_FILL * screen_wh[1] / h)
    return max(1, round(w * scale)), max(1, round(h * scale))


def screen_size(env: Mapping[str, str] | None = None) -> tuple[int, int] | None:
    """The screen's size in pixels when it can be learnt cheaply: the
    ``COACH_SCREEN`` variable (``1920x1080``), else what ``tkinter`` says
    when it is installed; None otherwise (then only the minimum applies)."""
    env = os.environ if env is None else env
    text = env.get("COACH_SCREEN", "")
    if "x" in text:
        a, _, b = text.lower().partition("x")
        if a.isdigit() and b.isdigit():
            return int(a), int(b)
    try:
        import tkinter

        root = tkinter.Tk()
        try:
            root.withdraw()
            return int(root.winfo_screenwidth()), int(root.winfo_screenheight())
        finally:
            root.destroy()
    except Exception:  # no tkinter, no display: size unknown  # noqa: BLE001
        return None


class CvWindow:
    """An OpenCV HighGUI window, resizable, first sized by
    :func:`initial_window_size` from the first picture."""

    def __init__(self, title: str = "coach", screen: tuple[int, int] | None = None) -> None:
        self.title = title
        cv2.namedWindow(title, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO)
        self._shown = False
        self._closed = False
        self._screen = screen
        self.size: tuple[int, int] | None = None

    def show(self, image: NDArray[np.uint8]) -> int:
        if not self._shown:
            self.size = initial_window_size((image.shape[1], image.shape[0]), self._screen or screen_size())
            cv2.resizeWindow(self.title, *self.size)
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
