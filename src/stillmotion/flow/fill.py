"""Re-estimate unreliable flow from reliable flow, respecting image edges.

Reliable pixels become sparse matches for OpenCV's edge-aware interpolator (EpicFlow's interpolation,
Revaud et al., CVPR 2015): each unreliable pixel takes the locally-affine flow of its geodesically
nearest reliable matches, so a fill does not bleed across object boundaries.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..types import Flow, Image, Mask

#: OpenCV's interpolator indexes matches with 16-bit integers.
MAX_MATCHES_LIMIT = 32000
#: matches each pixel's flow is fitted to (OpenCV's default)
NEIGHBOUR_MATCHES = 128


def one_match_per_pixel(points0: np.ndarray, points1: np.ndarray, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The matches ``points0`` -> ``points1`` (float32 (N, 2), x, y) with ``points0`` clipped to a frame of
    ``shape`` (H, W, ...) and only the first match from each whole pixel kept: two from one pixel (SIFT
    keeps several orientations of a keypoint) made OpenCV's interpolator vary from run to run."""
    top = np.float32([shape[1] - 1, shape[0] - 1])
    points0 = np.clip(points0, 0, top)
    whole = np.round(points0).astype(np.int64)
    _, first = np.unique(whole[:, 1] * (shape[1] + 1) + whole[:, 0], return_index=True)
    first.sort()
    return np.ascontiguousarray(points0[first], np.float32), np.ascontiguousarray(points1[first], np.float32)


def interpolate_matches(image0: Image, image1: Image, points0: np.ndarray, points1: np.ndarray) -> Flow:
    """A dense flow (0 -> 1) interpolated edge-aware from the matches ``points0`` (image0) -> ``points1``
    (image1), float32 (N, 2) (x, y), N >= 1, at most one from each whole pixel of image0 (see
    :func:`one_match_per_pixel`): each pixel takes the locally affine flow of its geodesically nearest
    matches."""
    from ..io.image import to_uint8

    interpolator = cv2.ximgproc.createEdgeAwareInterpolator()
    # each pixel fits its flow to this many nearest matches; OpenCV reads past the matches' end when
    # there are fewer
    interpolator.setK(min(NEIGHBOUR_MATCHES, len(points0)))
    u0 = np.ascontiguousarray(to_uint8(image0)[:, :, ::-1])  # OpenCV's colour order
    u1 = np.ascontiguousarray(to_uint8(image1)[:, :, ::-1])
    dense = interpolator.interpolate(u0, points0, u1, points1)
    return np.nan_to_num(dense, nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)


def edge_aware_fill(
    flow: Flow, reliable: Mask, image0: Image, image1: Image, *, max_matches: int = 8000
) -> Flow:
    """A new flow equal to ``flow`` where ``reliable`` and edge-aware interpolated elsewhere."""
    max_matches = min(max_matches, MAX_MATCHES_LIMIT)
    if reliable.all() or not reliable.any():
        return flow.copy()
    step = max(1, int(np.sqrt(reliable.sum() / max_matches)))
    while reliable[::step, ::step].sum() >= max_matches:
        step += 1
    ys, xs = np.nonzero(reliable[::step, ::step])
    if len(xs) < 3:
        return flow.copy()
    ys, xs = ys * step, xs * step
    src = np.stack([xs, ys], axis=1).astype(np.float32)
    dense = interpolate_matches(image0, image1, src, src + flow[ys, xs])
    out = flow.copy()
    out[~reliable] = dense[~reliable]
    return out
