"""The model manifest: ``ModelSpec`` and friends, loading and lookup.

``models/manifest.json`` at the repo root describes every pose model: its
download URL, sha256 pins and, for some, how to rebuild it offline from a
PyPI wheel (``WheelBuild``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from coach.errors import ModelError

DEFAULT_MODEL = "pose_landmarker_full"
REQUIRED_MEMBERS: tuple[str, ...] = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
SOURCE_OFFICIAL = "official"
SOURCE_BUILT = "built-from-wheel"
SOURCE_BUILT_NPM = "built-from-npm"

ENV_URL_BASE = "COACH_MODEL_URL_BASE"

FIX_HINT = "run `coach models fetch` with network access to PyPI, or set COACH_MODEL_DIR / pass --model PATH"


@dataclass(frozen=True)
class WheelMember:
    """One bundle member taken from the wheel, with its input normalisation."""

    name: str  # name inside the .task zip
    source: str  # path inside the wheel
    norm_mean: float
    norm_std: float
    source_sha256: str | None = None  # sha256 of the raw .tflite in the wheel


@dataclass(frozen=True)
class WheelBuild:
    """How to rebuild a model offline from a PyPI wheel."""

    requirement: str  # e.g. "mediapipe==0.10.21"
    members: tuple[WheelMember, ...]
    sha256: str | None = None  # sha256 of the deterministically built bundle
    size: int | None = None
    wheel_filename: str | None = None
    wheel_sha256: str | None = None
    platform: str | None = None  # pip --platform, e.g. manylinux_2_28_x86_64
    python_version: str | None = None  # pip --python-version, e.g. "3.11"
    implementation: str | None = None  # pip --implementation, e.g. "cp"
    abi: str | None = None  # pip --abi, e.g. "cp311"


@dataclass(frozen=True)
class NpmMember:
    """One bundle member taken from the npm package: a file, or the byte
    range ``start:end`` of one (a packed assets file)."""

    name: str  # name inside the .task zip
    source: str  # path inside the tarball, e.g. package/pose_landmark_lite.tflite
    source_sha256: str
    norm_mean: float
    norm_std: float
    start: int = 0
    end: int | None = None


@dataclass(frozen=True)
class NpmBuild:
    """How to build a model offline from an npm package tarball."""

    package: str  # "@mediapipe/pose"
    version: str
    tarball_url: str
    tarball_sha256: str
    members: tuple[NpmMember, ...]
    sha256: str | None = None  # sha256 of the deterministically built bundle
    size: int | None = None


@dataclass(frozen=True)
class ModelSpec:
    """One pose model as described by ``models/manifest.json``."""

    name: str
    filename: str
    url: str
    sha256: str | None = None  # official file
    alt_sha256: tuple[str, ...] = ()  # other published official revisions
    size: int | None = None
    members: tuple[str, ...] = REQUIRED_MEMBERS
    fallback: WheelBuild | None = None
    npm: NpmBuild | None = None

    @property
    def official_sha256s(self) -> frozenset[str]:
        pins = (self.sha256, *self.alt_sha256)
        return frozenset(p for p in pins if p)

    @property
    def accepted_sha256s(self) -> frozenset[str]:
        built = {self.fallback.sha256} if self.fallback and self.fallback.sha256 else set()
        if self.npm is not None and self.npm.sha256:
            built.add(self.npm.sha256)
        return self.official_sha256s | built

    def source_of(self, digest: str) -> str | None:
        """Which manifest pin ``digest`` matches, if any."""
        if digest in self.official_sha256s:
            return SOURCE_OFFICIAL
        if self.fallback is not None and digest == self.fallback.sha256:
            return SOURCE_BUILT
        if self.npm is not None and digest == self.npm.sha256:
            return SOURCE_BUILT_NPM
        return None

    def url_for(self, url_base: str | None = None) -> str:
        """The download URL; a base (param or ``COACH_MODEL_URL_BASE``) means
        ``<base>/<filename>``, a flat mirror directory."""
        base = url_base if url_base is not None else os.environ.get(ENV_URL_BASE)
        if not base:
            return self.url
        return f"{base.rstrip('/')}/{self.filename}"


def fix_hint(spec: ModelSpec) -> str:
    """How to get ``spec`` installed, for the end of an error message."""
    if spec.fallback is not None and spec.name == DEFAULT_MODEL:
        return FIX_HINT
    if spec.npm is not None:
        return (
            f"run `coach models fetch --name {spec.name}` with access to the npm registry "
            "(registry.npmjs.org), or set COACH_MODEL_DIR / pass --model PATH"
        )
    if spec.fallback is not None:
        return (
            f"run `coach models fetch --name {spec.name}` with network access to PyPI, "
            "or set COACH_MODEL_DIR / pass --model PATH"
        )
    return (
        f"run `coach models fetch --name {spec.name}` with access to storage.googleapis.com "
        "(or set COACH_MODEL_URL_BASE to a mirror), use pose_landmarker_full (buildable offline), "
        "or set COACH_MODEL_DIR / pass --model PATH"
    )


def manifest_path() -> Path:
    """The canonical manifest: ``<repo>/models/manifest.json``."""
    # this file is <repo>/coach/models/spec.py
    return Path(__file__).resolve().parents[2] / "models" / "manifest.json"


def load_manifest(path: Path | str | None = None) -> dict[str, ModelSpec]:
    """Load the model manifest (default: ``manifest_path()``)."""
    if path is None:
        return dict(_default_manifest())
    return _read_manifest(Path(path))


@lru_cache(maxsize=1)
def _default_manifest() -> Mapping[str, ModelSpec]:
    return _read_manifest(manifest_path())


def _read_manifest(path: Path) -> dict[str, ModelSpec]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"model manifest not found at {path}: reinstall coach") from exc
    except (OSError, ValueError) as exc:
        raise ModelError(f"model manifest {path} is unreadable: {exc}") from exc
    try:
        specs = [_spec_from_json(entry) for entry in data["models"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"model manifest {path} is invalid: {exc!r}") from exc
    return {spec.name: spec for spec in specs}


def _opt_str(entry: Mapping[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return None if value is None else str(value)


def _opt_int(entry: Mapping[str, Any], key: str) -> int | None:
    value = entry.get(key)
    return None if value is None else int(value)


def _spec_from_json(entry: Mapping[str, Any]) -> ModelSpec:
    fallback = entry.get("fallback")
    return ModelSpec(
        name=str(entry["name"]),
        filename=str(entry["filename"]),
        url=str(entry["url"]),
        sha256=_opt_str(entry, "sha256"),
        alt_sha256=tuple(str(s) for s in entry.get("alt_sha256", ())),
        size=_opt_int(entry, "size"),
        members=tuple(str(m) for m in entry.get("members", REQUIRED_MEMBERS)),
        fallback=None if fallback is None else _fallback_from_json(fallback),
        npm=None if entry.get("npm") is None else _npm_from_json(entry["npm"]),
    )


def _npm_from_json(entry: Mapping[str, Any]) -> NpmBuild:
    members = tuple(
        NpmMember(
            name=str(m["name"]), source=str(m["source"]), source_sha256=str(m["source_sha256"]),
            norm_mean=float(m["norm_mean"]), norm_std=float(m["norm_std"]),
            start=int(m.get("start", 0)), end=_opt_int(m, "end"),
        )
        for m in entry["members"]
    )
    return NpmBuild(
        package=str(entry["package"]), version=str(entry["version"]), tarball_url=str(entry["tarball_url"]),
        tarball_sha256=str(entry["tarball_sha256"]), members=members, sha256=_opt_str(entry, "sha256"),
        size=_opt_int(entry, "size"),
    )


def _fallback_from_json(entry: Mapping[str, Any]) -> WheelBuild:
    wheel: Mapping[str, Any] = entry.get("wheel", {})
    members = tuple(
        WheelMember(
            name=str(m["name"]),
            source=str(m["source"]),
            norm_mean=float(m["norm_mean"]),
            norm_std=float(m["norm_std"]),
            source_sha256=_opt_str(m, "source_sha256"),
        )
        for m in entry["members"]
    )
    return WheelBuild(
        requirement=str(entry["requirement"]),
        members=members,
        sha256=_opt_str(entry, "sha256"),
        size=_opt_int(entry, "size"),
        wheel_filename=_opt_str(wheel, "filename"),
        wheel_sha256=_opt_str(wheel, "sha256"),
        platform=_opt_str(wheel, "platform"),
        python_version=_opt_str(wheel, "python_version"),
        implementation=_opt_str(wheel, "implementation"),
        abi=_opt_str(wheel, "abi"),
    )


def get_spec(name: str | ModelSpec = DEFAULT_MODEL) -> ModelSpec:
    """Look a model up by name in the default manifest (specs pass through)."""
    if isinstance(name, ModelSpec):
        return name
    specs = load_manifest()
    if name not in specs:
        known = ", ".join(sorted(specs))
        raise ModelError(f"unknown pose model {name!r}: choose one of {known}")
    return specs[name]
