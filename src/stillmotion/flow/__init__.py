"""Optical flow between two images: ``flow`` such that ``image1(x + flow(x)) ~ image0(x)``.

Backends live in :data:`FLOW_BACKENDS` (a :class:`~stillmotion.registry.Registry`); each factory returns
an object with ``estimate(image0, image1) -> Flow``. ``classical`` (the default) and ``dis`` need only
OpenCV; ``raft`` needs the ``neural`` extra and is imported only when asked for.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ..errors import InputError
from ..registry import Registry
from ..types import Flow, Image


class FlowEstimator(Protocol):
    name: str

    def estimate(self, image0: Image, image1: Image) -> Flow: ...


FLOW_BACKENDS: Registry[FlowEstimator] = Registry("flow")
DEFAULT_BACKEND = "classical"


#: Smallest frame side optical flow accepts (OpenCV's DIS needs 12 pixels).
MIN_FLOW_SIDE = 12


def check_pair(image0: Image, image1: Image) -> None:
    """Raise :class:`InputError` unless both images are (H, W, 3) of the same size."""
    for name, img in (("image0", image0), ("image1", image1)):
        if not isinstance(img, np.ndarray) or img.ndim != 3 or img.shape[2] != 3:
            shape = getattr(img, "shape", None)
            raise InputError(f"{name} must be an (H, W, 3) RGB image, got shape {shape}")
    if image0.shape != image1.shape:
        raise InputError(
            f"frames differ in size: {image0.shape[1]}x{image0.shape[0]} and {image1.shape[1]}x{image1.shape[0]}"
        )
    if min(image0.shape[:2]) < MIN_FLOW_SIDE:
        raise InputError(f"frames are too small for optical flow: {image0.shape[1]}x{image0.shape[0]}")


def create_backend(name: str = DEFAULT_BACKEND, **options) -> FlowEstimator:
    """A flow backend by registry name (``classical``, ``classical-hq``, ``dis``, ``raft``)."""
    return FLOW_BACKENDS.create(name, **options)


def estimate_flow(image0: Image, image1: Image, *, backend: str = DEFAULT_BACKEND, **options) -> Flow:
    """Forward flow from ``image0`` to ``image1`` with the named backend (see :func:`create_backend`)."""
    check_pair(image0, image1)
    return create_backend(backend, **options).estimate(image0, image1)


# the built-in backends register themselves on import (they need the names defined above)
from . import classical, dis, raft_backend  # noqa: E402, F401  (they register themselves; raft imports no torch)
