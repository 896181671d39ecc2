"""Colour of the background layer: what lies behind the near side of each depth edge.

The pixels to invent (``band``: the near side of visible depth edges) are filled from the far side
only. The mask handed to the inpainter is the band widened into the foreground, so the only known
pixels close to the band are background ones: foreground colour never leaks into the fill.
"""

from __future__ import annotations

import cv2
import numpy as np

#: Inpaint at a resolution where the mask has at most this many pixels (the fill is low-frequency).
MAX_FILL_PIXELS = 120_000


def fill_background_colour(image: np.ndarray, band: np.ndarray, wide: np.ndarray) -> np.ndarray:
    """A copy of ``image`` whose ``band`` pixels are filled from the background side of their edge.

    ``wide`` is the band grown twice as far into the foreground: it is what the inpainter may not copy
    from, so the band's nearest known pixels lie on the background side.
    """
    h, w = band.shape
    count = int(wide.sum())
    scale = min(1.0, float(np.sqrt(MAX_FILL_PIXELS / max(count, 1))))
    src = image if scale == 1.0 else cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))),
                                                interpolation=cv2.INTER_AREA)  # fmt: skip
    mask = wide.astype(np.uint8) * 255
    if scale != 1.0:
        mask = cv2.resize(mask, (src.shape[1], src.shape[0]), interpolation=cv2.INTER_NEAREST)
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    src8 = (np.clip(src, 0, 1) * 255 + 0.5).astype(np.uint8)
    filled = cv2.inpaint(src8, mask, 5, cv2.INPAINT_TELEA).astype(np.float32) / 255.0
    if scale != 1.0:
        filled = cv2.resize(filled, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.where(band[:, :, None], filled, image).astype(np.float32)
