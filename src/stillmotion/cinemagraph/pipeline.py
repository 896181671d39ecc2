"""From files to a loop clip: read the photo and masks, build the region and the field, stream the frames.

The moving region is ``--mask`` (or, for ``--material clouds`` without a mask, the detected sky; with
arrows or a reference video and no mask, the whole photo) minus ``--freeze``.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import InputError
from ..imageops import shrunk_size
from ..io import check_clip_output, open_writer, read_image
from ..render.sizes import check_fps, even_frame_size
from ..types import ProgressCallback, VideoSpec, no_progress
from .field import build_field, check_speed, from_preset
from .hints import MotionHints
from .mask_file import read_mask
from .materials import get_material
from .pace import pace
from .render import loop_frames
from .sky import detect_sky

log = logging.getLogger(__name__)


#: Longest loop: the material that flows in from beyond the moving region is held for the whole loop, and
#: its canvas grows with the distance travelled (60 s of a 1080p stream: ~0.4 GB; 300 s took 2.9 GB).
MAX_DURATION_S = 60.0
#: Smallest photo side a loop accepts (a few pixels cannot hold a motion field and its blends).
MIN_SIDE_PX = 16


@dataclass(frozen=True)
class LoopConfig:
    """Everything that shapes one cinemagraph loop. Units are in the names."""

    duration_s: float = 4.0
    fps: float = 24.0
    #: multiplies every velocity (hints, preset, video); 0 .. field.MAX_SPEED
    speed: float = 1.0
    #: water, clouds, smoke, waterfall, or None
    material: str | None = None
    #: photos larger than this on their long side are downscaled first (masks and hints follow); at least
    #: MIN_SIDE_PX
    max_side_px: int = 1920

    def validate(self) -> None:
        if not (math.isfinite(self.duration_s) and 0 < self.duration_s <= MAX_DURATION_S):
            raise InputError(f"--duration must be in (0, {MAX_DURATION_S:g}] seconds, got {self.duration_s}")
        check_fps(self.fps, name="--fps")
        check_speed(self.speed, name="--speed")  # as its other messages, in the CLI's words
        if not (math.isfinite(self.max_side_px) and self.max_side_px >= MIN_SIDE_PX):
            raise InputError(f"max_side_px must be at least {MIN_SIDE_PX}, got {self.max_side_px}")
        if VideoSpec(fps=self.fps, duration_s=self.duration_s).frame_count < 2:
            raise InputError("a loop needs at least 2 frames: raise --duration or --fps")
        if self.material is not None:
            get_material(self.material)


def _resize_mask(mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    if mask.shape == shape:
        return mask
    return cv2.resize(mask.astype(np.float32), (shape[1], shape[0]), interpolation=cv2.INTER_AREA) >= 0.5


def moving_region(
    image: np.ndarray,
    *,
    mask: np.ndarray | None,
    freeze: np.ndarray | None,
    material: str | None,
    has_motion: bool,
) -> np.ndarray:
    """The bool (H, W) region that moves (see the module's docstring); raises when it is empty."""
    h, w = image.shape[:2]
    if mask is not None:
        region = mask.copy()
        if not region.any():
            raise InputError("the mask is empty (no white pixel): paint the moving area in white")
    elif material is not None and get_material(material).detects_region:
        region = detect_sky(image)
        if not region.any():
            raise InputError("no sky found for --material clouds: give the sky with --mask")
    elif material is not None:
        raise InputError(f"--material {material} needs a mask of where it flows (loop --mask, animate --loop-mask): "
                         "only the sky (clouds) is found automatically")
    elif has_motion:
        region = np.ones((h, w), bool)
    else:
        raise InputError("nothing to animate: give --hint/--hints, --material or --motion-from")
    if freeze is not None:
        region &= ~freeze
        if not region.any():
            raise InputError("the frozen areas cover the whole moving region")
    return region


def make_loop(
    photo: str | os.PathLike,
    output: str | os.PathLike,
    *,
    mask: str | os.PathLike | None = None,
    freeze: str | os.PathLike | None = None,
    hints: MotionHints = MotionHints(),
    motion_from: str | os.PathLike | None = None,
    config: LoopConfig = LoopConfig(),
    progress: ProgressCallback = no_progress,
) -> None:
    """Render a seamless cinemagraph loop of ``photo`` to ``output`` (.mp4, .webm, .gif or a PNG folder)."""
    config.validate()
    inputs = tuple(p for p in (photo, mask, freeze, motion_from) if p is not None)
    kind = check_clip_output(output, inputs=inputs)  # refuse a bad output before any work
    image = read_image(photo)
    h0, w0 = image.shape[:2]
    if min(h0, w0) < MIN_SIDE_PX:
        raise InputError(f"the photo is too small for a loop: {w0}x{h0} (at least {MIN_SIDE_PX} px a side)")
    hints.check_fits(w0, h0)
    mask_arr = read_mask(mask, size=(w0, h0), what="mask") if mask is not None else None
    freeze_arr = read_mask(freeze, size=(w0, h0), what="freeze mask") if freeze is not None else None
    if mask_arr is not None and not mask_arr.any():
        raise InputError(f"the mask {mask} is empty (no white pixel): paint the moving area in white")
    size, scale = shrunk_size((h0, w0), config.max_side_px, min_side=2)
    if scale < 1.0:
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        hints = hints.scaled(size[0] / w0)
        log.info("photo downscaled from %dx%d to %dx%d", w0, h0, *size)
    w, h = even_frame_size(kind, image.shape[1], image.shape[0])  # mp4/webm: drop a last odd row/column
    image = image[:h, :w]
    shape = image.shape[:2]
    hints = hints.clamped(shape[1], shape[0])  # a point on the last line may now lie just beyond it
    mask_arr = _resize_mask(mask_arr, shape) if mask_arr is not None else None
    freeze_arr = _resize_mask(freeze_arr, shape) if freeze_arr is not None else None
    region = moving_region(
        image, mask=mask_arr, freeze=freeze_arr, material=config.material,
        has_motion=bool(hints.hints) or motion_from is not None,
    )  # fmt: skip
    material = get_material(config.material) if config.material else None
    velocity = None
    if motion_from is not None:
        from .transfer import video_velocity

        velocity = video_velocity(motion_from, region)
    field = build_field(
        image, region, fps=config.fps, hints=hints, material=material, velocity=velocity, speed=config.speed
    )
    count = VideoSpec(fps=config.fps, duration_s=config.duration_s).frame_count
    # a preset's speed is fitted to the region and the loop; arrows and a video are taken as given
    field = pace(field, frame_count=count, speed=config.speed, fit=from_preset(hints, velocity))
    h, w = image.shape[:2]
    with open_writer(output, fps=config.fps, width=w, height=h, inputs=inputs) as writer:
        for frame in loop_frames(image, field, region, frame_count=count, progress=progress):
            writer.write(frame)
    log.info("wrote %s: %d frames, %dx%d, %.3g s loop", output, count, w, h, count / config.fps)
