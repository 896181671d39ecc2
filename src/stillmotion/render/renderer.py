"""Render one frame of a :class:`~stillmotion.render.scene.Scene` for a camera state."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..types import CameraState, Intrinsics
from .antialias import TEAR_SPREAD_PX, smooth_silhouettes
from .cracks import fill_cracks
from .pixels import scan_frame
from .rasterize import rasterize_mesh
from .sampling import sample_atlas
from .scene import Scene

#: Points nearer than this fraction of the scene's nearest depth are clipped (the near plane).
NEAR_FRACTION = 0.05
_NO_COVER = np.zeros((1, 1), np.uint8)  # the photo's layer draws everywhere


@dataclass(frozen=True)
class RenderResult:
    image: np.ndarray  # (H, W, 3) float32 RGB (uint8 when rendered with dtype=np.uint8)
    inverse_depth: np.ndarray  # (H, W) float32, 1/z of what each pixel shows
    #: (H, W) bool: pixels no surface covered (filled in ``image``), but for the seams under 3 px wide
    #: that a scene with background layers leaves to the crack fill on purpose
    holes: np.ndarray


def frame_intrinsics(base: Intrinsics, state: CameraState) -> Intrinsics:
    """The output camera for one frame: the shot's framing times the frame's focal scale."""
    s = state.focal_scale
    return Intrinsics(base.fx * s, base.fy * s, base.cx, base.cy, base.width, base.height)


def render(scene: Scene, state: CameraState, out: Intrinsics, *, dtype=np.float32,
           interpolation: int = cv2.INTER_LINEAR,
           seen_rows: tuple[int, int] | None = None) -> RenderResult:  # fmt: skip
    """Rasterise the photo's layer, then the layers behind it through its holes, and sample colours
    from the atlas, bilinearly unless ``interpolation`` names a sharper OpenCV kernel
    (:func:`~stillmotion.render.sampling.sample_atlas`; Deforum's classical repair). ``dtype`` np.uint8
    samples the 8-bit atlas (for clips written as they are rendered: the same frame as the float one,
    rounded, at a fraction of the cost). ``seen_rows``: the rows (first, one past the last) that letterbox
    bars leave visible; holes outside them are not filled but take the colour and depth of the nearest
    seen row in their column (a shot framed for its bars may show beyond the photo's edge under them,
    and filling that was most of a frame's time)."""
    cam = frame_intrinsics(out, state)
    pose = state.world_from_camera()
    rot_t = np.ascontiguousarray(pose[:3, :3].T)
    centre = np.ascontiguousarray(pose[:3, 3])
    near = NEAR_FRACTION / scene.nearest_q
    inverse = np.zeros((out.height, out.width), np.float32)
    map_u, map_v = scene.source_maps(out.height, out.width)
    cover = _NO_COVER
    for index, layer in enumerate(scene.layers):
        if index == 1:  # the background layers show only through the holes of the photo's own surface
            cover = _wide_holes_only(inverse)
        points, projected = layer.drawn
        rasterize_mesh(points, layer.mesh.corners, layer.mesh.quads, rot_t, centre, cam.fx, cam.fy, cam.cx, cam.cy,
                       near, layer.u_offset, 1.0 / layer.zbias, inverse, map_u, map_v, index > 0, cover,
                       projected)  # fmt: skip
    pixels = scan_frame(map_u, map_v, inverse, tear_px=TEAR_SPREAD_PX)
    atlas = scene.atlas_uint8 if np.dtype(dtype) == np.uint8 else scene.atlas
    sharp_float = interpolation != cv2.INTER_LINEAR and atlas is scene.atlas
    image = sample_atlas(atlas, map_u, map_v, interpolation=interpolation,
                         bounds=scene.atlas_bounds if sharp_float else None)  # fmt: skip
    smooth_silhouettes(image, pixels.tear_pixels, inverse)
    hole_pixels = pixels.hole_pixels
    if seen_rows is not None:
        hidden = (hole_pixels[0] < seen_rows[0]) | (hole_pixels[0] >= seen_rows[1])
        hidden_pixels = (hole_pixels[0][hidden], hole_pixels[1][hidden])
        hole_pixels = (hole_pixels[0][~hidden], hole_pixels[1][~hidden])
    ys, xs = fill_cracks(image, inverse, hole_pixels)
    # a crack is a seam between two surfaces: its pixels end as the mean of both sides around them, like
    # the torn edge's own pixels (at the shot's first pose, the photo's anti-aliased outline)
    hy, hx = hole_pixels
    filled = inverse[hy, hx] > 0.0
    smooth_silhouettes(image, (hy[filled], hx[filled]), inverse)
    if ys.size:
        remaining = np.zeros(inverse.shape, bool)
        remaining[ys, xs] = True
        image, inverse = _fill_holes(image, inverse, remaining)
    if seen_rows is not None and hidden_pixels[0].size:
        _copy_nearest_seen_row(image, inverse, hidden_pixels, seen_rows)
    # the seams left out of the background layers are filled from the surfaces around them, as the layers
    # filled them before: they are not holes any layer should have covered
    holes = pixels.holes if cover is _NO_COVER else pixels.holes & (cover == 0)
    return RenderResult(image, inverse, holes)


def _wide_holes_only(inverse: np.ndarray) -> np.ndarray:
    """uint8 (H, W) cover for the background layers: 1 except in the holes of the photo's own surface
    that are at least three pixels wide. A narrower hole is the seam of a tear (along every torn edge,
    even before the camera moves) or a crack; it is filled from the surfaces around it
    (:func:`stillmotion.render.cracks.fill_cracks`, then averaged with both sides), which are the edge's
    own two sides. Through such a seam the background layer showed what lies behind the far side (a
    subject on the ground in front of a wall: the wall's fill behind the ground), as a dotted outline of
    the wrong colour (DAVIS: tan dots along the dancer's jeans over the gravel, from the first frame)."""
    holes = (inverse <= 0.0).view(np.uint8)
    return 1 - cv2.morphologyEx(holes, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))


def _copy_nearest_seen_row(image: np.ndarray, inverse: np.ndarray, pixels: tuple[np.ndarray, np.ndarray],
                           seen_rows: tuple[int, int]) -> None:  # fmt: skip
    """Give ``pixels`` (rows, columns outside ``seen_rows``), in place, the colour and depth of the seen row
    nearest to them in their column."""
    ys, xs = pixels
    first, last = seen_rows[0], max(seen_rows[0], seen_rows[1] - 1)
    source = np.where(ys < first, first, last)
    image[ys, xs] = image[source, xs]
    inverse[ys, xs] = inverse[source, xs]


def _fill_holes(image: np.ndarray, inverse: np.ndarray, holes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Last-resort fill of holes wider than a crack (rare: the background layer covers disocclusions),
    done on the holes' bounding box only."""
    rows = np.flatnonzero(holes.any(axis=1))
    cols = np.flatnonzero(holes.any(axis=0))
    pad = 8
    y0, y1 = max(0, rows[0] - pad), min(holes.shape[0], rows[-1] + pad + 1)
    x0, x1 = max(0, cols[0] - pad), min(holes.shape[1], cols[-1] + pad + 1)
    image, inverse = image.copy(), inverse.copy()
    image[y0:y1, x0:x1], inverse[y0:y1, x0:x1] = _fill_region(image[y0:y1, x0:x1], inverse[y0:y1, x0:x1],
                                                              holes[y0:y1, x0:x1])  # fmt: skip
    return image, inverse


def _fill_region(image: np.ndarray, inverse: np.ndarray, holes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mask = holes.astype(np.uint8)
    img8 = image if image.dtype == np.uint8 else (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)
    filled = cv2.inpaint(img8, mask, 3, cv2.INPAINT_TELEA)
    if image.dtype != np.uint8:
        filled = filled.astype(np.float32) / 255.0
    image = np.where(holes[:, :, None], filled, image)
    # depth: what a hole reveals is background, so each hole takes the farthest depth around its rim
    count, labels = cv2.connectedComponents(holes.astype(np.uint8), connectivity=8)
    rim_labels = cv2.dilate(labels.astype(np.float32), np.ones((3, 3), np.uint8)).astype(np.int64)
    rim = ~holes & (rim_labels > 0)
    farthest = np.full(count, np.inf)
    np.minimum.at(farthest, rim_labels[rim], inverse[rim])
    farthest[~np.isfinite(farthest)] = 0.0  # a hole with no covered rim stays unknown
    inverse = np.where(holes, farthest[labels].astype(np.float32), inverse)
    return image, inverse
