"""PoseFrame validation at construction."""

from __future__ import annotations

import numpy as np
import pytest

from coach.landmarks import LANDMARK_NAMES, NUM_LANDMARKS, Landmark, sided
from coach.pose import COORD_LIMIT, PoseFrame


def _ok(**kw: object) -> PoseFrame:
    base: dict[str, object] = dict(t=0.0, xy=np.full((33, 2), 0.5), z=np.zeros(33), visibility=np.ones(33))
    base.update(kw)
    return PoseFrame(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "msg"),
    [
        ({"xy": np.zeros((32, 2))}, "shape"),
        ({"z": np.zeros(5)}, "shape"),
        ({"visibility": np.zeros((33, 1))}, "shape"),
        ({"world": np.zeros((33, 2))}, "shape"),
        ({"t": float("nan")}, "finite"),
        ({"aspect": 0.0}, "positive"),
        ({"xy": [["a", "b"]] * 33}, "numeric"),
    ],
)
def test_invalid_frames_raise_value_error(kw: dict[str, object], msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        _ok(**kw)


def test_nan_landmarks_become_invisible_and_arrays_read_only() -> None:
    xy = np.full((33, 2), 0.5)
    xy[Landmark.LEFT_KNEE] = (np.nan, 0.2)
    vis = np.ones(33)
    vis[Landmark.NOSE] = np.nan
    vis[Landmark.LEFT_HIP] = 7.0
    f = _ok(xy=xy, visibility=vis)
    assert f.vis(Landmark.LEFT_KNEE) == 0.0
    assert f.vis(Landmark.NOSE) == 0.0
    assert f.vis(Landmark.LEFT_HIP) == 1.0  # clipped
    with pytest.raises(ValueError):
        f.xy[0, 0] = 1.0
    xy[1] = (0.9, 0.9)  # the frame holds a copy
    assert f.xy[1, 0] == 0.5


def test_empty_and_names() -> None:
    e = PoseFrame.empty(1.5)
    assert not e.has_person and e.t == 1.5
    assert len(LANDMARK_NAMES) == NUM_LANDMARKS == 33
    assert LANDMARK_NAMES[Landmark.LEFT_FOOT_INDEX] == "left_foot_index"
    assert sided("right", "knee") is Landmark.RIGHT_KNEE


def test_absurd_coordinates_are_corrupt_like_nan() -> None:
    """Beyond COORD_LIMIT a coordinate was never measured: the landmark is
    invisible (image), its depth 0, its world point unknown; at the limit it
    is kept."""
    xy = np.full((33, 2), 0.5)
    xy[Landmark.LEFT_KNEE] = (COORD_LIMIT * 2, 0.2)
    xy[Landmark.RIGHT_KNEE] = (-COORD_LIMIT, 0.2)
    z = np.zeros(33)
    z[Landmark.NOSE] = -np.inf
    z[Landmark.LEFT_HIP] = 3 * COORD_LIMIT
    world = np.zeros((33, 3))
    world[Landmark.LEFT_WRIST, 2] = -5 * COORD_LIMIT
    f = _ok(xy=xy, z=z, world=world)
    assert f.vis(Landmark.LEFT_KNEE) == 0.0 and np.isnan(f.xy[Landmark.LEFT_KNEE]).all()
    assert f.vis(Landmark.RIGHT_KNEE) == 1.0 and f.xy[Landmark.RIGHT_KNEE, 0] == -COORD_LIMIT
    assert f.z[Landmark.NOSE] == 0.0 and f.z[Landmark.LEFT_HIP] == 0.0
    assert f.world is not None and np.isnan(f.world[Landmark.LEFT_WRIST]).all()
    assert np.isfinite(np.delete(f.world, int(Landmark.LEFT_WRIST), axis=0)).all()


def test_has_person_is_set_at_construction_and_kept_by_replace() -> None:
    vis = np.zeros(33)
    assert not _ok(visibility=vis).has_person
    vis[Landmark.LEFT_ANKLE] = 0.01
    f = _ok(visibility=vis)
    assert f.has_person and "has_person" in vars(f)  # no lazy property: set once
    assert not f.replace(visibility=np.zeros(33)).has_person
    assert f.replace(t=2.0).has_person


def test_at_moves_a_frame_in_time_without_copying() -> None:
    f = _ok(world=np.zeros((33, 3)))
    g = f.at(2.5)
    assert g.t == 2.5 and f.t == 0.0
    assert g.xy is f.xy and g.world is f.world and g.has_person
    with pytest.raises(ValueError, match="finite"):
        f.at(float("inf"))
