"""Uniform letterbox/pillarbox bars baked into a photo: where the picture inside them is.

Kept apart from the estimator so that the renderer can cut bars away without importing the estimator's
cues (scikit-image, SciPy).
"""

from __future__ import annotations

import numpy as np


def content_box(image: np.ndarray, *, tolerance: float = 0.02) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the picture inside uniform letterbox/pillarbox bars (each bar a run of
    rows or columns of one colour); the whole image when there are none or they would leave too little.

    Bars come in pairs of one colour on opposite sides (a frame letterboxed or pillarboxed to fit another
    aspect), of about the same thickness: a flat band on one side only is part of the picture (a clear or
    overcast sky over the cameraman, a studio backdrop), not a bar to cut away."""
    h, w = image.shape[:2]

    def run(lines: np.ndarray) -> tuple[int, np.ndarray]:
        """Leading lines (axis 0) that are flat and of the first line's colour, and that colour."""
        ref = lines[0].mean(axis=0)
        if lines[0].std(axis=0).max() >= tolerance:  # the usual case: no bar at all on this side
            return 0, ref
        lines = lines[: (3 * len(lines)) // 8, :: max(1, lines.shape[1] // 480)]  # bars are < 3/8; subsample along
        flat = (lines.std(axis=1).max(axis=1) < tolerance) & (np.abs(lines.mean(axis=1) - ref).max(axis=1) < tolerance)
        # a bar ends where the picture starts: flat all the way to the limit is a flat picture (a blank
        # card, a clear sky filling the frame), not bars around a quarter of it
        return (0 if flat.all() else int(np.argmin(flat))), ref

    def pair(lines: np.ndarray) -> tuple[int, int]:
        (first, colour), (last, other) = run(lines), run(lines[::-1])
        alike = np.abs(colour - other).max() < tolerance
        if first and last and alike and min(first, last) >= 0.5 * max(first, last) - BAR_SLACK_PX:
            return first, last
        return 0, 0

    top, bottom = pair(image)
    left, right = pair(image.transpose(1, 0, 2))
    bottom, right = h - bottom, w - right
    if bottom - top < h // 4 or right - left < w // 4:
        return 0, h, 0, w
    return top, bottom, left, right


#: Two bars of a pair may differ in thickness by half the thicker one plus this many pixels (a frame not
#: quite centred in its box).
BAR_SLACK_PX = 4
