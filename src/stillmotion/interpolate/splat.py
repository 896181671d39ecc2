"""Forward warping by weighted bilinear splatting (the idea of softmax splatting, Niklaus & Liu, CVPR 2020).

Every source pixel ``x`` is pushed to ``x + flow(x)`` and spread over the four nearest target pixels with
bilinear weights multiplied by ``weight(x)``; where several source pixels land on one target, the one with
the largest weight dominates. With ``weight = exp(importance)`` this is a softmax over the colliding
pixels, so a well-matched foreground pixel hides the background it covers. Pure maths: arrays in, new
arrays out.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def scatter_bilinear(num, den, cover, tx, ty, w, values):  # pragma: no cover - compiled
    """Add ``values`` (C,) with weight ``w`` at the fractional position (tx, ty), shared bilinearly among
    the four pixels around it: ``num += wb * values``, ``den += wb``, ``cover += bilinear weight``."""
    height, width = den.shape
    if not (tx > -1.0 and tx < width and ty > -1.0 and ty < height):
        return
    x0 = int(np.floor(tx))
    y0 = int(np.floor(ty))
    fx = tx - x0
    fy = ty - y0
    for dy in range(2):
        yy = y0 + dy
        if yy < 0 or yy >= height:
            continue
        wy = fy if dy else 1.0 - fy
        for dx in range(2):
            xx = x0 + dx
            if xx < 0 or xx >= width:
                continue
            wbil = (fx if dx else 1.0 - fx) * wy
            wb = wbil * w
            if wb <= 0.0:
                continue
            cover[yy, xx] += wbil
            den[yy, xx] += wb
            for c in range(values.shape[0]):
                num[yy, xx, c] += wb * values[c]


@numba.njit(cache=True, nogil=True, fastmath=True)
def _splat_kernel(values, flow, flow_scale, weight, weight_scale, num, den, cover):  # pragma: no cover - compiled
    height, width = weight.shape
    for y in range(height):
        for x in range(width):
            w = weight[y, x] * weight_scale
            if w <= 0.0:
                continue
            scatter_bilinear(num, den, cover, x + flow[y, x, 0] * flow_scale, y + flow[y, x, 1] * flow_scale, w,
                             values[y, x])  # fmt: skip


def splat_accumulate(
    values: np.ndarray, flow: np.ndarray, weight: np.ndarray, *, flow_scale: float = 1.0, weight_scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Splat ``values`` (H, W, C) along ``flow_scale * flow`` (H, W, 2) with per-pixel weight
    ``weight_scale * weight`` (H, W) >= 0 (the scales save making scaled copies of the fields).

    Returns the weighted sums ``num`` (H, W, C), the weight totals ``den`` (H, W) and the coverage
    ``cover`` (H, W: bilinear weights alone, ~1 where one source pixel's worth lands), float32; the
    forward-warped values are ``num / den`` where ``den > 0``. Sums from several splats may be added
    before dividing (how two frames are blended at time t).
    """
    values = np.ascontiguousarray(values, dtype=np.float32)
    if values.ndim == 2:
        values = values[:, :, None]
    flow = np.ascontiguousarray(flow, dtype=np.float32)
    weight = np.ascontiguousarray(weight, dtype=np.float32)
    if flow.shape != values.shape[:2] + (2,) or weight.shape != values.shape[:2]:
        raise ValueError(f"shapes differ: values {values.shape}, flow {flow.shape}, weight {weight.shape}")
    num = np.zeros(values.shape, np.float32)
    den = np.zeros(values.shape[:2], np.float32)
    cover = np.zeros(values.shape[:2], np.float32)
    _splat_kernel(values, flow, np.float32(flow_scale), weight, np.float32(weight_scale), num, den, cover)
    return num, den, cover


def forward_warp(values: np.ndarray, flow: np.ndarray, weight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Normalised forward warp: (warped values, den); pixels nobody lands on are 0 with ``den == 0``."""
    if weight is None:
        weight = np.ones(flow.shape[:2], np.float32)
    num, den, _ = splat_accumulate(values, flow, weight)
    out = num / np.maximum(den, 1e-8)[..., None]
    return out, den
