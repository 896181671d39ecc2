"""The ``telea`` and ``ns`` backends: OpenCV's diffusion-style inpainting (Telea's fast marching method
and Navier-Stokes), fast smooth baselines without texture.

OpenCV 4.14 returns garbage for float32 input, so each channel goes through 16-bit (precise to 1/65535).
"""

from __future__ import annotations

import cv2
import numpy as np

from ..io.image import to_uint16
from ..types import ProgressCallback, no_progress

METHODS = {"telea": cv2.INPAINT_TELEA, "ns": cv2.INPAINT_NS}


def opencv_fill(image: np.ndarray, unknown: np.ndarray, *, method: str = "telea", radius_px: float = 5.0) -> np.ndarray:
    """Fill the ``unknown`` pixels of a float32 RGB image from their surroundings with OpenCV."""
    flag = METHODS[method]
    mask = unknown.astype(np.uint8)
    out = np.empty_like(image, dtype=np.float32)
    for c in range(image.shape[2]):
        channel = to_uint16(image[:, :, c])
        out[:, :, c] = cv2.inpaint(channel, mask, float(radius_px), flag).astype(np.float32) / 65535.0
    return out


class OpenCVInpainter:
    """Callable backend; in depth-aware mode the foreground beside the hole is filled along with it, so
    nothing of it leaks into the fill, and only the hole is returned changed. Diffusion fronts from both
    sides meet half-way, so the foreground is cleared as far as the hole is thick."""

    def __init__(self, *, method: str = "telea", radius_px: float = 5.0) -> None:
        self.method = method
        self.radius_px = radius_px

    def __call__(
        self,
        image: np.ndarray,
        hole: np.ndarray,
        *,
        exclude: np.ndarray | None = None,
        inverse_depth: np.ndarray | None = None,
        depth_limit: np.ndarray | None = None,
        progress: ProgressCallback = no_progress,
    ) -> np.ndarray:
        unknown = hole if exclude is None else (hole | exclude)
        if inverse_depth is not None and depth_limit is not None:
            from .depth_aware import foreground_near

            thickness = float(cv2.distanceTransform(hole.astype(np.uint8), cv2.DIST_L2, 3).max())
            unknown = unknown | foreground_near(inverse_depth, hole, depth_limit, reach_px=int(2 * thickness) + 2)
        filled = opencv_fill(image, unknown, method=self.method, radius_px=self.radius_px)
        progress(1, 1)
        return np.where(hole[:, :, None], filled, image).astype(np.float32)
