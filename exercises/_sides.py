"""Which body side to judge (the near side, with stickiness) and the x scale
of a track that lacks its image aspect."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from operator import itemgetter

from coach.aspect import EVIDENCE_VERTICAL, SEGMENT_FRACS, AspectConfig, AspectEstimator
from coach.landmarks import SIDES, Side, other_side, sided
from exercises._view import View


# --------------------------------------------------------------------------
# unknown image aspect (the estimation itself lives in coach.aspect)
# --------------------------------------------------------------------------
class AspectGuess:
    """Estimates the x scale ``c`` that a track without its aspect needs,
    from the near side's trunk, thigh, shank and upper arm
    (:data:`coach.aspect.SEGMENT_FRACS`, least squares in
    :class:`coach.aspect.AspectEstimator`). Lying on the floor, horizontal
    segments are always there, so the evidence is the sum of squared sines
    of the segments' tilts (``evidence="vertical"``). The estimate is
    snapped to a common format (:data:`coach.aspect.ASPECT_CANDIDATES`),
    switching only by ``switch_margin``.
    """

    def __init__(self, switch_margin: float, min_weight: float, vis: float) -> None:
        self.vis = vis
        self._est = AspectEstimator(AspectConfig(switch_margin=switch_margin, min_weight=min_weight,
                                                 evidence=EVIDENCE_VERTICAL))
        self._pairs = {s: tuple((sided(s, j1), sided(s, j2), r) for j1, j2, r in SEGMENT_FRACS) for s in SIDES}

    def reset(self) -> None:
        self._est.reset()

    @property
    def scale(self) -> float:
        return self._est.scale

    @property
    def estimator(self) -> AspectEstimator:
        return self._est

    @property
    def estimate(self) -> float:
        return self._est.estimate

    def update(self, view: View, side: Side) -> float:
        """Add one frame's evidence (its near side), return the x scale."""
        vis, v, x, y = self.vis, view.v, view.raw_x, view.y
        segs = [(x[a2] - x[a1], y[a2] - y[a1], r) for a1, a2, r in self._pairs[side]
                if v[a1] >= vis and v[a2] >= vis]
        return self._est.update(segs)


# --------------------------------------------------------------------------
# side choice with stickiness
# --------------------------------------------------------------------------
NEAR_BONUS = 0.1
"""At most this much (on a 0..1 mean visibility) is added to the side
nearer the camera and taken from the other: visibility alone cannot tell
the near side when MediaPipe sees both joints well."""
NEAR_BONUS_SLOPE = 4.0
"""The bonus is ``NEAR_BONUS * tanh(NEAR_BONUS_SLOPE * dz)`` for a depth
difference ``dz`` (MediaPipe z, image widths): half of it at dz ~0.14, a
near side clearly ahead, and never more than ``NEAR_BONUS``."""


class SideScorer:
    """Each side's score in one frame: the mean visibility of its ``joints``
    plus a bonus for being nearer the camera in MediaPipe z (none when a
    depth is unknown). Shared by the floor exercises' :class:`SideSelector`
    and the lift."""

    def __init__(self, joints: Sequence[str]) -> None:
        if len(joints) < 2:
            raise ValueError("a side is scored from two joints or more")
        self._n = len(joints)
        # one C call picks a side's values (a tuple) from a list on the
        # per-frame path; summed left to right, as a loop would
        self._pick = {s: itemgetter(*(int(sided(s, j)) for j in joints)) for s in SIDES}

    def __call__(self, vis: list[float], z: list[float]) -> dict[Side, float]:
        """Side -> score, from a frame's visibilities and depths as lists."""
        out: dict[Side, float] = {}
        zmean: dict[Side, float] = {}
        n = self._n
        for s in SIDES:
            pick = self._pick[s]
            out[s] = sum(pick(vis)) / n
            zmean[s] = sum(pick(z)) / n
        dz = zmean["right"] - zmean["left"]  # > 0: left nearer the camera
        if math.isfinite(dz):
            bonus = NEAR_BONUS * math.tanh(NEAR_BONUS_SLOPE * dz)
            out["left"] += bonus
            out["right"] -= bonus
        return out


class SideSelector:
    """The body side nearer the camera, judged from a running
    :class:`SideScorer` score per side, switching only when the other side
    is clearly better. Starts from the first frame's best side, so a short
    clip is judged from its first frame on."""

    def __init__(self, joints: Sequence[str], tau_s: float, margin: float) -> None:
        self._score = SideScorer(joints)
        self.tau_s = tau_s
        self.margin = margin
        self.reset()

    def reset(self) -> None:
        self.side: Side = "left"
        self._ema: dict[Side, float] | None = None
        self._t: float | None = None

    def update(self, view: View, t: float, usable: Mapping[Side, bool] | None = None) -> Side:
        """``usable`` says which sides have all their key joints seen now; a
        side that is unusable while the other is usable is left at once."""
        sc = self._score(view.v, view.z)
        if self._ema is None or self._t is None:
            self._ema = dict(sc)
            self.side = "left" if sc["left"] >= sc["right"] else "right"
        else:
            dt = max(0.0, t - self._t)
            a = 1.0 - math.exp(-dt / self.tau_s) if self.tau_s > 0 else 1.0
            for s in SIDES:
                self._ema[s] += a * (sc[s] - self._ema[s])
            other = other_side(self.side)
            if self._ema[other] > self._ema[self.side] + self.margin:
                self.side = other
        self._t = t
        if usable is not None and not usable[self.side] and usable[other_side(self.side)]:
            self.side = other_side(self.side)
        return self.side
