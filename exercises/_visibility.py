"""Refuse to judge when the key joints are not seen, and tell the user what
to change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from coach.geometry import NAN, dist
from coach.landmarks import SIDES, Landmark, Side, sided
from exercises._view import View

# --------------------------------------------------------------------------
# visibility: refuse to judge, and say what to change
# --------------------------------------------------------------------------
CUE_NOBODY = "I can't see you: lie down side-on to the camera, whole body in view"
CUE_FEET = "Move back so your feet are in view"
CUE_HEAD = "Move back so your head and shoulders are in view"
CUE_TURN = "Turn side-on to the camera"

LOWER_JOINTS = frozenset({"knee", "ankle", "heel", "foot_index"})
UPPER_JOINTS = frozenset({"shoulder", "elbow", "wrist", "ear", "nose", "eye"})


def visibility_cue(view: View, missing: Iterable[str], front_view: bool = False) -> str:
    """What the user should change when key joints are not seen.

    Lower-body joints missing -> move back (feet cut off); upper-body joints
    missing -> move back (head cut off); only middle joints (hips) missing,
    or seen from the front -> turn side-on.
    """
    if not view.has_person:
        return CUE_NOBODY
    miss = set(missing)
    if miss & LOWER_JOINTS:
        return CUE_FEET
    if miss & UPPER_JOINTS:
        return CUE_HEAD
    if front_view or miss:
        return CUE_TURN
    return CUE_TURN


class VisibilityGate:
    """Are the key joints of one side seen? Hysteresis on visibility: all
    must reach ``vis_on`` to start judging, judging goes on while all stay
    above ``vis_off``."""

    def __init__(self, joints: Sequence[str], vis_on: float, vis_off: float, margin: float) -> None:
        self.joints = tuple(joints)
        self._lms = {s: tuple(sided(s, j) for j in self.joints) for s in SIDES}
        self.vis_on = vis_on
        self.vis_off = vis_off
        self.margin = margin
        self.open = False

    def reset(self) -> None:
        self.open = False

    def missing(self, view: View, side: Side, thr: float | None = None) -> list[str]:
        th = (self.vis_off if self.open else self.vis_on) if thr is None else thr
        return [j for j, lm in zip(self.joints, self._lms[side], strict=True)
                if not view.seen(lm, th, self.margin)]

    def usable(self, view: View) -> dict[Side, bool]:
        return {s: not self.missing(view, s) for s in SIDES}

    def check(self, view: View, side: Side) -> list[str]:
        miss = self.missing(view, side)
        self.open = not miss
        return miss


def shoulder_width_ratio(view: View, thr: float, margin: float) -> float:
    """Shoulder-to-shoulder distance over the trunk length (shoulder
    midpoint to hip midpoint, or one side's trunk when that is all there
    is). NaN when both shoulders are not seen: a hidden far shoulder means
    side-on."""
    ls, rs = Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER
    lh, rh = Landmark.LEFT_HIP, Landmark.RIGHT_HIP
    if not (view.seen(ls, thr, margin) and view.seen(rs, thr, margin)):
        return NAN
    width = dist(view.p(ls), view.p(rs))
    trunks = [dist(view.p(s), view.p(h)) for s, h in ((ls, lh), (rs, rh))
              if view.seen(h, thr, margin)]
    if not trunks:
        return NAN
    trunk = max(trunks)
    return width / trunk if trunk > 1e-9 else NAN
