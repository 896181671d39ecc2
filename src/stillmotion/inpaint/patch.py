"""The ``patch`` backend: multi-scale exemplar synthesis with a PatchMatch field ranked by cosine
similarity of patch embeddings (Wexler-style expectation-maximisation: search, then vote).

Coarse to fine: the photo and its hole are halved until the hole is a few patches thick; the coarsest
hole starts from a smooth (Telea) guess; at every level the nearest-neighbour field is improved by
propagation and random search, the hole is re-synthesised by voting, and the field is upsampled to
seed the next level. Large structures are therefore settled where they are small, and texture detail is
added at full resolution. Levels above ``vote_only_pixels`` are not searched: the field of the level
below is upsampled and voted (every other overlapping patch), which keeps 1080p fast.

The synthesis runs on RGB plus a fourth channel, the texture energy measured once at full resolution
(:func:`.descriptor.texture_energy`) and carried down the pyramid and copied by the votes: halved a few
times, pebbles and water (or foliage and its blur) look alike, and without it the coarse search fills a
rough region with the photo's smoothest texture, which no finer level can undo.

Depth-aware use (see :mod:`.depth_aware`) passes ``exclude`` (foreground pixels that are neither source
nor context) and per-pixel inverse-depth limits, so a hole copies only from surfaces at least as far as
the background that borders it.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from ..types import ProgressCallback, no_progress
from . import patchmatch as pm
from .descriptor import DescriptorWeights, pixel_features, texture_energy
from .onion import onion_peel
from .pyramid import halve_known

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PatchOptions:
    """Settings of the patch backend."""

    patch_size: int = 7
    #: EM rounds (search + vote) per level
    em_rounds: int = 2
    #: the coarsest hole starts as a smooth Telea fill ("smooth"), from the values the image holds there
    #: ("given"), or by onion peeling ("peel": ring by ring from the rim, each ring copied from the
    #: patches that best match what is known; for outpainting, see :mod:`.onion`)
    start: str = "smooth"
    #: thickness of one onion-peel ring (pixels of the coarsest level)
    peel_ring_px: int = 1
    #: copy only from patches within this many pixels (each axis, full resolution) of the target; 0 = anywhere
    source_reach_px: int = 0
    #: EM rounds at the coarsest level grow with the hole's thickness up to this
    max_coarse_rounds: int = 4
    #: PatchMatch sweeps in the first EM round at the coarsest level, and in every other round (levels
    #: of at most ``stride_pixels`` pixels get two more in the first round and one more in the others)
    coarse_sweeps: int = 4
    sweeps: int = 1
    #: random-search window (pixels) at the levels after the coarsest
    refine_radius_px: int = 8
    #: levels with more pixels than this only refine the upsampled field: one EM round, one sweep,
    #: a small search window and every other pixel of a patch (speed at 1080p)
    detail_pixels: int = 400_000
    detail_radius_px: int = 2
    #: levels with more pixels than this are not searched: the field of the level below is upsampled
    #: and voted (full-resolution pixels, structure settled at half resolution)
    vote_only_pixels: int = 400_000
    #: levels with more pixels than this compare every other pixel of a patch
    stride_pixels: int = 100_000
    #: the coarsest level keeps at least this many pixels on its short side
    coarsest_side_px: int = 160
    #: photos of more pixels than this (720p and up) settle their structure one level coarser (short
    #: side >= ``large_coarsest_side_px``) and compare every other pixel of a patch at every level,
    #: without the small levels' extra sweeps: the level above refines it anyway
    large_pixels: int = 500_000
    large_coarsest_side_px: int = 120
    #: a hole pixel d pixels deep weighs confidence_decay**d in the patch embeddings (known pixels: 1)
    confidence_decay: float = 0.8
    #: votes are weighted by exp(-(1 - cosine similarity) / (vote_spread * its 75th percentile))
    vote_spread: float = 0.1
    seed: int = 0
    #: optional neural embeddings (``neural`` extra): a local DINO/DINOv2/CLIP directory or cached repo id
    embedding_model: str | None = None
    #: weight and number of principal components of the neural part of the embedding
    embedding_weight: float = 0.5
    embedding_dims: int = 8
    descriptor: DescriptorWeights = field(default_factory=DescriptorWeights)


@dataclass
class _Level:
    image: np.ndarray
    hole: np.ndarray
    exclude: np.ndarray
    inv_depth: np.ndarray | None
    limit: np.ndarray | None


def _halve_any(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A boolean mask halved: a coarse pixel is set when any of its fine pixels is."""
    return cv2.resize(mask.view(np.uint8) * np.uint8(255), size, interpolation=cv2.INTER_AREA) > 0


def _downsample(level: _Level, keep_hole_values: bool = False, texture: np.ndarray | None = None) -> _Level:
    """The level halved (known pixels averaged without the hole's values); ``texture`` (full resolution)
    is halved too and becomes a fourth channel of the image."""
    h, w = level.hole.shape
    size = ((w + 1) // 2, (h + 1) // 2)
    known = ~level.hole & ~level.exclude
    hole = _halve_any(level.hole, size)
    exclude = _halve_any(level.exclude, size) & ~hole
    image = halve_known(np.ascontiguousarray(level.image, dtype=np.float32), known, keep_hole_values)
    if texture is not None:
        halved = halve_known(np.ascontiguousarray(texture, dtype=np.float32)[:, :, None], known, keep_hole_values)
        image = np.concatenate([image, halved], axis=2)
    inv = limit = None
    if level.inv_depth is not None:
        inv = cv2.resize(level.inv_depth, size, interpolation=cv2.INTER_AREA)
        limit = cv2.resize(level.limit, size, interpolation=cv2.INTER_AREA)
    return _Level(image, hole, exclude, inv, limit)


def _paste(base: np.ndarray, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A float32 copy of ``base`` with ``values`` where ``mask`` is set (OpenCV's masked copy: much
    faster than ``np.where`` at 1080p)."""
    out = np.array(base, dtype=np.float32, order="C", copy=True)
    src = np.ascontiguousarray(values, dtype=np.float32)
    if out.shape[2] <= 4:
        cv2.copyTo(src, mask.view(np.uint8), out)
    else:
        out[mask] = src[mask]
    return out


def _smooth_guess(image: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    """A smooth start for the hole: OpenCV Telea on 8-bit copies (one call for the colour, one for the
    texture channel; a start guess needs no more than 1/255 precision)."""
    mask = unknown.astype(np.uint8)
    out = image.astype(np.float32, copy=True)
    for lo, hi in ((0, 3), (3, image.shape[2])):
        if hi <= lo:
            continue
        part = (np.clip(image[:, :, lo:hi], 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
        filled = cv2.inpaint(part, mask, 3.0, cv2.INPAINT_TELEA).reshape(part.shape)
        out[:, :, lo:hi] = np.where(unknown[:, :, None], filled.astype(np.float32) / 255.0, image[:, :, lo:hi])
    return out


def _upsample_field(nnf: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A coarse field doubled: each fine pixel points at twice its parent's source plus its own offset."""
    return pm.upsample_field(nnf, shape[0], shape[1])


class PatchInpainter:
    """Callable backend: ``(image, hole, *, exclude, inverse_depth, depth_limit, progress) -> image``."""

    def __init__(self, **options) -> None:
        self.options = PatchOptions(**options)
        if self.options.patch_size < 3 or self.options.patch_size % 2 == 0:
            from ..errors import InputError

            raise InputError(f"patch_size must be an odd number >= 3, got {self.options.patch_size}")
        self.embedding = None
        if self.options.embedding_model:
            from .neural_embedding import NeuralEmbedding

            self.embedding = NeuralEmbedding(self.options.embedding_model, dims=self.options.embedding_dims)

    def _features(self, image: np.ndarray, known: np.ndarray) -> np.ndarray:
        """Embeddings of an RGB + texture-energy image (the fourth channel carried down the pyramid)."""
        feats = pixel_features(image[:, :, :3], known, weights=self.options.descriptor, texture=image[:, :, 3])
        if self.embedding is None:
            return feats
        neural = self.embedding(np.ascontiguousarray(image[:, :, :3])) * np.float32(self.options.embedding_weight)
        return np.ascontiguousarray(np.concatenate([feats, neural], axis=2), dtype=np.float32)

    def _level_count(self, hole: np.ndarray) -> int:
        """Halve while the short side stays above ``coarsest_side_px`` (coarser levels lose the sources
        that make structure); a small photo with a thick hole still gets a second level."""
        o = self.options
        radius = o.patch_size // 2
        short = min(hole.shape)
        side = o.large_coarsest_side_px if hole.size > o.large_pixels else o.coarsest_side_px
        by_size = max(0, int(math.floor(math.log2(short / side)))) + 1
        thickness = float(cv2.distanceTransform(hole.astype(np.uint8), cv2.DIST_L2, 3).max())
        by_hole = 1 + max(0, math.ceil(math.log2(max(thickness, 1.0) / (4 * radius))))
        small = min(2, max(0, int(math.floor(math.log2(short / 32)))) + 1)
        return max(1, by_size, min(small, by_hole))

    def __call__(
        self,
        image: np.ndarray,
        hole: np.ndarray,
        *,
        exclude: np.ndarray | None = None,
        inverse_depth: np.ndarray | None = None,
        depth_limit: np.ndarray | None = None,
        progress: ProgressCallback = no_progress,
    ) -> np.ndarray:
        o = self.options
        radius = o.patch_size // 2
        self._full_width = hole.shape[1]
        self._large = hole.size > o.large_pixels
        exclude = np.zeros_like(hole) if exclude is None else (exclude & ~hole)
        # levels that search run on RGB + the full-resolution texture energy (votes copy it along with
        # colour); a finest level that only votes needs no fourth channel
        count = self._level_count(hole | exclude)
        texture = texture_energy(image, ~exclude & ~hole)  # the hole's values are not the photo's
        if count == 1 or hole.size <= o.vote_only_pixels:
            image4 = np.empty(image.shape[:2] + (4,), np.float32)
            image4[:, :, :3] = image
            image4[:, :, 3] = texture
            levels = [_Level(image4, hole, exclude, inverse_depth, depth_limit)]
        else:
            levels = [_Level(image.astype(np.float32, copy=False), hole, exclude, inverse_depth, depth_limit)]
        for _ in range(count - 1):
            extra = texture if levels[-1].image.shape[2] == 3 else None
            levels.append(_downsample(levels[-1], keep_hole_values=o.start == "given", texture=extra))
            texture = None
        log.debug("patch inpaint: %d levels, coarsest %s", len(levels), levels[-1].hole.shape)
        current = None
        nnf = cost = None
        total = len(levels)
        for index in range(total - 1, -1, -1):
            level = levels[index]
            coarsest = index == total - 1
            if coarsest:
                if o.start == "given":
                    current = level.image.copy()
                else:
                    current = _smooth_guess(level.image, level.hole | level.exclude)
            else:
                h, w = level.hole.shape
                channels = level.image.shape[2]
                up = cv2.resize(np.ascontiguousarray(current[:, :, :channels]), (w, h), interpolation=cv2.INTER_LINEAR)
                current = _paste(level.image, up, level.hole)
            current, nnf, cost = self._synthesise(level, current, nnf, cost, radius, coarsest)
            progress(total - index, total)
        return _paste(image, current[:, :, :3], hole)

    def _synthesise(self, level: _Level, current, nnf_coarse, cost_coarse, radius, coarsest):
        o = self.options
        hole, exclude = level.hole, level.exclude
        h, w = hole.shape
        known = ~hole & ~exclude
        size = 2 * radius + 1
        reach = 0 if o.source_reach_px <= 0 else max(size, math.ceil(o.source_reach_px * w / self._full_width))
        kernel = np.ones((size, size), np.uint8)
        src_ok = cv2.erode(known.astype(np.uint8), kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0) > 0
        is_target = (cv2.dilate(hole.astype(np.uint8), kernel) > 0) & ~exclude
        # hole pixels count less the deeper they lie (their values are guesses until the fill settles)
        depth_px = cv2.distanceTransform((~known).astype(np.uint8), cv2.DIST_L2, 3)
        weight = np.where(hole, np.maximum(o.confidence_decay ** depth_px, 0.05), 1.0).astype(np.float32)
        weight[exclude] = 0.0
        if level.inv_depth is not None:
            src_depth = cv2.dilate(level.inv_depth.astype(np.float32), kernel)
            limit = np.where(hole, level.limit, np.inf).astype(np.float32)
            # targets outside the hole copy under the limit of the nearest hole pixel
            near = cv2.dilate(np.where(hole, level.limit, -1e30).astype(np.float32), kernel)
            limit = np.where(is_target & ~hole & (near > -1e29), near, limit).astype(np.float32)
        else:
            src_depth = np.zeros((h, w), np.float32)
            limit = np.full((h, w), np.inf, np.float32)
        if not src_ok.any():
            log.warning("patch inpaint: no complete source patch at %dx%d; keeping the smooth fill", w, h)
            return (_smooth_guess(level.image, hole | exclude) if not coarsest else current), None, None
        if nnf_coarse is not None and hole.size > o.vote_only_pixels:
            # upsample and vote: full-resolution pixels follow the field settled one level down
            nnf = _upsample_field(nnf_coarse, (h, w))
            cost = pm.upsample_cost(cost_coarse, nnf, is_target, src_ok, src_depth, limit, reach)
            current = pm.vote(current, hole, is_target, nnf, cost, radius=radius, spread=o.vote_spread, step=2)
            return current, nnf, cost
        if nnf_coarse is None:
            sources = np.argwhere(src_ok).astype(np.int32)
            nnf = pm.random_field(is_target, sources, limit, src_depth, o.seed, src_ok, reach)
            if o.start == "peel":
                current, peeled = onion_peel(current, hole, exclude, features=self._features, src_ok=src_ok,
                                             src_depth=src_depth, limit=limit, radius=radius, bias=o.descriptor.bias,
                                             ring_px=o.peel_ring_px, seed=o.seed, reach=reach)  # fmt: skip
                nnf[hole] = peeled[hole]
        else:
            nnf = _upsample_field(nnf_coarse, (h, w))
        bias = o.descriptor.bias
        detail = hole.size > o.detail_pixels and not coarsest
        rounds = 1 if detail else o.em_rounds
        peeled = coarsest and o.start == "peel"  # the peel settled the field already: polish it
        if coarsest and not peeled:  # good values travel about a patch radius inwards per round
            rounds = int(min(o.max_coarse_rounds, max(rounds, math.ceil(float(depth_px.max()) / radius))))
        search_radius = max(h, w) // 2 if coarsest else (o.detail_radius_px if detail else o.refine_radius_px)
        if reach > 0:
            search_radius = min(search_radius, reach)
        stride = 2 if (hole.size > o.stride_pixels or self._large) else 1
        for r in range(rounds):
            feat = self._features(current, known)
            cost = pm.field_cost(feat, weight, is_target, src_ok, src_depth, limit, nnf, radius=radius, stride=stride, bias=bias,
                                 reach=reach)
            # small levels are cheap: two more sweeps in the first round, one more in the others
            extra = 0 if (hole.size > o.stride_pixels or self._large) else 1
            first = coarsest and r == 0 and not peeled
            sweeps = o.coarse_sweeps + 2 * extra if first else (1 if detail else o.sweeps + extra)
            pm.search(feat, weight, is_target, src_ok, src_depth, limit, nnf, cost, radius=radius, stride=stride,
                      bias=bias, iterations=sweeps, search_radius=search_radius, seed=o.seed * 7919 + r, reach=reach)
            current = pm.vote(current, hole, is_target, nnf, cost, radius=radius, spread=o.vote_spread)
        return current, nnf, cost
