"""Uniform letterbox/pillarbox bars baked into a photo: where the picture inside them is.

Kept apart from the estimator so that the renderer can cut bars away without importing the estimator's
cues (scikit-image, SciPy).
"""

from __future__ import annotations

import numpy as np


def content_box(image: np.ndarray, *, tolerance: float = 0.02) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the picture inside uniform letterbox/pillarbox bars (each bar a run of
    rows or columns of one colour); the whole image when there are none or they would leave too little."""
    h, w = image.shape[:2]

    def run(lines: np.ndarray) -> int:  # leading lines (axis 0) that are flat and of the first line's colour
        if lines[0].std(axis=0).max() >= tolerance:  # the usual case: no bar at all on this side
            return 0
        lines = lines[: (3 * len(lines)) // 8, :: max(1, lines.shape[1] // 480)]  # bars are < 3/8; subsample along
        ref = lines[0].mean(axis=0)
        flat = (lines.std(axis=1).max(axis=1) < tolerance) & (np.abs(lines.mean(axis=1) - ref).max(axis=1) < tolerance)
        return int(np.argmin(flat)) if not flat.all() else len(lines)

    top, bottom = run(image), h - run(image[::-1])
    left, right = run(image.transpose(1, 0, 2)), w - run(image.transpose(1, 0, 2)[::-1])
    if bottom - top < h // 4 or right - left < w // 4:
        return 0, h, 0, w
    return top, bottom, left, right
