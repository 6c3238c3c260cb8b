"""The live loop's keys: ``m`` mute, space pause, ``q`` (or Esc) quit."""

from __future__ import annotations

from enum import Enum


class Action(Enum):
    MUTE = "mute"
    PAUSE = "pause"
    QUIT = "quit"


KEYMAP: dict[int, Action] = {
    ord("m"): Action.MUTE,
    ord("M"): Action.MUTE,
    ord(" "): Action.PAUSE,
    ord("q"): Action.QUIT,
    ord("Q"): Action.QUIT,
    27: Action.QUIT,  # Esc
}

HELP = "m: mute   space: pause   q: quit"


def action_for(key: int | None) -> Action | None:
    """The action for a key code from ``cv2.waitKey`` (-1 or None: none)."""
    if key is None or key < 0:
        return None
    return KEYMAP.get(key & 0xFF)
