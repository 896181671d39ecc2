"""Colour controls: transfer functions, exposure, white balance, lift/gamma/gain, contrast, saturation.

Pure functions on float32 (H, W, 3) arrays; none mutates its input.
"""

from __future__ import annotations

import cv2
import numpy as np

#: Rec. 709 luma weights.
LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def _srgb_to_linear_exact(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb_exact(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return np.where(x <= 0.0031308, x * 12.92, 1.055 * np.power(x, 1.0 / 2.4) - 0.055)


_TABLE_SIZE = 4096
_GRID = np.linspace(0.0, 1.0, _TABLE_SIZE + 1)
#: The transfer functions sampled on [0, 1], read piecewise-linearly (grade.kernels): sRGB -> linear, and
#: linear -> sRGB (also read by the depth of field's final pass).
TO_LINEAR_TABLE = _srgb_to_linear_exact(_GRID).astype(np.float32)
TO_SRGB_TABLE = _linear_to_srgb_exact(_GRID).astype(np.float32)


def srgb_to_linear(image: np.ndarray) -> np.ndarray:
    """sRGB-encoded values to linear light; inputs are clamped to [0, 1] (table lookup, error < 1e-6)."""
    from .kernels import curve

    return curve(np.ascontiguousarray(image, dtype=np.float32), TO_LINEAR_TABLE)


def linear_to_srgb(image: np.ndarray) -> np.ndarray:
    """Linear light to sRGB-encoded values; inputs are clamped to [0, 1] (table lookup, error < 1e-4)."""
    from .kernels import curve

    return curve(np.ascontiguousarray(image, dtype=np.float32), TO_SRGB_TABLE)


def luma(image: np.ndarray) -> np.ndarray:
    """Rec. 709 luma (H, W) of an RGB image."""
    flat = np.ascontiguousarray(image, dtype=np.float32)
    return cv2.transform(flat, LUMA[None, :]) if flat.ndim == 3 else flat @ LUMA


def white_balance_gains(temperature: float, tint: float) -> np.ndarray:
    """Linear-light RGB gains for a warmer/cooler (temperature) and magenta/green (tint) shift.

    Gains are normalised to keep the luminance of a neutral grey.
    """
    gains = np.array([1.0 + 0.18 * temperature, 1.0 - 0.12 * tint, 1.0 - 0.18 * temperature], dtype=np.float32)
    gains = np.clip(gains, 0.05, None)
    return gains / float(gains @ LUMA)


def apply_exposure_and_balance(linear: np.ndarray, *, exposure_ev: float, temperature: float, tint: float) -> np.ndarray:
    """Scale linear light by ``2 ** exposure_ev`` and the white-balance gains."""
    gains = white_balance_gains(temperature, tint) * np.float32(2.0**exposure_ev)
    return linear * gains


def lift_gamma_gain(image: np.ndarray, *, lift, gamma, gain) -> np.ndarray:
    """``(gain * (x + lift * (1 - x))) ** (1 / gamma)`` per channel (the usual three-way corrector)."""
    lift = np.asarray(lift, dtype=np.float32)
    gamma = np.maximum(np.asarray(gamma, dtype=np.float32), 1e-3)
    gain = np.asarray(gain, dtype=np.float32)
    out = gain * (image + lift * (1.0 - image))
    return np.power(np.clip(out, 0.0, None), 1.0 / gamma).astype(np.float32)


def contrast_curve(image: np.ndarray, contrast: float) -> np.ndarray:
    """S-curve ``x^p / (x^p + (1 - x)^p)``: fixes 0, 0.5 and 1; p = 2 ** (2 * contrast)."""
    if contrast == 0.0:
        return image
    p = np.float32(2.0 ** (2.0 * float(np.clip(contrast, -1.0, 1.0))))
    x = np.clip(image, 0.0, 1.0)
    a = np.power(x, p)
    b = np.power(1.0 - x, p)
    return (a / np.maximum(a + b, 1e-12)).astype(np.float32)


def saturate(image: np.ndarray, saturation: float) -> np.ndarray:
    """Move colours away from (> 1) or towards (< 1) their luma."""
    if saturation == 1.0:
        return image
    y = luma(image)[..., None]
    return (y + np.float32(saturation) * (image - y)).astype(np.float32)
