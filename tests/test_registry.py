"""The exercise registry and its errors."""

from __future__ import annotations

import pytest

from coach.errors import UnknownExerciseError
from coach.exercise import ExerciseAnalyzer
from coach.registry import exercise_names, get_exercise

DESIGN_NAMES = {"plank", "hip_bridge", "knee_to_chest", "lift"}


def test_all_design_exercises_registered() -> None:
    assert DESIGN_NAMES <= set(exercise_names())


@pytest.mark.parametrize("name", sorted(DESIGN_NAMES))
def test_get_exercise_builds_fresh_analyzers(name: str) -> None:
    a = get_exercise(name)
    b = get_exercise(name)
    assert a is not b
    assert isinstance(a, ExerciseAnalyzer)
    assert a.name == name


@pytest.mark.parametrize("bad", ["squat", "", "PLANKK", "lift;rm"])
def test_unknown_exercise_lists_valid_names(bad: str) -> None:
    with pytest.raises(UnknownExerciseError) as exc:
        get_exercise(bad)
    msg = str(exc.value)
    for name in DESIGN_NAMES:
        assert name in msg
    assert "\n" not in msg


def test_name_normalisation() -> None:
    assert get_exercise("Hip-Bridge").name == "hip_bridge"
