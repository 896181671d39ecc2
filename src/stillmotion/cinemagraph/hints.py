"""User motion hints for a cinemagraph: arrows, anchors, and how they are read from text and JSON.

An arrow ``Hint(x, y, dx, dy)`` says that the material at photo pixel (x, y) moves by (dx, dy) pixels per
second of video (so the look does not change with ``--fps``). An anchor (x, y) pins the field to zero there.
Coordinates are in pixels of the photo as read (EXIF orientation applied), x right, y down. An arrow
may be at most the photo's diagonal long (``MAX_ARROW_DIAG_PER_S``): the presets move at 1-8 % of it.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

#: Longest arrow, in photo diagonals per second (the fastest preset, waterfall, moves 0.08 of it); the
#: material that flows in over a loop grows with the distance travelled.
MAX_ARROW_DIAG_PER_S = 1.0


@dataclass(frozen=True)
class Hint:
    """An arrow: material at (x, y) moves by (dx, dy) pixels per second."""

    x: float
    y: float
    dx: float
    dy: float

    def __post_init__(self) -> None:
        _check_finite("hint", (self.x, self.y, self.dx, self.dy))


@dataclass(frozen=True)
class Anchor:
    """A pin: the motion field is zero at (x, y) and rises smoothly away from it."""

    x: float
    y: float

    def __post_init__(self) -> None:
        _check_finite("anchor", (self.x, self.y))


def _as(kind: type, value, fields: str):
    """``value`` as a :class:`Hint` or :class:`Anchor`: itself, or made from a tuple of its numbers."""
    if isinstance(value, kind):
        return value
    try:
        return kind(*(float(v) for v in value))
    except (TypeError, ValueError):
        name = kind.__name__
        raise InputError(f"a {name.lower()} is a {name} or ({fields}) numbers, got {value!r}") from None


def _check_finite(what: str, values: tuple) -> None:
    """NaN or infinite coordinates (JSON's NaN, 1e400) would silently wreck the whole motion field."""
    if not all(math.isfinite(v) for v in values):
        raise InputError(f"{what} {tuple(values)} must be finite numbers")


@dataclass(frozen=True)
class MotionHints:
    """Every arrow and anchor given for one photo."""

    hints: tuple[Hint, ...] = ()
    anchors: tuple[Anchor, ...] = ()

    def __post_init__(self) -> None:
        """Plain ``(x, y, dx, dy)`` and ``(x, y)`` tuples are taken as arrows and pins (in a list too)."""
        object.__setattr__(self, "hints", tuple(_as(Hint, h, "x, y, dx, dy") for h in self.hints))
        object.__setattr__(self, "anchors", tuple(_as(Anchor, a, "x, y") for a in self.anchors))

    def __add__(self, other: MotionHints) -> MotionHints:
        return MotionHints(self.hints + other.hints, self.anchors + other.anchors)

    def scaled(self, factor: float) -> MotionHints:
        """The same hints for the photo resized by ``factor`` (positions and lengths scale alike)."""
        return MotionHints(
            tuple(Hint(h.x * factor, h.y * factor, h.dx * factor, h.dy * factor) for h in self.hints),
            tuple(Anchor(a.x * factor, a.y * factor) for a in self.anchors),
        )

    def clamped(self, width: int, height: int) -> MotionHints:
        """The same hints with positions moved into a ``width`` x ``height`` photo: after a resize or an odd
        row's crop, a point on the photo's last line can lie just beyond it."""

        def inside(x: float, y: float) -> tuple[float, float]:
            return min(max(x, 0.0), width - 1.0), min(max(y, 0.0), height - 1.0)

        return MotionHints(
            tuple(Hint(*inside(h.x, h.y), h.dx, h.dy) for h in self.hints),
            tuple(Anchor(*inside(a.x, a.y)) for a in self.anchors),
        )

    def check_fits(self, width: int, height: int) -> None:
        """Raise :class:`InputError` when a hint or anchor lies outside a ``width`` x ``height`` photo or an
        arrow is longer than ``MAX_ARROW_DIAG_PER_S`` of its diagonal."""
        self.check_inside(width, height)
        limit = MAX_ARROW_DIAG_PER_S * math.hypot(width, height)
        for h in self.hints:
            if math.hypot(h.dx, h.dy) > limit:
                raise InputError(
                    f"hint at ({h.x:g}, {h.y:g}) moves {math.hypot(h.dx, h.dy):.4g} px per second, more than "
                    f"{limit:.0f} ({MAX_ARROW_DIAG_PER_S:g} x the photo's diagonal)"
                )

    def check_inside(self, width: int, height: int) -> None:
        """Raise :class:`InputError` when a hint or anchor lies outside a ``width`` x ``height`` photo."""
        for what, points in (("hint", [(h.x, h.y) for h in self.hints]), ("anchor", [(a.x, a.y) for a in self.anchors])):
            for x, y in points:
                if not (0 <= x <= width - 1 and 0 <= y <= height - 1):
                    raise InputError(
                        f"{what} at ({x:g}, {y:g}) is outside the photo, which is {width}x{height} "
                        f"(x in 0..{width - 1}, y in 0..{height - 1})"
                    )


def _numbers(text: str, count: int, what: str, example: str) -> list[float]:
    parts = [p for p in text.replace(" ", "").split(",") if p != ""]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != count or not all(v == v and abs(v) != float("inf") for v in values):
        raise InputError(f"{what} must be {count} numbers like '{example}', got {text!r}")
    return values


def parse_hint(text: str) -> Hint:
    """``"x,y,dx,dy"`` -> :class:`Hint`."""
    return Hint(*_numbers(text, 4, "--hint", "400,300,0,25"))


def parse_anchor(text: str) -> Anchor:
    """``"x,y"`` -> :class:`Anchor`."""
    return Anchor(*_numbers(text, 2, "--anchor", "515,372"))


def _hint_from_json(item, path: Path) -> Hint:
    if isinstance(item, dict):
        try:
            return Hint(float(item["x"]), float(item["y"]), float(item["dx"]), float(item["dy"]))
        except (KeyError, TypeError, ValueError):
            pass
    elif isinstance(item, (list, tuple)) and len(item) == 4:
        try:
            return Hint(*(float(v) for v in item))
        except (TypeError, ValueError):
            pass
    raise InputError(f"hints file {path}: each hint must be {{'x','y','dx','dy'}} or [x, y, dx, dy], got {item!r}")


def _anchor_from_json(item, path: Path) -> Anchor:
    if isinstance(item, dict):
        try:
            return Anchor(float(item["x"]), float(item["y"]))
        except (KeyError, TypeError, ValueError):
            pass
    elif isinstance(item, (list, tuple)) and len(item) == 2:
        try:
            return Anchor(*(float(v) for v in item))
        except (TypeError, ValueError):
            pass
    raise InputError(f"hints file {path}: each anchor must be {{'x','y'}} or [x, y], got {item!r}")


def load_hints(path: str | os.PathLike) -> MotionHints:
    """Read a JSON hints file.

    Either ``{"hints": [{"x": .., "y": .., "dx": .., "dy": ..}, ...], "anchors": [{"x": .., "y": ..}, ...]}``
    (lists ``[x, y, dx, dy]`` and ``[x, y]`` are accepted too), or a bare list of hints.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"hints file not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read hints file {path}: {exc}") from None
    if isinstance(data, list):
        data = {"hints": data}
    if not isinstance(data, dict) or not set(data) <= {"hints", "anchors"}:
        raise InputError(f"hints file {path}: expected an object with 'hints' and/or 'anchors', or a list of hints")
    hints, anchors = data.get("hints", []), data.get("anchors", [])
    if not isinstance(hints, list) or not isinstance(anchors, list):
        raise InputError(f"hints file {path}: 'hints' and 'anchors' must be lists")
    try:
        return MotionHints(
            tuple(_hint_from_json(h, path) for h in hints), tuple(_anchor_from_json(a, path) for a in anchors)
        )
    except InputError as exc:
        if str(exc).startswith("hints file"):
            raise
        raise InputError(f"hints file {path}: {exc}") from None
