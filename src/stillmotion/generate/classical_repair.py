"""The repair pass without a diffusion model, so a Deforum run works on photos with the core install.

Detail restoration: the frame is frame 0 seen through the whole motion so far (the product of the 2D
matrices, or the composed 3D pose rendered by the project's renderer), resampled once, so there is no
accumulated resampling blur; beyond the photo's border the source is mirrored (2D: reflected; 3D: the
photo and its depth extended by mirroring), so uncovered space gets plausible texture instead of
smeared edge pixels. Repeated warping of the previous frame would blur the film within a few dozen
frames, and the noise Deforum adds for a diffusion pass has nothing here to resolve it; so by default
(``keep`` = 0) the warped previous frame is not used at all, colours are frame 0's by construction, and
Deforum's strength, noise and contrast schedules only matter with a generator. With ``keep`` > 0 the
loop warps and prepares the previous frame as for a generator, fills its holes (Telea for cracks, a
smooth push-pull fill for wide regions) and keeps that share of it.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..inpaint.pushpull import push_pull_fill
from ..io.image import to_uint8


def fill_holes(image: np.ndarray, holes: np.ndarray) -> np.ndarray:
    """Fill the ``holes`` pixels of ``image`` from their surroundings (others untouched): thin cracks by
    OpenCV's Telea inpainting, wide regions (uncovered borders) by a smooth push-pull fill, which fades
    instead of smearing streaks across the frame."""
    if not holes.any():
        return image
    mask = holes.astype(np.uint8)
    thin = cv2.erode(mask, np.ones((5, 5), np.uint8)) == 0  # holes at most ~4 px across
    if (holes & ~thin).any():
        smooth = push_pull_fill(image, holes)
        image = np.where((holes & ~thin)[..., None], smooth, image)
        holes = holes & thin
        if not holes.any():
            return image
    filled = cv2.inpaint(to_uint8(image), holes.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA).astype(np.float32) / 255.0
    return np.where(holes[..., None], filled, image).astype(np.float32)


class ClassicalRepair:
    """``repair(init, ...)`` -> the frame; no prompt is used.

    ``keep`` is the share of the warped frame kept where the photo has content (0 by default: the
    frame is the source seen through the motion so far, and the loop skips the warp, see ``needs_init``).
    """

    name = "classical"

    def __init__(self, *, feather_px: float = 4.0, keep: float = 0.0) -> None:
        self.feather_px = feather_px
        self.keep = float(np.clip(keep, 0.0, 1.0))

    @property
    def needs_init(self) -> bool:
        return self.keep > 0

    def repair(self, init: np.ndarray | None, *, strength: float, holes: np.ndarray | None = None,
               reference: tuple[np.ndarray, np.ndarray] | None = None, **_unused) -> np.ndarray:  # fmt: skip
        if init is None:
            if reference is None:
                raise ValueError("the classical repair needs the warped frame or a reference view")
            return reference[0]
        out = fill_holes(init, holes) if holes is not None else init
        if reference is None:
            return out
        ref_image, valid = reference
        weight = valid.astype(np.float32)
        if self.feather_px > 0 and not valid.all():
            weight = cv2.GaussianBlur(weight, (0, 0), self.feather_px) * weight  # fade in from the edge
        restore = (1.0 - self.keep) * weight[..., None]
        return (out * (1.0 - restore) + ref_image * restore).astype(np.float32)
