"""The one scalar geometry module (coach.geometry) against hand-computed values."""

from __future__ import annotations

import math

import pytest

from coach import geometry as g

SQ3 = math.sqrt(3)


@pytest.mark.parametrize(
    ("a", "b", "c", "expected"),
    [
        ((1, 0), (0, 0), (0, 1), 90.0),
        ((1, 0), (0, 0), (-1, 0), 180.0),
        ((1, 0), (0, 0), (1, 1), 45.0),
        ((0, 1), (0, 0), (SQ3, 1), 60.0),  # tan(60) = sqrt(3)
        ((2, 0), (0, 0), (2, 0), 0.0),
    ],
)
def test_angle_and_flexion_2d(a: g.Point, b: g.Point, c: g.Point, expected: float) -> None:
    assert g.angle_deg(a, b, c) == pytest.approx(expected, abs=1e-9)
    assert g.flexion_deg(a, b, c) == pytest.approx(180.0 - expected, abs=1e-9)


@pytest.mark.parametrize(
    ("a", "b", "c", "expected"),
    [((1, 0, 0), (0, 0, 0), (0, 0, 1), 90.0), ((1, 1, 0), (0, 0, 0), (1, 1, math.sqrt(2)), 45.0)],
)
def test_flexion_3d(a: g.PointND, b: g.PointND, c: g.PointND, expected: float) -> None:
    assert g.flexion_deg(a, b, c) == pytest.approx(180.0 - expected, abs=1e-9)


@pytest.mark.parametrize("fn", [g.angle_deg, g.flexion_deg, g.bend_deg])
def test_degenerate_and_nan_give_nan(fn: object) -> None:
    assert callable(fn)
    assert math.isnan(fn((0, 0), (0, 0), (1, 0)))
    assert math.isnan(fn((math.nan, 0), (0, 0), (1, 0)))


@pytest.mark.parametrize(
    ("lower", "upper", "expected"),
    [
        ((0, 1), (0, 0), 0.0),  # straight up (y down)
        ((0, 0), (1, 0), 90.0),  # horizontal
        ((0, 1), (1, 0), 45.0),
        ((0, 0), (0, 1), 180.0),  # straight down
        ((0, 1, 0), (0, 0, 1), 45.0),  # 3D: up and away
    ],
)
def test_inclination_from_vertical(lower: g.PointND, upper: g.PointND, expected: float) -> None:
    assert g.inclination_deg(lower, upper) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [((0, 0), (1, 0), 0.0), ((0, 0), (1, 1), 45.0), ((0, 0), (0, 1), 90.0), ((1, 1), (0, 0), 45.0)],
)
def test_incline_from_horizontal(a: g.Point, b: g.Point, expected: float) -> None:
    assert g.incline_from_horizontal(a, b) == pytest.approx(expected, abs=1e-9)
    assert math.isnan(g.incline_from_horizontal(a, a))


@pytest.mark.parametrize(
    ("p", "expected"),
    [((0.5, 0.1), 0.1), ((0.5, -0.2), -0.2), ((0.0, 0.0), 0.0), ((2.0, 0.3), 0.3)],
)
def test_offset_below_a_horizontal_line(p: g.Point, expected: float) -> None:
    # y points down: positive = below the line, whichever way the line is drawn
    assert g.offset_below(p, (0, 0), (1, 0)) == pytest.approx(expected, abs=1e-12)
    assert g.offset_below(p, (1, 0), (0, 0)) == pytest.approx(expected, abs=1e-12)


def test_offset_of_a_triangle_apex() -> None:
    # apex distance from the base: a * b * sin(angle at apex) / c
    sh, hp, an = (0.0, 0.0), (1.0, 0.2), (2.0, 0.0)
    a, b, c = g.dist(sh, hp), g.dist(hp, an), g.dist(sh, an)
    apex = math.radians(g.angle_deg(sh, hp, an))
    assert g.offset_below(hp, sh, an) == pytest.approx(a * b * math.sin(apex) / c, abs=1e-12)


@pytest.mark.parametrize(("b_y", "sign"), [(0.1, -1.0), (-0.1, 1.0), (0.0, 0.0)])
def test_bend_is_signed_by_which_side_the_joint_lies(b_y: float, sign: float) -> None:
    bend = g.bend_deg((0, 0), (1, b_y), (2, 0))
    assert math.copysign(1.0, bend) == sign or (sign == 0.0 and bend == pytest.approx(0.0))
    assert abs(bend) == pytest.approx(2 * math.degrees(math.atan(abs(b_y))), abs=1e-9)


def test_elevation_against_the_continued_segment() -> None:
    # origin (1, 0), base (0, 0): the segment continued points to +x
    assert g.elevation_deg((2, 0), (1, 0), (0, 0)) == pytest.approx(0.0)
    assert g.elevation_deg((2, -1), (1, 0), (0, 0)) == pytest.approx(45.0)  # above (y down)
    assert g.elevation_deg((2, 1), (1, 0), (0, 0)) == pytest.approx(-45.0)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [((0, 0), (3, 4), 5.0), ((0, 0, 0), (1, 2, 2), 3.0), ((1, 1), (1, 1), 0.0)],
)
def test_distances(a: g.PointND, b: g.PointND, expected: float) -> None:
    assert g.distance(a, b) == pytest.approx(expected)
    if len(a) == 2:
        assert g.dist((a[0], a[1]), (b[0], b[1])) == pytest.approx(expected)


def test_horizontal_distance_and_midpoint() -> None:
    assert g.horizontal_distance((0, 5), (3, 0)) == 3.0  # 2D: |dx|
    assert g.horizontal_distance((0, 5, 0), (3, 0, 4)) == 5.0  # 3D: the floor plane (x, z)
    assert g.mid((0, 0, 2), (2, 4, 0)) == (1.0, 2.0, 1.0)
    assert g.point_ok((1.0, 2.0)) and not g.point_ok((1.0, math.nan))
    assert g.finite(1.0, 2.0) and not g.finite(1.0, math.inf)
    assert g.clamp(5.0, 0.0, 1.0) == 1.0 and g.clamp(-1.0, 0.0, 1.0) == 0.0
