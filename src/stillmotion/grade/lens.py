"""Small lens imperfections: lateral chromatic aberration, vignetting and bloom (halation)."""

from __future__ import annotations

import functools

import cv2
import numpy as np

from .colour import linear_to_srgb, srgb_to_linear


def chromatic_aberration(image: np.ndarray, *, amount_pct: float) -> np.ndarray:
    """Radial red/blue split: red is magnified and blue shrunk about the centre, green stays.

    ``amount_pct`` is the red-blue separation at the corners in % of the half-diagonal; the shift grows
    linearly from zero at the centre, like the lateral colour of a simple lens.
    """
    if amount_pct == 0.0:
        return image
    h, w = image.shape[:2]
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    out = image.copy()
    for channel, sign in ((0, 1.0), (2, -1.0)):
        s = 1.0 + sign * 0.5 * amount_pct / 100.0
        # destination(x) = source(c + (x - c) / s): an affine zoom by s about the centre
        m = np.array([[s, 0.0, cx * (1 - s)], [0.0, s, cy * (1 - s)]], dtype=np.float64)
        out[..., channel] = cv2.warpAffine(
            np.ascontiguousarray(image[..., channel]), m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
    return out


def radial_distance(shape: tuple[int, int]) -> np.ndarray:
    """Distance from the centre, 1 at the corners."""
    h, w = shape
    y = (np.arange(h, dtype=np.float32) - (h - 1) / 2.0)[:, None]
    x = (np.arange(w, dtype=np.float32) - (w - 1) / 2.0)[None, :]
    return np.sqrt(x * x + y * y) / np.float32(np.hypot((w - 1) / 2.0, (h - 1) / 2.0) or 1.0)


def vignette_mask(shape: tuple[int, int], *, amount: float) -> np.ndarray:
    """Multiplicative falloff of linear light (H, W): 1 in the middle, ``1 - amount`` at the corners (r^2.5)."""
    r = radial_distance(shape)
    return (1.0 - np.float32(np.clip(amount, 0.0, 1.0)) * r**2.5).astype(np.float32)


def vignette(image: np.ndarray, *, amount: float) -> np.ndarray:
    """Darken the corners of an sRGB image as a linear-light falloff would (sRGB ~ linear ** (1 / 2.2))."""
    if amount <= 0.0:
        return image
    return image * _srgb_vignette(image.shape[:2], float(amount))[..., None]


@functools.lru_cache(maxsize=4)
def _srgb_vignette(shape: tuple[int, int], amount: float) -> np.ndarray:
    """The vignette's sRGB multiplier (H, W), read-only: every frame of a shot uses the same one."""
    mask = np.power(vignette_mask(shape, amount=amount), np.float32(1.0 / 2.2))
    mask.flags.writeable = False
    return mask


def bloom(image: np.ndarray, *, amount: float, threshold: float = 0.6) -> np.ndarray:
    """A wide, warm glow of the highlights (linear light above ``threshold``), like film halation.

    The glow is computed on a small linear-light copy and screened over the sRGB frame, so the full
    frame never leaves sRGB.
    """
    if amount <= 0.0:
        return image
    h, w = image.shape[:2]
    scale = 256.0 / max(h, w)
    small = cv2.resize(image, (max(2, round(w * scale)), max(2, round(h * scale))), interpolation=cv2.INTER_AREA)
    bright = np.clip(srgb_to_linear(small) - threshold, 0.0, None)
    glow = 0.6 * cv2.GaussianBlur(bright, (0, 0), 3.0) + 0.4 * cv2.GaussianBlur(bright, (0, 0), 12.0)
    glow = linear_to_srgb(np.clip(np.float32(amount) * glow * np.array([1.0, 0.75, 0.55], np.float32), 0.0, 1.0))
    glow = cv2.resize(glow, (w, h), interpolation=cv2.INTER_LINEAR)
    return (1.0 - (1.0 - image) * (1.0 - glow)).astype(np.float32)  # screen: never exceeds 1


def letterbox_bars(width: int, height: int, *, aspect: float) -> tuple[int, int]:
    """(rows of each top/bottom bar, columns of each left/right bar) that :func:`letterbox` paints on a
    ``width`` x ``height`` frame; one of them is 0."""
    if width / height < aspect:
        return max(0, int(round((height - width / aspect) / 2.0))), 0
    return 0, max(0, int(round((width - height * aspect) / 2.0)))


def letterbox(image: np.ndarray, *, aspect: float) -> np.ndarray:
    """Black bars (top/bottom, or left/right) so the picture area has ``aspect`` = width / height."""
    h, w = image.shape[:2]
    out = image.copy()
    rows, cols = letterbox_bars(w, h, aspect=aspect)
    if rows > 0:
        out[:rows] = 0.0
        out[h - rows :] = 0.0
    if cols > 0:
        out[:, :cols] = 0.0
        out[:, w - cols :] = 0.0
    return out
