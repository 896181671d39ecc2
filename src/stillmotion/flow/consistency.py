"""Forward-backward consistency: which pixels of frame 0 have a flow that frame 1's flow agrees with.

A pixel whose forward flow, followed by the backward flow sampled where it lands, does not return home
is occluded in the other frame or mis-matched (the test of Sundaram, Brox and Keutzer, ECCV 2010).
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from ..types import Flow, Mask


@functools.lru_cache(maxsize=4)
def _grid(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    xs = np.arange(width, dtype=np.float32)[None, :].repeat(height, axis=0)
    ys = np.arange(height, dtype=np.float32)[:, None].repeat(width, axis=1)
    xs.flags.writeable = False
    ys.flags.writeable = False
    return xs, ys


def pixel_grid(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """float32 (H, W) x and y coordinates of every pixel centre (cached, read-only arrays)."""
    return _grid(height, width)


def backward_warp(image: np.ndarray, flow: Flow, *, border: int = cv2.BORDER_REPLICATE) -> np.ndarray:
    """Sample ``image`` at ``x + flow(x)`` (bilinear): with a forward flow 0->1 and ``image`` frame 1, this
    brings frame 1 onto frame 0's pixel grid."""
    h, w = flow.shape[:2]
    xs, ys = pixel_grid(h, w)
    return cv2.remap(image, xs + flow[..., 0], ys + flow[..., 1], cv2.INTER_LINEAR, borderMode=border)


def consistent_mask(
    flow_fwd: Flow, flow_bwd: Flow, *, relative_tol: float = 0.01, absolute_tol_px2: float = 1.0
) -> Mask:
    """Bool (H, W) over frame 0: True where ``flow_fwd`` is confirmed by ``flow_bwd`` (frame 1 -> 0).

    A pixel passes when ``|f + b(x + f)|^2 <= relative_tol * (|f|^2 + |b|^2) + absolute_tol_px2`` and it
    lands inside frame 1.
    """
    h, w = flow_fwd.shape[:2]
    xs, ys = pixel_grid(h, w)
    map_x = xs + flow_fwd[..., 0]
    map_y = ys + flow_fwd[..., 1]
    back = cv2.remap(flow_bwd, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    loop = flow_fwd + back
    err2 = loop[..., 0] ** 2 + loop[..., 1] ** 2
    mag2 = (flow_fwd**2).sum(axis=2) + (back**2).sum(axis=2)
    inside = (map_x >= 0) & (map_x <= w - 1) & (map_y >= 0) & (map_y <= h - 1)
    return (err2 <= relative_tol * mag2 + absolute_tol_px2) & inside
