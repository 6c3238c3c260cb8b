"""Scalar geometry: pure functions on points given as plain floats.

The one geometry module of coach. Conventions everywhere:

* 2D points are image coordinates with **x scaled by the image aspect**
  (so x and y are in the same unit, image heights) and **y pointing down**;
  3D points are MediaPipe world coordinates in metres, also y down;
* angles are degrees;
* every function returns ``nan`` for unusable input (a degenerate segment,
  a non-finite coordinate) instead of raising, so a missing landmark never
  breaks an analyzer: callers check visibility first.

Plain Python floats rather than numpy on purpose: analyzers call these a few
dozen times per frame, and numpy's per-call overhead on two-element arrays
would cost more than the arithmetic (the analysis budget is ~0.3 ms/frame).
Functions that take :data:`Point` use the first two coordinates; functions
that take :data:`PointND` work in 2D or 3D.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float]
PointND = Sequence[float]
NAN = math.nan


def finite(*values: float) -> bool:
    """True when every value is a finite number."""
    return all(math.isfinite(v) for v in values)


def dist(a: Point, b: Point) -> float:
    """Distance between two 2D points (the image plane)."""
    return math.hypot(a[0] - b[0], a[1] - b[1])


def angle_deg(a: Point, b: Point, c: Point) -> float:
    """Angle ABC at ``b`` in degrees (0..180); 180 = straight."""
    ux, uy = a[0] - b[0], a[1] - b[1]
    vx, vy = c[0] - b[0], c[1] - b[1]
    nu = math.hypot(ux, uy)
    nv = math.hypot(vx, vy)
    if not (nu > 1e-9 and nv > 1e-9):
        return NAN
    cos = (ux * vx + uy * vy) / (nu * nv)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def offset_below(p: Point, a: Point, b: Point) -> float:
    """Signed distance of ``p`` from the line a-b, positive when ``p`` is
    below it in the image."""
    ax, ay, bx, by = a[0], a[1], b[0], b[1]
    if bx < ax:
        ax, ay, bx, by = bx, by, ax, ay
    dx, dy = bx - ax, by - ay
    n = math.hypot(dx, dy)
    if not n > 1e-9:
        return NAN
    return (dx * (p[1] - ay) - dy * (p[0] - ax)) / n


def incline_from_horizontal(a: Point, b: Point) -> float:
    """Acute angle (0..90) between segment a-b and the image horizontal."""
    dx, dy = abs(b[0] - a[0]), abs(b[1] - a[1])
    if not (dx + dy) > 1e-9:
        return NAN
    return math.degrees(math.atan2(dy, dx))


def bend_deg(a: Point, b: Point, c: Point) -> float:
    """How far the chain a-b-c is bent at ``b``, signed: ``180 - angle``,
    positive when ``b`` lies above the line a-c in the image, negative when
    below. 0 = straight. Camera-facing independent."""
    ang = angle_deg(a, b, c)
    off = offset_below(b, a, c)
    if not finite(ang, off):
        return NAN
    dev = 180.0 - ang
    return dev if off <= 0.0 else -dev


def elevation_deg(p: Point, origin: Point, base: Point) -> float:
    """Angle of ``origin -> p`` against the direction ``base -> origin``
    (the segment continued), positive when ``p`` is above that line in the
    image. E.g. the ear against the hip->shoulder line: 0 = head in line with
    the trunk, + = raised towards the ceiling, - = dropped."""
    dx, dy = origin[0] - base[0], origin[1] - base[1]
    n = math.hypot(dx, dy)
    if not n > 1e-9:
        return NAN
    ux, uy = dx / n, dy / n
    ex, ey = p[0] - origin[0], p[1] - origin[1]
    along = ex * ux + ey * uy
    up = -offset_below(p, base, origin)
    if not finite(along, up):
        return NAN
    return math.degrees(math.atan2(up, along))


def clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def point_ok(p: PointND) -> bool:
    """Every coordinate is finite (a plain loop: no generator on the hot path)."""
    for v in p:
        if not math.isfinite(v):
            return False
    return True


def mid(a: PointND, b: PointND) -> tuple[float, ...]:
    """Midpoint of two points (same dimension)."""
    return tuple((x + y) / 2.0 for x, y in zip(a, b, strict=True))


def distance(a: PointND, b: PointND) -> float:
    """Euclidean distance (2D or 3D); nan if a coordinate is unknown."""
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))


def flexion_deg(a: PointND, b: PointND, c: PointND) -> float:
    """Flexion at ``b`` in degrees: 180 minus the angle ABC, so 0 is a
    straight joint and larger is more bent. nan for a degenerate segment."""
    u = [x - y for x, y in zip(a, b, strict=True)]
    v = [x - y for x, y in zip(c, b, strict=True)]
    nu = math.sqrt(sum(x * x for x in u))
    nv = math.sqrt(sum(x * x for x in v))
    if not (nu > 1e-9 and nv > 1e-9):
        return NAN
    cos = sum(x * y for x, y in zip(u, v, strict=True)) / (nu * nv)
    return 180.0 - math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def inclination_deg(lower: PointND, upper: PointND) -> float:
    """Angle in degrees (0..180) between the segment lower->upper and
    straight up (-y), in 2D or 3D. 0 = upright, 90 = horizontal."""
    d = [x - y for x, y in zip(upper, lower, strict=True)]
    n = math.sqrt(sum(x * x for x in d))
    if not n > 1e-9:
        return NAN
    return math.degrees(math.acos(max(-1.0, min(1.0, -d[1] / n))))


def horizontal_distance(a: PointND, b: PointND) -> float:
    """Horizontal distance: |dx| in 2D (the sagittal plane of a side view),
    the floor-plane distance hypot(dx, dz) in 3D (y is vertical)."""
    if len(a) >= 3 and len(b) >= 3:
        return math.hypot(a[0] - b[0], a[2] - b[2])
    return abs(a[0] - b[0])
