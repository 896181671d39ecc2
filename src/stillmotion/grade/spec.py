"""``--grade`` specs: a preset name, ``key=value`` pairs, or both (``"film,grain=0.5"``), left to right.

Parsed into a frozen :class:`GradeConfig`; any problem is one :class:`InputError` line naming the key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InputError
from .bokeh import SHAPES
from .config import GradeConfig


@dataclass(frozen=True)
class Key:
    field: str
    parse: Callable[[str], object]
    help: str


def _number(lo: float, hi: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = float(text)
        if not lo <= value <= hi:
            raise ValueError(f"a number in {lo:g}..{hi:g}")
        return value

    parse.expected = f"a number in {lo:g}..{hi:g}"  # type: ignore[attr-defined]
    return parse


def _triple(lo: float, hi: float) -> Callable[[str], tuple[float, float, float]]:
    one = _number(lo, hi)

    def parse(text: str) -> tuple[float, float, float]:
        parts = text.split(":")
        if len(parts) not in (1, 3):
            raise ValueError("one number or three as R:G:B")
        values = tuple(one(p) for p in parts)
        return values * 3 if len(values) == 1 else values  # type: ignore[return-value]

    parse.expected = f"a number in {lo:g}..{hi:g} or three as R:G:B"  # type: ignore[attr-defined]
    return parse


def _focus(text: str) -> tuple[float, float] | None:
    if text.lower() in ("auto", "subject"):
        return None
    parts = text.split(">")
    if len(parts) not in (1, 2):
        raise ValueError
    values = [_number(0.0, 1.0)(p) for p in parts]
    return (values[0], values[-1])


_focus.expected = "'auto', a depth in 0..1 (0 = farthest, 1 = nearest) or a pull START>END"  # type: ignore[attr-defined]


def _aspect(text: str) -> float | None:
    if text.lower() in ("none", "off", "0"):
        return None
    w, _, h = text.partition(":")
    value = float(w) / float(h or 1)
    if not 0.2 <= value <= 5.0:
        raise ValueError
    return value


_aspect.expected = "an aspect such as 2.39, 2.39:1 or 16:9, or 'none'"  # type: ignore[attr-defined]


def _choice(*names: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in names:
            raise ValueError
        return text

    parse.expected = "one of " + ", ".join(names)  # type: ignore[attr-defined]
    return parse


def _path(text: str) -> str:
    if not text:
        raise ValueError
    return text


_path.expected = "a .cube file"  # type: ignore[attr-defined]


def _seed(text: str) -> int:
    return int(text)


_seed.expected = "an integer"  # type: ignore[attr-defined]

KEYS: dict[str, Key] = {
    "exposure": Key("exposure_ev", _number(-6, 6), "exposure in stops"),
    "temperature": Key("temperature", _number(-1, 1), "white balance: -1 cool .. +1 warm"),
    "tint": Key("tint", _number(-1, 1), "white balance: -1 green .. +1 magenta"),
    "lift": Key("lift", _triple(-0.5, 0.5), "raise the blacks"),
    "gamma": Key("gamma", _triple(0.2, 5), "mid-tones, > 1 brightens"),
    "gain": Key("gain", _triple(0, 4), "scale the whites"),
    "contrast": Key("contrast", _number(-1, 1), "S-curve about mid-grey"),
    "saturation": Key("saturation", _number(0, 3), "0 = monochrome"),
    "lut": Key("lut_path", _path, "a .cube 3D LUT file"),
    "lut_strength": Key("lut_strength", _number(0, 1), "blend of the LUT"),
    "lut_interp": Key("lut_interpolation", _choice("tetrahedral", "trilinear"), "LUT interpolation"),
    "dof": Key("dof_radius_pct", _number(0, 10), "depth of field: largest blur radius, % of the long side"),
    "focus": Key("focus", _focus, "where the focus plane sits; auto = on the subject"),
    "bokeh": Key("bokeh", _choice(*SHAPES), "aperture shape"),
    "sharpen": Key("sharpen", _number(0, 2), "unsharp mask on luma"),
    "aberration": Key("aberration_pct", _number(0, 5), "chromatic aberration at the corners, % of half-diagonal"),
    "bloom": Key("bloom", _number(0, 2), "glow around highlights"),
    "vignette": Key("vignette", _number(0, 1), "corner darkening"),
    "grain": Key("grain", _number(0, 2), "film grain strength"),
    "grain_size": Key("grain_size_px", _number(0.5, 8), "grain size in pixels at 1080 lines"),
    "seed": Key("grain_seed", _seed, "grain seed"),
    "letterbox": Key("letterbox_aspect", _aspect, "bars to an aspect, e.g. 2.39"),
}
ALIASES = {"temp": "temperature", "sat": "saturation", "ca": "aberration", "exposure_ev": "exposure"}


def parse_grade(spec: str | None, *, presets: dict[str, str] | None = None, base: GradeConfig | None = None) -> GradeConfig:
    """Parse a grade spec. Tokens are comma-separated; a bare name applies a preset, ``key=value`` sets."""
    if presets is None:
        from .presets import PRESET_SPECS as presets
    config = base or GradeConfig()
    if not spec or not spec.strip():
        return config
    for token in (t.strip() for t in spec.split(",")):
        if not token:
            continue
        if "=" not in token:
            if token not in presets:
                raise InputError(
                    f"--grade: unknown preset {token!r}; presets: {', '.join(presets)} (or key=value, keys: {', '.join(KEYS)})"
                )
            config = parse_grade(presets[token], presets=presets, base=config)
            continue
        name, _, text = (s.strip() for s in token.partition("="))
        key = KEYS.get(ALIASES.get(name, name))
        if key is None:
            raise InputError(f"--grade: unknown key {name!r}; keys: {', '.join(KEYS)}")
        try:
            value = key.parse(text)
        except (ValueError, TypeError, ZeroDivisionError):
            raise InputError(f"--grade: {name} must be {key.parse.expected}, got {text!r}") from None  # type: ignore[attr-defined]
        config = dataclasses.replace(config, **{key.field: value})
    return config
