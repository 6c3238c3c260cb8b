"""Estimating the image aspect of a pose track that does not carry it.

A pose-track CSV often holds image-normalised coordinates only (x and y both
0..1), so :attr:`coach.pose.PoseFrame.aspect` reads 1.0. From a 16:9 video
that squashes x by 1.78 and every 2D angle with it (a 60 degree trunk
flexion reads ~44). The body itself tells the x scale back: side-on, its
segments lie in the image plane and their lengths follow known proportions
of stature (:data:`SEGMENT_FRACS`).

For a segment with normalised image extent (dx, dy) and length fraction r,
with the unknown x scale ``c`` and body size ``k`` (image heights per
stature): ``(c dx)^2 + dy^2 = (k r)^2``. That is linear in ``u = c^2`` and
``w = k^2``:  ``a u - w = -b`` with ``a = dx^2 / r^2``, ``b = dy^2 / r^2``.
Least squares over many segments (2x2 normal equations on running sums)
gives ``u``. It is well determined only when the segments differ in tilt:
all-vertical segments (an upright stance) have a = 0 and say nothing about
``c``; all-horizontal ones cannot tell ``c`` from ``k``.

Everything here takes plain ``(dx, dy, r)`` triples of floats (no frames, no
landmarks): the analyzers pick the segments they trust.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

Segment = tuple[float, float, float]
"""(dx, dy, r): a segment's normalised image extent and its expected length
as a fraction of stature."""

SEGMENT_FRACS: tuple[tuple[str, str, float], ...] = (
    ("shoulder", "hip", 0.288),
    ("hip", "knee", 0.245),
    ("knee", "ankle", 0.246),
    ("shoulder", "elbow", 0.186),
)
"""Segment lengths as fractions of stature (Drillis & Contini 1966, in
Winter 2009, Fig. 4.1): trunk, thigh, shank, upper arm. Side-on, these lie
in the image plane, so their image lengths follow these ratios."""

ASPECT_CANDIDATES: tuple[float, ...] = (1.0, 4.0 / 3.0, 16.0 / 9.0)
"""Image formats a webcam or phone records (square = the aspect is right)."""

MIN_SEGMENT_SQ = 1e-8
"""A segment shorter than 1e-4 image heights (squared: 1e-8) is a collapsed
landmark pair, not a measurement; it is skipped."""

EVIDENCE_VERTICAL = "vertical"
EVIDENCE_MIXED = "mixed"


# --------------------------------------------------------------------------
# pure functions
# --------------------------------------------------------------------------
def segment_terms(dx: float, dy: float, r: float) -> tuple[float, float] | None:
    """The equation ``a u - w = -b`` of one segment: ``(a, b) = (dx^2/r^2,
    dy^2/r^2)``; None for a degenerate or non-finite segment."""
    n2 = dx * dx + dy * dy
    if not (n2 > MIN_SEGMENT_SQ and math.isfinite(n2) and r > 0.0):
        return None
    return dx * dx / (r * r), dy * dy / (r * r)


def tilt_shares(dx: float, dy: float) -> tuple[float, float]:
    """``(cos^2, sin^2)`` of a segment's tilt from the image horizontal: its
    horizontal and vertical shares (summing to 1); (0, 0) if degenerate."""
    n2 = dx * dx + dy * dy
    if not (n2 > MIN_SEGMENT_SQ and math.isfinite(n2)):
        return 0.0, 0.0
    return dx * dx / n2, dy * dy / n2


@dataclass
class FitSums:
    """Running sums of the least-squares problem ``a u - w = -b``."""

    saa: float = 0.0
    sa: float = 0.0
    n: float = 0.0
    sab: float = 0.0
    sb: float = 0.0
    sbb: float = 0.0

    def add(self, a: float, b: float) -> None:
        self.saa += a * a
        self.sa += a
        self.n += 1.0
        self.sab += a * b
        self.sb += b
        self.sbb += b * b


def solve_scale_sq(s: FitSums) -> tuple[float, float]:
    """``(u, w)`` = (x scale squared, body size squared) from the normal
    equations; ``(nan, nan)`` when they are singular."""
    det = s.saa * s.n - s.sa * s.sa
    if not abs(det) > 1e-12:
        return math.nan, math.nan
    u = (-s.sab * s.n + s.sa * s.sb) / det
    w = (s.saa * s.sb - s.sa * s.sab) / det
    return u, w


def scale_rel_error(s: FitSums, u: float, w: float) -> float:
    """Standard error of ``c = sqrt(u)`` relative to ``c`` (= se(u) / 2u)
    from the fit's residuals; inf when it cannot be told (fewer than 3
    equations, singular, u <= 0). Residuals here are mostly body-proportion
    errors, not independent noise, so this is a lower bound: a guard against
    an ill-determined fit, not a confidence interval."""
    det = s.saa * s.n - s.sa * s.sa
    if not (s.n > 2.0 and abs(det) > 1e-12 and u > 0.0 and math.isfinite(u) and math.isfinite(w)):
        return math.inf
    rss = (u * u * s.saa + s.n * w * w + s.sbb - 2.0 * u * w * s.sa + 2.0 * u * s.sab - 2.0 * w * s.sb)
    sigma2 = max(0.0, rss) / (s.n - 2.0)
    return math.sqrt(sigma2 * s.n / det) / (2.0 * u)


def fit_x_scale(segments: Iterable[Segment]) -> float:
    """Least-squares x scale ``c`` from ``(dx, dy, r)`` segments (no bias
    correction, no snapping); nan if ill-posed."""
    s = FitSums()
    for dx, dy, r in segments:
        terms = segment_terms(dx, dy, r)
        if terms is not None:
            s.add(*terms)
    u, _w = solve_scale_sq(s)
    return math.sqrt(u) if u > 0.0 and math.isfinite(u) else math.nan


def snap_scale(estimate: float, current: float, candidates: Iterable[float], margin: float) -> float:
    """The candidate nearest ``estimate`` (in log terms) if it is nearer than
    ``current`` by more than ``margin``; else ``current`` (stickiness)."""
    if not (estimate > 0.0 and math.isfinite(estimate)):
        return current
    best = min(candidates, key=lambda k: abs(math.log(estimate / k)))
    if abs(math.log(estimate / best)) < abs(math.log(estimate / current)) - margin:
        return best
    return current


# --------------------------------------------------------------------------
# the stateful estimator
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class AspectConfig:
    """How the x scale is estimated and held. Every number has its reason."""

    switch_margin: float = 0.05
    """The estimate is snapped to the nearest of :attr:`candidates` (1, 4/3
    and 16/9 are 29 % apart in log terms); it moves to another only when that
    is nearer by 5 % (log), so it does not flicker between two."""
    min_weight: float = 5.0
    """Evidence (see :attr:`evidence`) needed before the estimate is used.
    Floor: ~5 frames of a vertical upper arm or bent knees (sum of squared
    sines of the segments' tilts)."""
    bias: float = 1.06
    """On synthetic bodies (Winter proportions +-4 %, side-on floor camera)
    the raw estimate reads 5-7 % low; corrected before snapping."""
    evidence: str = EVIDENCE_VERTICAL
    """How one frame's evidence is counted. ``"vertical"``: the sum of the
    segments' vertical shares (sin^2 of their tilt) - right for a body lying
    on the floor, whose horizontal segments are always there. ``"mixed"``:
    the smaller of the summed horizontal and vertical shares - a frame of an
    upright body (all vertical) or of a body lying flat (all horizontal)
    counts nothing; only a mix of tilts separates x scale from body size."""
    max_rel_error: float = math.inf
    """The estimate is used only while the fit's relative standard error of
    the scale (:func:`scale_rel_error`) stays below this. inf = no check."""
    lock_weight: float = math.inf
    """Once the scale has been decided with this much evidence it is held
    for good (:attr:`AspectEstimator.locked`): the x scale belongs to the
    camera, which does not change. inf = never lock (keep refining)."""
    candidates: tuple[float, ...] = ASPECT_CANDIDATES
    """Formats the estimate snaps to."""


class AspectEstimator:
    """Accumulates segments frame by frame; :attr:`scale` is the x scale to
    apply (starts at 1 and stays there until the evidence suffices)."""

    def __init__(self, config: AspectConfig | None = None) -> None:
        self.config = config or AspectConfig()
        self.reset()

    def reset(self) -> None:
        self._sums = FitSums()
        self.weight = 0.0
        self.scale = 1.0
        self.estimate = math.nan
        self.rel_error = math.inf
        self.locked = False

    def update(self, segments: Iterable[Segment]) -> float:
        """Add one frame's segments; returns the x scale to use now."""
        if self.locked:
            return self.scale
        c = self.config
        s = self._sums
        hor = vert = 0.0
        for dx, dy, r in segments:
            terms = segment_terms(dx, dy, r)
            if terms is None:
                continue
            s.add(*terms)
            h, v = tilt_shares(dx, dy)
            hor += h
            vert += v
        self.weight += vert if c.evidence == EVIDENCE_VERTICAL else min(hor, vert)
        if self.weight < c.min_weight:
            return self.scale
        u, w = solve_scale_sq(s)
        if not (u > 0.0 and math.isfinite(u)):
            return self.scale
        if math.isfinite(c.max_rel_error):
            self.rel_error = scale_rel_error(s, u, w)
            if not self.rel_error < c.max_rel_error:
                return self.scale
        est = math.sqrt(u) * c.bias
        self.estimate = est
        self.scale = snap_scale(est, self.scale, c.candidates, c.switch_margin)
        if self.weight >= c.lock_weight:
            self.locked = True
        return self.scale


ASPECT_FROM_FILE = "from the recording"


def aspect_note(given: bool, est: AspectEstimator) -> str:
    """What the summary says about the image aspect: taken from the
    recording, estimated from the body, or unknown (then angles assume
    square pixels and a 16:9 track can read bends that are not there)."""
    if given:
        return ASPECT_FROM_FILE
    if math.isfinite(est.estimate):
        return f"not in the recording; estimated from the body (x scale {est.scale:.2f})"
    return ("not in the recording and not estimable from the body (too few bent or vertical segments); "
            "angles assume square pixels: pass --aspect W:H")
