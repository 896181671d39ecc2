"""Defocus cue: in-focus subjects are nearer than a blurred background (portraits, macro shots).

Blur is estimated at edges by re-blurring (Zhuo and Sim, "Defocus map estimation from a single image",
2011): an edge blurred by a Gaussian of sigma ``s`` has gradient ratio ``R = |grad I| / |grad (I * G_s0)|``
with ``s = s0 / sqrt(R^2 - 1)``. The sparse blur estimates at edges are spread over the image by
normalised convolution. The cue only counts when the photo really mixes sharp and blurred parts: its
``confidence`` is the spread between sharp and blurred edge populations, 0 for an all-sharp photo.
"""

from __future__ import annotations

import cv2
import numpy as np

_RESHARPEN_SIGMA = 1.0


def gradient_magnitude(gray: np.ndarray) -> np.ndarray:
    """|grad| (Sobel) of a float32 grey image. ``np.hypot``, not ``cv2.magnitude``: OpenCV's result depends
    on the memory alignment of its two inputs (a vector or a scalar path, one ulp apart), which varies from
    run to run, and the same photo must give the same depth every time."""
    return np.hypot(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))


def defocus_sharpness(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """(sharpness in [0, 1] (H, W), confidence in [0, 1]) for a small float32 grey image."""
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
    dense = cv2.GaussianBlur(sparse, (0, 0), spread) / np.maximum(cv2.GaussianBlur(weight, (0, 0), spread), 1e-6)
    lo, hi = np.percentile(sigma, [15, 85])
    confidence = float(np.clip((hi - lo) / 1.5 - 0.2, 0.0, 1.0))
    sharp = 1.0 - np.clip((dense - lo) / max(hi - lo, 1e-3), 0.0, 1.0)
    return sharp.astype(np.float32), confidence
