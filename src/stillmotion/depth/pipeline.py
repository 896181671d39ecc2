"""The ``stillmotion depth`` job: photo -> depth (estimate, protect subjects, apply hints) -> files."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import OutputError
from ..types import Depth, DepthKind, ProgressCallback, no_progress

log = logging.getLogger(__name__)

DEPTH_OUTPUTS = (".npy", ".tif", ".tiff", ".png")


@dataclass(frozen=True)
class DepthConfig:
    """How a photo's depth is made. ``backend`` may be ``auto``; ``model`` is a local directory or Hugging
    Face cache id for neural backends; ``protect`` is ``faces``, ``people`` or ``none``; ``hints`` a
    hint file (painted PNG or JSON points)."""

    backend: str = "auto"
    model: str | None = None
    protect: str = "none"
    hints: str | None = None


def prepare_depth(
    image: np.ndarray,
    *,
    config: DepthConfig = DepthConfig(),
    source: str | os.PathLike | None = None,
    progress: ProgressCallback = no_progress,
) -> tuple[Depth, str]:
    """(inverse depth at the photo's size, name of the backend used) for ``image``."""
    from . import estimate, resolve_backend

    name = resolve_backend(config.backend, source=source, model=config.model)
    steps = 1 + (config.protect != "none" or config.hints is not None)
    progress(0, steps)
    depth = estimate(image, backend=config.backend, source=source, model=config.model)
    progress(1, steps)
    if config.protect != "none" or config.hints is not None:
        depth = adjust_depth(image, depth, protect=config.protect, hints=config.hints)
    progress(steps, steps)
    return depth, name


def adjust_depth(
    image: np.ndarray, depth: Depth, *, protect: str = "faces", hints: str | os.PathLike | None = None
) -> Depth:
    """``depth`` with subjects protected (``faces``, ``people`` or ``none``; see :mod:`.protect`) and
    corrected by a hint file (see :mod:`.hints`). The photo and the depth must have the same size."""
    if protect != "none":
        from .protect import protect_subjects

        depth = protect_subjects(image, depth, mode=protect)
    if hints is not None:
        from .hints import apply_hints, read_hints

        depth = apply_hints(image, depth, read_hints(hints, shape=image.shape[:2]))
    return depth


def as_inverse(depth: Depth) -> np.ndarray:
    """Inverse depth values (larger = nearer) of any depth kind: metric distances are inverted (0 where
    they are not positive); nothing is filled here (``depth.valid`` says what is unknown)."""
    values = depth.values.astype(np.float32)
    if depth.kind == DepthKind.METRIC:
        values = np.where(values > 0, 1.0 / np.maximum(values, 1e-12), 0.0).astype(np.float32)
    return values


def check_depth_output(path: str | os.PathLike) -> None:
    from ..io._checks import check_output_name

    check_output_name(path, DEPTH_OUTPUTS)
    ext = Path(path).suffix.lower()
    if ext not in DEPTH_OUTPUTS:
        raise OutputError(f"unsupported depth output extension {ext!r} for {path}; use .npy, .tif or .png")
