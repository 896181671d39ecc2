"""Data contracts shared by every stage.

- Image: ``np.ndarray`` float32 (H, W, 3), RGB, sRGB-encoded, values in [0, 1].
- Mask: ``np.ndarray`` bool (H, W) (or float32 in [0, 1] where a soft mask is documented).
- Depth: :class:`Depth`, which says what its numbers mean.
- Flow: ``np.ndarray`` float32 (H, W, 2) in pixels, forward: ``I1(x + flow(x)) ~ I0(x)``.
- Camera: OpenCV axes (x right, y down, z forward). A pose is a 4x4 ``world_from_camera`` matrix.
- Clips are iterators of images, never lists of every frame.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from .errors import InputError

Image = np.ndarray
Mask = np.ndarray
Flow = np.ndarray
Frames = Iterator[np.ndarray]

#: ``progress(done, total)``; called by long-running library functions. The CLI shows it as a bar.
ProgressCallback = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """A progress callback that ignores its arguments."""


class DepthKind(str, enum.Enum):
    """What the numbers of a depth map mean."""

    #: z-distance along the optical axis (larger = farther), any consistent unit.
    METRIC = "metric"
    #: relative inverse depth (larger = nearer), unknown scale and shift, as monocular estimators give.
    INVERSE = "inverse"
    #: stereo disparity in pixels for a baseline of 1 unit: ``z = focal_px / disparity``.
    DISPARITY = "disparity"

    @classmethod
    def parse(cls, kind: DepthKind | str) -> DepthKind:
        """``kind`` as a DepthKind (a name in any case), or an InputError listing the kinds."""
        try:
            return cls(kind.lower() if isinstance(kind, str) else kind)
        except ValueError:
            raise InputError(f"unknown depth kind {kind!r}; choose one of {', '.join(k.value for k in cls)}") from None


@dataclass(frozen=True)
class Depth:
    """A depth map plus what its values mean.

    ``values`` is float32 (H, W) (any 2-D array of numbers is converted). ``kind`` a :class:`DepthKind` or
    its name (any case). ``valid`` is a bool (H, W) mask of known values, or None when every value is
    known. Invalid values (for instance disparity 0 = unknown) are filled, never trusted. NaN and infinite
    values are unknown, as in depth files: they are left out of ``valid`` and stored as 0.
    """

    values: np.ndarray
    kind: DepthKind
    valid: np.ndarray | None = None

    def __post_init__(self) -> None:
        kind = DepthKind.parse(self.kind)
        try:
            values = np.asarray(self.values, dtype=np.float32)
        except (TypeError, ValueError):
            got = type(self.values).__name__
            raise InputError(f"depth values must be an (H, W) array of numbers, got {got}") from None
        if values.ndim != 2:
            raise InputError(f"depth values must be 2-D (H, W), got shape {values.shape}")
        valid = None if self.valid is None else np.asarray(self.valid, dtype=bool)
        if valid is not None and valid.shape != values.shape:
            raise InputError(f"the depth's valid mask is {valid.shape}, its values {values.shape}: they must match")
        finite = np.isfinite(values)
        if not finite.all():
            valid = finite if valid is None else valid & finite
            values = np.where(finite, values, np.float32(0.0))
        if valid is not None and not valid.any():
            raise InputError("the depth map has no known value (all NaN, infinite or marked invalid)")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "valid", valid)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape  # type: ignore[return-value]


@dataclass(frozen=True)
class Intrinsics:
    """Pinhole intrinsics in pixels; the pixel (0, 0) centre is at (0, 0), so the image centre is
    ``((width - 1) / 2, (height - 1) / 2)``."""

    fx: float
    fy: float
    cx: float
    cy: float
    width: int
    height: int

    @classmethod
    def from_fov(cls, width: int, height: int, fov_deg: float) -> Intrinsics:
        """Square pixels, centred principal point, ``fov_deg`` the field of view across the longer side."""
        long_side = max(width, height)
        f = 0.5 * long_side / math.tan(math.radians(fov_deg) / 2.0)
        return cls(f, f, (width - 1) / 2.0, (height - 1) / 2.0, width, height)

    @property
    def matrix(self) -> np.ndarray:
        return np.array([[self.fx, 0, self.cx], [0, self.fy, self.cy], [0, 0, 1]], dtype=np.float64)

    def fov_deg(self) -> float:
        """Field of view across the longer side, in degrees."""
        long_side = max(self.width, self.height)
        f = self.fx if self.width >= self.height else self.fy
        return math.degrees(2.0 * math.atan(0.5 * long_side / f))


@dataclass(frozen=True)
class CameraState:
    """One frame's virtual camera: 6-DoF pose relative to the photo's camera, plus field of view.

    Translations are in scene units (the nearest surface of a photo's scene is at z = 1 unless a metric
    or disparity depth says otherwise); angles in degrees, applied as ``R = Rz(rz) @ Ry(ry) @ Rx(rx)``
    (positive rx tilts the camera up, positive ry turns it right, positive rz rolls it clockwise, so the
    picture appears to turn counter-clockwise).
    ``focal_scale`` multiplies the focal length: > 1 narrows the field of view (an optical zoom in).
    """

    x: float = 0.0
    y: float = 0.0
    z: float = 0.0
    rx_deg: float = 0.0
    ry_deg: float = 0.0
    rz_deg: float = 0.0
    focal_scale: float = 1.0

    def world_from_camera(self) -> np.ndarray:
        """The 4x4 pose matrix mapping camera coordinates to world (photo camera) coordinates."""
        pose = np.eye(4)
        pose[:3, :3] = rotation_matrix(self.rx_deg, self.ry_deg, self.rz_deg)
        pose[:3, 3] = (self.x, self.y, self.z)
        return pose


def rotation_matrix(rx_deg: float, ry_deg: float, rz_deg: float) -> np.ndarray:
    """``Rz @ Ry @ Rx`` for angles in degrees about the OpenCV camera axes."""
    ax, ay, az = (math.radians(a) for a in (rx_deg, ry_deg, rz_deg))
    cx, sx, cy, sy, cz, sz = math.cos(ax), math.sin(ax), math.cos(ay), math.sin(ay), math.cos(az), math.sin(az)
    rot_x = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    rot_y = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rot_z = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rot_z @ rot_y @ rot_x


@dataclass(frozen=True)
class VideoSpec:
    """How a clip is timed and sized."""

    fps: float = 24.0
    duration_s: float = 4.0
    width: int = 0
    height: int = 0

    @property
    def frame_count(self) -> int:
        return max(1, int(round(self.fps * self.duration_s)))


@dataclass(frozen=True)
class EncodeOptions:
    """Encoder settings for video outputs."""

    crf: int = 18
    preset: str = "medium"
    extra: dict = field(default_factory=dict)
