"""Edge-aware refinement: depth edges sit on image edges.

Two steps. At the working size, OpenCV contrib's fast global smoother (Min et al. 2014, a weighted
least-squares filter solved by separable 1-D passes) smooths the cue mixture inside regions while keeping
the steps at colour edges. Then a guided filter (He et al. 2010) at the photo's size upsamples it, so the
steps land on the full-resolution edges rather than on blocky low-resolution ones.
"""

from __future__ import annotations

import cv2
import numpy as np


def smooth_edge_aware(depth: np.ndarray, guide: np.ndarray, *, lambda_: float = 60.0, sigma_color: float = 8.0) -> np.ndarray:
    """Fast global smoother of ``depth`` (H, W) guided by a float32 RGB ``guide`` of the same size."""
    guide8 = (np.clip(guide, 0, 1) * 255).astype(np.uint8)
    return cv2.ximgproc.fastGlobalSmootherFilter(guide8, depth.astype(np.float32), lambda_, sigma_color)


def upsample_guided(depth: np.ndarray, guide: np.ndarray, *, radius_frac: float = 1 / 200, eps: float = 1e-4) -> np.ndarray:
    """Resize ``depth`` to ``guide``'s size and snap its edges to the guide's with a guided filter."""
    h, w = guide.shape[:2]
    up = cv2.resize(depth.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    radius = max(2, int(round(max(h, w) * radius_frac)))
    gray = cv2.cvtColor(guide, cv2.COLOR_RGB2GRAY) if guide.ndim == 3 else guide
    return cv2.ximgproc.guidedFilter(gray.astype(np.float32), up, radius, eps)
