"""Pose-track CSV: read and write (the format is in docs/formats.md).

One row per frame. Optional ``t`` (seconds; without it frames are 1/30 s
apart). Per landmark ``<name>_x``, ``_y`` (image-normalised, y down),
``_z`` and ``_v`` (visibility); optional world ``_wx``, ``_wy``, ``_wz``.
Any subset of landmarks may be present; a missing landmark counts as not
visible. Unknown columns are ignored. coach also writes an ``aspect``
column (image width / height) and reads it back when present; other tools
ignore it as an unknown column.

Reading streams row by row, so a two-hour track needs no more memory than
a short one.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from coach.errors import InputError
from coach.landmarks import LANDMARK_NAMES, NUM_LANDMARKS
from coach.outfile import StreamFile
from coach.pose import PoseFrame

DEFAULT_FPS = 30.0
COORD_RANGE = (-10.0, 10.0)
"""MediaPipe predicts joints outside the image too (normalised values below 0 or
above 1, a hidden hip can read 2); anything beyond this range is garbage."""


@dataclass(frozen=True)
class _Columns:
    t: int | None
    aspect: int | None
    x: dict[int, int]
    y: dict[int, int]
    z: dict[int, int]
    v: dict[int, int]
    wx: dict[int, int]
    wy: dict[int, int]
    wz: dict[int, int]


def _index_columns(header: list[str], path: str) -> _Columns:
    pos = {name.strip().lower(): i for i, name in enumerate(header)}
    cols: dict[str, dict[int, int]] = {k: {} for k in ("x", "y", "z", "v", "wx", "wy", "wz")}
    for lm, name in enumerate(LANDMARK_NAMES):
        for suffix, table in cols.items():
            key = f"{name}_{suffix}"
            if key in pos:
                table[lm] = pos[key]
    half = set(cols["x"]) ^ set(cols["y"])
    if half:
        name = LANDMARK_NAMES[sorted(half)[0]]
        raise InputError(f"{path}: landmark '{name}' has only one of its _x/_y columns")
    if not cols["x"]:
        raise InputError(
            f"{path}: not a pose-track CSV: no landmark columns such as 'left_hip_x' and 'left_hip_y' "
            "(see docs/formats.md for the format)"
        )
    return _Columns(
        t=pos.get("t"),
        aspect=pos.get("aspect"),
        x=cols["x"], y=cols["y"], z=cols["z"], v=cols["v"],
        wx=cols["wx"], wy=cols["wy"], wz=cols["wz"],
    )


def _cell(row: list[str], idx: int | None, path: str, line: int, what: str) -> float:
    if idx is None or idx >= len(row):
        return math.nan
    text = row[idx].strip()
    if text == "" or text.lower() in ("nan", "na", "null", "none"):
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{path}, line {line}: {what} is not a number: {text[:30]!r}") from None


def has_aspect_column(path: str | Path) -> bool:
    """Does the file's header have an ``aspect`` column? (False if unreadable:
    reading it properly reports why.)"""
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return "aspect" in {name.strip().lower() for name in header}


def read_pose_track(path: str | Path, fps: float = DEFAULT_FPS, aspect: float | None = None) -> Iterator[PoseFrame]:
    """Stream :class:`PoseFrame` objects from a pose-track CSV.

    Raises :class:`InputError` (one line, with the line number) for a file
    that cannot be read, has no landmark columns, holds text where numbers
    belong, values far outside the image, visibility outside 0..1, or
    timestamps that do not increase. Empty or NaN cells mean "not visible".

    ``aspect`` (image width / height) is used when the file has no
    ``aspect`` column; without either, 1.0 is assumed (angles are then
    measured in normalised units, which skews them for wide images).
    """
    p = Path(path)
    label = str(path)
    try:
        fh = p.open(newline="", encoding="utf-8-sig")  # a BOM must not hide the first column
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from None
    with fh:
        yield from _read(fh, label, fps, aspect or 1.0)


def _read(fh: TextIO, label: str, fps: float, default_aspect: float) -> Iterator[PoseFrame]:
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{label}: the file is empty") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{label}: not a readable CSV file ({exc})") from None
    cols = _index_columns(header, label)
    last_t = -math.inf
    rows = 0
    lo, hi = COORD_RANGE
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"{label}, line {reader.line_num}: not valid CSV ({exc})") from None
        line = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        t = _cell(row, cols.t, label, line, "t") if cols.t is not None else rows / fps
        if not math.isfinite(t):
            raise InputError(f"{label}, line {line}: t is missing or not finite")
        if t <= last_t:
            raise InputError(
                f"{label}, line {line}: t={t:g} does not increase (previous {last_t:g}); "
                "timestamps must be strictly increasing"
            )
        last_t = t
        xy = np.full((NUM_LANDMARKS, 2), np.nan)
        z = np.zeros(NUM_LANDMARKS)
        vis = np.zeros(NUM_LANDMARKS)
        world = np.full((NUM_LANDMARKS, 3), np.nan) if cols.wx else None
        for lm, ix in cols.x.items():
            name = LANDMARK_NAMES[lm]
            x = _cell(row, ix, label, line, f"{name}_x")
            y = _cell(row, cols.y[lm], label, line, f"{name}_y")
            for val, axis in ((x, "x"), (y, "y")):
                if math.isfinite(val) and not lo <= val <= hi:
                    raise InputError(
                        f"{label}, line {line}: {name}_{axis}={val:g} is outside the image "
                        f"(expected image-normalised values near 0..1)"
                    )
            xy[lm] = (x, y)
            zz = _cell(row, cols.z.get(lm), label, line, f"{name}_z")
            z[lm] = zz if math.isfinite(zz) else 0.0
            if lm in cols.v:
                v = _cell(row, cols.v[lm], label, line, f"{name}_v")
                if math.isfinite(v) and not -1e-6 <= v <= 1.0 + 1e-6:
                    raise InputError(f"{label}, line {line}: {name}_v={v:g} is not a visibility in 0..1")
            else:
                v = 1.0
            vis[lm] = v if (math.isfinite(v) and math.isfinite(x) and math.isfinite(y)) else 0.0
            if world is not None and lm in cols.wx:
                world[lm] = (
                    _cell(row, cols.wx.get(lm), label, line, f"{name}_wx"),
                    _cell(row, cols.wy.get(lm), label, line, f"{name}_wy"),
                    _cell(row, cols.wz.get(lm), label, line, f"{name}_wz"),
                )
        aspect = default_aspect
        if cols.aspect is not None:
            a = _cell(row, cols.aspect, label, line, "aspect")
            if math.isfinite(a) and a > 0:
                aspect = a
        rows += 1
        yield PoseFrame(t=t, xy=xy, z=z, visibility=vis, world=world, aspect=aspect)
    if rows == 0:
        raise InputError(f"{label}: the pose track has a header but no frames")


def _fmt(v: float) -> str:
    return "" if not math.isfinite(v) else f"{v:.6g}"


def header(with_world: bool) -> list[str]:
    cols = ["t", "aspect"]
    for name in LANDMARK_NAMES:
        cols += [f"{name}_x", f"{name}_y", f"{name}_z", f"{name}_v"]
        if with_world:
            cols += [f"{name}_wx", f"{name}_wy", f"{name}_wz"]
    return cols


def frame_row(frame: PoseFrame, with_world: bool) -> list[str]:
    row = [f"{frame.t:.6f}", f"{frame.aspect:.6g}"]
    for lm in range(NUM_LANDMARKS):
        row += [_fmt(frame.xy[lm, 0]), _fmt(frame.xy[lm, 1]), _fmt(frame.z[lm]), _fmt(frame.visibility[lm])]
        if with_world:
            w = frame.world[lm] if frame.world is not None else (math.nan,) * 3
            row += [_fmt(w[0]), _fmt(w[1]), _fmt(w[2])]
    return row


class PoseTrackWriter:
    """Writes frames as they come (flushes every 30 rows, so a crash loses
    at most about a second). Use as a context manager. Rows are written
    whole (:class:`~coach.outfile.StreamFile`): on a full disk the file
    keeps its complete rows only (or is removed if it has none) and a
    one-line :class:`InputError` is raised."""

    def __init__(self, path: str | Path, with_world: bool = True) -> None:
        self.path = Path(path)
        self.with_world = with_world
        self._out = StreamFile(self.path, InputError)
        self._line = io.StringIO()
        self._w = csv.writer(self._line)
        self._out.write_header(self._row(header(with_world)))
        self.count = 0

    def _row(self, cells: list[str]) -> str:
        self._line.seek(0)
        self._line.truncate()
        self._w.writerow(cells)
        return self._line.getvalue()

    def write(self, frame: PoseFrame) -> None:
        self._out.write(self._row(frame_row(frame, self.with_world)))
        self.count += 1
        if self.count % 30 == 0:
            self._out.flush()

    def close(self) -> None:
        self._out.close()

    def __enter__(self) -> PoseTrackWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_pose_track(path: str | Path, frames: Iterable[PoseFrame], with_world: bool | None = None) -> int:
    """Write all frames; world columns are written when the first frame has
    them (or as ``with_world`` says). Returns the number of rows."""
    it = iter(frames)
    first = next(it, None)
    ww = with_world if with_world is not None else (first is not None and first.world is not None)
    with PoseTrackWriter(path, with_world=ww) as w:
        if first is not None:
            w.write(first)
        for f in it:
            w.write(f)
        return w.count
