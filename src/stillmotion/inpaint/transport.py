"""Coherence transport: a hole filled from its rim inwards (or a margin outwards), each pixel a weighted
mean of the known pixels around it, weighted towards those that lie along the local structure's own
direction (after Bornemann and März, "Fast image inpainting based on coherence transport", 2007).

The direction and its strength come from the structure tensor of the known pixels (smoothed over
``rho_px``) carried into the hole: a straight edge, a stripe or a horizon goes on in its own direction
(a lattice bar on the diagonal, a stripe along its stripe), a texture without one direction is averaged
all round, as fast-marching Telea does. No texture is copied: the fill is as smooth as the structure
allows, which is what a prediction of unseen content should be where it cannot be exact.

Pure array functions; the marching kernel is numba (``cache=True``).
"""

from __future__ import annotations

import cv2
import numba as nb
import numpy as np

from .pushpull import push_pull_fill


def structure_direction(image: np.ndarray, known: np.ndarray, *, sigma_px: float = 1.5,
                        rho_px: float = 3.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """(dx, dy, coherence), each (H, W) float32: the unit direction along the local structure (across
    the luma gradient) and how one-directional it is (0 = no direction, 1 = a clean edge), measured on
    ``known`` pixels only and spread smoothly over the others."""
    luma = cv2.cvtColor(np.ascontiguousarray(image, dtype=np.float32), cv2.COLOR_RGB2GRAY)
    weight = known.astype(np.float32)
    norm = np.maximum(cv2.GaussianBlur(weight, (0, 0), sigma_px), 1e-6)
    smooth = cv2.GaussianBlur(luma * weight, (0, 0), sigma_px) / norm
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    # derivatives only where their smoothing saw known pixels alone
    inner = cv2.erode(known.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(np.float32)
    tensor = np.stack([gx * gx * inner, gx * gy * inner, gy * gy * inner], axis=2)
    inner_norm = cv2.GaussianBlur(inner, (0, 0), rho_px)
    tensor = cv2.GaussianBlur(tensor, (0, 0), rho_px) / np.maximum(inner_norm, 1e-6)[:, :, None]
    tensor = push_pull_fill(tensor.astype(np.float32), inner_norm < 1e-3)
    jxx, jxy, jyy = tensor[:, :, 0], tensor[:, :, 1], tensor[:, :, 2]
    spread = np.sqrt((jxx - jyy) ** 2 + 4.0 * jxy**2)
    coherence = (spread / (jxx + jyy + 1e-6)) ** 2
    theta = 0.5 * np.arctan2(2.0 * jxy, jxx - jyy)  # the gradient's direction; the structure runs across it
    return (-np.sin(theta)).astype(np.float32), np.cos(theta).astype(np.float32), coherence.astype(np.float32)


@nb.njit(cache=True, nogil=True)
def _transport(image, hole, order_y, order_x, dir_x, dir_y, coherence, radius, sharpness):  # pragma: no cover - numba
    """Fill the ``hole`` pixels in the given order from the known and already filled pixels within
    ``radius``: weight 1 / distance, times a Gaussian of the distance across the structure's direction
    (narrower the more coherent the structure)."""
    out = image.copy()
    done = ~hole
    height, width = hole.shape
    channels = image.shape[2]
    r = int(np.ceil(radius))
    acc = np.zeros(channels, np.float32)
    for k in range(order_y.size):
        y = order_y[k]
        x = order_x[k]
        ux = dir_x[y, x]
        uy = dir_y[y, x]
        m = sharpness * coherence[y, x]
        spread = m * m / (2.0 * radius * radius)
        acc[:] = 0.0
        total = 0.0
        for dy in range(-r, r + 1):
            yy = y + dy
            if yy < 0 or yy >= height:
                continue
            for dx in range(-r, r + 1):
                xx = x + dx
                d2 = dx * dx + dy * dy
                if xx < 0 or xx >= width or d2 == 0 or d2 > radius * radius or not done[yy, xx]:
                    continue
                across = uy * dx - ux * dy
                w = np.exp(-spread * across * across) / np.sqrt(d2)
                for c in range(channels):
                    acc[c] += w * out[yy, xx, c]
                total += w
        if total > 0.0:
            for c in range(channels):
                out[y, x, c] = acc[c] / total
            done[y, x] = True
    return out


def coherence_fill(image: np.ndarray, hole: np.ndarray, *, radius_px: float = 5.0, sharpness: float = 10.0,
                   sigma_px: float = 1.5, rho_px: float = 3.0) -> np.ndarray:  # fmt: skip
    """``image`` (H, W, C float32) with its ``hole`` pixels filled by coherence transport, nearest to
    the known pixels first. ``radius_px``: the neighbourhood each pixel averages; ``sharpness``: how
    narrowly a coherent structure is followed (0 = all round, like Telea); ``sigma_px`` and ``rho_px``:
    the structure tensor's derivative and integration scales. Returns a new array."""
    image = np.ascontiguousarray(image, dtype=np.float32)
    hole = np.asarray(hole, dtype=bool)
    if not hole.any() or hole.all():
        return image.copy()
    dir_x, dir_y, coherence = structure_direction(image, ~hole, sigma_px=sigma_px, rho_px=rho_px)
    distance = cv2.distanceTransform(hole.astype(np.uint8), cv2.DIST_L2, 5)
    ys, xs = np.nonzero(hole)
    order = np.argsort(distance[ys, xs], kind="stable")
    return _transport(image, hole, ys[order].astype(np.int64), xs[order].astype(np.int64), dir_x, dir_y,
                      coherence, float(radius_px), float(sharpness))  # fmt: skip
