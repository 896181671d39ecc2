"""Depth layers: the photo cut into N layers by depth, with soft (matted) boundaries.

Layer depths come from k-means on the inverse-depth values (1-D, so the bins are the intervals between
neighbouring centres' midpoints). Boundaries are soft: for each threshold ``t`` the matte of "nearer
than t" is solved in a thin unknown band around the hard boundary, by closed-form matting (Levin et al.
2008, via pymatting) or, faster, by a guided filter of the hard mask (``matting="guided"``). Layer
``k``'s alpha is the difference of the mattes of its two thresholds, so the layers' alphas add up to 1
and hair or fur at a boundary is shared between layers instead of torn.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import cv2
import numpy as np

from ..errors import InputError
from ..imageops import shrunk_size
from ..types import Depth, DepthKind

log = logging.getLogger(__name__)

MATTING = ("closed_form", "guided")
_MATTE_SIZE = 480  # long side at which mattes are solved


def layer_thresholds(inverse: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(centres sorted far -> near, thresholds between them) of ``count`` 1-D k-means clusters."""
    if not 1 <= count <= 16:
        raise InputError(f"layer count must be in 1..16, got {count}")
    samples = inverse[:: max(1, inverse.shape[0] // 200), :: max(1, inverse.shape[1] // 200)].reshape(-1, 1)
    samples = samples[np.isfinite(samples[:, 0])].astype(np.float32)
    if len(np.unique(samples)) < count:
        raise InputError(f"the depth map has fewer than {count} distinct levels; ask for fewer layers")
    cv2.setRNGSeed(3)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 50, 1e-4)
    _, _, centres = cv2.kmeans(samples, count, None, criteria, 3, cv2.KMEANS_PP_CENTERS)
    centres = np.sort(centres[:, 0])
    return centres, (centres[1:] + centres[:-1]) / 2.0


def soft_nearer(image: np.ndarray, inverse: np.ndarray, threshold: float, *, matting: str = "closed_form") -> np.ndarray:
    """float32 (H, W) alpha of "nearer than ``threshold``", soft only in a band around the boundary."""
    H, W = inverse.shape
    hard = (inverse > threshold).astype(np.float32)
    size, _ = shrunk_size(inverse.shape, _MATTE_SIZE, min_side=4)
    img = np.clip(cv2.resize(image, size, interpolation=cv2.INTER_AREA), 0, 1).astype(np.float64)
    small = cv2.resize(hard, size, interpolation=cv2.INTER_AREA)
    band = max(1, round(0.012 * max(size)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band + 1, 2 * band + 1))
    fg = cv2.erode((small > 0.5).astype(np.uint8), kernel)
    bg = cv2.erode((small <= 0.5).astype(np.uint8), kernel)
    if matting == "closed_form" and fg.any() and bg.any():
        from pymatting import estimate_alpha_cf

        trimap = np.full(small.shape, 0.5)
        trimap[fg > 0], trimap[bg > 0] = 1.0, 0.0
        alpha = estimate_alpha_cf(img, trimap).astype(np.float32)
    elif matting in MATTING:
        gray = cv2.cvtColor(img.astype(np.float32), cv2.COLOR_RGB2GRAY)
        alpha = cv2.ximgproc.guidedFilter(gray, small.astype(np.float32), band, 1e-3)
    else:
        raise InputError(f"unknown matting {matting!r}; choose one of: {', '.join(MATTING)}")
    alpha = cv2.resize(np.clip(alpha, 0, 1), (W, H), interpolation=cv2.INTER_LINEAR)
    # outside the (upsampled) band keep the hard mask exactly
    unknown = cv2.resize(((fg == 0) & (bg == 0)).astype(np.uint8), (W, H), interpolation=cv2.INTER_NEAREST) > 0
    return np.where(unknown, alpha, hard).astype(np.float32)


def split_layers(image: np.ndarray, depth: Depth, *, count: int = 4, matting: str = "closed_form"):
    """[(alpha (H, W) float32, centre inverse depth, (lo, hi) range)] from far to near; alphas sum to 1."""
    if image.shape[:2] != depth.shape:
        raise InputError(f"depth {depth.shape} and photo {image.shape[:2]} differ in size")
    inverse = depth.values.astype(np.float32)
    if depth.kind == DepthKind.METRIC:
        inverse = np.where(inverse > 0, 1.0 / np.maximum(inverse, 1e-12), 0.0).astype(np.float32)
    centres, thresholds = layer_thresholds(inverse, count)
    nearer = [np.ones(depth.shape, np.float32)]
    nearer += [soft_nearer(image, inverse, float(t), matting=matting) for t in thresholds]
    nearer.append(np.zeros(depth.shape, np.float32))
    for i in range(1, len(nearer) - 1):  # mattes must nest: nearer than a larger threshold is a subset
        nearer[i] = np.minimum(nearer[i], nearer[i - 1])
    bounds = [float(inverse.min()), *map(float, thresholds), float(inverse.max())]
    return [
        (np.clip(nearer[k] - nearer[k + 1], 0.0, 1.0), float(centres[k]), (bounds[k], bounds[k + 1]))
        for k in range(count)
    ]


def export_layers(
    image: np.ndarray, depth: Depth, directory: str | os.PathLike, *, count: int = 4,
    matting: str = "closed_form", inputs: tuple = (),
) -> list[dict]:
    """Write ``layer_00.png`` (farthest) ... as RGBA PNGs and ``layers.json`` into ``directory``
    (created atomically); returns the JSON's layer list."""
    from ..io import atomic_output
    from ..io.image import write_png

    layers = split_layers(image, depth, count=count, matting=matting)
    listing = []
    rgb = (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)
    with atomic_output(Path(directory), directory=True, inputs=inputs) as tmp:
        for k, (alpha, centre, (lo, hi)) in enumerate(layers):
            name = f"layer_{k:02d}.png"
            rgba = np.dstack([rgb, (alpha * 255 + 0.5).astype(np.uint8)])
            write_png(Path(tmp) / name, cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA))
            listing.append({"file": name, "inverse_depth": round(centre, 6), "inverse_depth_range": [round(lo, 6), round(hi, 6)],
                            "coverage": round(float(alpha.mean()), 4)})
        (Path(tmp) / "layers.json").write_text(json.dumps({"order": "far_to_near", "depth_kind": "inverse",
                                                          "layers": listing}, indent=2))
    log.info("layers: %d written to %s", len(listing), directory)
    return listing
