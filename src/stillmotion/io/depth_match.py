"""Resample a depth map to the photo's size, keeping what is known apart from what is not."""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ..types import Depth, DepthKind

#: Relative aspect-ratio difference accepted between a depth map and its photo (rounding of sizes).
ASPECT_TOLERANCE = 0.01


def match_depth(depth: Depth, shape: tuple[int, int], *, tolerance: float = ASPECT_TOLERANCE) -> Depth:
    """``depth`` resampled to ``shape`` = (height, width) of the photo.

    Accepted only when the aspect ratios agree within ``tolerance`` (relative); otherwise the depth map
    belongs to another framing and :class:`InputError` says so. Values are resampled by normalised
    convolution (area averaging when shrinking, bilinear when enlarging) over the valid values only, so a
    known value is never blended with an unknown one; the valid mask is resampled by centred nearest
    neighbour. Disparity is in pixels, so it is scaled with the width.
    """
    import cv2

    height, width = (int(shape[0]), int(shape[1]))
    src_h, src_w = depth.shape
    if (src_h, src_w) == (height, width):
        return depth
    if height <= 0 or width <= 0:
        raise ValueError(f"match_depth: target shape must be positive, got {shape}")
    photo_aspect, depth_aspect = width / height, src_w / src_h
    if abs(depth_aspect / photo_aspect - 1.0) > tolerance:
        raise InputError(
            f"the depth map is {src_w}x{src_h} (aspect {depth_aspect:.3f}) but the photo is {width}x{height} "
            f"(aspect {photo_aspect:.3f}); give a depth map with the photo's aspect ratio"
        )
    shrinking = width * height < src_w * src_h
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    size = (width, height)
    values = depth.values.astype(np.float32)
    if depth.valid is None:
        out = cv2.resize(values, size, interpolation=interpolation)
        valid = None
    else:
        weight = depth.valid.astype(np.float32)
        total = cv2.resize(np.where(depth.valid, values, 0.0).astype(np.float32), size, interpolation=interpolation)
        coverage = cv2.resize(weight, size, interpolation=interpolation)
        nearest = cv2.resize(depth.valid.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST_EXACT) > 0
        valid = nearest & (coverage > 1e-3)
        out = np.where(valid, total / np.maximum(coverage, 1e-3), 0.0).astype(np.float32)
        if not valid.any():
            raise InputError("the depth map has no valid value left after resampling to the photo's size")
        if valid.all():
            valid = None
    if depth.kind == DepthKind.DISPARITY:
        out = out * np.float32(width / src_w)
    return Depth(np.ascontiguousarray(out, dtype=np.float32), depth.kind, valid)
