"""Depth estimation: a registry of backends; ``classical`` needs only the core install.

``estimate(image, backend=...)`` returns a :class:`~stillmotion.types.Depth` of kind INVERSE
(larger = nearer) with the photo's size. Backends:

- ``classical``: monocular cues, edge-aware refined (:mod:`.classical`); always available.
- ``phone``: the depth map a phone camera embedded in the photo file (:mod:`.phone`); needs ``source``.
- ``depth_anything_v2``, ``depth_anything``, ``dpt``: transformers depth models (:mod:`.neural`), weights
  from ``model=`` (a local directory or a Hugging Face cache id); never downloaded.
- ``auto``: ``phone`` when the file holds a depth map, else a neural model found locally, else
  ``classical``. :func:`resolve_backend` says which one ``auto`` picks.
"""

from __future__ import annotations

import logging
import os

import numpy as np

from ..errors import InputError
from ..registry import Registry
from ..types import Depth

log = logging.getLogger(__name__)

BACKENDS: Registry = Registry("depth")

AUTO = "auto"


@BACKENDS.register("classical", "monocular cues (layout, sky, foreground, defocus, texture), edge-aware refined; core install")
def _classical(**options):
    from .classical import ClassicalDepth

    return ClassicalDepth(**options)


#: The backends that load no model (``model`` means nothing to them).
MODELLESS_BACKENDS = ("classical", "phone")


def backend_names() -> list[str]:
    """Every name ``estimate`` accepts, ``auto`` first."""
    return [AUTO, *BACKENDS.names()]


def resolve_backend(backend: str = AUTO, *, source: str | os.PathLike | None = None, model: str | None = None) -> str:
    """The concrete backend ``backend`` stands for (``auto`` is resolved; other names are checked)."""
    if backend != AUTO:
        if backend not in BACKENDS:
            raise InputError(f"unknown depth backend {backend!r}; choose one of: {', '.join(backend_names())}")
        return backend
    if source is not None and "phone" in BACKENDS:
        from .phone import has_phone_depth

        if has_phone_depth(source):
            return "phone"
    if "dpt" in BACKENDS:
        from .neural import find_local_model

        found = find_local_model(model)
        if found is not None:
            return found[0]
    if model is not None:  # asked for by name: a typo must not quietly give the classical estimate
        raise InputError(f"--model {model}: no local depth model there (a model folder, or an id already in the "
                         "Hugging Face cache; nothing is downloaded)")  # fmt: skip
    return "classical"


def estimate(
    image: np.ndarray,
    *,
    backend: str = "classical",
    source: str | os.PathLike | None = None,
    model: str | None = None,
    **options,
) -> Depth:
    """Estimate inverse depth (larger = nearer) for a float32 RGB photo (8- or 16-bit, grey or RGBA arrays
    are converted as :func:`stillmotion.io.image.image_array` says; NaN or infinite values are refused).

    ``source`` is the photo's file (the ``phone`` backend reads the depth embedded in it); ``model`` a
    local model directory or Hugging Face cache id for the neural backends. The backend used is logged.
    """
    from ..io.image import image_array

    image = image_array(image)
    if min(image.shape[:2]) < 2:
        raise InputError(f"the photo is {image.shape[1]}x{image.shape[0]} pixels: depth needs at least 2x2")
    name = resolve_backend(backend, source=source, model=model)
    if name == "phone":
        options["source"] = source
    elif name not in MODELLESS_BACKENDS and model is not None:
        options["model"] = model
    estimator = BACKENDS.create(name, **options)
    log.info("depth: %s backend%s", name, " (auto)" if backend == AUTO else "")
    depth = estimator(image)
    if depth.shape != image.shape[:2]:
        raise RuntimeError(f"depth backend {name} returned {depth.shape}, expected {image.shape[:2]}")
    return depth


@BACKENDS.register("phone", "the depth map a phone embedded in the photo (Android GDepth / Dynamic Depth, Apple)")
def _phone(**options):
    from .phone import PhoneDepth

    return PhoneDepth(**options)


def _neural(name: str):
    def factory(**options):
        from .neural import NeuralDepth

        return NeuralDepth(backend=name, **options)

    return factory


BACKENDS.register("depth_anything_v2", "Depth Anything V2 (transformers, 'neural' extra; local weights only)")(_neural("depth_anything_v2"))
BACKENDS.register("depth_anything", "Depth Anything V1 (transformers, 'neural' extra; local weights only)")(_neural("depth_anything"))
BACKENDS.register("dpt", "DPT / MiDaS v3 (transformers, 'neural' extra; local weights only)")(_neural("dpt"))
