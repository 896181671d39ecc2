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
from .colour import TO_SRGB_TABLE, srgb_to_linear

#: Largest kernel radius convolved at full resolution; larger ones run on a reduced copy.
MAX_DIRECT_RADIUS_PX = 5.0
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
        # a mild reduction samples linearly (area averaging at a ratio near 1 is slow, and the blur that
        # follows removes what it would): the blur is only as fine as its kernel anyway
        interp = cv2.INTER_AREA if scale < 0.5 else cv2.INTER_LINEAR
        small = cv2.resize(rgba, (sw, sh), interpolation=interp)
        # never above the largest direct radius, not even by rounding: a kernel one pixel wider takes
        # OpenCV's much slower large-kernel path (13x13 costs 4-6 times 11x11 on a 1080p slice)
        kernel = bokeh_kernel(min(radius_px * sw / w, MAX_DIRECT_RADIUS_PX), shape)
        small = cv2.filter2D(small, -1, kernel, borderType=cv2.BORDER_REFLECT)
        return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.filter2D(rgba, -1, bokeh_kernel(radius_px, shape), borderType=cv2.BORDER_REFLECT)


def _slice_boxes(pos: np.ndarray, count: int, *, block: int = 16) -> list[tuple[int, int, int, int] | None]:
    """Per slice k, the (y0, y1, x0, x1) box of pixels with weight > 0 (|pos - k| < 1), from block min/max."""
    h, w = pos.shape
    bh, bw = -(-h // block), -(-w // block)
    padded = np.pad(pos, ((0, bh * block - h), (0, bw * block - w)), mode="edge")
    tiles = padded.reshape(bh, block, bw, block)
    lo, hi = tiles.min(axis=(1, 3)), tiles.max(axis=(1, 3))
    boxes: list[tuple[int, int, int, int] | None] = []
    for k in range(count):
        hit = (lo < k + 1) & (hi > k - 1)
        if not hit.any():
            boxes.append(None)
            continue
        rows, cols = np.nonzero(hit.any(axis=1))[0], np.nonzero(hit.any(axis=0))[0]
        boxes.append((rows[0] * block, min(h, (rows[-1] + 1) * block), cols[0] * block, min(w, (cols[-1] + 1) * block)))
    return boxes


def depth_of_field(
    image: np.ndarray,
    inverse_depth: np.ndarray,
    *,
    focus: float,
    radius_px: float,
    shape: str = "disc",
    max_slices: int = 9,
) -> np.ndarray:
    """Blur ``image`` (sRGB float32) by its distance from the focus plane.

    ``inverse_depth`` is normalised (H, W) float32 in [0, 1], larger = nearer; ``focus`` the in-focus
    value on the same scale; ``radius_px`` the blur radius of a point at distance 1 from the focus plane.
    """
    if radius_px <= 0.0:
        return image
    from .kernels import composite_over, slice_layer, unpremultiply  # numba, imported when first used

    h, w = image.shape[:2]
    # Silhouette pixels mix foreground and background colour; give them the nearer depth (a 3x3 max) so
    # a sharp foreground's rim stays with it instead of being spread over the blurred background.
    nearer = cv2.dilate(inverse_depth.astype(np.float32), np.ones((3, 3), np.uint8))
    signed = (nearer - np.float32(focus)) * np.float32(radius_px)
    # Slices from the whole possible range (depth in [0, 1]), not this frame's: the slice grid then stays
    # put from frame to frame and during a focus pull, so the blur changes continuously (no flicker).
    radii = slice_radii(-radius_px * focus, radius_px * (1.0 - focus), max_slices=max_slices)
    if len(radii) == 1:
        return image
    step = float(radii[1] - radii[0])
    pos = np.ascontiguousarray((signed - radii[0]) / np.float32(step), dtype=np.float32)  # fractional slice index
    linear = srgb_to_linear(image)
    acc = np.zeros((h, w, 4), dtype=np.float32)
    for k, (r, box) in enumerate(zip(radii, _slice_boxes(pos, len(radii)))):  # far to near
        if box is None:
            continue
        # Work on the slice's box grown by the kernel's reach; outside it the slice adds nothing.
        reach = int(np.ceil(abs(float(r)))) + 2
        y0, y1, x0, x1 = max(0, box[0] - reach), min(h, box[1] + reach), max(0, box[2] - reach), min(w, box[3] + reach)
        layer = _blur_premultiplied(slice_layer(linear, pos, k, y0, y1, x0, x1), abs(float(r)), shape)
        composite_over(acc, layer, y0, x0)
    return unpremultiply(acc, TO_SRGB_TABLE)  # the composite's colour, back in sRGB (within [0, 1])
