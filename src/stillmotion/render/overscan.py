"""Per-shot framing: how far to crop in so that no frame of the path shows anything outside the photo,
and how much parallax the path produces.

The photo's border, lifted to 3-D with its depth, is projected for many poses along the path. A frame is
clean when the output rectangle lies inside that projected border; the rectangle is centred, so it fits
exactly when no border point falls inside it (and the centre is inside the border). The largest fitting
rectangle over all poses sets one crop for the whole shot (3D Ken Burns does the same), so the framing
never breathes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from ..errors import InputError
from ..imageops import shrunk_size
from ..types import CameraState, Intrinsics
from .scene import unproject


#: The path is fitted on a copy of the depth at most this many pixels on its long side.
FIT_SIDE_PX = 400


def fit_copy(q: np.ndarray) -> tuple[np.ndarray, float]:
    """(``q`` at most FIT_SIDE_PX on its long side, the scale it was resized by): the border fit needs only
    a few hundred points per side."""
    size, scale = shrunk_size(q.shape, FIT_SIDE_PX, min_side=2)
    return cv2.resize(q, size, interpolation=cv2.INTER_NEAREST), scale


def _camera_coords(points: np.ndarray, state: CameraState) -> np.ndarray:
    pose = state.world_from_camera()
    rot, centre = pose[:3, :3], pose[:3, 3]
    return (points - centre) @ rot  # rows: R^T (p - t)


def border_points(q: np.ndarray, intrinsics: Intrinsics) -> np.ndarray:
    """(N, 3) points along the photo's border, in order around it."""
    pts = unproject(q, intrinsics)
    top = pts[0, :]
    right = pts[1:, -1]
    bottom = pts[-1, -2::-1]
    left = pts[-2:0:-1, 0]
    return np.concatenate([top, right, bottom, left]).astype(np.float64)


def _densify(poly: np.ndarray, step: float) -> np.ndarray:
    nxt = np.roll(poly, -1, axis=0)
    lengths = np.linalg.norm(nxt - poly, axis=1)
    counts = np.maximum(1, np.ceil(lengths / step).astype(int))
    idx = np.repeat(np.arange(len(poly)), counts)
    starts = np.cumsum(counts) - counts
    frac = (np.arange(counts.sum()) - np.repeat(starts, counts)) / np.repeat(counts, counts)
    return poly[idx] + (nxt[idx] - poly[idx]) * frac[:, None]


def seen_border(border: np.ndarray, state: CameraState, *, centre: tuple[float, float] = (0.0, 0.0),
                remedy: str) -> np.ndarray:  # fmt: skip
    """The photo's ``border`` points as ``state`` sees them (image-plane units after its focal scale); an
    InputError when the camera is behind the photo's surface or looks past it (``centre`` not inside)."""
    cam = _camera_coords(border, state)
    if np.any(cam[:, 2] <= 1e-6):
        turned = any(abs(a) > 1e-9 for a in (state.rx_deg, state.ry_deg))  # a roll keeps the photo in front
        moved = abs(state.z) > 1e-9 or abs(state.x) > 1e-9 or abs(state.y) > 1e-9
        if turned and not moved:  # "moves behind" for --rotate 0,90,0 read as if the camera had gone somewhere
            raise InputError(f"the camera turns so far that part of the photo is behind it; {remedy}")
        raise InputError(f"the camera moves behind the photo's surface; {remedy}")
    poly = cam[:, :2] / cam[:, 2:3] * state.focal_scale
    if cv2.pointPolygonTest(poly.astype(np.float32).reshape(-1, 1, 2), (float(centre[0]), float(centre[1])), False) <= 0:
        turned = any(abs(a) > 1e-9 for a in (state.rx_deg, state.ry_deg))
        way = "turns" if turned else "moves"  # --move 5,0,0 only moved: "turns away" was a puzzle
        raise InputError(f"the camera {way} away from the photo; {remedy}")
    return poly


def fit_scale(
    border: np.ndarray,
    states: Sequence[CameraState],
    *,
    half_width: float,
    half_height: float,
    centre: tuple[float, float] = (0.0, 0.0),
    remedy: str = "lower --intensity",
) -> float:
    """Largest k in (0, 1] such that the rectangle ``k * (half_width, half_height)`` about ``centre``
    (normalised image-plane units after each pose's focal scale; the optical axis is (0, 0)) is covered
    by the photo in every pose. ``remedy`` ends the error of a path that cannot be framed (what the caller's
    user can change)."""
    ox, oy = centre
    k_min = 1.0
    step = 0.5 * min(half_width, half_height) / 400.0
    for state in states:
        poly = seen_border(border, state, centre=centre, remedy=remedy)
        dense = _densify(poly, step)
        k = float(np.min(np.maximum(np.abs(dense[:, 0] - ox) / half_width, np.abs(dense[:, 1] - oy) / half_height)))
        k_min = min(k_min, k)
    if k_min < 0.15:
        raise InputError(f"the camera path reveals too much beyond the photo (crop factor {1 / k_min:.1f}); "
                         f"{remedy}")  # fmt: skip
    return k_min


def parallax_gain(
    states: Sequence[CameraState], intrinsics: Intrinsics, *, q_near: float, q_far: float
) -> float:
    """Most pixels (at the photo's focal length) that one unit of inverse depth moves, over the path:
    points at ``q_near`` and ``q_far`` on the same ray are projected for every pose."""
    if q_near - q_far <= 1e-9:
        return 0.0
    xs = np.linspace(0, intrinsics.width - 1, 9)
    ys = np.linspace(0, intrinsics.height - 1, 9)
    gx, gy = np.meshgrid((xs - intrinsics.cx) / intrinsics.fx, (ys - intrinsics.cy) / intrinsics.fy)
    rays = np.stack([gx.ravel(), gy.ravel(), np.ones(gx.size)], axis=1)
    near, far = rays / q_near, rays / q_far
    gain = 0.0
    for state in states:
        a = _camera_coords(near, state)
        b = _camera_coords(far, state)
        ok = (a[:, 2] > 1e-6) & (b[:, 2] > 1e-6)
        if not ok.any():
            continue
        pa = a[ok, :2] / a[ok, 2:3]
        pb = b[ok, :2] / b[ok, 2:3]
        shift = np.linalg.norm(pa - pb, axis=1).max() * intrinsics.fx * state.focal_scale
        gain = max(gain, shift / (q_near - q_far))
    return gain if math.isfinite(gain) else 0.0
