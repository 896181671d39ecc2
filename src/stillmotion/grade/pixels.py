"""What the grade accepts as a frame: float pixels in [0, 1] (8/16-bit integers scaled), never NaN."""

from __future__ import annotations

import math

import numpy as np

from ..errors import InputError
from ..io.image import unit_float


def unit_pixels(image: np.ndarray, *, what: str = "image") -> np.ndarray:
    """``image`` as float pixels (8/16-bit integers scaled to [0, 1] by :func:`~stillmotion.io.image.unit_float`).

    Raises :class:`InputError` when it holds NaN or infinite values: they would come out of the grade as
    NaN, or index outside a LUT. Two reductions (min, max): cheap next to any filter of the grade.
    """
    image = unit_float(image)
    if image.size and not (math.isfinite(float(image.min())) and math.isfinite(float(image.max()))):
        raise InputError(f"the {what} holds NaN or infinite values; expected numbers in [0, 1]")
    return image
