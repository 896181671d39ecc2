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

from ..imageops import normalised_blur, shrunk

#: Inpaint at a resolution where the mask has at most this many pixels (the fill is low-frequency).
MAX_FILL_PIXELS = 120_000
#: A background's fine detail is measured on a copy of this long side (pixels): the mean absolute
#: difference from a blur of ``_DETAIL_SIGMA`` px, over ``_AROUND_PX`` around each pixel. At or below
#: ``SOFT_DETAIL`` the fill there is smoothed fully, at or above ``TEXTURED_DETAIL`` not at all: a defocused
#: background (the FILM portrait's bokeh 0.004, the astronaut's studio backdrop 0.005) against textured ones
#: (a street 0.027, Cones 0.027, wood 0.023, a wall 0.048, stones 0.056; Sintel's painted wall 0.015).
_SOFT_SIDE = 640
_DETAIL_SIGMA, _AROUND_PX = 1.5, 20.0
SOFT_DETAIL, TEXTURED_DETAIL = 0.006, 0.012
#: Blur of the fill of a defocused background, in pixels of that copy.
SOFT_SIGMA_PX = 8.0


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

        filled = fill_behind(image, band, inverse_depth=q, background_depth=q_back, near_side=wide, backend=backend)
        return as_soft_as_around(filled, band, wide)
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


def as_soft_as_around(filled: np.ndarray, band: np.ndarray, wide: np.ndarray) -> np.ndarray:
    """``filled`` with its ``band`` pixels smoothed as much as the background around them is defocused.

    The exemplar fill pastes patches: behind a portrait's head, out of a background that is all bokeh, it
    built blocks of lighter and darker blur with crisp, jagged seams between them (the FILM portrait's
    ``orbit_left``), which no lens makes. Where the background's own fine detail is that of a blurred one,
    the fill is blurred by ``SOFT_SIGMA_PX`` (fully at ``SOFT_DETAIL``, not at all from ``TEXTURED_DETAIL``:
    a textured background keeps the fill's texture). Only the fill and the background mix in that blur
    (``wide`` pixels outside ``band`` are the foreground's near side), so no subject colour bleeds in.
    The detail is measured on a copy of ``_SOFT_SIDE`` px; the smooth quantities (the detail around a
    pixel, the blurred fill) are computed on copies 4 and 2 times smaller. A new array, changed only in
    ``band``.
    """
    h, w = band.shape
    small = shrunk(filled, _SOFT_SIDE)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    detail = np.abs(grey - cv2.GaussianBlur(grey, (0, 0), _DETAIL_SIGMA))
    sh, sw = grey.shape
    quarter = (max(1, round(sw / 4)), max(1, round(sh / 4)))
    background = _wholly(~wide, quarter)
    around = normalised_blur(cv2.resize(detail, quarter, interpolation=cv2.INTER_AREA), background,
                             sigma_px=_AROUND_PX / 4, empty=np.nan)  # fmt: skip
    weight = np.clip((TEXTURED_DETAIL - around) / (TEXTURED_DETAIL - SOFT_DETAIL), 0.0, 1.0)
    weight[~np.isfinite(around)] = 0.0  # no background near: nothing to match
    if not weight.any():
        return filled
    half = (max(1, round(sw / 2)), max(1, round(sh / 2)))
    behind = _wholly(band | ~wide, half)
    shown = cv2.resize(small, half, interpolation=cv2.INTER_AREA)
    soft = normalised_blur(shown, behind, sigma_px=SOFT_SIGMA_PX / 2, empty=np.nan)
    soft = np.where(np.isfinite(soft), soft, shown)
    weight = cv2.resize(weight, (w, h), interpolation=cv2.INTER_LINEAR)
    soft = cv2.resize(soft, (w, h), interpolation=cv2.INTER_LINEAR)
    rows, cols = np.flatnonzero(band.any(axis=1)), np.flatnonzero(band.any(axis=0))
    box = np.s_[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]  # only the band's box is mixed
    part = filled[box]
    mixed = soft[box] - part  # in place from here: part + weight * (soft - part)
    mixed *= weight[box][:, :, None]
    mixed += part
    out = filled.astype(np.float32, copy=True)
    np.copyto(out[box], mixed, where=band[box][:, :, None])
    return out


def _wholly(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """float32 0/1 at ``size``: 1 where the pixels of bool ``mask`` it covers are all set (a pixel mixing
    the subject's colour into the background's is not background)."""
    return (cv2.resize(mask.view(np.uint8) * np.uint8(255), size, interpolation=cv2.INTER_AREA) == 255).astype(np.float32)

