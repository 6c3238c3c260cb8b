"""A pinhole webcam that turns body-model points into MediaPipe-like frames.

Input points are in the body model's internal world frame (metres, y up,
floor y = 0, see :mod:`coach.synth.body`). Output follows MediaPipe's
conventions (:class:`coach.pose.PoseFrame`):

* ``xy``: image-normalised (x / width, y / height), y down;
* ``z``: depth relative to the hip midpoint in the same units as x
  (metres * focal / (hip depth * image width)), smaller = nearer the camera;
* ``world``: metres, origin at the hip midpoint, axes of the camera
  (x to the image right, y down the image, z away from the camera). Like
  MediaPipe's world landmarks it follows the camera, so a tilted camera
  tilts the world y axis by the camera tilt (a few degrees in the framings
  made here);
* ``visibility``: a deterministic, noise-free estimate (near side high,
  far side of a side view low, landmarks outside the image very low).
  :mod:`coach.synth.noise` replaces it with a MediaPipe-like random one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from coach.landmarks import NUM_LANDMARKS, Landmark, Side
from coach.pose import PoseFrame

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
ViewKind = Literal["side", "front", "oblique"]
Cut = Literal["none", "knees", "hips"]
VIEW_KINDS: tuple[ViewKind, ...] = ("side", "front", "oblique")
CUTS: tuple[Cut, ...] = ("none", "knees", "hips")

DEFAULT_WIDTH = 1280
DEFAULT_HEIGHT = 720
"""720p, the usual webcam mode (640x480 works too: pass width/height)."""
DEFAULT_HFOV_DEG = 65.0
"""Typical webcams have a 60-78 degree diagonal-to-horizontal field of view
(a Logitech C920 is ~70 degrees horizontal at 16:9; laptop cameras less)."""
DESK_CAMERA_HEIGHT_M = 0.8
"""A webcam on a desk or a laptop on a table."""
FLOOR_CAMERA_HEIGHT_M = 0.3
"""A phone or webcam propped on the floor, for exercises lying down."""
FLOOR_FRONT_CAMERA_HEIGHT_M = 0.8
"""Seen end-on (front view), a floor-level camera would only see the feet
and knees; a raised camera looks over them at the hips."""
DISTANCE_RANGE_M = (2.0, 4.0)
"""Usual distance of a user from a webcam while exercising."""
CLOSE_DISTANCE_RANGE_M = (0.8, 4.0)
"""Framings that cut the body off are allowed closer (that is how they happen)."""
FIT_FILL = 0.86
"""The framed body spans at most 86 % of the image in each direction: a 7 %
margin keeps the extremities clear of the analyzers' edge margin (3 %)."""
FIT_ITERATIONS = 6
"""Framing alternates re-centring and re-distancing; six rounds converge to
well under a pixel for the framings made here."""
FIT_MAX_FRAMES = 90
"""Framing looks at up to this many frames of a sequence (enough to cover
the whole movement, cheap to project)."""
CUT_KNEES_THIGH_FRAC = 0.55
"""``cut="knees"`` frames the body down to 55 % of the thighs: with the fit
margin the knees fall just outside the image and the feet well outside."""
CUT_HIPS_TRUNK_FRAC = 0.60
"""``cut="hips"`` frames the body down to 60 % of the trunk."""

VIS_NEAR = 0.98
"""Clean visibility of a landmark facing the camera."""
VIS_FAR = 0.20
"""Clean visibility of a far-side landmark in a side view: docs/measured.md gives
0.05-0.35 for the far hip and knee; 0.2 is the middle."""
VIS_OFF_IMAGE = 0.02
"""MediaPipe still predicts landmarks outside the image, with visibility
near zero."""
EDGE_SOFTNESS = 0.02
"""Visibility halves at the image border and fades over +-2 % of the image."""
FAR_RAMP = (0.30, 0.85)
"""How much a side is hidden, from the cosine between the body's left-right
axis and the camera ray: below 0.30 (within ~17 degrees of a front view)
both sides are seen, above 0.85 (within ~32 degrees of a side view) the far
side is fully behind the body."""
FACE_AWAY_RAMP = (0.30, 0.80)
"""Face landmarks fade as the face turns away from the camera (cosine of the
face direction with the camera ray)."""
MIN_DEPTH_M = 0.05
"""Points nearer the image plane than this are treated as not projectable."""


@dataclass(frozen=True)
class Camera:
    """A level-mounted pinhole camera at ``position`` looking at ``target``
    (internal world frame, metres). Image ``width`` x ``height`` pixels,
    horizontal field of view ``hfov_deg``."""

    position: tuple[float, float, float]
    target: tuple[float, float, float]
    width: int = DEFAULT_WIDTH
    height: int = DEFAULT_HEIGHT
    hfov_deg: float = DEFAULT_HFOV_DEG

    def __post_init__(self) -> None:
        pos = tuple(float(c) for c in self.position)
        tgt = tuple(float(c) for c in self.target)
        if len(pos) != 3 or len(tgt) != 3 or not all(math.isfinite(c) for c in pos + tgt):
            raise ValueError("Camera.position and Camera.target must be three finite numbers")
        if math.dist(pos, tgt) < 1e-6:
            raise ValueError("Camera.position and Camera.target must differ")
        if math.hypot(tgt[0] - pos[0], tgt[2] - pos[2]) < 1e-6:
            raise ValueError("Camera must not look straight up or down")
        if int(self.width) <= 0 or int(self.height) <= 0:
            raise ValueError(f"Camera image size must be positive, got {self.width}x{self.height}")
        if not 10.0 <= float(self.hfov_deg) <= 150.0:
            raise ValueError(f"Camera.hfov_deg must be 10-150, got {self.hfov_deg}")
        object.__setattr__(self, "position", pos)
        object.__setattr__(self, "target", tgt)
        object.__setattr__(self, "width", int(self.width))
        object.__setattr__(self, "height", int(self.height))
        object.__setattr__(self, "hfov_deg", float(self.hfov_deg))

    @classmethod
    def looking_at(
        cls,
        target: ArrayLike,
        direction: ArrayLike,
        distance: float,
        height_m: float,
        width: int = DEFAULT_WIDTH,
        height: int = DEFAULT_HEIGHT,
        hfov_deg: float = DEFAULT_HFOV_DEG,
    ) -> Camera:
        """A camera ``distance`` metres (horizontally) from ``target`` in the
        horizontal ``direction`` (from the target towards the camera), at
        ``height_m`` above the floor, looking at the target."""
        tgt = np.asarray(target, dtype=np.float64)
        d = np.asarray(direction, dtype=np.float64).copy()
        d[1] = 0.0
        d /= max(float(np.linalg.norm(d)), 1e-12)
        pos = tgt + d * float(distance)
        pos[1] = float(height_m)
        return cls(
            position=(float(pos[0]), float(pos[1]), float(pos[2])),
            target=(float(tgt[0]), float(tgt[1]), float(tgt[2])),
            width=width,
            height=height,
            hfov_deg=hfov_deg,
        )

    @property
    def aspect(self) -> float:
        return self.width / self.height

    @property
    def focal_px(self) -> float:
        """Focal length in pixels."""
        return (self.width / 2.0) / math.tan(math.radians(self.hfov_deg) / 2.0)

    @property
    def vfov_deg(self) -> float:
        return math.degrees(2.0 * math.atan((self.height / 2.0) / self.focal_px))

    @property
    def axes(self) -> FloatArray:
        """Rows: the camera's right, down and forward unit vectors (world)."""
        fwd = np.subtract(self.target, self.position)
        fwd /= np.linalg.norm(fwd)
        right = np.cross(fwd, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        down = np.cross(fwd, right)
        return np.stack([right, down, fwd])

    @property
    def tilt_deg(self) -> float:
        """Downward tilt of the optical axis (positive = looking down)."""
        fwd = self.axes[2]
        return math.degrees(math.asin(-float(fwd[1])))

    def to_camera(self, points: ArrayLike) -> FloatArray:
        """World points (..., 3) -> camera coordinates (..., 3): right, down, depth."""
        p = np.asarray(points, dtype=np.float64) - np.asarray(self.position)
        return np.asarray(p @ self.axes.T)

    def to_image(self, points: ArrayLike) -> FloatArray:
        """World points (..., 3) -> normalised image coordinates (..., 2);
        NaN for points behind the camera."""
        c = self.to_camera(points)
        depth = c[..., 2]
        ok = depth > MIN_DEPTH_M
        safe = np.where(ok, depth, 1.0)
        f = self.focal_px
        u = f * c[..., 0] / safe / self.width + 0.5
        v = f * c[..., 1] / safe / self.height + 0.5
        uv = np.stack([u, v], axis=-1)
        return np.asarray(np.where(ok[..., None], uv, np.nan))


@dataclass(frozen=True)
class View:
    """How a scenario is filmed.

    * ``kind``: ``"side"`` (the camera faces the body's ``side``), ``"front"``
      (the camera on the +x side: in front of a standing body, at the head of
      a prone body, at the feet of a supine body) or ``"oblique"`` (between
      the two: ``oblique_deg`` from the side view towards the front).
    * ``camera_height_m``: None = a desk webcam (0.8 m) for standing bodies,
      a floor camera (0.3 m) for side views of floor exercises, 0.8 m for
      front views of floor exercises.
    * ``distance_m``: None = the nearest distance that frames the body,
      kept within 2-4 m (0.8-4 m when ``cut`` is set).
    * ``cut``: ``"knees"`` or ``"hips"`` frames only the body above that
      point, so the lower landmarks fall outside the image.
    """

    kind: ViewKind = "side"
    side: Side = "left"
    oblique_deg: float = 40.0
    width: int = DEFAULT_WIDTH
    height: int = DEFAULT_HEIGHT
    hfov_deg: float = DEFAULT_HFOV_DEG
    camera_height_m: float | None = None
    distance_m: float | None = None
    cut: Cut = "none"

    def __post_init__(self) -> None:
        if self.kind not in VIEW_KINDS:
            raise ValueError(f"unknown view {self.kind!r}; expected one of {', '.join(VIEW_KINDS)}")
        if self.side not in ("left", "right"):
            raise ValueError(f"View.side must be 'left' or 'right', got {self.side!r}")
        if self.cut not in CUTS:
            raise ValueError(f"unknown cut {self.cut!r}; expected one of {', '.join(CUTS)}")
        if not 0.0 <= self.oblique_deg <= 90.0:
            raise ValueError(f"View.oblique_deg must be 0-90, got {self.oblique_deg}")
        if self.distance_m is not None and not self.distance_m > 0:
            raise ValueError(f"View.distance_m must be positive, got {self.distance_m}")

    @property
    def direction(self) -> FloatArray:
        """Horizontal unit vector from the subject towards the camera (for a
        body with heading 0)."""
        lat = -1.0 if self.side == "left" else 1.0
        if self.kind == "front":
            return np.array([1.0, 0.0, 0.0])
        if self.kind == "side":
            return np.array([0.0, 0.0, lat])
        a = math.radians(self.oblique_deg)
        return np.array([math.sin(a), 0.0, lat * math.cos(a)])

    @property
    def near_side(self) -> Side | None:
        """The body side nearer the camera, None for a front view."""
        return None if self.kind == "front" else self.side


def as_view(view: View | ViewKind | str) -> View:
    """``"side"`` -> ``View("side")``; a :class:`View` passes through."""
    if isinstance(view, View):
        return view
    if view not in VIEW_KINDS:
        raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEW_KINDS)}")
    return View(kind=view)


# --------------------------------------------------------------------------------------
# Visibility geometry
# --------------------------------------------------------------------------------------
def _ramp(x: FloatArray, lo: float, hi: float) -> FloatArray:
    u = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    return np.asarray(u * u * (3.0 - 2.0 * u))


_FACE_SIDED = ("EYE_INNER", "EYE", "EYE_OUTER", "EAR")
_ARM = ("SHOULDER", "ELBOW", "WRIST", "PINKY", "INDEX", "THUMB")
_LEG = ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX")


def _sided_groups() -> list[tuple[Landmark, Landmark, list[int], list[int]]]:
    """(left axis end, right axis end, left members, right members)."""
    groups: list[tuple[Landmark, Landmark, list[int], list[int]]] = []
    for names, axis in ((_FACE_SIDED, "EAR"), (_ARM, "SHOULDER"), (_LEG, "HIP")):
        left = [int(Landmark[f"LEFT_{n}"]) for n in names]
        right = [int(Landmark[f"RIGHT_{n}"]) for n in names]
        if axis == "EAR":
            left.append(int(Landmark.MOUTH_LEFT))
            right.append(int(Landmark.MOUTH_RIGHT))
        groups.append((Landmark[f"LEFT_{axis}"], Landmark[f"RIGHT_{axis}"], left, right))
    return groups


_GROUPS = _sided_groups()
_FACE = [int(lm) for lm in Landmark if lm <= Landmark.MOUTH_RIGHT]


def farness(world: FloatArray, cam: Camera) -> FloatArray:
    """(T, 33) how hidden each landmark is behind the body, 0 (seen) to 1
    (on the far side of a side view, or on a face turned away)."""
    cam_pos = np.asarray(cam.position)
    far = np.zeros(world.shape[:2])
    for l_end, r_end, left, right in _GROUPS:
        axis = world[:, r_end] - world[:, l_end]
        ray = (world[:, l_end] + world[:, r_end]) / 2.0 - cam_pos
        cos = np.sum(axis * ray, axis=1) / np.maximum(np.linalg.norm(axis, axis=1) * np.linalg.norm(ray, axis=1), 1e-12)
        far[:, left] = _ramp(-cos, *FAR_RAMP)[:, None]
        far[:, right] = _ramp(cos, *FAR_RAMP)[:, None]
    ears = (world[:, Landmark.LEFT_EAR] + world[:, Landmark.RIGHT_EAR]) / 2.0
    face_dir = world[:, Landmark.NOSE] - ears
    ray = world[:, Landmark.NOSE] - cam_pos
    cos = np.sum(face_dir * ray, axis=1) / np.maximum(
        np.linalg.norm(face_dir, axis=1) * np.linalg.norm(ray, axis=1), 1e-12
    )
    away = _ramp(cos, *FACE_AWAY_RAMP)
    far[:, _FACE] = np.maximum(far[:, _FACE], away[:, None])
    return far


def inside_factor(xy: FloatArray) -> FloatArray:
    """1 well inside the image, 0.5 on the border, 0 beyond ``EDGE_SOFTNESS``
    outside; 0 for NaN."""
    margin = np.minimum(np.minimum(xy[..., 0], 1.0 - xy[..., 0]), np.minimum(xy[..., 1], 1.0 - xy[..., 1]))
    f = np.clip(0.5 + margin / (2.0 * EDGE_SOFTNESS), 0.0, 1.0)
    return np.asarray(np.where(np.isfinite(f), f, 0.0))


def clean_visibility(far: FloatArray, inside: FloatArray) -> FloatArray:
    vis = (VIS_NEAR * (1.0 - far) + VIS_FAR * far) * inside
    return np.asarray(np.maximum(vis, VIS_OFF_IMAGE))


# --------------------------------------------------------------------------------------
# Projection
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ProjectedTrack:
    """A projected sequence, as arrays (T frames, 33 landmarks).

    ``xy``, ``z``, ``visibility``, ``world`` as in :class:`PoseFrame`;
    ``far`` (0..1) how hidden behind the body each landmark is; ``inside``
    (0..1) how far inside the image; ``metres_per_unit``: metres per image
    height unit at the hip depth (turns image noise into world noise);
    ``aspect``: width / height.
    """

    xy: FloatArray
    z: FloatArray
    visibility: FloatArray
    world: FloatArray
    far: FloatArray
    inside: FloatArray
    metres_per_unit: FloatArray
    aspect: float

    def __len__(self) -> int:
        return int(self.xy.shape[0])

    def replace(self, **changes: object) -> ProjectedTrack:
        values: dict[str, object] = {
            "xy": self.xy,
            "z": self.z,
            "visibility": self.visibility,
            "world": self.world,
            "far": self.far,
            "inside": self.inside,
            "metres_per_unit": self.metres_per_unit,
            "aspect": self.aspect,
        }
        values.update(changes)
        return ProjectedTrack(**values)  # type: ignore[arg-type]

    def take(self, index: ArrayLike) -> ProjectedTrack:
        """The frames at ``index`` (an index array or boolean mask)."""
        idx = np.asarray(index)
        return self.replace(
            xy=self.xy[idx],
            z=self.z[idx],
            visibility=self.visibility[idx],
            world=self.world[idx],
            far=self.far[idx],
            inside=self.inside[idx],
            metres_per_unit=self.metres_per_unit[idx],
        )


def project_track(world: ArrayLike, cam: Camera) -> ProjectedTrack:
    """Project (T, 33, 3) internal-world points with ``cam``."""
    pts = np.asarray(world, dtype=np.float64)
    if pts.ndim != 3 or pts.shape[1:] != (NUM_LANDMARKS, 3):
        raise ValueError(f"world points must have shape (T, {NUM_LANDMARKS}, 3), got {pts.shape}")
    cam_pts = cam.to_camera(pts)
    depth = cam_pts[..., 2]
    xy = cam.to_image(pts)
    hip_mid = (pts[:, Landmark.LEFT_HIP] + pts[:, Landmark.RIGHT_HIP]) / 2.0
    hip_depth = np.maximum(cam.to_camera(hip_mid)[:, 2], MIN_DEPTH_M)
    f = cam.focal_px
    z = (depth - hip_depth[:, None]) * f / (hip_depth[:, None] * cam.width)
    world_mp = (pts - hip_mid[:, None, :]) @ cam.axes.T
    far = farness(pts, cam)
    inside = inside_factor(xy)
    vis = clean_visibility(far, inside)
    return ProjectedTrack(
        xy=xy,
        z=np.asarray(z),
        visibility=vis,
        world=np.asarray(world_mp),
        far=far,
        inside=inside,
        metres_per_unit=np.asarray(hip_depth * cam.height / f),
        aspect=cam.aspect,
    )


def to_frames(
    track: ProjectedTrack, times: Sequence[float] | FloatArray, empty: BoolArray | None = None
) -> tuple[PoseFrame, ...]:
    """One :class:`PoseFrame` per row; rows flagged ``empty`` become
    :meth:`PoseFrame.empty` (no person detected)."""
    t_arr = np.asarray(times, dtype=np.float64)
    if t_arr.shape != (len(track),):
        raise ValueError(f"need one time per frame: {t_arr.shape} vs {len(track)} frames")
    frames: list[PoseFrame] = []
    for i in range(len(track)):
        if empty is not None and bool(empty[i]):
            frames.append(PoseFrame.empty(float(t_arr[i]), aspect=track.aspect))
            continue
        frames.append(
            PoseFrame(
                t=float(t_arr[i]),
                xy=track.xy[i],
                z=track.z[i],
                visibility=track.visibility[i],
                world=track.world[i],
                aspect=track.aspect,
            )
        )
    return tuple(frames)


def project(world_pts: ArrayLike, cam: Camera, t: float = 0.0) -> PoseFrame:
    """Project one (33, 3) set of internal-world points to a clean PoseFrame."""
    pts = np.asarray(world_pts, dtype=np.float64)
    if pts.shape != (NUM_LANDMARKS, 3):
        raise ValueError(f"world points must have shape ({NUM_LANDMARKS}, 3), got {pts.shape}")
    return to_frames(project_track(pts[None], cam), [t])[0]


# --------------------------------------------------------------------------------------
# Framing
# --------------------------------------------------------------------------------------
def _fit_points(world: FloatArray, cut: Cut) -> FloatArray:
    """The points a framing must keep in view, (N, 3)."""
    if cut == "none":
        return world.reshape(-1, 3)
    upper = world[:, : int(Landmark.RIGHT_HIP) + 1]
    if cut == "knees":
        extra = [
            world[:, Landmark[f"{s}_HIP"]]
            + CUT_KNEES_THIGH_FRAC * (world[:, Landmark[f"{s}_KNEE"]] - world[:, Landmark[f"{s}_HIP"]])
            for s in ("LEFT", "RIGHT")
        ]
        return np.concatenate([upper.reshape(-1, 3), *extra])
    extra = [
        world[:, Landmark[f"{s}_SHOULDER"]]
        + CUT_HIPS_TRUNK_FRAC * (world[:, Landmark[f"{s}_HIP"]] - world[:, Landmark[f"{s}_SHOULDER"]])
        for s in ("LEFT", "RIGHT")
    ]
    # the arms may reach below the hips: frame only the head and shoulders
    keep = [int(lm) for lm in Landmark if lm <= Landmark.RIGHT_SHOULDER]
    return np.concatenate([world[:, keep].reshape(-1, 3), *extra])


def default_camera_height(view: View, on_floor: bool) -> float:
    if view.camera_height_m is not None:
        return view.camera_height_m
    if not on_floor:
        return DESK_CAMERA_HEIGHT_M
    return FLOOR_FRONT_CAMERA_HEIGHT_M if view.kind == "front" else FLOOR_CAMERA_HEIGHT_M


def frame_camera(view: View, world: ArrayLike, on_floor: bool) -> Camera:
    """A camera for ``view`` that keeps the body (over the whole sequence
    ``world``, (T, 33, 3)) in the image with a margin, at the nearest distance
    within the allowed range, aimed at the middle of the body. With a
    ``cut`` the framing is made on the first frame (the starting position)."""
    pts_all = np.asarray(world, dtype=np.float64)
    if view.cut != "none":
        # a too-close camera is set up with the user in the starting position
        pts_all = pts_all[:1]
    step = max(1, pts_all.shape[0] // FIT_MAX_FRAMES)
    pts = _fit_points(pts_all[::step], view.cut)
    pts = pts[np.isfinite(pts).all(axis=1)]
    cam_h = default_camera_height(view, on_floor)
    d_lo, d_hi = DISTANCE_RANGE_M if view.cut == "none" else CLOSE_DISTANCE_RANGE_M
    target = (pts.min(axis=0) + pts.max(axis=0)) / 2.0
    dist = view.distance_m if view.distance_m is not None else sum(DISTANCE_RANGE_M) / 2.0
    cam = Camera.looking_at(target, view.direction, dist, cam_h, view.width, view.height, view.hfov_deg)
    for _ in range(FIT_ITERATIONS):
        uv = cam.to_image(pts)
        uv = uv[np.isfinite(uv).all(axis=1)]
        if uv.size == 0:
            break
        lo, hi = uv.min(axis=0), uv.max(axis=0)
        scale = float(max((hi - lo).max() / FIT_FILL, 1e-3))
        shift = (lo + hi) / 2.0 - 0.5
        axes = cam.axes
        depth = float(np.linalg.norm(np.subtract(cam.target, cam.position)))
        f = cam.focal_px
        target = target + axes[0] * shift[0] * cam.width / f * depth + axes[1] * shift[1] * cam.height / f * depth
        if view.distance_m is None:
            dist = float(np.clip(dist * scale, d_lo, d_hi))
        cam = Camera.looking_at(target, view.direction, dist, cam_h, view.width, view.height, view.hfov_deg)
    return cam
