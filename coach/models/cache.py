"""The model cache: where models live, lock files and atomic writes.

A lock file ``<model_dir>/<name>.lock`` records the sha256 and the source
("official" or "built-from-wheel") of what was installed. Every write goes to
a temp file in the cache directory and is moved into place with
``os.replace``, so no partial file is ever left at the destination.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coach.models.spec import DEFAULT_MODEL, ModelSpec, get_spec

log = logging.getLogger(__name__)

ENV_MODEL_DIR = "COACH_MODEL_DIR"


def model_dir() -> Path:
    """``$COACH_MODEL_DIR``, else the per-user cache dir (``.../coach/models``)."""
    override = os.environ.get(ENV_MODEL_DIR)
    if override:
        return Path(override).expanduser()
    return _user_cache_dir() / "coach" / "models"


def _user_cache_dir() -> Path:
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return Path(local) if local else Path.home() / "AppData" / "Local"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg)
    return Path.home() / ".cache"


def model_path(name: str | ModelSpec = DEFAULT_MODEL, directory: Path | None = None) -> Path:
    """Where the model lives in the cache (it may not exist yet)."""
    spec = get_spec(name)
    return (directory if directory is not None else model_dir()) / spec.filename


def lock_path(name: str | ModelSpec = DEFAULT_MODEL, directory: Path | None = None) -> Path:
    spec = get_spec(name)
    return (directory if directory is not None else model_dir()) / f"{spec.name}.lock"


@dataclass(frozen=True)
class LockInfo:
    """What was installed: contents of ``<name>.lock``."""

    name: str
    filename: str
    sha256: str
    source: str  # "official" | "built-from-wheel"
    created: str  # ISO 8601, UTC
    origin: str = ""  # URL or pip requirement it came from


def read_lock(path: Path) -> LockInfo | None:
    """The lock at ``path``; None when missing or unreadable (never trusted then)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockInfo(
            name=str(data["name"]),
            filename=str(data["filename"]),
            sha256=str(data["sha256"]),
            source=str(data["source"]),
            created=str(data["created"]),
            origin=str(data.get("origin", "")),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring unreadable lock file %s: %s", path, exc)
        return None


def write_lock(spec: ModelSpec, directory: Path, digest: str, source: str, origin: str) -> None:
    """Record what was installed for ``spec`` in ``directory`` (atomically)."""
    info = {
        "name": spec.name,
        "filename": spec.filename,
        "sha256": digest,
        "source": source,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "origin": origin,
    }
    data = (json.dumps(info, indent=2) + "\n").encode("utf-8")
    atomic_write_bytes(lock_path(spec, directory), data)


@contextmanager
def atomic_target(dest: Path) -> Iterator[Path]:
    """Yield a temp path next to ``dest``; on success move it over ``dest``,
    on any failure delete it. ``dest`` is never left half-written."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the cache may be shared
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(dest: Path, data: bytes) -> None:
    with atomic_target(dest) as tmp:
        tmp.write_bytes(data)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
