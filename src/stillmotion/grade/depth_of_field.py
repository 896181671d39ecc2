"""Depth of field from an inverse-depth map: layered gather with occlusion and an aperture-shaped bokeh.

Thin-lens optics: a point's circle of confusion grows linearly with the difference between its inverse
depth and the focus plane's, so on the normalised inverse depth ``d`` (0 = farthest, 1 = nearest) the
signed blur radius is ``s = radius_px * (d - focus)`` (positive = in front of the focus plane).

The scene is cut into a few slices of constant blur radius (each pixel split between its two nearest
slices with tent weights, so a slanted surface blurs smoothly). Each slice's premultiplied colour and
alpha is convolved with its bokeh kernel and composited over the slices behind it, farthest first, in
two fields: the slices behind the focus plane (and on it) make the far field, those in front of it the
near field, which then covers the far field.

- Behind the focus plane a nearer surface is always sharper than what it hides. A sharp foreground is
  a slice of its own; the background's blur never sees its colours, so it cannot bleed into the
  background; where the background slice is missing (behind the foreground), the far field is
  renormalised by its accumulated alpha, i.e. the background is filled only from itself.
- In front of the focus plane a nearer surface is blurrier than what it hides, and its edge spreads
  both ways, half over what lies around it and half over what lies behind it, which the photo does not
  show. The near field covers the far field by the sum of its slices' alphas (a surface split between
  two slices covers it whole), and where its blur leaves part of a pixel of its own uncovered, that
  part shows the far field extended from around it (push-pull). So a blurred foreground's edge is a
  soft, semi-transparent ramp over the sharp background, not a cut-out of its silhouette; within the
  near field, a nearer slice covers a farther one as behind the focus plane.

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
#: The far field hidden behind the near field is extended on a copy of the frame reduced so that the
#: largest blur radius is about this many pixels there (reduced 4 to 8 times): it only shows through
#: the near field's soft edges, and is smooth.
HIDDEN_FILL_RADIUS_PX = 3.0
#: A pixel of that reduced copy a quarter covered by the far field keeps its own colour (it averages
#: several pixels); less covered ones are blended with the fill from around them.
FULL_COVER = 0.25


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


def _hidden_far(far: np.ndarray, *, scale: int) -> np.ndarray | None:
    """The far field (premultiplied, H, W, 4) reduced ``scale`` times and extended into its holes, the
    parts the near field hides: colour (h, w, 3), filled from the nearest far content (push-pull), and
    from the far field's mean colour farther than that; None if there is no far field at all.

    It is the whole frame on a grid fixed by ``scale`` (not a box around the near field, which moves with
    the focus), so a focus pull changes it only as the far field changes."""
    from ..interpolate.fill import push_pull_fill

    h, w = far.shape[:2]
    small = cv2.resize(far, (max(1, w // scale), max(1, h // scale)), interpolation=cv2.INTER_AREA)
    alpha = np.ascontiguousarray(small[..., 3])
    total = float(alpha.sum())
    if total <= 1e-6:
        return None
    colour = small[..., :3]
    mean = colour.reshape(-1, 3).sum(axis=0) / np.float32(total)
    prior = np.float32(1e-4)  # a trace of the mean everywhere, so no hole is left black
    return push_pull_fill(colour + prior * mean, alpha + prior, alpha, full_cover=FULL_COVER)


def _grown(box: tuple[int, int, int, int] | None, by: int, h: int, w: int) -> tuple[int, int, int, int] | None:
    """The (y0, y1, x0, x1) box grown by ``by`` pixels on each side, within an (h, w) frame."""
    if box is None:
        return None
    return max(0, box[0] - by), min(h, box[1] + by), max(0, box[2] - by), min(w, box[3] + by)


def _union(boxes: list[tuple[int, int, int, int] | None]) -> tuple[int, int, int, int] | None:
    """The smallest (y0, y1, x0, x1) box holding all of ``boxes`` (None for none)."""
    held = [box for box in boxes if box is not None]
    if not held:
        return None
    return min(b[0] for b in held), max(b[1] for b in held), min(b[2] for b in held), max(b[3] for b in held)


def _slice_boxes(pos: np.ndarray, count: int, *, block: int = 16) -> list[tuple[int, int, int, int] | None]:
    """Per slice k, the (y0, y1, x0, x1) box of pixels with weight > 0 (|pos - k| < 1), from block min/max."""
    from .kernels import tile_ranges

    h, w = pos.shape
    lo, hi = tile_ranges(pos, block)
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
    # numba, imported when first used
    from .kernels import composite_over, slice_layer, unpremultiply

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
    # Each slice is worked on over its box grown by the kernel's reach; outside it the slice adds nothing.
    boxes = [_grown(box, int(np.ceil(abs(float(r)))) + 2, h, w) for r, box in zip(radii, _slice_boxes(pos, len(radii)))]
    # The slices behind the focus plane (and on it) make the far field, those in front of it the near field.
    far = np.zeros((h, w, 4), dtype=np.float32)
    near_box = _union([box for r, box in zip(radii, boxes) if r > 0.0])
    ny0, ny1, nx0, nx1 = near_box or (0, 0, 0, 0)
    near = np.zeros((ny1 - ny0, nx1 - nx0, 4), dtype=np.float32)  # only over the near slices' boxes
    cover = np.zeros(near.shape[:2], dtype=np.float32)
    for k, (r, box) in enumerate(zip(radii, boxes)):  # far to near
        if box is None:
            continue
        y0, y1, x0, x1 = box
        layer = _blur_premultiplied(slice_layer(linear, pos, k, y0, y1, x0, x1), abs(float(r)), shape)
        if r <= 0.0:
            composite_over(far, layer, y0, x0)
        else:
            composite_over(near, layer, y0 - ny0, x0 - nx0, cover)
    if near_box is None:
        return unpremultiply(far, TO_SRGB_TABLE)  # the composite's colour, back in sRGB (within [0, 1])
    return _near_over_far(far, near, cover, near_box, pos, radii, radius_px=radius_px)


def _near_over_far(
    far: np.ndarray,
    near: np.ndarray,
    cover: np.ndarray,
    near_box: tuple[int, int, int, int],
    pos: np.ndarray,
    radii: np.ndarray,
    *,
    radius_px: float,
) -> np.ndarray:
    """The near field over the far field, back in sRGB: :func:`stillmotion.grade.kernels.near_over_far`,
    with the far field that the near field hides extended from around it (it shows through the near
    field's soft edges)."""
    from .kernels import near_over_far

    hidden = _hidden_far(far, scale=int(np.clip(radius_px / HIDDEN_FILL_RADIUS_PX, 4, 8)))
    if hidden is None:
        hidden = np.zeros((0, 0, 3), dtype=np.float32)
    focus_slice = np.float32(np.argmin(np.abs(radii)))
    return near_over_far(far, near, cover, np.array(near_box), pos, focus_slice, hidden, TO_SRGB_TABLE)
