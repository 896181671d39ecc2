"""The documented entry points. The CLI calls these; so can any Python program."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .types import Depth, ProgressCallback, no_progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnimateConfig:
    """Everything that shapes one camera-move shot. Units are in the names."""

    motion: str = "zoom_in"
    intensity: float = 1.0
    duration_s: float = 4.0
    fps: float = 24.0
    size: str = "source"
    loop: bool = False
    fov_deg: float = 55.0


def animate_frames(
    image: np.ndarray, depth: Depth, config: AnimateConfig, *, progress: ProgressCallback = no_progress
) -> Iterator[np.ndarray]:
    """Yield the frames (float32 RGB) of a camera move through ``image`` with ``depth``."""
    raise NotImplementedError("the renderer lands with the spine")


def animate(
    photo: str | os.PathLike,
    output: str | os.PathLike,
    *,
    config: AnimateConfig | None = None,
    depth: str | os.PathLike | None = None,
    depth_kind: str = "inverse",
    progress: ProgressCallback = no_progress,
) -> None:
    """Render ``photo`` into a clip at ``output`` (.mp4, .webm, .gif or a PNG frame directory)."""
    raise NotImplementedError("the renderer lands with the spine")


def render_view(
    image: np.ndarray,
    depth: Depth,
    *,
    move: tuple[float, float, float] = (0.0, 0.0, 0.0),
    rotate_deg: tuple[float, float, float] = (0.0, 0.0, 0.0),
    fov_deg: float = 55.0,
) -> np.ndarray:
    """Render one novel view with the same renderer and hole filling as :func:`animate`."""
    raise NotImplementedError("the renderer lands with the spine")


def loop(photo, output, **options) -> None:
    """Render a seamless cinemagraph loop; see :func:`stillmotion.cinemagraph.pipeline.make_loop`."""
    from .cinemagraph.pipeline import make_loop

    make_loop(photo, output, **options)
