"""Easing curves: maps of [0, 1] onto [0, 1] with zero velocity at the ends."""

from __future__ import annotations

import math
from collections.abc import Callable

Easing = Callable[[float], float]


def linear(t: float) -> float:
    return t


def ease_in_out(t: float) -> float:
    """Sine ease: starts and stops gently, the camera operator's default."""
    return 0.5 - 0.5 * math.cos(math.pi * t)


def ease_out(t: float) -> float:
    return math.sin(0.5 * math.pi * t)


def ease_in(t: float) -> float:
    return 1.0 - math.cos(0.5 * math.pi * t)


def smootherstep(t: float) -> float:
    """Ken Perlin's quintic: zero velocity and acceleration at both ends."""
    return t * t * t * (t * (6.0 * t - 15.0) + 10.0)


EASINGS: dict[str, Easing] = {
    "linear": linear,
    "ease": ease_in_out,
    "ease_in": ease_in,
    "ease_out": ease_out,
    "smooth": smootherstep,
}


def there_and_back(t: float) -> float:
    """0 -> 1 -> 0 over t in [0, 1], eased at the turn and at both ends (for looping clips)."""
    return 0.5 - 0.5 * math.cos(2.0 * math.pi * t)
