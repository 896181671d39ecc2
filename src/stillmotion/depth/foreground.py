"""Foreground cue: the objects that stand out from the photo's surroundings.

Boundary prior (as in geodesic and minimum-barrier saliency): what touches the left, right and top borders
is mostly background. Each pixel's saliency is its colour distance (CIE Lab) to the nearest of a few
k-means colours of those borders, weighted towards the centre. The bottom border is left out, because
the ground and near subjects touch it. The saliency seeds OpenCV's GrabCut (probable foreground /
probable background, the three borders sure background, detected people sure foreground), which snaps
the mask to colour edges. The result is a soft mask in [0, 1].
"""

from __future__ import annotations

import cv2
import numpy as np

_BORDER_CLUSTERS = 8
#: Foreground parts smaller than this fraction of the picture are dropped.
MIN_OBJECT_FRAC = 0.025


def border_contrast(image: np.ndarray) -> np.ndarray:
    """Saliency (H, W) in [0, 1] of a small float32 RGB image, from colour contrast to its borders."""
    h, w = image.shape[:2]
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2Lab)
    band = max(2, min(h, w) // 24)
    border = np.concatenate(
        [lab[:band].reshape(-1, 3), lab[:, :band].reshape(-1, 3), lab[:, -band:].reshape(-1, 3)]
    ).astype(np.float32)
    k = min(_BORDER_CLUSTERS, len(border))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(1)
    _, _, centres = cv2.kmeans(border, k, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    flat = lab.reshape(-1, 1, 3)
    dist = np.sqrt(((flat - centres[None, :, :]) ** 2).sum(axis=2)).min(axis=1).reshape(h, w)
    dist = cv2.GaussianBlur(dist, (0, 0), max(h, w) / 100.0)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    centre = np.exp(-(((xs - w / 2) / (0.45 * w)) ** 2) - (((ys - 0.6 * h) / (0.6 * h)) ** 2))
    sal = dist * (0.5 + 0.5 * centre)
    return (sal / max(float(np.percentile(sal, 99.5)), 1e-6)).clip(0, 1).astype(np.float32)


def foreground_mask(
    image: np.ndarray,
    saliency: np.ndarray,
    *,
    sure: np.ndarray | None = None,
    probable: np.ndarray | None = None,
    iterations: int = 3,
) -> np.ndarray:
    """Soft foreground mask (H, W) float32 in [0, 1]: GrabCut seeded by ``saliency`` (and ``sure`` /
    ``probable`` foreground pixels, e.g. detected people), feathered a little so it blends."""
    h, w = saliency.shape
    hi = float(np.percentile(saliency, 90))
    mask = np.full((h, w), cv2.GC_PR_BGD, np.uint8)
    mask[saliency > max(0.35, 0.6 * hi)] = cv2.GC_PR_FGD
    band = max(1, min(h, w) // 40)
    mask[:band] = cv2.GC_BGD
    mask[:, :band] = cv2.GC_BGD
    mask[:, -band:] = cv2.GC_BGD
    if probable is not None:
        mask[probable] = cv2.GC_PR_FGD
    if sure is not None:
        mask[sure] = cv2.GC_FGD
    if not (mask == cv2.GC_PR_FGD).any() and not (mask == cv2.GC_FGD).any():
        return np.zeros((h, w), np.float32)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    image8 = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    try:
        cv2.grabCut(image8, mask, None, bgd, fgd, iterations, cv2.GC_INIT_WITH_MASK)
    except cv2.error:  # degenerate colour models (e.g. a flat image): no foreground
        return np.zeros((h, w), np.float32)
    fg = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8)
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    fg = _solid_objects(fg, keep=sure)
    return cv2.GaussianBlur(fg.astype(np.float32), (0, 0), 1.0)


def _solid_objects(fg: np.ndarray, *, keep: np.ndarray | None, min_frac: float = MIN_OBJECT_FRAC) -> np.ndarray:
    """Drop parts smaller than ``min_frac`` of the picture (eyes, a nose, specular spots: parts of things,
    not things; ``keep`` pixels always stay) and fill the holes of the rest (objects are solid)."""
    h, w = fg.shape
    count, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    big = stats[:, cv2.CC_STAT_AREA] >= min_frac * h * w
    big[0] = False
    if keep is not None:
        big[np.unique(labels[keep & (fg > 0)])] = True
        big[0] = False
    solid = big[labels].astype(np.uint8)
    # holes: background regions not connected to the border
    inv = np.pad(1 - solid, 1, constant_values=1)
    flood = inv.copy()
    cv2.floodFill(flood, np.zeros((h + 4, w + 4), np.uint8), (0, 0), 2)
    holes = (flood[1:-1, 1:-1] == 1)
    return (solid.astype(bool) | holes).astype(np.uint8)
