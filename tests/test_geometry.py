"""Geometry against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coach import geometry as g
from coach.landmarks import Landmark as L
from tests.helpers import frame_from_points


@pytest.mark.parametrize(
    ("a", "b", "c", "expected"),
    [
        ((1, 0), (0, 0), (0, 1), 90.0),
        ((1, 0), (0, 0), (-1, 0), 180.0),
        ((1, 0), (0, 0), (1, 1), 45.0),
        ((0, 1), (0, 0), (math.sqrt(3), 1), 60.0),  # tan(60) = sqrt(3)
        ((1, 0, 0), (0, 0, 0), (0, 0, 1), 90.0),
        ((1, 1, 0), (0, 0, 0), (1, 1, math.sqrt(2)), 45.0),
        ((2, 0), (0, 0), (2, 0), 0.0),
    ],
)
def test_joint_angle(a: tuple[float, ...], b: tuple[float, ...], c: tuple[float, ...], expected: float) -> None:
    assert g.joint_angle(a, b, c) == pytest.approx(expected, abs=1e-9)
    assert g.flexion(a, b, c) == pytest.approx(180.0 - expected, abs=1e-9)


def test_joint_angle_degenerate_and_nan() -> None:
    assert math.isnan(g.joint_angle((0, 0), (0, 0), (1, 0)))
    assert math.isnan(g.joint_angle((math.nan, 0), (0, 0), (1, 0)))


@pytest.mark.parametrize(
    ("lower", "upper", "expected"),
    [
        ((0, 1), (0, 0), 0.0),  # straight up (y down)
        ((0, 0), (1, 0), 90.0),  # horizontal
        ((0, 0), (0, 1), 180.0),  # pointing down
        ((0, 1), (1, 0), 45.0),
        ((0, 1), (-1, 1 - math.sqrt(3)), 30.0),
    ],
)
def test_inclination_from_vertical(lower: tuple[float, float], upper: tuple[float, float], expected: float) -> None:
    assert g.inclination_from_vertical(lower, upper) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [((0, 0), (1, 0), 0.0), ((0, 0), (0, 1), 90.0), ((0, 0), (-1, 1), 45.0), ((0, 0), (math.sqrt(3), -1), 30.0)],
)
def test_inclination_from_horizontal(a: tuple[float, float], b: tuple[float, float], expected: float) -> None:
    assert g.inclination_from_horizontal(a, b) == pytest.approx(expected, abs=1e-9)


def test_offset_below_line_sign_independent_of_direction() -> None:
    a, b = (0.0, 0.5), (1.0, 0.5)
    assert g.offset_below_line((0.5, 0.6), a, b) == pytest.approx(0.1)
    assert g.offset_below_line((0.5, 0.6), b, a) == pytest.approx(0.1)  # facing the other way
    assert g.offset_below_line((0.5, 0.4), a, b) == pytest.approx(-0.1)
    # tilted line: distance is perpendicular, 3-4-5 triangle
    assert g.offset_below_line((0.0, 5.0), (0.0, 0.0), (4.0, 3.0)) == pytest.approx(4.0)


def test_line_angle_and_twist() -> None:
    assert g.line_angle((0, 0), (1, 0), (0, 0), (1, 1)) == pytest.approx(45.0)
    assert g.line_angle((0, 0), (1, 0), (1, 0), (0, 0)) == pytest.approx(0.0)  # direction ignored
    # shoulders rotated 30 degrees about the vertical axis relative to the hips
    ls, rs = (-math.cos(math.radians(30)), 0, -math.sin(math.radians(30))), (math.cos(math.radians(30)), 0,
                                                                            math.sin(math.radians(30)))
    assert g.horizontal_twist(ls, rs, (-1, 0, 0), (1, 0, 0)) == pytest.approx(30.0)
    assert g.horizontal_twist(rs, ls, (1, 0, 0), (-1, 0, 0)) == pytest.approx(30.0)


def test_distance_normalised() -> None:
    assert g.distance((0, 0), (3, 4)) == 5.0
    assert g.normalised(1.0, 2.0) == 0.5
    assert math.isnan(g.normalised(1.0, 0.0))


def test_points_are_aspect_corrected() -> None:
    # 16:9 image: a segment spanning equal normalised x and y is NOT 45 degrees
    f = frame_from_points({L.LEFT_HIP: (0.0, 0.0), L.LEFT_KNEE: (0.1, 0.1)}, aspect=16 / 9)
    ang = g.inclination_from_horizontal(f.point(L.LEFT_HIP), f.point(L.LEFT_KNEE))
    assert ang == pytest.approx(math.degrees(math.atan2(0.1, 0.1 * 16 / 9)))


def test_trunk_length_and_side_choice() -> None:
    pts = {
        L.LEFT_SHOULDER: (0.3, 0.5), L.LEFT_HIP: (0.6, 0.5), L.LEFT_KNEE: (0.8, 0.5), L.LEFT_ANKLE: (0.9, 0.5),
    }
    f = frame_from_points(pts)
    assert g.trunk_length(f, "left") == pytest.approx(0.3)
    assert g.choose_side(f) == "left"  # right side invisible
    vis = np.array(f.visibility)
    vis[[L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE]] = 1.0
    xy = np.array(f.xy)
    xy[[L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE]] = xy[
        [L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE]]
    z = np.zeros(33)
    z[[L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE]] = -0.2  # right side nearer
    assert g.choose_side(f.replace(visibility=vis, xy=xy, z=z)) == "right"
