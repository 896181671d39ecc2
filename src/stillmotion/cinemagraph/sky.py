"""Finding the sky without a mask, for ``--material clouds``.

Sky pixels are blue (hue 180-260 degrees, some saturation) or bright and unsaturated (clouds, haze),
have little fine texture (rock, snow and foliage have edges; sky and clouds are soft), and belong to a
region connected to the top edge of the photo (to a thin band at the top, as scans often
have dark border rows). Decided on a small copy of the photo, then brought back
to full size and refined with a guided filter so the border follows the skyline.

Thin structures against the sky (masts, lattice towers, wires, bare branches) vanish in the small copy
and would be carried along with the clouds, so they wobble. At full size, a narrow feature (brighter
or darker in some channel than everything within a few pixels: a morphological top-hat or black-hat)
whose colour is not a sky colour, even loosely (blue, or light and unsaturated: the mixed pixels along
a cloud's edge pass), or that is much darker than its surroundings (a treetop a pixel wide takes the
sky's hue; the blue between two clouds is not that much darker than they are), is cut out of the sky
with two pixels of margin, and the pockets of sky left enclosed by a lattice go with it. Tested on scikit-image's rocket (its towers and masts were inside the
sky) and the Kodak mountain stream (whose cloud edges must stay in it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from ..depth.defocus import gradient_magnitude
from ..imageops import shrunk_size
from ..io.image import unit_float
from .field import region_bbox

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
    #: a region enclosed by the sky (not reaching the bottom edge) is a cloud when at least these shares of
    #: its pixels are sky-coloured and smooth
    cloud_min_coloured: float = 0.8
    cloud_min_smooth: float = 0.6
    #: thin structures: features narrower than this fraction of the long side, standing out from their
    #: surroundings by more than ``structure_contrast`` in some channel, and not loosely sky-coloured
    structure_width: float = 0.015
    structure_contrast: float = 0.06
    #: ... or darker than this fraction of their surroundings' brightness, whatever their hue
    structure_darkness: float = 0.6
    loose_blue_min_saturation: float = 0.05
    loose_min_value: float = 0.15
    loose_bright_min_value: float = 0.45
    loose_bright_max_saturation: float = 0.3
    #: a pocket of sky smaller than this fraction of the photo, cut off by a structure, is no sky
    min_pocket: float = 0.002


def _fill_holes(mask: np.ndarray, sky_coloured: np.ndarray, smooth: np.ndarray, *, max_fraction: float,
                min_coloured: float, min_smooth: float) -> np.ndarray:
    """Fill the regions of False within the sky that belong to it: small ones not connected to the image
    border (specks, bits of cloud texture), and clouds: regions not reaching the bottom edge whose pixels
    are mostly sky-coloured and smooth. A cloud with a crisp rim is cut off from the sky around it by the
    texture test along that rim, and was left out whole."""
    inv = (~mask).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(inv, connectivity=4)
    area = np.maximum(stats[:, cv2.CC_STAT_AREA], 1)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    small = area <= max_fraction * mask.size
    small[border] = False
    flat = labels.ravel()
    coloured = np.bincount(flat, weights=sky_coloured.ravel(), minlength=count) / area
    smooth_share = np.bincount(flat, weights=smooth.ravel(), minlength=count) / area
    cloud = (coloured >= min_coloured) & (smooth_share >= min_smooth)
    cloud[np.unique(labels[-1])] = False
    fill = small | cloud
    fill[0] = False
    return mask | fill[labels]


def _sky_colours(hsv: np.ndarray, *, min_saturation: float, min_value: float, bright_value: float,
                 bright_saturation: float, blue_hue_deg: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """(blue, bright) bool masks of an HSV image (hue in degrees, saturation and value in [0, 1])."""
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    lo, hi = blue_hue_deg
    blue = (hue >= lo) & (hue <= hi) & (sat >= min_saturation) & (val >= min_value)
    bright = (val >= bright_value) & (sat <= bright_saturation)
    return blue, bright


def structure_side(shape: tuple[int, int], *, options: SkyOptions = SkyOptions()) -> int:
    """The side, in pixels, of the window in which :func:`thin_structures` finds narrow features."""
    return max(3, round(options.structure_width * max(shape)))


def thin_structures(image: np.ndarray, *, options: SkyOptions = SkyOptions(), side: int | None = None) -> np.ndarray:
    """Bool (H, W): narrow features of a float32 RGB photo that are not sky-coloured (module docstring),
    closed over their gaps and grown by two pixels (their blended edges). ``side``: the window's side
    (:func:`structure_side` of the photo, also when ``image`` is a crop of it)."""
    side = structure_side(image.shape[:2], options=options) if side is None else side
    kernel = np.ones((side, side), np.uint8)
    image = np.ascontiguousarray(image, np.float32)  # (a crop is a strided view)
    standing_out = np.maximum(cv2.morphologyEx(image, cv2.MORPH_TOPHAT, kernel),
                              cv2.morphologyEx(image, cv2.MORPH_BLACKHAT, kernel)).max(axis=2)  # fmt: skip
    blue, bright = _sky_colours(
        cv2.cvtColor(np.clip(image, 0, 1), cv2.COLOR_RGB2HSV), min_saturation=options.loose_blue_min_saturation,
        min_value=options.loose_min_value, bright_value=options.loose_bright_min_value,
        bright_saturation=options.loose_bright_max_saturation, blue_hue_deg=options.blue_hue_deg,
    )  # fmt: skip
    # a tree tip or wire a pixel wide is blended with the sky around it, so its hue is the sky's; it is
    # darker than its surroundings, though, by more than the blue between two clouds is
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    surroundings = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, kernel)
    dark = grey < options.structure_darkness * surroundings
    structure = ((standing_out > options.structure_contrast) & (dark | ~(blue | bright))).astype(np.uint8)
    structure = cv2.morphologyEx(structure, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    return cv2.dilate(structure, np.ones((5, 5), np.uint8)) > 0


def _thin_structures_near(image: np.ndarray, mask: np.ndarray, options: SkyOptions) -> np.ndarray:
    """:func:`thin_structures`, computed only on the box around ``mask`` grown by the filters' reach (the
    same answer inside it: a large photo's sky is often a fraction of it, and the filters cost seconds)."""
    found = np.zeros(mask.shape, bool)
    side = structure_side(mask.shape, options=options)
    reach = 2 * side + 6  # an opening or closing reaches a window's side, the 5x5 close and grow 4 px more
    box = region_bbox(mask, margin=reach)
    if box is None:
        return found
    y0, y1, x0, x1 = box
    found[y0:y1, x0:x1] = thin_structures(image[y0:y1, x0:x1], options=options, side=side)
    return found


def _without_pockets(sky: np.ndarray, *, min_fraction: float) -> np.ndarray:
    """``sky`` without its connected parts smaller than ``min_fraction`` of the photo."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(sky.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_fraction * sky.size
    keep[0] = False
    return keep[labels]


def detect_sky(image: np.ndarray, *, options: SkyOptions = SkyOptions()) -> np.ndarray:
    """A bool (H, W) mask of the sky of an RGB photo (float32 in [0, 1], or 8/16-bit integers scaled to it);
    all False when none is found."""
    image = unit_float(image)
    h, w = image.shape[:2]
    size, scale = shrunk_size(image.shape, options.work_side_px, min_side=8)
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(np.clip(small, 0, 1).astype(np.float32), cv2.COLOR_RGB2HSV)
    blue, bright = _sky_colours(
        hsv, min_saturation=options.blue_min_saturation, min_value=options.min_value,
        bright_value=options.bright_min_value, bright_saturation=options.bright_max_saturation,
        blue_hue_deg=options.blue_hue_deg,
    )  # fmt: skip
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
    coloured, smooth = blue | bright, texture <= 2.0 * options.max_texture
    grow = (coloured & smooth).astype(np.uint8)
    for _ in range(options.grow_steps):
        sky = (cv2.dilate(sky.astype(np.uint8), np.ones((3, 3), np.uint8)) & grow) > 0
    sky = _fill_holes(sky, coloured, smooth, max_fraction=0.002,
                      min_coloured=options.cloud_min_coloured, min_smooth=options.cloud_min_smooth)  # fmt: skip
    soft = cv2.resize(sky.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    radius = max(2, round(2 / scale))
    soft = cv2.ximgproc.guidedFilter(np.ascontiguousarray(image, np.float32), soft, radius, 1e-3)
    # keep clear of the skyline: a stray dark pixel of a tree top would be dragged across the sky
    mask = cv2.erode((soft > 0.5).astype(np.uint8), np.ones((5, 5), np.uint8), borderType=cv2.BORDER_REPLICATE) > 0
    mask = _without_pockets(mask & ~_thin_structures_near(image, mask, options), min_fraction=options.min_pocket)
    if mask.mean() < options.min_area:
        log.info("sky detection: %.1f%% of the photo is too little to be a sky; no sky", 100 * mask.mean())
        return np.zeros((h, w), bool)
    log.info("sky detection: %.0f%% of the photo", 100 * mask.mean())
    return mask
