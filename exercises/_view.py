"""One frame's landmarks, read once as float lists (the floor analyzers' per-frame view)."""

from __future__ import annotations

from coach.geometry import Point
from coach.landmarks import Landmark
from coach.pose import PoseFrame


class View:
    """A frame's landmarks as float lists (aspect-corrected x, y down).

    Read with as few numpy calls as possible (one ``tolist`` per array):
    this runs right after the pose network, when every distinct numpy call
    is slow (BENCHMARKS.md, "Analysis share for every exercise")."""

    __slots__ = ("has_person", "raw_x", "raw_y", "v", "x", "y", "z")

    def __init__(self, frame: PoseFrame, x_scale: float = 1.0) -> None:
        xs: list[float]
        ys: list[float]
        xs, ys = frame.xy.T.tolist()
        a = frame.aspect * x_scale
        self.raw_x = xs
        self.raw_y = ys
        self.x = [x * a for x in xs]
        self.y = ys
        self.v: list[float] = frame.visibility.tolist()
        self.z: list[float] = frame.z.tolist()
        self.has_person: bool = frame.has_person
        """Some landmark is visible (the frame's own flag)."""

    def rescale(self, x_scale: float, aspect: float) -> None:
        """Use ``aspect * x_scale`` as the aspect (see :class:`AspectGuess`)."""
        a = aspect * x_scale
        self.x = [x * a for x in self.raw_x]

    def p(self, lm: Landmark) -> Point:
        return (self.x[lm], self.y[lm])

    def in_frame(self, lm: Landmark, margin: float) -> bool:
        x, y = self.raw_x[lm], self.raw_y[lm]
        return -margin <= x <= 1.0 + margin and -margin <= y <= 1.0 + margin

    def seen(self, lm: Landmark, thr: float, margin: float) -> bool:
        """Visible enough (visibility >= thr > 0 implies finite coordinates,
        PoseFrame guarantees it) and inside the picture."""
        return self.v[lm] >= thr and thr > 0.0 and self.in_frame(lm, margin)
