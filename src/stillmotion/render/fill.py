"""Colour of the background layer: what lies behind the near side of each depth edge.

The pixels to invent (``band``: the near side of visible depth edges) are filled from the far side
only. The band widened into the foreground (``wide``) marks what may be foreground: such a pixel is
neither source nor context where it stands nearer than the background of the band pixel closest to it,
so foreground colour does not leak into the fill. Where it lies behind that background it stays: the
near side of a farther edge is still the background of a nearer one (a hill, itself the near side of its
ridge against the sky, is context for the fill behind a head standing before it).
"""

from __future__ import annotations

import cv2
import numpy as np

#: Inpaint at a resolution where the mask has at most this many pixels (the fill is low-frequency).
MAX_FILL_PIXELS = 120_000


def fill_background_colour(
    image: np.ndarray,
    band: np.ndarray,
    wide: np.ndarray,
    *,
    q: np.ndarray | None = None,
    q_back: np.ndarray | None = None,
    backend: str | None = "patch",
) -> np.ndarray:
    """A copy of ``image`` whose ``band`` pixels are filled from the background side of their edge.

    ``wide`` is the band grown twice as far into the foreground. Given the photo's inverse depth ``q`` and
    the background's ``q_back``, an inpaint ``backend`` fills the band depth-aware (texture only from
    surfaces at least as far, see :func:`stillmotion.inpaint.fill_behind`), and a ``wide`` pixel is kept
    from the fill only where it stands nearer than the background of the band pixel closest to it;
    otherwise a smooth Telea fill, which copies from nothing in ``wide``.
    """
    if backend is not None and q is not None and q_back is not None:
        from ..inpaint import fill_behind

        return fill_behind(image, band, inverse_depth=q, background_depth=q_back, near_side=wide, backend=backend)
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
