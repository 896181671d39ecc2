"""Depth estimation: a registry of backends; ``classical`` needs only the core install.

``estimate(image, backend=...)`` returns a :class:`~stillmotion.types.Depth` of kind INVERSE
(larger = nearer) with the photo's size.
"""

from __future__ import annotations

import logging

import numpy as np

from ..registry import Registry
from ..types import Depth

log = logging.getLogger(__name__)

BACKENDS: Registry = Registry("depth")


@BACKENDS.register("classical", "monocular cues (layout, defocus, edges), edge-aware refined; core install only")
def _classical(**options):
    from .classical import ClassicalDepth

    return ClassicalDepth(**options)


def estimate(image: np.ndarray, *, backend: str = "classical", **options) -> Depth:
    """Estimate inverse depth (larger = nearer) for a float32 RGB photo."""
    estimator = BACKENDS.create(backend, **options)
    log.info("depth: %s backend", backend)
    return estimator(image)
