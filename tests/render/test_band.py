"""The disocclusion band: the pyramid for large windows agrees with full-resolution windows."""

from __future__ import annotations

import cv2
import numpy as np

from stillmotion.render.band import disocclusion_band, excess, square_filter


def _direct(q: np.ndarray, *, gain: float, reach: int, tear_px: float) -> np.ndarray:
    """The band with every window filtered at full resolution."""
    step = q - cv2.erode(q, np.ones((3, 3), np.uint8))
    edge_gap = np.where(excess(step) * gain > tear_px, step * gain, 0.0).astype(np.float32)
    band = edge_gap > 0
    radius = 2
    while radius <= 2 * reach:
        gap = square_filter(edge_gap, radius, largest=True)
        drop = (q - square_filter(q, radius, largest=False)) * gain
        band |= (gap + 1.0 > 0.5 * radius) & (drop > 0.5 * gap) & (gap > 0)
        radius *= 2
    return band


def _scene(h: int = 300, w: int = 400) -> np.ndarray:
    rng = np.random.default_rng(2)
    q = np.linspace(0.2, 0.5, h, dtype=np.float32)[:, None].repeat(w, axis=1)  # a ground plane
    for _ in range(6):  # boxes at several depths
        y, x = rng.integers(0, h - 60), rng.integers(0, w - 80)
        q[y : y + rng.integers(20, 60), x : x + rng.integers(20, 80)] = rng.uniform(0.6, 1.0)
    return q


def test_small_reach_matches_full_resolution_exactly():
    q = _scene()
    np.testing.assert_array_equal(disocclusion_band(q, gain=60.0, reach=30, tear_px=1.0),
                                  _direct(q, gain=60.0, reach=30, tear_px=1.0))  # fmt: skip


def test_large_reach_keeps_the_full_resolution_band():
    q = _scene()
    fast = disocclusion_band(q, gain=400.0, reach=200, tear_px=1.0)
    exact = _direct(q, gain=400.0, reach=200, tear_px=1.0)
    assert exact.sum() > 0.1 * q.size  # a wide band: the pyramid levels were used
    assert (exact & ~fast).sum() <= 1e-4 * exact.sum()  # hardly a pixel lost
    assert (fast & ~exact).sum() <= 0.05 * exact.sum()  # and only a little wider


def test_no_discontinuity_no_band():
    q = np.linspace(0.2, 0.9, 200, dtype=np.float32)[:, None].repeat(300, axis=1)
    assert not disocclusion_band(q, gain=500.0, reach=300, tear_px=1.0).any()
