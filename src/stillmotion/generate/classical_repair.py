"""The repair pass without a diffusion model, so a Deforum run works on photos with the core install.

Per diffused frame: fill the pixels that came from outside the previous frame (OpenCV's Telea
inpainting), then restore detail from the source photo: frame 0 resampled once through the whole
motion so far (no accumulated resampling blur) replaces the frame wherever it exists, faded in over a
few pixels from its edge; the warped frame (with its filled borders, carried from frame to frame) is
kept only where the photo has nothing. Repeated warping would otherwise blur the film within a few
dozen frames, and noise added for a diffusion pass has nothing here to resolve it. Deforum's strength
therefore only matters with a generator; ``keep`` (default 0) keeps that share of the warped frame
where the photo exists. Colour coherence, contrast, anti-blur and noise happen before, in the loop,
exactly as for a generator.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..io.image import to_uint8


def fill_holes(image: np.ndarray, holes: np.ndarray) -> np.ndarray:
    """Inpaint the ``holes`` pixels of ``image`` from their surroundings (others untouched)."""
    if not holes.any():
        return image
    mask = holes.astype(np.uint8) * 255
    filled = cv2.inpaint(to_uint8(image), mask, 5, cv2.INPAINT_TELEA).astype(np.float32) / 255.0
    return np.where(holes[..., None], filled, image)


class ClassicalRepair:
    """``repair(init, ...)`` -> the frame; no prompt is used."""

    name = "classical"
    can_generate = False

    def __init__(self, *, feather_px: float = 4.0, keep: float = 0.0) -> None:
        self.feather_px = feather_px
        self.keep = keep

    def repair(self, init: np.ndarray, *, strength: float, holes: np.ndarray | None = None,
               reference: tuple[np.ndarray, np.ndarray] | None = None, **_unused) -> np.ndarray:  # fmt: skip
        out = fill_holes(init, holes) if holes is not None else init
        if reference is None:
            return out
        ref_image, valid = reference
        weight = valid.astype(np.float32)
        if self.feather_px > 0 and not valid.all():
            weight = cv2.GaussianBlur(weight, (0, 0), self.feather_px) * weight  # fade in from the edge
        keep = float(np.clip(self.keep, 0.0, 1.0))
        restore = (1.0 - keep) * weight[..., None]
        return (out * (1.0 - restore) + ref_image * restore).astype(np.float32)
