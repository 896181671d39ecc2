"""Edge-aware refinement: depth edges sit on image edges.

Two steps. At the working size, OpenCV contrib's fast global smoother (Min et al. 2014, a weighted
least-squares filter solved by separable 1-D passes) smooths the cue mixture inside regions while keeping
the steps at colour edges. Then a guided filter (He et al. 2010) at the photo's size upsamples it, so the
steps land on the full-resolution edges rather than on blocky low-resolution ones. Above
``fast_above_px`` pixels the filter's linear coefficients are computed on a half-size copy and
upsampled (the fast guided filter of He and Sun 2015): the coefficients vary only as smoothly as the
window, so the result is nearly the same at a fraction of the cost, and the edges still come from the
full-resolution guide.
"""

from __future__ import annotations

import cv2
import numpy as np


def smooth_edge_aware(depth: np.ndarray, guide: np.ndarray, *, lambda_: float = 60.0, sigma_color: float = 8.0) -> np.ndarray:
    """Fast global smoother of ``depth`` (H, W) guided by a float32 RGB ``guide`` of the same size."""
    guide8 = (np.clip(guide, 0, 1) * 255).astype(np.uint8)
    return cv2.ximgproc.fastGlobalSmootherFilter(guide8, depth.astype(np.float32), lambda_, sigma_color)


def spread_weighted(
    weighted: np.ndarray, weight: np.ndarray, guide: np.ndarray, *, lambda_: float, sigma_color: float
) -> tuple[np.ndarray, np.ndarray]:
    """The two halves of an edge-aware normalised convolution: ``weighted`` (values times their confidence)
    and ``weight`` (the confidence), (H, W) float32, both smoothed by the fast global smoother guided by a
    float32 RGB ``guide`` of their size. Their ratio spreads the confident values along the guide's
    colours and stops at its edges; how the caller divides (with what floor) is its own rule."""
    guide8 = (np.clip(guide, 0, 1) * 255).astype(np.uint8)
    spread = cv2.ximgproc.createFastGlobalSmootherFilter(guide8, lambda_, sigma_color)
    return spread.filter(np.asarray(weighted, np.float32)), spread.filter(np.asarray(weight, np.float32))


def upsample_guided(
    depth: np.ndarray, guide: np.ndarray, *, radius_frac: float = 1 / 200, eps: float = 1e-4, fast_above_px: int = 1_000_000
) -> np.ndarray:
    """Resize ``depth`` to ``guide``'s size and snap its edges to the guide's with a guided filter."""
    h, w = guide.shape[:2]
    radius = max(2, int(round(max(h, w) * radius_frac)))
    gray = cv2.cvtColor(guide, cv2.COLOR_RGB2GRAY) if guide.ndim == 3 else guide
    gray = np.asarray(gray, np.float32)
    if h * w <= fast_above_px:
        up = cv2.resize(depth.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        return cv2.ximgproc.guidedFilter(gray, up, radius, eps)
    half = (max(1, w // 2), max(1, h // 2))
    guide_s = cv2.resize(gray, half, interpolation=cv2.INTER_AREA)
    depth_s = cv2.resize(depth.astype(np.float32), half, interpolation=cv2.INTER_LINEAR)
    a, b = _guided_coefficients(guide_s, depth_s, max(1, radius // 2), eps)
    a = cv2.resize(a, (w, h), interpolation=cv2.INTER_LINEAR)
    b = cv2.resize(b, (w, h), interpolation=cv2.INTER_LINEAR)
    return a * gray + b


def _guided_coefficients(guide: np.ndarray, src: np.ndarray, radius: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """The window-averaged linear coefficients (a, b) of the grey guided filter: output = a * guide + b."""
    size = (2 * radius + 1, 2 * radius + 1)

    def mean(x: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(x, cv2.CV_32F, size, borderType=cv2.BORDER_REFLECT)

    mean_i, mean_p = mean(guide), mean(src)
    var_i = mean(guide * guide) - mean_i * mean_i
    cov_ip = mean(guide * src) - mean_i * mean_p
    a = cov_ip / (var_i + eps)
    b = mean_p - a * mean_i
    return mean(a), mean(b)
