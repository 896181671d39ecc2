"""Run a Deforum settings file: schedules -> per-frame motion and controls -> the generative loop."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import numpy as np

from ..errors import InputError
from ..types import ProgressCallback, no_progress
from .classical_repair import ClassicalRepair
from .deforum_motion import Motion2D, Motion3D
from .deforum_settings import DeforumSettings
from .film import fit_to_size
from .loop import FrameControls, generative_frames
from .seeds import seed_sequence

log = logging.getLogger(__name__)


def frame_controls(settings: DeforumSettings, series: dict[str, np.ndarray]) -> list[FrameControls]:
    controls = []
    for i in range(settings.max_frames):
        prompt, negative = settings.prompt_at(i)
        controls.append(FrameControls(
            strength=float(np.clip(series["strength_schedule"][i], 0, 1)),
            noise=max(0.0, float(series["noise_schedule"][i])),
            contrast=float(series["contrast_schedule"][i]),
            kernel=float(series["kernel_schedule"][i]),
            sigma=float(series["sigma_schedule"][i]),
            amount=float(series["amount_schedule"][i]),
            threshold=float(series["threshold_schedule"][i]),
            prompt=prompt,
            negative_prompt=negative,
            cfg_scale=float(series["cfg_scale_schedule"][i]),
            steps=max(1, int(series["steps_schedule"][i])),
        ))  # fmt: skip
    return controls


def deforum_frames(
    settings: DeforumSettings,
    *,
    init_image: np.ndarray | None = None,
    generator=None,
    inpaint_holes: bool = False,
    progress: ProgressCallback = no_progress,
) -> Iterator[np.ndarray]:
    """Yield the ``settings.max_frames`` frames of a run (float32 RGB, ``width`` x ``height``).

    Without ``generator`` the classical repair is used and ``init_image`` is required. ``inpaint_holes``:
    the generator repaints what each warp uncovers (its inpainting model) before the image-to-image pass.
    """
    from .diffusion_repair import DiffusionRepair

    if init_image is None and generator is None:
        raise InputError("a Deforum run without a generator needs an init image: give --image PHOTO "
                         "(or a generator with --generator and --model)")  # fmt: skip
    series = {name: settings.series(name) for name in settings.schedules}
    w, h = settings.width, settings.height
    controls = frame_controls(settings, series)
    seed = settings.run_seed
    log.info("deforum: %s mode, %d frames, %dx%d, cadence %d, seed %d (%s), %s repair", settings.mode,
             settings.max_frames, w, h, settings.cadence, seed, settings.seed_behavior,
             "classical" if generator is None else getattr(generator, "name", "diffusion"))  # fmt: skip
    seeds = seed_sequence(seed, settings.seed_behavior, iter_n=settings.seed_iter_n)
    first_seed = next(seeds)
    c0 = controls[0]
    if init_image is not None:
        first = fit_to_size(_without_bars(init_image), w, h)
        if generator is not None and settings.init_strength < 1.0:
            first = generator.img2img(first, c0.prompt, c0.negative_prompt, denoise=1.0 - settings.init_strength,
                                      seed=first_seed, steps=c0.steps, cfg_scale=c0.cfg_scale)  # fmt: skip
    else:
        first = generator.text2img(c0.prompt, c0.negative_prompt, width=w, height=h, seed=first_seed,
                                   steps=c0.steps, cfg_scale=c0.cfg_scale)  # fmt: skip
    if settings.mode == "2D":
        motion = Motion2D(series, width=w, height=h, border=settings.border)
    else:
        motion = Motion3D(series, width=w, height=h)
    repairer = ClassicalRepair() if generator is None else DiffusionRepair(generator, inpaint_holes=inpaint_holes)
    yield from generative_frames(first, frame_count=settings.max_frames, motion=motion, repairer=repairer,
                                 controls=controls, seeds=seeds, color_mode=settings.color_coherence,
                                 cadence=settings.cadence, progress=progress)  # fmt: skip


def render_deforum(
    settings: DeforumSettings,
    output: str | os.PathLike,
    *,
    init_image: np.ndarray | None = None,
    generator=None,
    inpaint_holes: bool = False,
    inputs: tuple = (),
    progress: ProgressCallback = no_progress,
) -> int:
    """Render a run to ``output`` (.mp4, .webm, .gif or a PNG directory); returns the frame count."""
    from ..io import open_writer

    w, h = settings.width, settings.height
    with open_writer(output, fps=settings.fps, width=w, height=h, inputs=inputs) as writer:
        for frame in deforum_frames(settings, init_image=init_image, generator=generator, inpaint_holes=inpaint_holes,
                                    progress=progress):  # fmt: skip
            writer.write(frame)
        return writer.count


def _without_bars(image: np.ndarray) -> np.ndarray:
    """The init image inside uniform letterbox/pillarbox bars or a scan's flat frame lines, as ``animate``
    cuts them: warped, they sweep into the picture as lines and wedges."""
    from ..depth.bars import content_box

    top, bottom, left, right = content_box(image)
    if (top, bottom, left, right) != (0, image.shape[0], 0, image.shape[1]):
        log.info("deforum: init image's uniform bars cut away, the picture is %dx%d", right - left, bottom - top)
    return image[top:bottom, left:right]
