"""The documented entry points. The CLI calls these; so can any Python program.

    import stillmotion
    stillmotion.animate("photo.jpg", "shot.mp4", config=stillmotion.AnimateConfig(motion="orbit_left"))
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputError
from .types import CameraState, Depth, DepthKind, Intrinsics, ProgressCallback, no_progress

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
    depth_backend: str = "classical"


def load_depth(
    image: np.ndarray, path: str | os.PathLike | None, kind: str | DepthKind = "inverse", *, backend: str = "classical"
) -> Depth:
    """The depth for ``image``: read from ``path`` (resampled to the photo if only the size differs) or
    estimated with ``backend`` when no file is given."""
    from . import depth as depth_stage
    from .io import match_depth, read_depth

    if path is None:
        return depth_stage.estimate(image, backend=backend)
    depth = read_depth(path, kind)
    return match_depth(depth, image.shape[:2])


def plan(image: np.ndarray, depth: Depth, config: AnimateConfig):
    """The shot (scene, path, framing) for ``image``; see :class:`stillmotion.render.shot.Shot`."""
    from .render.shot import plan_shot

    return plan_shot(image, depth, motion=config.motion, intensity=config.intensity,
                     duration_s=config.duration_s, fps=config.fps, size=config.size, loop=config.loop,
                     fov_deg=config.fov_deg)  # fmt: skip


def _check_config(config: AnimateConfig, shape: tuple[int, int]) -> None:
    """Refuse an unknown motion or a bad size before any expensive work."""
    from .camera import get_motion
    from .camera.keyframes import is_path_file
    from .render.shot import output_size

    output_size(config.size, shape)
    if not is_path_file(config.motion):
        get_motion(config.motion)


def animate_frames(
    image: np.ndarray, depth: Depth, config: AnimateConfig, *, progress: ProgressCallback = no_progress
) -> Iterator[np.ndarray]:
    """Yield the frames (float32 RGB) of a camera move through ``image`` with ``depth``, one at a time."""
    shot = plan(image, depth, config)
    total = shot.frame_count
    progress(0, total)
    for i, state in enumerate(shot.states()):
        yield shot.render(state).image
        progress(i + 1, total)


def animate(
    photo: str | os.PathLike,
    output: str | os.PathLike,
    *,
    config: AnimateConfig | None = None,
    depth: str | os.PathLike | None = None,
    depth_kind: str = "inverse",
    flow=None,
    progress: ProgressCallback = no_progress,
) -> Path:
    """Render ``photo`` into a clip at ``output`` (.mp4, .webm, .gif or a PNG frame directory).

    ``flow`` (a :class:`stillmotion.cinemagraph.camera.FlowSpec`) makes water, clouds or smoke flow in a
    seamless loop while the camera moves."""
    from .io import check_clip_output, open_writer, read_image

    config = config or AnimateConfig()
    check_clip_output(output, inputs=(photo, depth))  # refuse a bad output before any work
    image = read_image(photo)
    _check_config(config, image.shape[:2])
    flowing = flow.prepare(image, fps=config.fps) if flow is not None else None  # checked before depth
    depth_map = load_depth(image, depth, depth_kind, backend=config.depth_backend)
    shot = plan(image, depth_map, config)
    out = shot.intrinsics
    total = shot.frame_count
    frames = flowing.frames(shot) if flowing is not None else (shot.render(s).image for s in shot.states())
    inputs = (photo, depth, flow.mask if flow is not None else None)
    with open_writer(output, fps=config.fps, width=out.width, height=out.height, inputs=inputs) as writer:
        progress(0, total)
        for i, frame in enumerate(frames):
            writer.write(frame)
            progress(i + 1, total)
    return Path(output)


def render_view(
    image: np.ndarray,
    depth: Depth,
    *,
    move: tuple[float, float, float] = (0.0, 0.0, 0.0),
    rotate_deg: tuple[float, float, float] = (0.0, 0.0, 0.0),
    fov_deg: float = 55.0,
) -> np.ndarray:
    """One novel view, the photo's size and framing, with the same renderer and hole filling as
    :func:`animate`. ``move`` is in scene units: for a disparity map (pixels, baseline 1), ``move=(1, 0, 0)``
    is the right camera of the stereo pair."""
    from .render.depth_prep import inverse_depth, sharpen_depth_edges
    from .render.overscan import parallax_gain
    from .render.renderer import render
    from .render.scene import build_scene

    from .io import match_depth

    h, w = image.shape[:2]
    depth = match_depth(depth, (h, w))
    intr = Intrinsics.from_fov(w, h, fov_deg)
    q = inverse_depth(depth, focal_px=intr.fx)
    if depth.kind == DepthKind.INVERSE:
        q = sharpen_depth_edges(q, radius=max(1, round(max(w, h) / 800)))
    state = CameraState(*move, *rotate_deg)
    gain = parallax_gain([state], intr, q_near=float(q.max()), q_far=float(q.min()))
    scene = build_scene(image, q, intr, parallax_gain_px=gain)
    return render(scene, state, intr).image


def loop(photo, output, **options) -> None:
    """Render a seamless cinemagraph loop; see :func:`stillmotion.cinemagraph.pipeline.make_loop`."""
    from .cinemagraph.pipeline import make_loop

    make_loop(photo, output, **options)
