"""The repair pass with a diffusion generator: image-to-image on the prepared frame.

Deforum's ``strength`` is the share of the init image that is *kept* (its sampler skips that fraction
of the steps); diffusers' and Kandinsky's ``strength`` is the fraction *denoised*. The conversion is
``denoise = 1 - strength`` and happens here only; generators take ``denoise``.
"""

from __future__ import annotations

import numpy as np


class DiffusionRepair:
    """Wraps a generator (see :mod:`stillmotion.generate.generators`) as the loop's repairer."""

    uses_reference = False  # the generator repaints from the prepared frame alone

    def __init__(self, generator, *, inpaint_holes: bool = False) -> None:
        self.generator = generator
        self.name = getattr(generator, "name", "diffusion")
        self.inpaint_holes = inpaint_holes

    def repair(self, init: np.ndarray, *, strength: float, holes: np.ndarray | None, reference, controls,
               seed: int) -> np.ndarray:  # fmt: skip
        denoise = float(np.clip(1.0 - strength, 0.0, 1.0))
        if self.inpaint_holes and holes is not None and holes.any():
            return self.generator.inpaint(init, holes, controls.prompt, controls.negative_prompt, denoise=1.0,
                                          seed=seed, steps=controls.steps, cfg_scale=controls.cfg_scale)  # fmt: skip
        return self.generator.img2img(init, controls.prompt, controls.negative_prompt, denoise=denoise, seed=seed,
                                      steps=controls.steps, cfg_scale=controls.cfg_scale)  # fmt: skip
