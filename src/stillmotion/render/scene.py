"""The pseudo-3D scene built once per shot from a photo and its inverse depth.

The layers share one texture atlas (photo | background fill | nested surfaces):
- the photo's own surface, a pixel-grid mesh torn at depth discontinuities;
- a background layer behind every depth edge, within the widest gap the shot's camera path can open:
  the background's depth is extended under the near side of the edge and its colour filled from the
  background side (3D Photo Inpainting's idea, done once per shot so the fill never flickers);
- where one part of a subject stands before another, a nested layer between the two: the farther part
  going on behind the nearer one (:mod:`.nested`), torn from the background layer behind it.
"""

from __future__ import annotations

import functools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np

from ..imageops import shrunk_size
from ..io.image import to_uint8
from ..types import Intrinsics
from .band import disocclusion_band, excess
from .depth_prep import grow_fill
from .fill import fill_background_colour
from .mesh import Mesh, build_mesh
from .nested import behind_nested_edges
from .sampling import pair_bounds
from .soft_edges import cell_max, concentrated, range_radius, sharp_cells

log = logging.getLogger(__name__)

#: A triangle tears when the camera path could stretch it by more than this many pixels.
TEAR_PX = 1.0
#: A block is drawn as one large quad when that moves no point by more than this (pixels).
MERGE_PX = 0.3
#: The background layer sits this much farther (relative) so the photo's own surface wins ties.
BACKGROUND_ZBIAS = 1.02
#: The background layer tears only at jumps this many times larger than the photo's surface does.
BACKGROUND_TEAR_FACTOR = 4.0
#: The fill copies only from what lies outside the widened band. When less than this share of the photo is
#: left there, the background layer keeps the photo's own colours instead (see :func:`_fill_colour`).
MIN_FILL_SOURCE_SHARE = 0.1


@dataclass(frozen=True)
class Layer:
    """One mesh of the scene. Frames may be rendered on several threads at once: scratch space is per thread."""

    #: (m, 3) float32 world points of the vertices the mesh draws, side by side in draw-list order
    #: (:meth:`Mesh.gather <stillmotion.render.mesh.Mesh.gather>`: projected from the whole (H, W, 3) grid,
    #: every frame missed the cache; and the grid is not kept)
    points: np.ndarray
    mesh: Mesh  # what is drawn: the quads and the vertices they use (stillmotion.render.mesh)
    u_offset: float  # where this layer's texture starts in the atlas
    zbias: float

    @functools.cached_property
    def _scratch(self) -> threading.local:
        return threading.local()

    @property
    def drawn(self) -> tuple[np.ndarray, np.ndarray]:
        """``points`` and (m, 3) float32 scratch for their projections, kept between the frames of one
        thread."""
        scratch = self._scratch
        if getattr(scratch, "projected", None) is None:
            scratch.projected = np.empty_like(self.points)
        return self.points, scratch.projected


@dataclass(frozen=True)
class Scene:
    """The layers and their atlas. Frames may be rendered on several threads at once (scratch is per thread)."""

    atlas: np.ndarray  # (H, W * n_layers, 3) float32 RGB (uint8 only in a scene rendered with dtype=np.uint8)
    layers: tuple[Layer, ...]
    intrinsics: Intrinsics  # the photo's camera at the scene's resolution
    inverse_depth: np.ndarray  # (H, W) float32, q = 1/z of the photo's surface

    @functools.cached_property
    def nearest_q(self) -> float:
        """The largest inverse depth of the photo's surface (the renderer's near plane follows it)."""
        return float(self.inverse_depth.max())

    @functools.cached_property
    def atlas_uint8(self) -> np.ndarray:
        """The atlas rounded to 8 bits, for frames rendered straight to an 8-bit clip."""
        return to_uint8(self.atlas)

    @functools.cached_property
    def atlas_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The clamp of the atlas sampled with a sharp kernel (:func:`.sampling.pair_bounds`), once per
        scene rather than once per frame (Deforum's classical repair renders every frame from one)."""
        return pair_bounds(self.atlas)

    @functools.cached_property
    def _scratch(self) -> threading.local:
        return threading.local()

    def source_maps(self, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Scratch (H, W) float32 maps of where each output pixel comes from in the atlas, kept between
        the frames of one thread (the renderer overwrites every pixel it draws; the others are filled after
        sampling)."""
        maps = self._scratch.__dict__.setdefault("maps", {})
        if (height, width) not in maps:
            maps[(height, width)] = (np.zeros((height, width), np.float32), np.zeros((height, width), np.float32))
        return maps[(height, width)]

    @property
    def shape(self) -> tuple[int, int]:
        return self.inverse_depth.shape  # type: ignore[return-value]


def unproject(q: np.ndarray, intrinsics: Intrinsics) -> np.ndarray:
    """(H, W, 3) float32 camera-space points of every pixel centre at depth z = 1/q."""
    h, w = q.shape
    z = 1.0 / q
    xs = (np.arange(w, dtype=np.float32) - np.float32(intrinsics.cx)) / np.float32(intrinsics.fx)
    ys = (np.arange(h, dtype=np.float32) - np.float32(intrinsics.cy)) / np.float32(intrinsics.fy)
    points = np.empty((h, w, 3), np.float32)
    points[:, :, 0] = xs[None, :] * z
    points[:, :, 1] = ys[:, None] * z
    points[:, :, 2] = z
    return points


def triangle_ranges(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(H-1, W-1) ranges of ``q`` over each cell's two triangles (see mesh.build_mesh): the upper one
    (top-left, top-right, bottom-left corners) and the lower one (top-right, bottom-right, bottom-left)."""
    a, b, c, d = q[:-1, :-1], q[:-1, 1:], q[1:, :-1], q[1:, 1:]
    upper = np.maximum(np.maximum(a, b), c) - np.minimum(np.minimum(a, b), c)
    lower = np.maximum(np.maximum(b, d), c) - np.minimum(np.minimum(b, d), c)
    return upper, lower


def tear_mask(q: np.ndarray, *, gain: float, image: np.ndarray | None = None) -> np.ndarray:
    """uint8 (H-1, W-1) triangle mask (see mesh.build_mesh): a triangle tears when the camera
    path can stretch it by more than TEAR_PX pixels *and* it spans a discontinuity, not a steep slope.

    With the ``image`` (for estimated depth, whose edges follow the photo's), a step on a soft ramp
    tears only where it is concentrated or the photo has a sharp edge (:mod:`.soft_edges`)."""
    upper, lower = triangle_ranges(q)
    limit = TEAR_PX / gain
    torn_upper = (upper > limit) & (excess(upper) > limit)
    torn_lower = (lower > limit) & (excess(lower) > limit)
    if image is not None and (torn_upper.any() or torn_lower.any()):
        sharp = sharp_cells(image)
        steep_upper, steep_lower = concentrated(q, upper, lower, radius=range_radius(q.shape))
        torn_upper &= steep_upper | sharp
        torn_lower &= steep_lower | sharp
    return ((~torn_upper).astype(np.uint8) | ((~torn_lower).astype(np.uint8) << 1)).astype(np.uint8)


def background_depth(q: np.ndarray, wide: np.ndarray) -> np.ndarray:
    """A smooth extension of the background's inverse depth under the foreground region ``wide``.

    Filled inwards from the pixels outside ``wide`` (the far side; the near side's own pixels are far
    enough inside ``wide`` to arrive last), at a reduced resolution since the result is smooth.
    """
    h, w = q.shape
    (sw, sh), _ = shrunk_size(q.shape, 512.0, min_side=2)
    q_small = cv2.resize(q, (sw, sh), interpolation=cv2.INTER_AREA)
    known = cv2.resize((~wide).astype(np.uint8), (sw, sh), interpolation=cv2.INTER_AREA) == 1
    filled = grow_fill(q_small, known)
    filled = cv2.GaussianBlur(filled, (0, 0), 1.5)
    return cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR)


def _layer(q: np.ndarray, keep: np.ndarray, intrinsics: Intrinsics, *, gain: float, u_offset: float,
           zbias: float) -> Layer:  # fmt: skip
    """A mesh layer; flat blocks (off by at most MERGE_PX of parallax) are drawn as large quads."""
    tolerance = min(MERGE_PX / gain, 0.01 * float(q.max()))
    q_mesh, mesh = build_mesh(q, keep, tolerance=tolerance)
    return Layer(mesh.gather(unproject(q_mesh, intrinsics)), mesh, u_offset, zbias)


def build_scene(
    image: np.ndarray,
    q: np.ndarray,
    intrinsics: Intrinsics,
    *,
    parallax_gain_px: float,
    background: bool = True,
    fill_backend: str | None = "patch",
    estimated: bool = False,
) -> Scene:
    """Build the layered scene.

    ``parallax_gain_px`` is how many output pixels one unit of inverse depth moves at most over the whole
    camera path (see :func:`stillmotion.render.overscan.parallax_gain`): it decides where the surface must
    tear and how wide the background layer must reach. ``fill_backend`` names the inpaint backend that
    fills the background layer's colour (None: a smooth Telea fill). ``estimated``: the depth is a
    monocular estimate, whose soft ramps at blurred edges stretch rather than tear (see :func:`tear_mask`).
    """
    h, w = q.shape
    gain = max(parallax_gain_px, 1e-6)
    guide = image if estimated else None
    if not background:
        return Scene(image, (_front_layer(q, intrinsics, gain, guide),), intrinsics, q)
    # the photo's own layer is built on a second thread while this one builds the background (the work
    # is mostly OpenCV, NumPy and numba code that releases the GIL)
    with ThreadPoolExecutor(max_workers=1) as pool:
        front = pool.submit(_front_layer, q, intrinsics, gain, guide)
        back, atlas = _background(image, q, intrinsics, gain, fill_backend)
    return Scene(atlas, (front.result(), *back), intrinsics, q)


def _front_layer(q: np.ndarray, intrinsics: Intrinsics, gain: float, image: np.ndarray | None) -> Layer:
    return _layer(q, tear_mask(q, gain=gain, image=image), intrinsics, gain=gain, u_offset=0.0, zbias=1.0)


def _background(image: np.ndarray, q: np.ndarray, intrinsics: Intrinsics, gain: float,
                fill_backend: str | None) -> tuple[tuple[Layer, ...], np.ndarray]:  # fmt: skip
    """The layers behind the photo's surface (none if the photo has no depth edge) and the texture atlas:
    the background layer behind every depth edge, and the nested layer where one part of a subject stands
    before another (see :func:`_nested_layer`)."""
    h, w = q.shape
    q_range = float(q.max() - q.min())
    reach = int(np.ceil(min(gain * q_range * 1.1 + 2, 0.25 * max(h, w))))
    band = disocclusion_band(q, gain=gain, reach=reach, tear_px=TEAR_PX)
    if not band.any():
        return (), image
    wide = disocclusion_band(q, gain=2.0 * gain, reach=2 * reach, tear_px=TEAR_PX) | band
    q_back = np.where(band, np.minimum(background_depth(q, wide), q), q).astype(np.float32)
    with ThreadPoolExecutor(max_workers=1) as pool:  # mostly OpenCV: runs beside the fill
        nested = pool.submit(behind_nested_edges, image, q, band, q_back, step=TEAR_PX / gain, gain=gain)
        colour = _fill_colour(image, band, wide, q=q, q_back=q_back, backend=fill_backend)
        ys, xs, q_nested, colour_nested, forward = nested.result()
    # a nested pixel at the background's own depth changes the fill's colour only; one whose depth moves
    # forward belongs to the nested layer, built beside the background layer
    colour[ys[~forward], xs[~forward]] = colour_nested[~forward]
    atlas = [image, colour]
    with ThreadPoolExecutor(max_workers=1) as pool:
        nested_layer = None
        if forward.any():
            nested_layer = pool.submit(_nested_layer, image, q, ys[forward], xs[forward], q_nested[forward],
                                       colour_nested[forward], intrinsics, gain=gain, u_offset=float(2 * w))  # fmt: skip
        keep = tear_mask(q_back, gain=gain / BACKGROUND_TEAR_FACTOR)  # the fill may stretch a little more
        region = cv2.dilate(band.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        keep &= (region[:-1, :-1] & region[:-1, 1:] & region[1:, :-1] & region[1:, 1:]).astype(np.uint8) * 3
        layers = (_layer(q_back, keep, intrinsics, gain=gain, u_offset=float(w), zbias=BACKGROUND_ZBIAS),)
        if nested_layer is not None:
            layer, texture = nested_layer.result()
            layers, atlas = layers + (layer,), atlas + [texture]
    log.debug("scene: %dx%d, background reach %d px, band %.1f%%", w, h, reach, 100 * band.mean())
    return layers, np.concatenate(atlas, axis=1)


def _fill_colour(image: np.ndarray, band: np.ndarray, wide: np.ndarray, *, q: np.ndarray, q_back: np.ndarray,
                 backend: str | None) -> np.ndarray:  # fmt: skip
    """The background layer's colour: the band filled from the far side of its edges
    (:func:`~stillmotion.render.fill.fill_background_colour`) while enough of the photo lies outside the
    widened band to copy from; otherwise the photo's own colours.

    A path whose parallax reaches across the whole photo puts nearly all of it in the band: Deforum's 3D
    example on the stream photo (a forward and sideways flight) left 2% outside ``wide``, the sky and the
    mountain's rock, and the background's depth, carried in from there, was the sky's. The fill then
    painted the ground, the bank and the bushes' foot with grey-violet rock and sky, seen wherever the
    flight uncovered them (uncovered ground 6-10 Lab b* bluer and 5-8 L darker than the ground around it).
    Behind its own pixels the photo's colours are those of the scene there: a revealed gap shows the
    texture on either side of its edge, stretched as a warp would, never a colour the place does not have.
    """
    if (~wide).mean() < MIN_FILL_SOURCE_SHARE:
        log.debug("scene: %.1f%% of the photo outside the background band, too little to fill it from: "
                  "the background layer keeps the photo's colours", 100 * (~wide).mean())  # fmt: skip
        return image.copy()
    return fill_background_colour(image, band, wide, q=q, q_back=q_back, backend=backend)


def _nested_layer(image: np.ndarray, q: np.ndarray, ys: np.ndarray, xs: np.ndarray, depth: np.ndarray,
                  colour: np.ndarray, intrinsics: Intrinsics, *, gain: float,
                  u_offset: float) -> tuple[Layer, np.ndarray]:  # fmt: skip
    """The farther part of a subject going on behind a nearer part (:mod:`.nested`): a layer of its own,
    and its texture (H, W, 3).

    The pixels (ys, xs) take the farther part's ``depth`` and ``colour``. The layer draws the triangles
    that touch them, joined to the photo's own pixels around them where the depth goes on within the
    background layer's tear limit (the farther part itself: no crack opens between it and its
    continuation), torn from everything else. In the background layer, such a strip was joined to the fill
    at the background's depth around it: a skirt that a camera move stretched, and that covered the fill
    wherever it came nearer, across what the move revealed beside the subject (streaks of the astronaut's
    helmet ring over the wall in dolly_zoom). Here the background layer stays whole under the strip, so
    nothing is torn open either.
    """
    q_nested = q.copy()
    q_nested[ys, xs] = depth
    texture = image.copy()
    texture[ys, xs] = colour
    mine = np.zeros(q.shape, np.uint8)
    mine[ys, xs] = 1
    touching = cell_max(mine).view(bool)
    # a plain jump test: the layer is small, and the background layer lies under any tear
    limit = BACKGROUND_TEAR_FACTOR * TEAR_PX / gain
    upper, lower = triangle_ranges(q_nested)
    keep = ((upper <= limit) & touching).view(np.uint8) | (((lower <= limit) & touching).view(np.uint8) << 1)
    return _layer(q_nested, keep, intrinsics, gain=gain, u_offset=u_offset, zbias=BACKGROUND_ZBIAS), texture
