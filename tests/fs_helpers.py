"""Broken file systems for the data-safety tests, made for real:

* a **full disk**: a 64 KiB tmpfs mounted on a folder (``mount -t tmpfs -o
  size=64k``; needs root with CAP_SYS_ADMIN, as on this machine and in CI).
  Writes there fail with ENOSPC exactly as on a full disk. Where it cannot
  be mounted the tests that need it are skipped (``/dev/full``, which
  needs no privileges, covers writing to a device that is full);
* **read-only media**: a read-only bind mount of a folder (root), else the
  folder and its files made read-only with ``chmod`` (which root ignores,
  hence the mount);
* **damaged pages**: :func:`damage_page` overwrites one page of a database
  file (random bytes, zeros, or one random 512-byte sector), the way a bad
  sector or a torn write leaves it.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PAGE = 4096
DAMAGE_MODES = ("random", "zeros", "sector")


def _run(*cmd: str) -> bool:
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


@contextmanager
def full_disk(folder: Path, size: str = "64k") -> Iterator[Path]:
    """``folder`` as a tiny tmpfs: writes fail with ENOSPC once it is full."""
    folder.mkdir(parents=True, exist_ok=True)
    if not _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)):
        pytest.skip("cannot mount a small tmpfs here (needs root): no full disk to test with")
    try:
        yield folder
    finally:
        _run("umount", "-l", str(folder))


@contextmanager
def read_only(source: Path, view: Path) -> Iterator[Path]:
    """``source`` seen read-only at ``view`` (a read-only bind mount, or a
    read-only copy made with chmod when not root)."""
    view.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        if not (_run("mount", "--bind", str(source), str(view))
                and _run("mount", "-o", "remount,ro,bind", str(view))):
            _run("umount", "-l", str(view))
            pytest.skip("cannot make a read-only bind mount here")
        try:
            yield view
        finally:
            _run("umount", "-l", str(view))
        return
    shutil.copytree(source, view, dirs_exist_ok=True)
    for path in [*view.rglob("*"), view]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield view
    finally:
        for path in [view, *view.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


def damage_page(db: Path, page: int, mode: str, rng: random.Random) -> None:
    """Overwrite page ``page`` (1-based) of ``db`` in place."""
    with db.open("r+b") as fh:
        if mode == "sector":
            offset = (page - 1) * PAGE + 512 * rng.randrange(PAGE // 512)
            data = rng.randbytes(512)
        else:
            offset = (page - 1) * PAGE
            data = rng.randbytes(PAGE) if mode == "random" else bytes(PAGE)
        fh.seek(offset)
        fh.write(data)


def page_count(db: Path) -> int:
    return db.stat().st_size // PAGE


def checkpointed(db: Path) -> None:
    """Fold the ``-wal`` into the file, so that damaging the file damages
    what SQLite reads."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
