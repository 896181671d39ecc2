"""Small image operations that several stages share: a Gaussian blur that counts each pixel by a weight
(normalised convolution), and a copy shrunk to a long side."""

from __future__ import annotations

import cv2
import numpy as np


def normalised_blur(
    values: np.ndarray,
    weight: np.ndarray,
    *,
    sigma_px: float,
    min_weight: float = 1e-3,
    empty: float | None = None,
    prior: float | None = None,
    prior_weight: float = 1e-3,
) -> np.ndarray:
    """The Gaussian blur (``sigma_px``) of ``values`` (H, W) or (H, W, C) counting each pixel by its
    ``weight`` (H, W; bool or float): ``blur(values * weight) / blur(weight)``, float32.

    Where almost no weight lies near a pixel the quotient means little, and it is settled one of three ways:

    - with ``empty`` (a number, NaN included), pixels whose blurred weight is at most ``min_weight`` take it;
    - with ``prior``, every pixel also counts a sample of ``prior`` of weight ``prior_weight``
      (``(blur(values * weight) + prior_weight * prior) / (blur(weight) + prior_weight)``), so it takes
      the prior softly as the weight around it vanishes;
    - with neither, the blurred weight is floored at ``min_weight`` (the result fades to 0 far from any).
    """
    w = weight.astype(np.float32)
    values = values.astype(np.float32, copy=False)
    num = cv2.GaussianBlur(values * (w if values.ndim == 2 else w[:, :, None]), (0, 0), sigma_px)
    den = cv2.GaussianBlur(w, (0, 0), sigma_px)
    if values.ndim == 3:
        den = den[:, :, None]
    if prior is not None:
        return (num + prior_weight * prior) / (den + prior_weight)
    out = num / np.maximum(den, min_weight)
    if empty is not None:
        out = np.where(den > min_weight, out, empty).astype(np.float32)
    return out


def shrunk_size(shape: tuple[int, ...], max_side: float, *, min_side: int = 1) -> tuple[tuple[int, int], float]:
    """((width, height), scale) of a copy of a picture of ``shape`` (H, W, ...) scaled so that its long side
    is at most ``max_side`` (never enlarged: scale <= 1), each side rounded and at least ``min_side``."""
    h, w = shape[:2]
    scale = min(1.0, max_side / max(h, w))
    return (max(min_side, round(w * scale)), max(min_side, round(h * scale))), scale


def shrunk(image: np.ndarray, max_side: float, *, min_side: int = 1) -> np.ndarray:
    """A copy of ``image`` resized (area averaging) to :func:`shrunk_size`."""
    size, _ = shrunk_size(image.shape, max_side, min_side=min_side)
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)
