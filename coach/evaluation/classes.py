"""Form classes: what a frame is labelled, what an analyzer predicts, and
which labels are scored.

A *form class* of an exercise is ``correct`` or one of its fault codes. The
fault codes and their priority come from the exercise itself (through the
registry), never from a list here. Every other label a corpus may carry
(:data:`NON_FORM_LABELS`: rest, transition, none, unlabelled, ...) is not a
form class: those frames are not scored.

The predicted class of a frame (:func:`predicted_class`) is read off the
analyzer's :class:`~coach.exercise.FrameVerdict`:

1. the first (highest-priority) reported fault that is not ``not_visible``;
2. else ``not_visible`` when the frame was not judged (``visible`` false) or
   the analyzer reports ``not_visible``;
3. else ``correct``.

``not_visible`` is never a truth class; it is a column of its own in the
confusion tables (a frame the analyzer could not judge is a miss for any
truth class).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from coach.exercise import NOT_VISIBLE, FrameVerdict
from coach.registry import exercise_names, find_fault, get_spec

CORRECT = "correct"
"""The class of a frame in good form."""

NO_EXERCISE = "none"
"""The ``exercise`` of a corpus entry in which nobody exercises (walking,
standing, jumping): every analyzer runs on it and must count nothing."""

NON_FORM_LABELS: tuple[str, ...] = (
    "rest",
    "transition",
    "none",
    "unlabelled",
    "unknown",
    "setup",
    "standing",
    "walking",
    "occluded",
    "other",
    NOT_VISIBLE,
)
"""Labels a corpus may use for frames that are not judged for form: resting
between reps, moving into or out of the position, nobody exercising, not yet
labelled, the person hidden. Their frames are left out of the confusion
tables. (An ``exercise: none`` entry may use any lower_snake_case label.)"""

LABEL_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


@functools.cache
def fault_codes(exercise: str) -> tuple[str, ...]:
    """The exercise's fault codes, highest priority first (``not_visible``
    excluded), from its :class:`~coach.spec.ExerciseSpec` in the registry."""
    return tuple(c for c in get_spec(exercise).fault_codes if c != NOT_VISIBLE)


def form_classes(exercise: str) -> tuple[str, ...]:
    """``correct`` then the exercise's fault codes in priority order."""
    return (CORRECT, *fault_codes(exercise))


def class_order(exercise: str) -> tuple[str, ...]:
    """Row / column order of an exercise's confusion table: ``correct``, the
    faults by priority, then ``not_visible``."""
    return (*form_classes(exercise), NOT_VISIBLE)


def is_form_class(label: str, exercise: str) -> bool:
    return label in form_classes(exercise)


def allowed_labels(exercise: str) -> frozenset[str]:
    """Labels a corpus entry of ``exercise`` may use (``none``: any
    lower_snake_case label is allowed; check with :func:`label_allowed`)."""
    if exercise == NO_EXERCISE:
        return frozenset(NON_FORM_LABELS)
    return frozenset((*form_classes(exercise), *NON_FORM_LABELS))


def label_allowed(label: object, exercise: str) -> bool:
    if not isinstance(label, str):
        return False
    if exercise == NO_EXERCISE:
        return bool(LABEL_PATTERN.match(label)) and label != CORRECT and not _is_any_fault(label)
    return label in allowed_labels(exercise)


def _is_any_fault(label: str) -> bool:
    return find_fault(label) is not None


def known_exercises() -> tuple[str, ...]:
    """Registered exercise names, and ``none``."""
    return (*exercise_names(), NO_EXERCISE)


def predicted_class(verdict: FrameVerdict) -> str:
    """The form class an analyzer gave a frame (see the module docstring)."""
    for code in verdict.faults:
        if code != NOT_VISIBLE:
            return code
    if not verdict.visible or NOT_VISIBLE in verdict.faults:
        return NOT_VISIBLE
    return CORRECT


def pick_truth(predicted: str, clear: Sequence[str], ambiguous: Sequence[str], priority: Sequence[str]) -> str:
    """The truth class of a frame where several faults may hold at once.

    ``clear`` faults must be reported, ``ambiguous`` ones may be. A
    prediction of any of them counts as right (the truth class is the one
    predicted). Otherwise the truth is the highest-``priority`` clear fault,
    or ``correct`` when there is none (an ambiguous fault need not be
    reported)."""
    if predicted in clear or predicted in ambiguous:
        return predicted
    if clear:
        rank = {c: i for i, c in enumerate(priority)}
        return min(clear, key=lambda c: (rank.get(c, len(rank)), c))
    return CORRECT
