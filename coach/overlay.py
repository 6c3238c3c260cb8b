"""Drawing the coach onto video frames: skeleton, counters, cue, setup screen.

This is the only module in coach that calls OpenCV drawing functions. Each
``draw_*`` function takes a BGR image and plain data, draws in place and
returns the image (the supervision ``annotate(scene, data) -> scene``
idea), so any stage can be rendered alone and tested on a blank image.

Colours (BGR) follow the verdict: a segment touching one of
``verdict.fault_joints`` (the joints of the reported faults) is red; while
a fault is only building up (``verdict.warnings``, not yet reported, and
not tied to joints) the rest of the skeleton is amber, else green; the
whole skeleton is grey when the analyzer cannot judge (not visible).
Landmarks below ``min_visibility`` are not drawn at all: the overlay never
shows a joint the model is guessing.

:class:`AnnotatedVideoSink` is a pipeline Sink that writes the annotated
frames as an MP4 (``--video-out``); :class:`VideoFileWriter` is the bare
writer, with optional real-time pacing for the live loop.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from coach.cvlog import cv2
from coach.errors import InputError
from coach.exercise import NOT_VISIBLE, FrameVerdict, SetSummary
from coach.landmarks import SKELETON_EDGES, Landmark
from coach.pipeline import Sample
from coach.pose import PoseFrame

Image = NDArray[np.uint8]
Colour = tuple[int, int, int]

GREEN: Colour = (80, 200, 60)
AMBER: Colour = (0, 170, 255)
RED: Colour = (40, 40, 230)
GREY: Colour = (150, 150, 150)
WHITE: Colour = (255, 255, 255)
CYAN: Colour = (230, 200, 60)

FONT = cv2.FONT_HERSHEY_DUPLEX

CUE_COLOURS: dict[str, Colour] = {
    "fault": RED,
    "setup": AMBER,
    "instruction": WHITE,
    "milestone": CYAN,
    "praise": GREEN,
}


# --------------------------------------------------------------------------
# What to draw (plain data, testable without pixels)
# --------------------------------------------------------------------------


def segment_colours(
    frame: PoseFrame, verdict: FrameVerdict | None, min_visibility: float = 0.5
) -> list[tuple[Landmark, Landmark, Colour]]:
    """The skeleton segments to draw and their colours (visible ones only)."""
    vis = frame.visibility
    drawable = [(a, b) for a, b in SKELETON_EDGES if vis[a] >= min_visibility and vis[b] >= min_visibility]
    if verdict is None:
        return [(a, b, GREEN) for a, b in drawable]
    if not verdict.visible:
        return [(a, b, GREY) for a, b in drawable]
    hot = set(verdict.fault_joints)
    rest = AMBER if any(code != NOT_VISIBLE for code in verdict.warnings) else GREEN
    return [(a, b, RED if (a in hot or b in hot) else rest) for a, b in drawable]


@dataclass(frozen=True)
class Hud:
    """The text around the skeleton: counters, the cue and the meters."""

    phase: str = ""
    reps: int = 0
    hold_s: float = 0.0
    target: float | None = None
    target_unit: str | None = None  # "reps" | "s" | "lifts"
    cue: str | None = None
    cue_kind: str | None = None
    faults: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    exercise: str | None = None
    fps: float | None = None
    latency_ms: float | None = None
    muted: bool = False
    paused: bool = False

    @classmethod
    def from_verdict(cls, verdict: FrameVerdict, **kw: object) -> Hud:
        return cls(phase=verdict.phase, reps=verdict.reps, hold_s=verdict.hold_s, faults=verdict.faults,
                   warnings=verdict.warnings, **kw)  # type: ignore[arg-type]

    @property
    def counter(self) -> str:
        """``Hold 12.3 / 30 s`` or ``Reps 3 / 10`` (no target: no ``/``)."""
        if self.target_unit == "s":
            tail = f" / {self.target:g} s" if self.target else " s"
            return f"Hold {self.hold_s:.1f}{tail}"
        noun = "Lifts" if self.target_unit == "lifts" else "Reps"
        tail = f" / {self.target:g}" if self.target else ""
        return f"{noun} {self.reps}{tail}"


@dataclass(frozen=True)
class SetupView:
    """The setup screen before a set: instructions, how long the user has
    been in position (0..1), then the countdown number."""

    lines: tuple[str, ...]
    progress: float = 0.0
    countdown: int | None = None
    exercise: str | None = None


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------


def _scale(image: Image) -> float:
    return max(0.4, image.shape[0] / 720.0)


def _px(frame: PoseFrame, lm: Landmark, w: int, h: int) -> tuple[int, int]:
    x, y = frame.xy[lm]
    return round(float(x) * w), round(float(y) * h)


def draw_skeleton(
    image: Image, frame: PoseFrame, verdict: FrameVerdict | None = None, min_visibility: float = 0.5
) -> Image:
    """Skeleton segments and joints, coloured by the verdict."""
    if not frame.has_person:
        return image
    h, w = image.shape[:2]
    s = _scale(image)
    thick = max(2, round(4 * s))
    radius = max(3, round(5 * s))
    colour_of: dict[Landmark, Colour] = {}
    for a, b, colour in segment_colours(frame, verdict, min_visibility):
        pa, pb = _px(frame, a, w, h), _px(frame, b, w, h)
        cv2.line(image, pa, pb, colour, thick, cv2.LINE_AA)
        for lm in (a, b):
            if colour_of.get(lm) not in (RED, AMBER):
                colour_of[lm] = colour
    for lm, colour in colour_of.items():
        p = _px(frame, lm, w, h)
        cv2.circle(image, p, radius, WHITE, -1, cv2.LINE_AA)
        cv2.circle(image, p, max(1, radius - 2), colour, -1, cv2.LINE_AA)
    return image


def _shade(image: Image, x0: int, y0: int, x1: int, y1: int) -> None:
    """Darken a rectangle in place (a cheap translucent panel)."""
    h, w = image.shape[:2]
    x0, x1 = max(0, x0), min(w, x1)
    y0, y1 = max(0, y0), min(h, y1)
    if x1 > x0 and y1 > y0:
        roi = image[y0:y1, x0:x1]
        np.right_shift(roi, 1, out=roi)


def _text(image: Image, text: str, org: tuple[int, int], scale: float, colour: Colour, thick: int) -> None:
    """Text with a drop shadow (a thicker outline would shift the glyphs:
    Hershey advances grow with the stroke)."""
    d = max(1, round(scale * 2))
    cv2.putText(image, text, (org[0] + d, org[1] + d), FONT, scale, (0, 0, 0), thick, cv2.LINE_AA)
    cv2.putText(image, text, org, FONT, scale, colour, thick, cv2.LINE_AA)


def _fit(text: str, max_w: int, scale: float, thick: int) -> tuple[float, int, int]:
    """Largest scale <= ``scale`` at which ``text`` fits ``max_w`` pixels."""
    (tw, th), _ = cv2.getTextSize(text, FONT, scale, thick)
    if tw > max_w > 0:
        scale = scale * max_w / tw
        (tw, th), _ = cv2.getTextSize(text, FONT, scale, thick)
    return scale, tw, th


def draw_hud(image: Image, hud: Hud) -> Image:
    """Counter and phase (top left), meters (top right), cue (bottom)."""
    h, w = image.shape[:2]
    s = _scale(image)
    pad = int(12 * s)
    line = int(34 * s)
    # top-left: exercise, phase and the counter
    _shade(image, 0, 0, int(w * 0.5), pad + 2 * line + int(line * 0.4))
    head = " - ".join(p for p in (hud.exercise, hud.phase) if p)
    _text(image, head, (pad, pad + int(line * 0.7)), 0.7 * s, WHITE, max(1, int(s)))
    scale, _, _ = _fit(hud.counter, int(w * 0.5) - 2 * pad, 1.1 * s, max(1, int(2 * s)))
    _text(image, hud.counter, (pad, pad + int(line * 1.85)), scale, CYAN, max(1, int(2 * s)))
    # top-right: meters and states
    meters = []
    if hud.fps is not None:
        meters.append(f"{hud.fps:4.1f} fps")
    if hud.latency_ms is not None:
        meters.append(f"{hud.latency_ms:3.0f} ms")
    if meters:
        text = "  ".join(meters)
        (tw, _), _ = cv2.getTextSize(text, FONT, 0.6 * s, 1)
        _shade(image, w - tw - 2 * pad, 0, w, pad + int(line * 0.9))
        _text(image, text, (w - tw - pad, pad + int(line * 0.6)), 0.6 * s, WHITE, 1)
    if hud.muted:
        _text(image, "MUTED (m)", (w - int(170 * s), pad + int(line * 1.6)), 0.6 * s, AMBER, 1)
    # the faults in words, under the counter
    y = pad + 3 * line
    for code in hud.faults[:3]:
        colour = AMBER if code == NOT_VISIBLE else RED
        _text(image, code.replace("_", " "), (pad, y), 0.75 * s, colour, 1)
        y += int(line * 0.8)
    for code in hud.warnings[:2]:
        _text(image, code.replace("_", " ") + "?", (pad, y), 0.75 * s, AMBER, 1)
        y += int(line * 0.8)
    # bottom: the current cue, large
    if hud.cue:
        thick = max(2, round(2.5 * s))
        scale, tw, th = _fit(hud.cue, w - 2 * pad, 1.5 * s, thick)
        band = th + 3 * pad
        _shade(image, 0, h - band, w, h)
        colour = CUE_COLOURS.get(hud.cue_kind or "", WHITE)
        _text(image, hud.cue, ((w - tw) // 2, h - band // 2 + th // 2), scale, colour, thick)
    if hud.paused:
        draw_banner(image, ("PAUSED", "space to resume, q to quit"))
    return image


def draw_notice(image: Image, text: str) -> Image:
    """A one-line notice from the coach itself (the pose model fell back to
    lite) in amber on a dark band across the picture, just above the cue
    band at the bottom (clear of the counter, the faults and the cue)."""
    h, w = image.shape[:2]
    s = _scale(image)
    pad = int(12 * s)
    scale, tw, th = _fit(text, w - 2 * pad, 0.7 * s, max(1, int(s)))
    y1 = max(0, h - int(90 * s))
    y0 = max(0, y1 - th - 2 * pad)
    _shade(image, 0, y0, w, y1)
    _text(image, text, ((w - tw) // 2, y0 + pad + th), scale, AMBER, max(1, int(s)))
    return image


def draw_banner(image: Image, lines: tuple[str, ...], colour: Colour = WHITE) -> Image:
    """Centred lines of text on a dark band (pause, messages)."""
    if not lines:
        return image
    h, w = image.shape[:2]
    s = _scale(image)
    thick = max(1, round(2 * s))
    sizes = [_fit(text, w - int(40 * s), (1.4 if i == 0 else 0.8) * s, thick) for i, text in enumerate(lines)]
    gap = int(18 * s)
    total = sum(th for _, _, th in sizes) + gap * (len(lines) + 1)
    y = (h - total) // 2
    _shade(image, 0, y, w, y + total)
    for (scale, tw, th), text in zip(sizes, lines, strict=True):
        y += gap + th
        _text(image, text, ((w - tw) // 2, y), scale, colour, thick)
    return image


def draw_setup(image: Image, view: SetupView) -> Image:
    """The setup screen: instructions and a progress bar, then 3-2-1."""
    h, w = image.shape[:2]
    s = _scale(image)
    if view.countdown is not None:
        text = str(view.countdown) if view.countdown > 0 else "Go!"
        thick = max(3, round(8 * s))
        scale, tw, th = _fit(text, w // 2, 5.0 * s, thick)
        _text(image, text, ((w - tw) // 2, (h + th) // 2), scale, CYAN, thick)
        return image
    draw_banner(image, view.lines, WHITE)
    bar_w, bar_h = int(w * 0.5), max(6, int(14 * s))
    x0, y0 = (w - bar_w) // 2, int(h * 0.8)
    cv2.rectangle(image, (x0, y0), (x0 + bar_w, y0 + bar_h), WHITE, 1)
    fill = int(bar_w * min(1.0, max(0.0, view.progress)))
    if fill > 0:
        cv2.rectangle(image, (x0, y0), (x0 + fill, y0 + bar_h), GREEN, -1)
    return image


def annotate(
    image: Image,
    frame: PoseFrame | None,
    verdict: FrameVerdict | None,
    hud: Hud | None = None,
    setup: SetupView | None = None,
    mirror: bool = False,
) -> Image:
    """Everything at once: the skeleton, then (mirrored for a selfie view if
    asked) the HUD or the setup screen. Draws in place when it can; use the
    returned image."""
    if frame is not None:
        draw_skeleton(image, frame, verdict)
    if mirror:
        image = np.ascontiguousarray(cv2.flip(image, 1))
    if setup is not None:
        draw_setup(image, setup)
    elif hud is not None:
        draw_hud(image, hud)
    return image


# --------------------------------------------------------------------------
# Writing video
# --------------------------------------------------------------------------


class VideoFileWriter:
    """An MP4 writer (mp4v) opened on the first frame (its size decides).

    ``write(image)`` appends a frame. ``write(image, t)`` paces by time for
    the live loop: the frame goes into the video at ``t`` seconds, a frame
    dropped by the loop is filled by repeating the last one (so the file
    plays in real time), and a frame arriving early within a slot replaces
    nothing (dropped). Gaps are filled for at most ``max_fill_s``.
    """

    def __init__(self, path: str | Path, fps: float = 30.0, max_fill_s: float = 1.0) -> None:
        if not (math.isfinite(fps) and fps > 0):
            raise ValueError(f"fps must be positive, got {fps!r}")
        self.path = Path(path)
        self.fps = float(fps)
        self.max_fill = max(1, round(max_fill_s * fps))
        self.frames = 0
        self._writer: cv2.VideoWriter | None = None
        self._size: tuple[int, int] | None = None
        self._t0: float | None = None
        self._slot = -1
        self._last: Image | None = None

    def _open(self, image: Image) -> cv2.VideoWriter:
        h, w = image.shape[:2]
        if not self.path.parent.is_dir():  # checked before the work; never created silently
            raise InputError(f"cannot write {self.path}: the folder {self.path.parent} does not exist")
        writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter.fourcc(*"mp4v"), self.fps, (w, h))
        if not writer.isOpened():
            raise InputError(f"{self.path}: cannot write an MP4 video there")
        self._size = (w, h)
        return writer

    def _put(self, writer: cv2.VideoWriter, image: Image) -> None:
        if (image.shape[1], image.shape[0]) != self._size:
            assert self._size is not None
            image = np.asarray(cv2.resize(image, self._size), dtype=np.uint8)
        writer.write(image)
        self.frames += 1

    def write(self, image: Image, t: float | None = None) -> None:
        writer = self._writer
        if writer is None:
            writer = self._writer = self._open(image)
        if t is None:
            self._put(writer, image)
            return
        if self._t0 is None:
            self._t0 = t
        slot = math.floor((t - self._t0) * self.fps + 0.5)
        if slot <= self._slot:
            return
        if self._last is not None:
            for _ in range(min(slot - self._slot - 1, self.max_fill)):
                self._put(writer, self._last)
        self._put(writer, image)
        self._slot = slot
        self._last = image

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None
            self._check_written()
        self._last = None

    def _check_written(self) -> None:
        """OpenCV's writer reports no write error: a full disk leaves a
        truncated MP4 that will not open. So the file is synced and opened
        again; if it is not a playable video, it is removed and the error
        said in one line."""
        problem = ""
        try:
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            problem = exc.strerror or str(exc)
        if not problem:
            cap = cv2.VideoCapture(str(self.path))
            ok = cap.isOpened() and int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0) > 0
            cap.release()
            if not ok:
                problem = "the video file is incomplete (is the disk full?)"
        if problem:
            self.path.unlink(missing_ok=True)
            raise InputError(f"cannot write {self.path}: {problem}; removed it")


class AnnotatedVideoSink:
    """Pipeline Sink: draws each sample (skeleton, counter, cue) onto a copy
    of its image and writes an MP4. Samples without an image are skipped.
    A cue stays on screen for ``cue_hold_s`` seconds of video time."""

    def __init__(self, path: str | Path, fps: float = 30.0, *, exercise: str | None = None,
                 target: float | None = None, target_unit: str | None = None, cue_hold_s: float = 3.0) -> None:
        self.writer = VideoFileWriter(path, fps)
        self.exercise = exercise
        self.target = target
        self.target_unit = target_unit
        self.cue_hold_s = cue_hold_s
        self._cue: tuple[str, str, float] | None = None  # text, kind, until

    @property
    def path(self) -> Path:
        return self.writer.path

    @property
    def frames(self) -> int:
        return self.writer.frames

    def on_sample(self, sample: Sample) -> None:
        if sample.image is None:
            return
        v = sample.verdict
        if sample.cue is not None:
            self._cue = (sample.cue.text, sample.cue.kind, v.t + self.cue_hold_s)
        cue = self._cue if (self._cue is not None and v.t <= self._cue[2]) else None
        hud = Hud.from_verdict(v, exercise=getattr(sample, "exercise", None) or self.exercise, target=self.target,
                               target_unit=self.target_unit, cue=cue[0] if cue else None,
                               cue_kind=cue[1] if cue else None)
        image = annotate(sample.image.copy(), sample.frame, v, hud)
        self.writer.write(image)

    def close(self, summary: SetSummary) -> None:
        del summary
        self.writer.close()
