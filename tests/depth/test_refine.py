from __future__ import annotations

import cv2
import numpy as np

from stillmotion.depth.refine import upsample_guided


def _scene(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """A photo with a bright box and a blocky low-resolution depth of that box."""
    rng = np.random.default_rng(0)
    image = (0.2 + 0.05 * rng.random((h, w, 3))).astype(np.float32)
    image[h // 4 : 3 * h // 4, w // 3 : 2 * w // 3] = 0.9
    depth = np.zeros((h // 8, w // 8), np.float32)
    depth[h // 32 : 3 * h // 32, w // 24 : 2 * w // 24] = 1.0
    return image, depth


def test_fast_path_matches_the_full_guided_filter():
    image, depth = _scene(1080, 1440)
    full = upsample_guided(depth, image, fast_above_px=10**9)
    fast = upsample_guided(depth, image)  # 1.5 Mpx: coefficients from a half-size copy
    assert fast.shape == image.shape[:2]
    assert np.abs(fast - full).mean() < 0.005
    assert np.abs(fast - full).max() < 0.15


def test_fast_path_puts_the_depth_edge_on_the_image_edge():
    image, depth = _scene(1080, 1440)
    out = upsample_guided(depth, image)
    row = out[540]
    edge = int(np.argmax(np.diff(row[400:560]))) + 400  # the box starts at column 480
    assert abs(edge - 479.5) <= 3
    blocky = cv2.resize(depth, (1440, 1080), interpolation=cv2.INTER_LINEAR)[540]
    assert np.abs(np.diff(row[470:490])).max() > np.abs(np.diff(blocky[470:490])).max()
