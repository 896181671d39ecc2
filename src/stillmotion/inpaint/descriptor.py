"""Per-pixel descriptor whose patch-wise concatenation is the patch embedding of the ``patch`` backend.

Each pixel gets six numbers of comparable scale: CIE Lab colour (light and hue), the two derivatives of
lightness (structure) and the local standard deviation of lightness (texture energy). Means are removed
over the known pixels, so a patch embedding is the vector of deviations from the photo's average look.

The patch search ranks candidates by the cosine similarity of these embeddings, extended by a constant
``bias`` component per pixel: with ``bias = 0`` cosine similarity ignores contrast and brightness scale
(pure structure); a larger bias makes ``1 - cos`` behave like a normalised sum of squared differences
(``1 - cos(u ++ k, v ++ k) ~ |u - v|^2 / 2k^2`` when ``|u|, |v| << k``), so colour and light must match
too. The default sits between the two.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: number of channels of :func:`pixel_features`
CHANNELS = 6


@dataclass(frozen=True)
class DescriptorWeights:
    """Relative weights of the descriptor's parts, and the constant component of the embedding."""

    colour: float = 1.0
    gradient: float = 0.6
    texture: float = 1.5
    bias: float = 1.5


def texture_energy(image: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """Local standard deviation of luma over 5 x 5 pixels (float32 H x W; sRGB luma in [0, 1] is close
    to CIE lightness / 100, and much cheaper at full resolution).

    The patch backend computes it once at full resolution and carries it down its pyramid as a fourth
    channel, so a coarse level still tells pebbles (rough at full resolution) from water (smooth), which
    look alike once halved a few times. With ``valid`` (bool H x W) only valid pixels count.
    """
    light = cv2.cvtColor(np.ascontiguousarray(image[:, :, :3], dtype=np.float32), cv2.COLOR_RGB2GRAY)
    if valid is not None and not valid.all():  # statistics of the valid pixels only (no foreground edge)
        v = valid.astype(np.float32)
        count = np.maximum(cv2.blur(v, (5, 5), borderType=cv2.BORDER_REFLECT), 1e-6)
        light = light * v
        mean = cv2.blur(light, (5, 5), borderType=cv2.BORDER_REFLECT) / count
        mean_sq = cv2.blur(light * light, (5, 5), borderType=cv2.BORDER_REFLECT) / count
        return np.sqrt(np.maximum(mean_sq - mean * mean, 0.0)).astype(np.float32)
    mean = cv2.blur(light, (5, 5), borderType=cv2.BORDER_REFLECT)
    mean_sq = cv2.blur(light * light, (5, 5), borderType=cv2.BORDER_REFLECT)
    return np.sqrt(np.maximum(mean_sq - mean * mean, 0.0)).astype(np.float32)


def pixel_features(
    image: np.ndarray,
    known: np.ndarray,
    *,
    weights: DescriptorWeights = DescriptorWeights(),
    texture: np.ndarray | None = None,
) -> np.ndarray:
    """Return float32 (H, W, 6) contiguous features of a float32 RGB image in [0, 1].

    ``known`` (bool H x W) selects the pixels whose mean is removed; unknown pixels get features computed
    from whatever the image holds there (the current estimate during synthesis). ``texture`` replaces
    the image's own :func:`texture_energy` (e.g. the full-resolution one, carried to a coarser level).
    """
    lab = cv2.cvtColor(np.clip(image[:, :, :3], 0.0, 1.0).astype(np.float32, copy=False), cv2.COLOR_RGB2Lab)
    lab *= np.float32(1.0 / 25.0)  # L in [0, 4], a/b mostly within [-3, 3]
    light = np.ascontiguousarray(lab[:, :, 0])
    gx = cv2.Sobel(light, cv2.CV_32F, 1, 0, ksize=3, borderType=cv2.BORDER_REFLECT) * np.float32(0.25)
    gy = cv2.Sobel(light, cv2.CV_32F, 0, 1, ksize=3, borderType=cv2.BORDER_REFLECT) * np.float32(0.25)
    texture = (texture_energy(image) if texture is None else texture) * np.float32(8.0)
    feats = np.empty(image.shape[:2] + (CHANNELS,), np.float32)
    feats[:, :, 0:3] = lab * np.float32(weights.colour)
    feats[:, :, 3] = gx * np.float32(weights.gradient)
    feats[:, :, 4] = gy * np.float32(weights.gradient)
    feats[:, :, 5] = texture * np.float32(weights.texture)
    centre = np.array(cv2.mean(feats[:, :, :3], mask=known.astype(np.uint8) if known.any() else None)[:3] + (0.0, 0.0, 0.0))
    centre[5] = float(cv2.mean(feats[:, :, 5], mask=known.astype(np.uint8) if known.any() else None)[0])
    centre[3:5] = 0.0  # derivatives are already centred
    feats -= centre.astype(np.float32)
    return feats


def patch_embedding(features: np.ndarray, y: int, x: int, radius: int, *, bias: float = DescriptorWeights.bias) -> np.ndarray:
    """The embedding vector of the patch centred at (y, x) (for inspection and tests; the search computes
    the same cosine similarity inside numba without building the vectors)."""
    patch = features[y - radius : y + radius + 1, x - radius : x + radius + 1].reshape(-1, features.shape[2])
    return np.concatenate([patch, np.full((patch.shape[0], 1), bias, np.float32)], axis=1).ravel()


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two embedding vectors."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0.0 or nb == 0.0:
        return 0.0
    return float(np.dot(a, b) / (na * nb))
