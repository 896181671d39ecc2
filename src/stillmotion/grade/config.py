"""The grade configuration: one frozen dataclass, every field neutral by default, checked when it is built.

``RULES`` says what each field accepts; a :class:`GradeConfig` built with anything else is one
:class:`InputError` line, and the ``--grade`` parser (:mod:`.spec`) reports its keys by the same rules.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InputError
from .bokeh import SHAPES

RGB = tuple[float, float, float]


@dataclass(frozen=True)
class Rule:
    """What one field accepts: ``accept(value)`` returns the value as it is stored (numbers as float,
    sequences as tuples) or raises ValueError or TypeError; ``expected`` says it in words."""

    accept: Callable[[object], object]
    expected: str


def _real(value: object, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not lo <= value <= hi:  # NaN fails too
        raise ValueError
    return float(value)


def _number(lo: float, hi: float) -> Rule:
    return Rule(lambda value: _real(value, lo, hi), f"a number in {lo:g}..{hi:g}")


def _numbers(value: object, count: int, lo: float, hi: float) -> tuple[float, ...]:
    """One number (repeated ``count`` times) or ``count`` of them, each in lo..hi."""
    values = (value,) * count if isinstance(value, numbers.Real) else tuple(value)  # type: ignore[arg-type]
    if len(values) != count:
        raise ValueError
    return tuple(_real(v, lo, hi) for v in values)


def _rgb(lo: float, hi: float) -> Rule:
    return Rule(lambda value: _numbers(value, 3, lo, hi), f"a number in {lo:g}..{hi:g}, or three (R, G, B)")


def _focus(value: object) -> tuple[float, float] | None:
    return None if value is None else _numbers(value, 2, 0.0, 1.0)  # type: ignore[return-value]


def _aspect(value: object) -> float | None:
    return None if value is None else _real(value, 0.2, 5.0)


def _choice(*names: str) -> Rule:
    def accept(value: object) -> str:
        if value not in names:
            raise ValueError
        return value  # type: ignore[return-value]

    return Rule(accept, "one of " + ", ".join(names))


def _lut_path(value: object) -> str | None:
    if value is None:
        return None
    path = os.fspath(value)  # type: ignore[arg-type]
    if not isinstance(path, str) or not path:
        raise ValueError
    return path


def _seed(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError
    return int(value)


#: field -> what it accepts (the ``--grade`` keys of :mod:`.spec` are checked by these too)
RULES: dict[str, Rule] = {
    "exposure_ev": _number(-6, 6),
    "temperature": _number(-1, 1),
    "tint": _number(-1, 1),
    "lift": _rgb(-0.5, 0.5),
    "gamma": _rgb(0.2, 5),
    "gain": _rgb(0, 4),
    "contrast": _number(-1, 1),
    "saturation": _number(0, 3),
    "lut_path": Rule(_lut_path, "None or the path of a .cube file"),
    "lut_strength": _number(0, 1),
    "lut_interpolation": _choice("tetrahedral", "trilinear"),
    "dof_radius_pct": _number(0, 10),
    "focus": Rule(_focus, "a depth in 0..1 (0 = farthest, 1 = nearest), a pull (start, end), or None (the subject)"),
    "bokeh": _choice(*SHAPES),
    "sharpen": _number(0, 2),
    "aberration_pct": _number(0, 5),
    "bloom": _number(0, 2),
    "vignette": _number(0, 1),
    "grain": _number(0, 2),
    "grain_size_px": _number(0.5, 8),
    "grain_seed": Rule(_seed, "an integer"),
    "letterbox_aspect": Rule(_aspect, "a width/height ratio in 0.2..5, or None (no bars)"),
}


def accepted(field: str, value: object) -> object:
    """``value`` as a :class:`GradeConfig` stores ``field``; ValueError when the field's rule refuses it."""
    try:
        return RULES[field].accept(value)
    except (TypeError, ValueError):
        raise ValueError(RULES[field].expected) from None


@dataclass(frozen=True)
class GradeConfig:
    """How a frame is finished. Every default leaves the frame unchanged.

    Colour fields act on sRGB-encoded values unless said otherwise; ``lift``, ``gamma`` and ``gain`` are
    per channel (R, G, B; one number sets all three). Lens fields scale with the frame, so a grade looks the
    same at any size. Each field is checked by its rule in :data:`RULES` (:class:`InputError` otherwise).
    """

    # colour
    exposure_ev: float = 0.0  #: stops, applied in linear light
    temperature: float = 0.0  #: -1 (cool, blue) .. +1 (warm, amber), white-balance gains in linear light
    tint: float = 0.0  #: -1 (green) .. +1 (magenta)
    lift: RGB = (0.0, 0.0, 0.0)  #: raises (or lowers) the blacks: ``x + lift * (1 - x)``
    gamma: RGB = (1.0, 1.0, 1.0)  #: mid-tones: ``x ** (1 / gamma)``, > 1 brightens
    gain: RGB = (1.0, 1.0, 1.0)  #: multiplies the whites
    contrast: float = 0.0  #: -1 .. 1, an S-curve pivoting on mid-grey that keeps black and white fixed
    saturation: float = 1.0  #: 0 = monochrome, 1 = unchanged
    lut_path: str | None = None  #: a .cube 3D LUT applied after the colour controls
    lut_strength: float = 1.0  #: blend of the LUT's result with its input, 0 .. 1
    lut_interpolation: str = "tetrahedral"  #: or "trilinear"
    # lens
    dof_radius_pct: float = 0.0  #: circle of confusion at depth 1 from the focus plane, % of the long side (0 = off)
    focus: tuple[float, float] | None = None  #: focus plane at start and end of the shot, normalised inverse
    #: depth (0 = farthest, 1 = nearest); one number: a fixed plane; None = on the subject. Different values
    #: make a focus pull.
    bokeh: str = "disc"  #: aperture shape: "disc" or "hexagon"
    sharpen: float = 0.0  #: 0 .. 2, unsharp mask on luma (macro detail)
    aberration_pct: float = 0.0  #: lateral chromatic aberration: red/blue split at the corners, % of half-diagonal
    bloom: float = 0.0  #: 0 .. 2, glow around highlights (warm, like film halation)
    vignette: float = 0.0  #: 0 .. 1, darkening of the corners in linear light
    # film
    grain: float = 0.0  #: 0 .. 2, film grain strength (strongest in the mid-tones)
    grain_size_px: float = 1.5  #: grain clump size in pixels of a 1080-line frame
    grain_seed: int = 0
    letterbox_aspect: float | None = None  #: black bars to this width/height ratio, e.g. 2.39

    def __post_init__(self) -> None:
        """Check every field by its rule (:data:`RULES`); numbers are stored as float, sequences as tuples."""
        for field in RULES:
            value = getattr(self, field)
            try:
                object.__setattr__(self, field, accepted(field, value))
            except ValueError as exc:
                raise InputError(f"GradeConfig.{field} must be {exc}, got {value!r}") from None

    @property
    def needs_depth(self) -> bool:
        return self.dof_radius_pct > 0.0
