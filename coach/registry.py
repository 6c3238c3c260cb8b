"""Registry of exercise analyzers by name (the norfair ``get_by_name`` idea).

Exercise modules in ``exercises/`` register a factory with
:func:`register`; :func:`get_exercise` builds a fresh analyzer.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from coach.errors import UnknownExerciseError
from coach.exercise import ExerciseAnalyzer

Factory = Callable[..., ExerciseAnalyzer]

_REGISTRY: dict[str, Factory] = {}
_DESCRIPTIONS: dict[str, str] = {}
_loaded = False


def register(name: str, description: str = "") -> Callable[[Factory], Factory]:
    """Class decorator: ``@register("plank", "forearm plank hold")``."""

    def deco(factory: Factory) -> Factory:
        if name in _REGISTRY and _REGISTRY[name] is not factory:
            raise ValueError(f"exercise {name!r} registered twice")
        _REGISTRY[name] = factory
        _DESCRIPTIONS[name] = description
        return factory

    return deco


def _load_builtin() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        importlib.import_module("exercises")


def exercise_names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def describe(name: str) -> str:
    _load_builtin()
    return _DESCRIPTIONS.get(name, "")


def canonical_name(name: str) -> str:
    """The registered name for ``name`` (case and ``-``/``_`` forgiven);
    unknown names raise :class:`UnknownExerciseError` listing the valid ones."""
    _load_builtin()
    key = name.strip().lower().replace("-", "_") if isinstance(name, str) else name
    if not isinstance(key, str) or key not in _REGISTRY:
        valid = ", ".join(sorted(_REGISTRY)) or "(none registered)"
        raise UnknownExerciseError(f"unknown exercise {name!r}; choose one of: {valid}")
    return key


def get_exercise(name: str, **options: Any) -> ExerciseAnalyzer:
    """A new analyzer for ``name``; keyword options go to its factory
    (``config=...``, ``target=...``). Unknown names raise
    :class:`UnknownExerciseError` listing the valid ones."""
    return _REGISTRY[canonical_name(name)](**options)
