"""Registry of exercises by name (the norfair ``get_by_name`` idea).

Each module in ``exercises/`` declares one :class:`~coach.spec.ExerciseSpec`
and registers it with its analyzer class::

    SPEC = ExerciseSpec(name="plank", ...)

    @register(SPEC)
    class PlankAnalyzer(...): ...

Everything else reads the spec from here (:func:`get_spec`), so adding an
exercise means adding its module (and its synthetic scenario and tests):
nothing outside ``exercises/`` names an exercise.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

from coach.errors import UnknownExerciseError, UsageError
from coach.exercise import ExerciseAnalyzer
from coach.spec import NOT_VISIBLE_LABEL, ExerciseSpec, FaultSpec

Factory = Callable[..., ExerciseAnalyzer]

_REGISTRY: dict[str, tuple[ExerciseSpec, Factory]] = {}
_loaded = False


def register(spec: ExerciseSpec) -> Callable[[Factory], Factory]:
    """Class decorator: ``@register(SPEC)`` registers the analyzer class (or
    any factory) under ``spec.name``. A name registered twice, or a fault
    code another exercise already uses for something else, is an error."""
    if not isinstance(spec, ExerciseSpec):
        raise TypeError("register() takes the exercise's ExerciseSpec")

    def deco(factory: Factory) -> Factory:
        old = _REGISTRY.get(spec.name)
        if old is not None and old[1] is not factory:
            raise ValueError(f"exercise {spec.name!r} registered twice")
        for other, _f in _REGISTRY.values():
            if other.name == spec.name:
                continue
            shared = set(other.fault_codes) & set(spec.fault_codes)
            if shared:
                raise ValueError(f"exercise {spec.name!r} reuses fault code(s) of {other.name!r}: {sorted(shared)}")
        declared = getattr(factory, "name", spec.name)
        if declared != spec.name:
            raise ValueError(f"analyzer {factory!r} is named {declared!r}, its spec {spec.name!r}")
        _REGISTRY[spec.name] = (spec, factory)
        return factory

    return deco


def unregister(name: str) -> None:
    """Remove an exercise (for tests that register one of their own)."""
    _REGISTRY.pop(name, None)


PLUGINS_ENV = "COACH_PLUGINS"
"""Comma-separated modules to import after the built-in exercises: each
registers its own exercise (see the README's developer section)."""


def _load_builtin() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        importlib.import_module("exercises")
        for name in filter(None, (n.strip() for n in os.environ.get(PLUGINS_ENV, "").split(","))):
            try:
                importlib.import_module(name)
            except ImportError as exc:
                raise UsageError(f"{PLUGINS_ENV}: cannot import {name!r}: {exc}") from None


def exercise_names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def specs() -> list[ExerciseSpec]:
    """Every registered spec, by name."""
    _load_builtin()
    return [_REGISTRY[n][0] for n in sorted(_REGISTRY)]


def describe(name: str) -> str:
    _load_builtin()
    entry = _REGISTRY.get(name)
    return entry[0].description if entry else ""


def canonical_name(name: str) -> str:
    """The registered name for ``name`` (case and ``-``/``_`` forgiven);
    unknown names raise :class:`UnknownExerciseError` listing the valid ones."""
    _load_builtin()
    key = name.strip().lower().replace("-", "_") if isinstance(name, str) else name
    if not isinstance(key, str) or key not in _REGISTRY:
        valid = ", ".join(sorted(_REGISTRY)) or "(none registered)"
        raise UnknownExerciseError(f"unknown exercise {name!r}; choose one of: {valid}")
    return key


def get_spec(name: str) -> ExerciseSpec:
    """The spec of ``name``; unknown names raise :class:`UnknownExerciseError`."""
    return _REGISTRY[canonical_name(name)][0]


def find_spec(name: str | None) -> ExerciseSpec | None:
    """The spec of ``name``, or None when it is not registered (a session
    stored by a version of coach that knew another exercise)."""
    if not isinstance(name, str):
        return None
    _load_builtin()
    entry = _REGISTRY.get(name.strip().lower().replace("-", "_"))
    return entry[0] if entry else None


def find_fault(code: str) -> tuple[ExerciseSpec, FaultSpec] | None:
    """The exercise declaring fault ``code`` and its spec (None if none does)."""
    _load_builtin()
    for spec, _f in _REGISTRY.values():
        f = spec.fault(code)
        if f is not None:
            return spec, f
    return None


def fault_label(code: str) -> str:
    """Plain-language label of any fault code."""
    hit = find_fault(code)
    if hit is not None:
        return hit[1].label
    return NOT_VISIBLE_LABEL if code == "not_visible" else code.replace("_", " ")


def get_exercise(name: str, **options: Any) -> ExerciseAnalyzer:
    """A new analyzer for ``name``; keyword options go to its factory
    (``config=...``, ``target=...``). Unknown names raise
    :class:`UnknownExerciseError` listing the valid ones."""
    return _REGISTRY[canonical_name(name)][1](**options)
