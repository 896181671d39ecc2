"""``--grade`` specs: a preset name, ``key=value`` pairs, or both (``"film,grain=0.5"``), left to right.

A preset replaces everything before it (``"film,none"`` is no grade); a ``key=value`` changes one setting of
what came before. Parsed into a frozen :class:`GradeConfig`; any problem is one :class:`InputError` line
naming the key, and a ``lut=`` file that cannot be found is one at once.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InputError
from ..io._checks import check_input_file
from .config import RULES, GradeConfig, accepted

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Key:
    """One ``key=value`` of a spec: the :class:`GradeConfig` field it sets, how its text is read (the field's
    rule in :data:`~.config.RULES` then checks the value), what it does and, when the text has a form of its
    own, how it is written (``says``: the whole of what a spec may give, where the rule's words are Python's,
    such as None)."""

    field: str
    read: Callable[[str], object]
    help: str
    written: str = ""
    says: str = ""

    @property
    def expected(self) -> str:
        if self.says:
            return self.says
        return RULES[self.field].expected + (f"; written {self.written}" if self.written else "")


def _numbers(text: str) -> float | tuple[float, ...]:
    """``"0.1"`` -> 0.1, ``"0.1:0.2:0.3"`` -> (0.1, 0.2, 0.3)."""
    values = tuple(float(p) for p in text.split(":"))
    return values[0] if len(values) == 1 else values


def _focus(text: str) -> float | tuple[float, ...] | None:
    if text.lower() in ("auto", "subject"):
        return None
    values = tuple(float(p) for p in text.split(">"))
    return values[0] if len(values) == 1 else values


def _aspect(text: str) -> float | None:
    if text.lower() in ("none", "off"):  # 0 is out of range like 0.1, not a silent "none"
        return None
    w, _, h = text.partition(":")
    width, height = float(w), float(h or 1)
    if width <= 0 or height <= 0:  # -16:-9 was taken as 1.78
        raise ValueError
    return width / height


KEYS: dict[str, Key] = {
    "exposure": Key("exposure_ev", float, "exposure in stops"),
    "temperature": Key("temperature", float, "white balance: -1 cool .. +1 warm"),
    "tint": Key("tint", float, "white balance: -1 green .. +1 magenta"),
    "lift": Key("lift", _numbers, "raise the blacks", "R:G:B"),
    "gamma": Key("gamma", _numbers, "mid-tones, > 1 brightens", "R:G:B"),
    "gain": Key("gain", _numbers, "scale the whites", "R:G:B"),
    "contrast": Key("contrast", float, "S-curve about mid-grey"),
    "saturation": Key("saturation", float, "0 = monochrome"),
    "lut": Key("lut_path", os.path.expanduser, "a .cube 3D LUT file", says="the path of a .cube file"),
    "lut_strength": Key("lut_strength", float, "blend of the LUT"),
    "lut_interp": Key("lut_interpolation", str, "LUT interpolation"),
    "dof": Key("dof_radius_pct", float, "depth of field: blur radius, % of the long side, per unit of depth from the focus"),
    "focus": Key("focus", _focus, "where the focus plane sits; auto = on the subject",
                 says="auto, a depth D in 0..1 (0 = farthest, 1 = nearest) or a pull START>END"),
    "bokeh": Key("bokeh", str, "aperture shape"),
    "sharpen": Key("sharpen", float, "unsharp mask on luma"),
    "aberration": Key("aberration_pct", float, "chromatic aberration at the corners, % of half-diagonal"),
    "bloom": Key("bloom", float, "glow around highlights"),
    "vignette": Key("vignette", float, "corner darkening"),
    "grain": Key("grain", float, "film grain strength"),
    "grain_size": Key("grain_size_px", float, "grain size in pixels at 1080 lines"),
    "seed": Key("grain_seed", int, "grain seed"),
    "letterbox": Key("letterbox_aspect", _aspect, "bars to an aspect, e.g. 2.39",
                     says="an aspect in 0.2..5 (2.39, 2.39:1, 16:9) or none"),
}
ALIASES = {"temp": "temperature", "sat": "saturation", "ca": "aberration", "exposure_ev": "exposure"}


def parse_grade(spec: str | None, *, presets: dict[str, str] | None = None, base: GradeConfig | None = None) -> GradeConfig:
    """Parse a grade spec. Tokens are comma-separated, read left to right: a bare name is a preset, which
    replaces ``base`` and every token before it; ``key=value`` sets one field."""
    if presets is None:
        from .presets import PRESET_SPECS as presets
    config = base or GradeConfig()
    if not spec or not spec.strip():
        return config
    depth_of_field_keys: list[str] = []  # focus= and bokeh= given here: they need dof=
    for token in (t.strip() for t in spec.split(",")):
        if not token:
            continue
        if "=" not in token:
            if token not in presets:
                hint = " (a comma in a LUT's path splits the spec: rename the file)" if token.lower().endswith(".cube") else ""
                raise InputError(
                    f"--grade: unknown preset {token!r}{hint}; presets: {', '.join(presets)} (or key=value, keys: "
                    f"{', '.join(KEYS)})"
                )
            config = parse_grade(presets[token], presets=presets)
            continue
        name, _, text = (s.strip() for s in token.partition("="))
        key = KEYS.get(ALIASES.get(name, name))
        if key is None:
            raise InputError(f"--grade: unknown key {name!r}; keys: {', '.join(KEYS)}")
        try:
            value = accepted(key.field, key.read(text))
        except (ValueError, TypeError, ZeroDivisionError):
            raise InputError(f"--grade: {name} must be {key.expected}, got {text!r}") from None
        config = dataclasses.replace(config, **{key.field: value})
        if key.field in ("focus", "bokeh"):
            depth_of_field_keys.append(name)
    if depth_of_field_keys and not config.dof_radius_pct > 0:
        named = list(dict.fromkeys(depth_of_field_keys))
        log.warning("--grade: %s %s nothing without dof=RADIUS (depth of field); ignored", " and ".join(named),
                    "do" if len(named) > 1 else "does")  # fmt: skip
    if config.lut_path:  # refused now, not after the first frame's depth (a LUT a later preset dropped is not read)
        check_input_file(config.lut_path, "LUT")
    return config
