"""Aperture-shaped blur kernels (the shape of out-of-focus highlights): anti-aliased disc or hexagon."""

from __future__ import annotations

import functools
import math

import numpy as np

SHAPES = ("disc", "hexagon")
_SUPERSAMPLE = 4


@functools.lru_cache(maxsize=64)
def bokeh_kernel(radius_px: float, shape: str = "disc") -> np.ndarray:
    """A float32 kernel summing to 1 whose support is the aperture shape of radius ``radius_px``.

    Edge pixels get their covered fraction (4x4 supersampling), so the bokeh rim is smooth and the
    kernel grows continuously with the radius. A hexagon has its corners at ``radius_px``, flat top.
    """
    if shape not in SHAPES:
        raise ValueError(f"bokeh shape must be one of {SHAPES}, got {shape!r}")
    r = max(float(radius_px), 0.5)
    half = int(math.ceil(r))
    n = 2 * half + 1
    s = _SUPERSAMPLE
    sub = (np.arange(n * s, dtype=np.float64) + 0.5) / s - (n / 2.0)
    y, x = np.meshgrid(sub, sub, indexing="ij")
    if shape == "disc":
        inside = x * x + y * y <= r * r
    else:
        # Regular hexagon with corners on the x axis: |y| <= r*sqrt(3)/2 and |x| + |y|/sqrt(3) <= r.
        ax, ay = np.abs(x), np.abs(y)
        inside = (ay <= r * math.sqrt(3.0) / 2.0) & (ax + ay / math.sqrt(3.0) <= r)
    cover = inside.reshape(n, s, n, s).mean(axis=(1, 3)).astype(np.float32)
    return cover / cover.sum()
