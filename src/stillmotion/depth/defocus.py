"""Defocus cue: in-focus subjects are nearer than a blurred background (portraits, macro shots).

Blur is estimated at edges by re-blurring (Zhuo and Sim, "Defocus map estimation from a single image",
2011): an edge blurred by a Gaussian of sigma ``s`` has gradient ratio ``R = |grad I| / |grad (I * G_s0)|``
with ``s = s0 / sqrt(R^2 - 1)``. The sparse blur estimates at edges are spread over the image by
normalised convolution. The cue only counts when the photo really mixes sharp and blurred parts: its
``confidence`` is the spread between sharp and blurred edge populations, 0 for an all-sharp photo.

The spreading window is wide (a twentieth of the picture), so that a subject's soft parts (a face, a
jumper) take the sharpness of its crisp ones (hair, a hat's knit). But it reached across the subject's
outline: the subject's sharp edges made the blurred background beside it look sharp, a near glow tens of
pixels wide around it. So when the photo has real defocus blur and the caller knows the foreground (its
segmentation), the background averages the background's edges only; the outline's own edges count for
the subject (it occludes: the outline is at its focus), and a background pixel with no background edge
within reach takes the background's median blur. The foreground keeps the average of all edges around
it: its own may be few (a glossy cup, a smooth face), or the segmentation took only a part of a thing
(a cat's eye).
"""

from __future__ import annotations

import cv2
import numpy as np

from ..imageops import normalised_blur

_RESHARPEN_SIGMA = 1.0
#: Confidence above which the photo is taken to have real defocus blur (sharp = near).
REAL_DEFOCUS = 0.25
#: Edge density (edge pixels per pixel, Gaussian-weighted) below which the background's median blur wins.
_PRIOR_DENSITY = 1e-3


def gradient_magnitude(gray: np.ndarray) -> np.ndarray:
    """|grad| (Sobel) of a float32 grey image. ``np.hypot``, not ``cv2.magnitude``: OpenCV's result depends
    on the memory alignment of its two inputs (a vector or a scalar path, one ulp apart), which varies from
    run to run, and the same photo must give the same depth every time."""
    return np.hypot(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))


def defocus_sharpness(gray: np.ndarray, *, foreground: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """(sharpness in [0, 1] (H, W), confidence in [0, 1]) for a small float32 grey image. With a soft
    ``foreground`` mask (H, W) in [0, 1] and a confidence above ``REAL_DEFOCUS``, the background outside
    it takes its sharpness from its own edges only."""
    h, w = gray.shape
    grad = gradient_magnitude(gray)
    grad_b = gradient_magnitude(cv2.GaussianBlur(gray, (0, 0), _RESHARPEN_SIGMA))
    edges = cv2.Canny((np.clip(gray, 0, 1) * 255).astype(np.uint8), 30, 90) > 0
    edges &= grad_b > 0.02
    if edges.sum() < 50:
        return np.zeros((h, w), np.float32), 0.0
    ratio = np.clip(grad[edges] / np.maximum(grad_b[edges], 1e-6), 1.0001, 50.0)
    sigma = _RESHARPEN_SIGMA / np.sqrt(ratio**2 - 1.0)
    sigma = np.clip(sigma, 0.0, 5.0)
    sparse = np.zeros((h, w), np.float32)
    weight = np.zeros((h, w), np.float32)
    sparse[edges] = sigma
    weight[edges] = 1.0
    spread = max(h, w) / 20.0
    lo, hi = np.percentile(sigma, [15, 85])
    confidence = float(np.clip((hi - lo) / 1.5 - 0.2, 0.0, 1.0))
    if foreground is None or confidence <= REAL_DEFOCUS:
        dense = normalised_blur(sparse, weight, sigma_px=spread, min_weight=1e-6)
    else:
        fg = np.clip(foreground, 0.0, 1.0).astype(np.float32)
        behind = 1.0 - cv2.dilate(fg, np.ones((5, 5), np.uint8))  # the outline's edges are the subject's
        seen = behind[edges] > 0.5
        prior = float(np.median(sigma[seen] if seen.any() else sigma))  # the background's typical blur
        every_edge = normalised_blur(sparse, weight, sigma_px=spread, min_weight=1e-6)
        background = normalised_blur(sparse, weight * behind, sigma_px=spread, prior=prior, prior_weight=_PRIOR_DENSITY)
        dense = fg * every_edge + (1.0 - fg) * background
    sharp = 1.0 - np.clip((dense - lo) / max(hi - lo, 1e-3), 0.0, 1.0)
    return sharp.astype(np.float32), confidence
