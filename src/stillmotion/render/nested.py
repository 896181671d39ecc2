"""Nested depth edges: what lies behind one part of a subject that stands in front of another.

The background layer is one surface behind every depth edge: the far background's depth extended under
the foreground (:func:`stillmotion.render.scene.background_depth`), with texture copied from the far
side. That is right where a subject stands against its background, and wrong where one part of the
subject stands in front of another (a hood over a shoulder, a knee in front of the other leg, a cone in
front of a trellis): a camera move opens a gap there that shows the far background's colour *inside* the
subject, as dark or bright seams and blotches along its parts.

Behind such an edge lies the farther part itself (the shoulder goes on under the hood). So every band
pixel looks up the nearest pixel on the far side of any depth edge (:func:`far_side`; one distance
transform). The band pixel is *nested* when that pixel is farther than it by at least NESTED_GAP of its
height above the background estimate (closer than that, it is the pixel's own surface curving away), and
either
- an intermediate surface: in front of the background estimate by more than INTERMEDIATE_FRACTION of
  the band pixel's height above it, and no farther from its edge than that edge's own parallax can open
  a gap (REACH_MARGIN); or
- within NEAR_PX, whatever it is: right behind a silhouette a copied patch most often brings the edge's
  mixed colours along. A far side standing before the background estimate lends its colour only where
  its depth comes forward too (below), so nothing of it is painted on the wall.
A nested pixel takes that surface's colour from COLOUR_INSET_PX into it (past the edge's mixed pixels),
averaged over its nested neighbours of the same kind (brought forward, or kept at the background's
depth). Two cautions came from the astronaut's hair with ``dolly_zoom``, which the first version
stretched into radial streaks:
- the depth moves forward to the intermediate surface only where such pixels are dense (DENSE_SHARE): a
  lone pixel pulled forward is a spike in the layer's mesh, and a camera move stretches it;
- a far side that is the soft ramp of an estimated edge (its depth keeps falling past the edge) is
  stretched only where its colours are smooth along the edge (RAMP_MAX_STD): a blurred rim then makes a
  soft halo, a textured one (hair) would streak, so there the exemplar fill stays.
Pixels whose depth moves forward are drawn as a layer of their own, joined to the farther part and torn
from the background layer, which stays whole behind them (:func:`stillmotion.render.scene.build_scene`):
joined to the fill at the background's depth, a strip made a skirt that a camera move stretched over
what it revealed beside the subject.

The result stretches the farther part a few pixels under the nearer one, which is what a narrow gap
between two parts of one subject should show; wider reveals of the far background keep the exemplar
fill's texture. Measured on Middlebury Cones (``benchmarks/nvs_stereo.py``, true disparity): the holes
behind edges 16.3 -> 18.1 dB, all pixels 22.6 -> 23.2 dB.
"""

from __future__ import annotations

import cv2
import numpy as np

from .band import excess

#: A far-side pixel is an intermediate surface when it stands in front of the background estimate by more
#: than this fraction of the band pixel's own height above that estimate.
INTERMEDIATE_FRACTION = 0.1
#: Band pixels this close (pixels) to their far side take it whatever it is (see the module doc).
NEAR_PX = 3.0
#: A far side is nested behind a band pixel only when it lies at least this fraction of the way from the
#: band pixel's inverse depth down to the background estimate's.
NESTED_GAP = 0.1
#: An intermediate pixel counts only where such pixels fill this share of the (2 DENSE_PX + 1)^2 box.
DENSE_PX = 2
DENSE_SHARE = 0.3
#: A nested edge's gap reaches this times its parallax (as the band does).
REACH_MARGIN = 1.1
#: The far side is a surface (not a ramp) when, this many pixels past the edge, its inverse depth has
#: fallen by less than SURFACE_FRACTION of the jump at the edge.
SURFACE_PX = 4.0
SURFACE_FRACTION = 0.25
#: A ramp is stretched only where the standard deviation of its colours' luma along the edge (5x5 box
#: of such pixels) is below this.
RAMP_MAX_STD = 0.03
#: Colour is read this many pixels past the far-side pixel, away from the band pixel (past mixed pixels).
COLOUR_INSET_PX = 2.0
#: Half-size (pixels) of the box over which nested depths and colours are averaged (nested pixels only).
SMOOTH_PX = 2


def far_side(q: np.ndarray, *, step: float) -> np.ndarray:
    """bool (H, W): the far side of each depth edge: pixels with a neighbour (3x3) nearer than themselves
    by more than ``step``, a rise that also stands out by ``step`` from the rises around it (a slope's
    rises are all alike: at a large parallax a gentle slope rises by more than ``step`` from pixel to
    pixel), from the foot of the edge (the pixel drops to its farthest neighbour by less than half its
    rise; a pixel half-way up an edge's ramp rises and drops alike). Without these, a band pixel by a
    nested edge found its own slope or the ramp as its far side, neither farther by NESTED_GAP, and the
    gap behind the edge showed the wall: the astronaut's helmet ring in dolly_zoom, whose inner edge is a
    ramp two pixels wide."""
    box = np.ones((3, 3), np.uint8)
    rise = cv2.dilate(q, box) - q
    drop = q - cv2.erode(q, box)
    return (rise > step) & (excess(rise) > step) & (drop < 0.5 * rise)


def behind_nested_edges(
    image: np.ndarray, q: np.ndarray, band: np.ndarray, q_back: np.ndarray, *, step: float, gain: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(ys, xs, depth, colour, forward)``: the band pixels that lie behind a nested edge, and for each the
    inverse depth (N,) and colour (N, 3) of the surface behind it, and whether that depth comes forward
    from the background estimate's (N,) bool (elsewhere ``depth`` is the estimate's and only the colour
    changes). Empty arrays when there is none.

    ``image`` float32 (H, W, 3), ``q`` the photo's inverse depth, ``band`` the background layer's pixels,
    ``q_back`` the background estimate there, ``step`` the smallest inverse-depth jump that is an edge,
    ``gain`` the path's parallax in pixels per unit of inverse depth.
    """
    none = (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0, np.float32), np.zeros((0, 3), np.float32),
            np.zeros(0, bool))
    seeds = far_side(q, step=step)
    if not seeds.any() or not band.any():
        return none
    distance, labels = cv2.distanceTransformWithLabels((~seeds).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_5,
                                                labelType=cv2.DIST_LABEL_PIXEL)  # fmt: skip
    seed_y, seed_x = np.nonzero(seeds)  # label n is the n-th seed in raster order
    ys, xs = np.nonzero(band)
    nearest = labels[ys, xs] - 1
    q_seed = q[seed_y[nearest], seed_x[nearest]]
    q_here, q_far = q[ys, xs], q_back[ys, xs]
    # the nearest far side lies behind this pixel (not before it), by a real step: a far side within
    # NESTED_GAP of the way down to the background is the pixel's own surface sloping away (a shoulder's
    # curve next to its silhouette), and pulling the layer forward to it stretches the subject's colour
    # across what the camera reveals beside the silhouette
    farther = q_seed < q_here - np.maximum(step, NESTED_GAP * (q_here - q_far))
    # an intermediate surface stands clearly before the background estimate, and counts only as far from
    # its edge as that edge's own parallax can open a gap (farther in, only a larger edge can uncover the
    # pixel, and behind that lies the background)
    within = distance[ys, xs] <= REACH_MARGIN * gain * (q_here - q_seed) + 1.0
    before = q_seed - q_far > INTERMEDIATE_FRACTION * (q_here - q_far)
    intermediate = before & within
    chosen = farther & (intermediate | (distance[ys, xs] <= NEAR_PX))
    if not chosen.any():
        return none
    ys, xs, q_here, q_seed = ys[chosen], xs[chosen], q_here[chosen], q_seed[chosen]
    intermediate, before = intermediate[chosen], before[chosen]
    sy, sx = seed_y[nearest[chosen]], seed_x[nearest[chosen]]
    colour = _colour_past(image, ys, xs, sy, sx)
    # a surface goes on past the edge at its depth; a pixel on the soft ramp of an estimated edge does
    # not (the depth keeps falling beyond it). A ramp is stretched only where its colours are smooth along
    # the edge (a subject's blurred rim: a soft halo); stretched, a textured one (hair against a wall)
    # streaks, so there the exemplar fill stays
    py, px = (np.rint(v).astype(np.intp) for v in _beyond(ys, xs, sy, sx, SURFACE_PX, q.shape))
    ramp = intermediate & (q_seed - q[py, px] >= SURFACE_FRACTION * (q_here - q_seed))
    if ramp.any():
        luma = colour @ np.array([0.299, 0.587, 0.114], np.float32)
        moments = _smoothed(np.stack([luma, luma * luma], axis=1)[ramp], ys[ramp], xs[ramp])
        spread = np.sqrt(np.maximum(moments[:, 1] - moments[:, 0] ** 2, 0.0))
        keep = np.ones(len(ys), bool)
        keep[np.flatnonzero(ramp)[spread > RAMP_MAX_STD]] = False
        ys, xs, sy, sx, colour = ys[keep], xs[keep], sy[keep], sx[keep], colour[keep]
        intermediate, before = intermediate[keep], before[keep]
    # the depth moves forward only where such pixels are dense (see _dense); elsewhere the background
    # estimate's own, smooth depth
    forward = intermediate & _dense(ys[intermediate], xs[intermediate], q.shape)[ys, xs]
    # a surface before the background lends its colour only where its depth goes too: painted at the
    # background's depth (a lone pixel the density rule keeps back, or one within NEAR_PX but beyond the
    # surface's own reach), it stays on the wall when the subject moves, a dark speck beside the
    # astronaut's hair
    same = forward | ~before
    if not same.any():
        return none
    ys, xs, sy, sx, colour, forward = ys[same], xs[same], sy[same], sx[same], colour[same], forward[same]
    # each kind smoothed among its own: averaged with a pixel that keeps the background's depth, a pixel
    # brought forward landed between its surface and the wall (the astronaut's suit, at 0.44 instead of
    # the fold's 0.63, an orange blotch on the wall beside the shoulder), and the pixels at the
    # background's depth took the colour of the surface in front (a brown outline where her hair was)
    depth = q_back[ys, xs].astype(np.float32)
    if forward.any():
        depth[forward] = _smoothed(q[sy[forward], sx[forward]][:, None], ys[forward], xs[forward])[:, 0]
    smoothed = np.empty_like(colour)
    for kind in (forward, ~forward):
        if kind.any():
            smoothed[kind] = _smoothed(colour[kind], ys[kind], xs[kind])
    return ys, xs, depth, smoothed, forward


def _smoothed(values: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """``values`` (N, C) of the pixels (ys, xs), each averaged with the others in its (2 SMOOTH_PX + 1)^2
    box: a stretched strip shows the far side's tone, not streaks of its single pixels, and its depth is
    smooth enough for the mesh to merge it into large quads."""
    pad = SMOOTH_PX
    y0, x0 = int(ys.min()) - pad, int(xs.min()) - pad
    cy, cx = ys - y0, xs - x0
    shape = (int(cy.max()) + pad + 1, int(cx.max()) + pad + 1)
    total = np.zeros(shape + (values.shape[1],), np.float32)
    count = np.zeros(shape, np.float32)
    total[cy, cx] = values
    count[cy, cx] = 1.0
    box = (2 * SMOOTH_PX + 1, 2 * SMOOTH_PX + 1)
    total = cv2.blur(total, box, borderType=cv2.BORDER_CONSTANT).reshape(total.shape)  # keeps a single channel
    count = cv2.blur(count, box, borderType=cv2.BORDER_CONSTANT)
    return total[cy, cx] / np.maximum(count[cy, cx], np.float32(1e-6))[:, None]


def _dense(ys: np.ndarray, xs: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """bool (H, W): where the pixels (ys, xs) fill at least DENSE_SHARE of the box of DENSE_PX around.

    A lone pixel pulled forward to an intermediate depth would be a spike in the background layer's
    mesh, which a camera move stretches into a streak (seen on the astronaut's hair with dolly_zoom); a
    part of a subject behind another is a strip several pixels wide."""
    mask = np.zeros(shape, np.float32)
    mask[ys, xs] = 1.0
    size = 2 * DENSE_PX + 1
    return cv2.blur(mask, (size, size), borderType=cv2.BORDER_CONSTANT) >= DENSE_SHARE


def _beyond(ys: np.ndarray, xs: np.ndarray, sy: np.ndarray, sx: np.ndarray, distance_px: float,
            shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """float32 (y, x) of the points ``distance_px`` beyond each seed (sy, sx), on the ray from the band
    pixel (ys, xs) through it, clamped to ``shape``."""
    dy, dx = (sy - ys).astype(np.float32), (sx - xs).astype(np.float32)
    scale = np.float32(distance_px) / np.maximum(np.hypot(dy, dx), np.float32(1e-6))
    return np.clip(sy + dy * scale, 0, shape[0] - 1), np.clip(sx + dx * scale, 0, shape[1] - 1)


def _colour_past(image: np.ndarray, ys: np.ndarray, xs: np.ndarray, sy: np.ndarray, sx: np.ndarray) -> np.ndarray:
    """(N, 3) colours sampled bilinearly COLOUR_INSET_PX beyond each seed (sy, sx), away from (ys, xs)."""
    y, x = _beyond(ys, xs, sy, sx, COLOUR_INSET_PX, image.shape[:2])
    n = len(ys)
    rows = -(-n // _REMAP_ROW)
    map_x = np.zeros(rows * _REMAP_ROW, np.float32)  # cv2.remap takes maps of at most 32767 a side
    map_y = np.zeros(rows * _REMAP_ROW, np.float32)
    map_x[:n], map_y[:n] = x, y
    sampled = cv2.remap(image, map_x.reshape(rows, _REMAP_ROW), map_y.reshape(rows, _REMAP_ROW), cv2.INTER_LINEAR,
                        borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    return sampled.reshape(-1, image.shape[2])[:n]


_REMAP_ROW = 4096
