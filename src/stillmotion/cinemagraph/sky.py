"""Finding the sky without a mask, for ``--material clouds``.

Sky pixels are blue (hue 180-260 degrees, some saturation) or bright and unsaturated (clouds, haze),
have little fine texture (rock, snow and foliage have edges; sky and clouds are soft), and belong to a
region connected to the top edge of the photo (to a thin band at the top, as scans often
have dark border rows). Decided on a small copy of the photo, then brought back
to full size and refined with a guided filter so the border follows the skyline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from ..depth.defocus import gradient_magnitude
from ..io.image import unit_float

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SkyOptions:
    work_side_px: int = 384
    blue_hue_deg: tuple[float, float] = (180.0, 260.0)
    blue_min_saturation: float = 0.12
    min_value: float = 0.2
    bright_min_value: float = 0.72
    bright_max_saturation: float = 0.28
    #: mean gradient magnitude (of [0, 1] grey, per pixel of the small copy) above which a pixel is texture
    max_texture: float = 0.06
    #: steps (pixels of the small copy) by which the sky grows back over sky-coloured, softly textured pixels
    grow_steps: int = 8
    #: a component must reach the top band over at least this fraction of the width
    min_top_fraction: float = 0.02
    #: height of the top band, as a fraction of the height (scanned photos have dark border rows)
    top_band: float = 0.03
    #: less sky than this fraction of the photo is no sky (bright wall or petal bits along the top edge)
    min_area: float = 0.02


def _fill_small_holes(mask: np.ndarray, *, max_fraction: float) -> np.ndarray:
    """Fill the small regions of False (specks, bits of cloud texture) not connected to the image border."""
    inv = (~mask).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(inv, connectivity=4)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    small = stats[:, cv2.CC_STAT_AREA] <= max_fraction * mask.size
    small[border] = False
    small[0] = False
    return mask | small[labels]


def detect_sky(image: np.ndarray, *, options: SkyOptions = SkyOptions()) -> np.ndarray:
    """A bool (H, W) mask of the sky of an RGB photo (float32 in [0, 1], or 8/16-bit integers scaled to it);
    all False when none is found."""
    image = unit_float(image)
    h, w = image.shape[:2]
    scale = min(1.0, options.work_side_px / max(h, w))
    small = cv2.resize(image, (max(8, round(w * scale)), max(8, round(h * scale))), interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(np.clip(small, 0, 1).astype(np.float32), cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    lo, hi = options.blue_hue_deg
    blue = (hue >= lo) & (hue <= hi) & (sat >= options.blue_min_saturation) & (val >= options.min_value)
    bright = (val >= options.bright_min_value) & (sat <= options.bright_max_saturation)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    grad = gradient_magnitude(grey) / 8.0
    texture = cv2.blur(grad, (5, 5))
    candidate = (blue | bright) & (texture <= options.max_texture)
    candidate = cv2.morphologyEx(candidate.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    count, labels = cv2.connectedComponents(candidate.astype(np.uint8), connectivity=8)
    sky = np.zeros_like(candidate)
    min_top = max(1, int(options.min_top_fraction * candidate.shape[1]))
    band = labels[: max(2, int(round(options.top_band * labels.shape[0])))]
    for label in range(1, count):
        if np.count_nonzero((band == label).any(axis=0)) >= min_top:
            sky |= labels == label
    if not sky.any():
        log.info("sky detection: no sky connected to the top edge")
        return np.zeros((h, w), bool)
    # the texture window eats into the sky along cloud edges and skylines: grow back over sky-coloured
    # pixels that are not strongly textured (snow and rock are)
    grow = ((blue | bright) & (texture <= 2.0 * options.max_texture)).astype(np.uint8)
    for _ in range(options.grow_steps):
        sky = (cv2.dilate(sky.astype(np.uint8), np.ones((3, 3), np.uint8)) & grow) > 0
    sky = _fill_small_holes(sky, max_fraction=0.002)
    soft = cv2.resize(sky.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    radius = max(2, round(2 / scale))
    soft = cv2.ximgproc.guidedFilter(np.ascontiguousarray(image, np.float32), soft, radius, 1e-3)
    # keep clear of the skyline: a stray dark pixel of a tree top would be dragged across the sky
    mask = cv2.erode((soft > 0.5).astype(np.uint8), np.ones((5, 5), np.uint8), borderType=cv2.BORDER_REPLICATE) > 0
    if mask.mean() < options.min_area:
        log.info("sky detection: %.1f%% of the photo is too little to be a sky; no sky", 100 * mask.mean())
        return np.zeros((h, w), bool)
    log.info("sky detection: %.0f%% of the photo", 100 * mask.mean())
    return mask
