"""Model checks: zip structure, TFLite members and sha256 pins."""

from __future__ import annotations

import zipfile
from collections.abc import Collection
from pathlib import Path

from coach.errors import ModelError
from coach.models.cache import lock_path, read_lock, sha256_file
from coach.models.spec import DEFAULT_MODEL, ModelSpec, get_spec

_TFLITE_IDENT = b"TFL3"


def short_digest(digest: str) -> str:
    """A sha256 shortened for messages."""
    return digest[:16]


def check_zip(path: Path, members: Collection[str]) -> None:
    """A readable zip holding every member, each an intact TFLite flatbuffer."""
    if not path.is_file():
        raise ModelError(f"model file {path} does not exist")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"model file {path} is not a zip (.task) archive")
    try:
        with zipfile.ZipFile(path) as zf:
            missing = sorted(set(members) - set(zf.namelist()))
            if missing:
                raise ModelError(f"model file {path} lacks {', '.join(missing)}")
            bad = zf.testzip()
            if bad is not None:
                raise ModelError(f"model file {path} is corrupt: bad CRC in {bad}")
            for member in members:
                with zf.open(member) as fh:
                    head = fh.read(8)
                if head[4:8] != _TFLITE_IDENT:
                    raise ModelError(f"model file {path}: {member} is not a TFLite model")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelError(f"model file {path} is a corrupt zip: {exc}") from exc


def check_digest(digest: str, accepted: Collection[str], what: str) -> None:
    """Raise ModelError unless ``digest`` is accepted (an empty set accepts all)."""
    if accepted and digest not in accepted:
        wanted = " or ".join(short_digest(s) for s in sorted(accepted))
        raise ModelError(f"{what} has sha256 {short_digest(digest)}..., expected {wanted}...")


def verify(path: Path | str, spec: ModelSpec | str = DEFAULT_MODEL) -> None:
    """Raise ModelError unless ``path`` is a complete, pinned model.

    The sha256 passes when it matches the manifest (official or built-from-wheel
    pin) or the lock file next to ``path``; with neither pin available, only the
    structure is checked.
    """
    verified_source(Path(path), get_spec(spec))


def verified_source(path: Path, spec: ModelSpec) -> str:
    """Verify ``path`` and say what vouched for it."""
    check_zip(path, spec.members)
    digest = sha256_file(path)
    source = spec.source_of(digest)
    if source is not None:
        return source
    lock = read_lock(lock_path(spec, path.parent))
    if lock is not None and lock.filename == path.name:
        if lock.sha256 == digest:
            return f"{lock.source}, lock"
        raise ModelError(
            f"model file {path} has sha256 {short_digest(digest)}..., but its lock records "
            f"{short_digest(lock.sha256)}...: run `coach models fetch --force`"
        )
    if spec.accepted_sha256s:
        check_digest(digest, spec.accepted_sha256s, f"model file {path}")
    return "unpinned"
