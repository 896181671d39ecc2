"""Depth of field from an inverse-depth map: layered gather with occlusion and an aperture-shaped bokeh.

Thin-lens optics: a point's circle of confusion grows linearly with the difference between its inverse
depth and the focus plane's, so on the normalised inverse depth ``d`` (0 = farthest, 1 = nearest) the
signed blur radius is ``s = radius_px * (d - focus)`` (positive = in front of the focus plane).

The scene is cut into a few slices of constant blur radius (each pixel split between its two nearest
slices with tent weights, so a slanted surface blurs smoothly). Each slice's premultiplied colour and
alpha is convolved with its bokeh kernel and composited over the slices behind it, farthest first:

- a sharp foreground is a slice of its own; the background's blur never sees its colours, so it cannot
  bleed into the background; where the background slice is missing (behind the foreground), the
  composite is renormalised by the accumulated alpha, i.e. the background is filled only from itself;
- a blurred foreground spreads its partial alpha over whatever lies behind it, sharp or not.

Blur happens in linear light (bright points make bright discs). Large radii are blurred on a reduced
copy and scaled back, so the cost per slice stays about constant.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .bokeh import bokeh_kernel
from .colour import linear_to_srgb, srgb_to_linear

#: Largest kernel radius convolved at full resolution; larger ones run on a reduced copy.
MAX_DIRECT_RADIUS_PX = 8.0
#: Radii below this are treated as in focus.
SHARP_RADIUS_PX = 0.5


def slice_radii(min_signed_px: float, max_signed_px: float, *, max_slices: int = 12) -> np.ndarray:
    """Signed slice radii covering [min, max], always including 0 (the focus plane), far to near."""
    span = max(max_signed_px, 0.0) - min(min_signed_px, 0.0)
    step = max(1.0, span / max(1, max_slices - 1))
    lo = math.floor(min(min_signed_px, 0.0) / step)
    hi = math.ceil(max(max_signed_px, 0.0) / step)
    return np.arange(lo, hi + 1, dtype=np.float32) * np.float32(step)


def _blur_premultiplied(rgba: np.ndarray, radius_px: float, shape: str) -> np.ndarray:
    """Convolve an (H, W, 4) premultiplied image with a bokeh kernel, on a reduced copy if it is large."""
    if radius_px < SHARP_RADIUS_PX:
        return rgba
    h, w = rgba.shape[:2]
    scale = min(1.0, MAX_DIRECT_RADIUS_PX / radius_px)
    if scale < 1.0:
        sw, sh = max(2, round(w * scale)), max(2, round(h * scale))
        small = cv2.resize(rgba, (sw, sh), interpolation=cv2.INTER_AREA)
        kernel = bokeh_kernel(radius_px * sw / w, shape)
        small = cv2.filter2D(small, -1, kernel, borderType=cv2.BORDER_REFLECT)
        return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.filter2D(rgba, -1, bokeh_kernel(radius_px, shape), borderType=cv2.BORDER_REFLECT)


def depth_of_field(
    image: np.ndarray,
    inverse_depth: np.ndarray,
    *,
    focus: float,
    radius_px: float,
    shape: str = "disc",
    max_slices: int = 12,
) -> np.ndarray:
    """Blur ``image`` (sRGB float32) by its distance from the focus plane.

    ``inverse_depth`` is normalised (H, W) float32 in [0, 1], larger = nearer; ``focus`` the in-focus
    value on the same scale; ``radius_px`` the blur radius of a point at distance 1 from the focus plane.
    """
    if radius_px <= 0.0:
        return image
    signed = (inverse_depth.astype(np.float32) - np.float32(focus)) * np.float32(radius_px)
    # Slices from the whole possible range (depth in [0, 1]), not this frame's: the slice grid then stays
    # put from frame to frame and during a focus pull, so the blur changes continuously (no flicker).
    radii = slice_radii(-radius_px * focus, radius_px * (1.0 - focus), max_slices=max_slices)
    if len(radii) == 1:
        return image
    step = float(radii[1] - radii[0])
    pos = (signed - radii[0]) / step  # fractional slice index
    linear = srgb_to_linear(image)
    acc = np.zeros(image.shape[:2] + (4,), dtype=np.float32)
    rgba = np.empty_like(acc)
    for k, r in enumerate(radii):  # far (most negative) to near
        weight = np.clip(1.0 - np.abs(pos - k), 0.0, 1.0)
        if not weight.any():
            continue
        rgba[..., :3] = linear * weight[..., None]
        rgba[..., 3] = weight
        layer = _blur_premultiplied(rgba, abs(float(r)), shape)
        acc = layer + (1.0 - layer[..., 3:4]) * acc
    out = acc[..., :3] / np.maximum(acc[..., 3:4], 1e-6)
    return np.clip(linear_to_srgb(out), 0.0, 1.0)
