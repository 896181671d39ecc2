"""Film grain: zero-mean, luminance-dependent, a new seeded pattern every frame.

Grain is strongest in the mid-tones and fades in deep shadows and clipped highlights (a developed
emulsion has few grains left to vary there). It is mostly monochrome with a little chroma, as colour
negative film shows, and clumps at ``grain_size_px``. Frame ``i`` of seed ``s`` always gets the same
pattern, so a render is reproducible while every frame differs from the last.
"""

from __future__ import annotations

from statistics import NormalDist

import cv2
import numpy as np

from .colour import LUMA

#: Standard deviation of the grain at mid-grey for strength 1.
SIGMA_AT_FULL = 0.09
CHROMA_SHARE = 0.3


#: The 256 equal-probability quantiles (midpoints) of the standard normal distribution: random bytes
#: looked up in it are Gaussian grain at a fraction of the cost of drawing normals (a 1080p frame draws
#: 3.7 million), and no eye tells 256 levels from a continuum once the grains are interpolated.
_NORMAL_LEVELS = np.array([NormalDist().inv_cdf((k + 0.5) / 256.0) for k in range(256)], np.float32)


def _raw_noise(shape: tuple[int, int], *, size_px: float, seed: int, frame_index: int,
               chroma_share: float = CHROMA_SHARE) -> np.ndarray:  # fmt: skip
    """Zero-mean noise (H, W, 3), mostly monochrome (``chroma_share`` of it differs between the channels),
    with grains of about ``size_px`` pixels (not normalised)."""
    h, w = shape
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(frame_index) & 0xFFFFFFFF, 0x6A41])
    size = max(float(size_px), 1.0)
    gh, gw = max(2, round(h / size)), max(2, round(w / size))
    chroma = cv2.LUT(rng.integers(0, 256, (gh, gw, 3), dtype=np.uint8), _NORMAL_LEVELS * np.float32(chroma_share))
    mono = cv2.LUT(rng.integers(0, 256, (gh, gw), dtype=np.uint8), _NORMAL_LEVELS * np.float32(1.0 - chroma_share))
    noise = chroma + mono[..., None]
    if (gh, gw) != (h, w):
        noise = cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC)
    return noise


def _normalisation(noise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and 1 / standard deviation (float32) of ``noise``: removing them makes it exactly
    zero-mean with unit variance, so grain never shifts a frame's brightness (no flicker)."""
    mean, std = cv2.meanStdDev(noise)
    return mean.ravel().astype(np.float32), (1.0 / np.maximum(std.ravel(), 1e-6)).astype(np.float32)


def grain_noise(shape: tuple[int, int], *, size_px: float, seed: int, frame_index: int) -> np.ndarray:
    """Unit-variance, zero-mean noise (H, W, 3) with grains of about ``size_px`` pixels."""
    noise = _raw_noise(shape, size_px=size_px, seed=seed, frame_index=frame_index)
    mean, inv_std = _normalisation(noise)
    return (noise - mean) * inv_std


def grain_response(luma: np.ndarray) -> np.ndarray:
    """Grain amplitude against luma: 1 at mid-grey, falling to ~0.2 at black and 0 at white (the curve
    :func:`add_grain` applies, from the same compiled function)."""
    from .kernels import grain_amplitudes

    return grain_amplitudes(np.asarray(luma, dtype=np.float32))


def add_grain(
    image: np.ndarray, *, strength: float, size_px: float = 1.5, seed: int = 0, frame_index: int = 0,
    saturation: float = 1.0,
) -> np.ndarray:
    """Return ``image`` plus grain (not clipped, so it stays zero-mean; the pipeline clips at the end).
    ``saturation``: the grade's; its colour grain (``CHROMA_SHARE``) fades with it, so a black-and-white
    grade (``noir``, saturation 0) gets grey grain, not specks of colour."""
    if strength <= 0.0:
        return image
    from .kernels import apply_grain

    chroma_share = CHROMA_SHARE * min(max(float(saturation), 0.0), 1.0)
    noise = _raw_noise(image.shape[:2], size_px=size_px, seed=seed, frame_index=frame_index, chroma_share=chroma_share)
    mean, inv_std = _normalisation(noise)
    # image + the normalised noise times grain_response(luma) times the strength, in one pass
    return apply_grain(np.ascontiguousarray(image, dtype=np.float32), noise, mean, inv_std, LUMA,
                       np.float32(SIGMA_AT_FULL * strength))  # fmt: skip
