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


def _to_u8(image: Image) -> np.ndarray:
    return np.clip(image * 255.0 + 0.5, 0, 255).astype(np.uint8)


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
    dst = src + flow[ys, xs]
    interpolator = cv2.ximgproc.createEdgeAwareInterpolator()
    u0 = _to_u8(image0)[:, :, ::-1].copy()
    u1 = _to_u8(image1)[:, :, ::-1].copy()
    dense = interpolator.interpolate(u0, src, u1, dst)
    out = flow.copy()
    out[~reliable] = dense[~reliable]
    return out
