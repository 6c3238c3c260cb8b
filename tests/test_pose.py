"""PoseFrame validation at construction."""

from __future__ import annotations

import numpy as np
import pytest

from coach.landmarks import LANDMARK_NAMES, NUM_LANDMARKS, Landmark, sided
from coach.pose import PoseFrame


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
