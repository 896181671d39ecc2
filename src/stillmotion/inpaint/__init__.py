"""Inpainting: fill the pixels of a photo that a mask marks (white / True = fill).

A registry of backends with one call::

    filled = inpaint(image, mask, backend="patch")
    filled, filled_depth = inpaint_rgbd(image, mask, depth)   # depth-aware: background side only

- ``patch`` (default): multi-scale PatchMatch exemplar synthesis, candidates ranked by the cosine
  similarity of patch embeddings (colour, gradients, texture statistics); core install only.
- ``telea``, ``ns``: OpenCV's smooth diffusion fills, fast baselines.
- ``lama``: LaMa from a local TorchScript file (``neural`` extra; never downloaded).
- ``diffusion``: Stable Diffusion / Kandinsky 2.2 inpainting pipelines of diffusers, local files only.

Every backend is a callable ``backend(image, hole, *, exclude, inverse_depth, depth_limit, progress)``
returning the image with the hole filled; ``exclude`` marks pixels that are neither source nor context
(the foreground in depth-aware mode).
"""

from __future__ import annotations

import logging

import numpy as np

from ..errors import InputError
from ..registry import Registry
from ..types import Depth, ProgressCallback, no_progress

log = logging.getLogger(__name__)

BACKENDS: Registry = Registry("inpaint")


@BACKENDS.register("patch", "PatchMatch exemplar synthesis ranked by cosine similarity of patch embeddings (default)")
def _patch(**options):
    from dataclasses import fields

    from .patch import PatchInpainter, PatchOptions

    BACKENDS.check_options("patch", options, [f.name for f in fields(PatchOptions)])
    return PatchInpainter(**options)


@BACKENDS.register("telea", "OpenCV Telea fast marching: smooth, no texture; fast baseline")
def _telea(*, radius_px: float = 5.0):
    from .opencv import OpenCVInpainter

    return OpenCVInpainter(method="telea", radius_px=radius_px)


@BACKENDS.register("ns", "OpenCV Navier-Stokes: smooth, no texture; fast baseline")
def _ns(*, radius_px: float = 5.0):
    from .opencv import OpenCVInpainter

    return OpenCVInpainter(method="ns", radius_px=radius_px)


@BACKENDS.register("lama", "LaMa from a local TorchScript file (model_path=...; 'neural' extra)")
def _lama(**options):
    from .lama import LamaInpainter

    return LamaInpainter(**options)


@BACKENDS.register("diffusion", "Stable Diffusion / Kandinsky 2.2 inpainting via diffusers from a local pipeline (model=...; 'neural' extra)")
def _diffusion(**options):
    from .diffusion import DiffusionInpainter

    return DiffusionInpainter(**options)


def prepare_mask(mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Validate a mask against an image of ``shape`` (H, W) and return it as bool (True = fill).

    Accepts bool, integer or float in [0, 1], as (H, W) or (H, W, C) (the channels' mean). Integer masks
    may be 0/1, 8-bit 0/255 or 16-bit 0/65535 whatever their integer type: full scale is the first of 1,
    255 and 65535 that the mask's largest value does not exceed. Soft masks are thresholded at 0.5 of full
    scale, with a log message saying so.
    """
    mask = np.asarray(mask)
    if mask.ndim == 3:
        mask = mask.mean(axis=2) if mask.dtype != np.bool_ else mask.any(axis=2)
    if mask.ndim != 2:
        raise InputError(f"mask must be 2-D (H, W), got shape {mask.shape}")
    if mask.shape != tuple(shape):
        raise InputError(
            f"mask is {mask.shape[1]}x{mask.shape[0]} but the photo is {shape[1]}x{shape[0]}; "
            "they must have the same size"
        )
    if mask.dtype == np.bool_:
        return mask.copy()
    if np.issubdtype(mask.dtype, np.integer):
        top = int(mask.max(initial=0))
        full = 1.0 if top <= 1 else 255.0 if top <= 255 else 65535.0  # an int64 0/255 mask was "empty"
        level = mask.astype(np.float32) / full
    else:
        level = mask.astype(np.float32)
        if not np.isfinite(level).all():
            raise InputError("mask holds NaN or infinite values")
    binary = level > 0.5
    if not np.isin(level, (0.0, 1.0)).all():
        log.warning("mask is not binary: thresholded at 0.5 (%d of %d pixels will be filled)", int(binary.sum()), binary.size)
    return binary


def _check_image(image: np.ndarray) -> np.ndarray:
    """float32 RGB (:func:`stillmotion.io.image.image_array`; NaN is left to :func:`_known_outside`)."""
    from ..io.image import image_array

    return image_array(image, finite=False)


def _known_outside(image: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """``image``, refused when NaN or infinite values lie outside ``hole``; inside it (what is filled
    anyway) they are set to 0, so that no backend reads them. Float pixels far outside [0, 1] (an 8-bit
    photo made float without dividing by 255) are refused too (:func:`stillmotion.io.image.unit_pixels`)."""
    from ..io.image import unit_pixels

    finite = np.isfinite(image).all(axis=2)
    if not finite.all():
        if not finite[~hole].all():
            raise InputError("the image holds NaN or infinite values outside the mask")
        image = np.where(finite[:, :, None], image, np.float32(0.0))
    return unit_pixels(image, what="the image")


def _check_hole(hole: np.ndarray) -> bool:
    """True when there is something to fill; raises when nothing is left to fill from."""
    if hole.all():
        raise InputError("mask covers the whole photo: nothing is left to fill from")
    if not hole.any():
        log.warning("mask is empty: nothing to fill, the photo is returned unchanged")
        return False
    return True


def inpaint(
    image: np.ndarray,
    mask: np.ndarray,
    *,
    depth: Depth | np.ndarray | None = None,
    backend="patch",
    progress: ProgressCallback = no_progress,
    **options,
) -> np.ndarray:
    """Fill the masked pixels of a float32 RGB image; returns a new float32 RGB image. 8/16-bit, grey and
    RGBA arrays are converted as :func:`stillmotion.io.image.image_array` says; NaN or infinite values are
    refused outside the mask. ``backend``: a registry name, or a backend already created from it.

    With ``depth`` (a :class:`~stillmotion.types.Depth`, or an inverse-depth array, larger = nearer) the
    fill is depth-aware: see :func:`inpaint_rgbd`, whose filled depth this function drops.
    ``options`` go to the backend (for ``patch``: :class:`~stillmotion.inpaint.patch.PatchOptions`).
    """
    if depth is not None:
        return inpaint_rgbd(image, mask, depth, backend=backend, progress=progress, **options)[0]
    image = _check_image(image)
    hole = prepare_mask(mask, image.shape[:2])
    image = _known_outside(image, hole)
    if not _check_hole(hole):
        return image.copy()
    fill = _backend(backend, options)
    log.debug("inpaint: %s backend, %.1f%% of the pixels", backend, 100.0 * hole.mean())
    return fill(image, hole, progress=progress)


def _backend(backend, options: dict):
    """A backend by registry name (created with ``options``), or one the caller created already (a diffusion
    pipeline is loaded once: the CLI creates it to check the options before any work, then fills with it)."""
    return backend if callable(backend) else BACKENDS.create(backend, **options)


def inpaint_rgbd(
    image: np.ndarray,
    mask: np.ndarray,
    depth: Depth | np.ndarray,
    *,
    backend="patch",
    reach_px: int = 12,
    progress: ProgressCallback = no_progress,
    **options,
) -> tuple[np.ndarray, Depth | np.ndarray]:
    """Depth-aware fill of colour and depth: the hole takes the depth of the background side of the edge
    that opened it, and copies texture only from surfaces at least that far, never from the foreground
    (known pixels within ``reach_px`` of the hole and nearer than its background are ignored).

    Returns ``(image, depth)``: the filled image and the filled depth, of the same type and kind as
    ``depth`` (a Depth's unknown values are filled from their background side too), both new arrays.
    ``image`` as in :func:`inpaint`; an array ``depth`` is (H, W) or (H, W, 1).
    """
    from ..depth.pipeline import as_inverse
    from .depth_aware import background_depth, depth_constraints, from_inverse

    image = _check_image(image)
    hole = prepare_mask(mask, image.shape[:2])
    image = _known_outside(image, hole)
    if isinstance(depth, Depth):
        inverse = as_inverse(depth)
        if depth.valid is not None and not depth.valid.all():
            inverse, _ = background_depth(inverse, ~depth.valid)
    else:
        inverse = np.asarray(depth, dtype=np.float32)
        if inverse.ndim == 3 and inverse.shape[2] == 1:
            inverse = inverse[:, :, 0]
    if inverse.shape != hole.shape:
        raise InputError(f"depth has shape {inverse.shape}; expected the photo's (H, W) = {hole.shape}")
    if not np.isfinite(inverse).all():
        raise InputError("depth holds NaN or infinite values")
    if not _check_hole(hole):
        filled_image, filled_inverse = image.copy(), inverse.copy()
    else:
        filled_inverse, exclude, limit = depth_constraints(inverse, hole, reach_px=reach_px)
        fill = _backend(backend, options)
        log.debug("inpaint: depth-aware %s, %.1f%% of the pixels, %d excluded", backend, 100 * hole.mean(), exclude.sum())
        filled_image = fill(image, hole, exclude=exclude, inverse_depth=filled_inverse, depth_limit=limit, progress=progress)
    if isinstance(depth, Depth):
        return filled_image, Depth(from_inverse(filled_inverse, depth.kind), depth.kind, None)
    return filled_image, filled_inverse


def fill_behind(
    image: np.ndarray,
    hole: np.ndarray,
    *,
    inverse_depth: np.ndarray,
    background_depth: np.ndarray,
    exclude: np.ndarray | None = None,
    near_side: np.ndarray | None = None,
    backend: str = "patch",
    reach_px: int = 12,
    share: float = 0.25,
    progress: ProgressCallback = no_progress,
    **options,
) -> np.ndarray:
    """The renderer's background layer: fill ``hole`` (pixels of the near side of depth edges, which a
    camera move can slide off what lies behind them) with what is behind, copying only from surfaces at
    least as far as ``background_depth`` there, never from the foreground.

    ``inverse_depth`` is the photo's (larger = nearer), ``background_depth`` the caller's estimate of the
    hidden surface's inverse depth (only its hole pixels are read); ``exclude`` adds pixels that must be
    neither source nor context; ``near_side`` pixels (the near side of any depth edge, beyond the hole)
    are neither where they stand nearer than the background of the hole pixel closest to them, and stay
    context and sources where they lie behind it (see
    :func:`~stillmotion.inpaint.depth_aware.nearer_than_closest_hole`); sources may be nearer than the
    background by ``share`` of the jump to the foreground (or 2 % of the depth range). Returns a new
    image, changed only in the hole.
    """
    from .depth_aware import foreground_near, nearer_than_closest_hole

    image = _check_image(image)
    hole = np.asarray(hole, dtype=bool)
    if not hole.any() or hole.all():
        return image.copy()
    q = np.asarray(inverse_depth, dtype=np.float32)
    q_back = np.minimum(np.asarray(background_depth, dtype=np.float32), q)
    lo, hi = np.percentile(q, [1, 99])
    tolerance = np.maximum(share * (q - q_back), 0.02 * max(float(hi - lo), 1e-6))
    limit = np.where(hole, q_back + tolerance, np.inf).astype(np.float32)
    near = foreground_near(q, hole, limit, reach_px=reach_px)
    exclude = near if exclude is None else (near | (np.asarray(exclude, dtype=bool) & ~hole))
    if near_side is not None:
        exclude |= nearer_than_closest_hole(q, hole, limit, np.asarray(near_side, dtype=bool))
    sources = np.where(hole, q_back, q).astype(np.float32)
    fill = BACKENDS.create(backend, **options)
    log.debug("background fill: %s, %.1f%% of the pixels, %d excluded", backend, 100 * hole.mean(), int(exclude.sum()))
    return fill(image, hole, exclude=exclude, inverse_depth=sources, depth_limit=limit, progress=progress)


__all__ = ["BACKENDS", "fill_behind", "inpaint", "inpaint_rgbd", "prepare_mask"]
