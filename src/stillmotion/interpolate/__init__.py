"""Frame interpolation: synthesise the frame at time ``t`` in (0, 1) between two frames.

Methods live in :data:`INTERPOLATORS`; each factory takes ``flow=`` (a flow backend name, see
:mod:`stillmotion.flow`) and returns an object with ``interpolate(image0, image1, times) -> list[Image]``
(flows are estimated once per pair, whatever the number of times). Frames are float in [0, 1], or 8- or
16-bit, taken as float32 in [0, 1]: the frames made are float32 either way. ``splat`` (the default) forward-splats
the flows to time t with occlusion-aware weights and samples both frames; ``splat-colour`` splats colours; ``backward`` is the plain backward-warping baseline.
"""

from __future__ import annotations

import math
from typing import Protocol

from ..errors import InputError
from ..registry import Registry
from ..types import Image


class Interpolator(Protocol):
    name: str

    def interpolate(self, image0: Image, image1: Image, times: list[float]) -> list[Image]: ...


INTERPOLATORS: Registry[Interpolator] = Registry("interpolation")
DEFAULT_METHOD = "splat"
#: what the CLI uses by default (speed/quality chosen with benchmarks/interp_eval.py and interp_speed.py):
#: a fast tuned DIS at a working size of at most this many pixels
FAST_FLOW = "classical-fast"
FAST_FLOW_MAX_PIXELS = 250_000
#: the interpolators' own default flow (two frames, and clips through the API): the tuned DIS fused with
#: DIS seeded by SIFT matches, which follows a small object moving further than its own size
MATCHED_FLOW = "classical-matched"


def create_interpolator(name: str = DEFAULT_METHOD, **options) -> Interpolator:
    """An interpolator by registry name; options: ``flow`` (backend name), ``flow_options`` (dict)."""
    return INTERPOLATORS.create(name, **options)


def check_time(t: float) -> float:
    """``t`` as a float in [0, 1] (NaN, None or text are an :class:`InputError`, not a TypeError)."""
    try:
        value = float(t)
    except (TypeError, ValueError):
        value = math.nan
    if not 0.0 <= value <= 1.0:
        raise InputError(f"t (the time between the two frames) must lie in [0, 1], got {t!r}")
    return value


def interpolate_pair(image0: Image, image1: Image, *, t: float = 0.5, method: str = DEFAULT_METHOD, **options) -> Image:
    """The frame at time ``t`` between ``image0`` (t=0) and ``image1`` (t=1)."""
    return create_interpolator(method, **options).interpolate(image0, image1, [check_time(t)])[0]


# the built-in backends register themselves on import (they need the names defined above)
from . import backward, flowsplat, softsplat  # noqa: E402, F401  (they register themselves)
