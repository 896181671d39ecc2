"""Deforum keyframe schedules: ``"0:(1.0), 30:(1.04+0.02*sin(2*3.14*t/30))"`` -> one value per frame.

Semantics are those of Deforum (deforum-stable-diffusion's ``parse_key_frames``/``get_inbetweens`` and
the AUTOMATIC1111 extension's ``FrameInterpolater``), in detail:

- A schedule is a comma-separated list of ``frame:(value)`` keys. Spaces around ``:`` and ``,`` are
  allowed, parentheses and quotes around the value are optional, a trailing comma is ignored, and the
  frame may be an expression of ``max_f`` (the last frame index) and ``s`` (the seed), e.g.
  ``max_f-10:(1)``; its value is truncated to an integer as Deforum does. A later duplicate frame
  replaces an earlier one.
- A *numeric* value (``1``, ``-0.5``, ``.5``: the text matches ``[+-]?digits[.digits]``) is a key for
  linear interpolation.
- Any other value is an *expression* of ``t`` (the frame index), ``max_f`` and ``s``. It is evaluated
  at its own frame and keeps being evaluated at every later frame, with ``t`` = that frame, until the
  next key. If that next key is numeric there is no interpolation towards it: the value jumps (this is
  what the A1111 extension's loop does). Frames between a numeric key and a later expression key are
  interpolated linearly towards the expression's value at the expression's frame.
- Before the first key the first value holds (Deforum would fail when frame 0 has no key); after the
  last numeric key its value holds; keys at or beyond the frame count (or negative) are ignored.

Expressions are parsed by :mod:`stillmotion.generate.expression`, never by Python's ``eval``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .expression import Expression, ExpressionError, parse_expression

#: Deforum's test for a plain number (after quotes and parentheses are removed).
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)$")
_VALUE_VARIABLES = frozenset({"t", "max_f", "s"})
_FRAME_VARIABLES = frozenset({"max_f", "s"})


class ScheduleError(InputError):
    """A schedule string is malformed; the message names the schedule and the key."""


@dataclass(frozen=True)
class Keyframe:
    """One ``frame:(value)`` entry. Exactly one of ``number``/``expression`` is set for the value, and
    exactly one of ``frame``/``frame_expression`` for the frame."""

    text: str
    frame: int | None
    frame_expression: Expression | None
    number: float | None
    expression: Expression | None

    def frame_index(self, *, max_f: int, seed: int) -> int:
        if self.frame is not None:
            return self.frame
        assert self.frame_expression is not None
        value = float(self.frame_expression.evaluate(max_f=max_f, s=seed))
        if not np.isfinite(value):
            raise ScheduleError(f"keyframe {self.text!r}: its frame evaluates to {value}")
        return int(value)


def _strip_quotes(text: str) -> str:
    return text.replace('"', "").replace("'", "")


def _split_top_level(text: str, separator: str, *, limit: int = -1) -> list[str]:
    """Split at ``separator`` outside parentheses (so ``where(a, b, c)`` stays whole)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == separator and depth == 0 and (limit < 0 or len(parts) < limit):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _check_parentheses(text: str, name: str) -> None:
    opened: list[int] = []
    for i, char in enumerate(text):
        if char == "(":
            opened.append(i)
        elif char == ")":
            if not opened:
                raise ScheduleError(f"{name}: unmatched ')' at character {i + 1} of {text!r}")
            opened.pop()
    if opened:
        at = opened[-1]
        raise ScheduleError(
            f"{name}: '(' at character {at + 1} is never closed ({text[max(0, at - 10):at + 12]!r}...) in {text!r}"
        )


def _parse_key(piece: str, index: int, name: str, *, where: str | None = None) -> Keyframe:
    where = where or f"{name}: key {index} {piece.strip()!r}"
    parts = _split_top_level(piece, ":", limit=1)
    if len(parts) != 2:
        raise ScheduleError(f"{where}: expected 'frame:(value)'")
    frame_text, value_text = _strip_quotes(parts[0]).strip(), _strip_quotes(parts[1]).strip()
    if not frame_text:
        raise ScheduleError(f"{where}: the frame before ':' is missing")
    if not value_text or not value_text.replace("(", "").replace(")", "").strip():
        raise ScheduleError(f"{where}: the value after ':' is missing")
    frame: int | None = None
    frame_expression: Expression | None = None
    bare_frame = frame_text.replace("(", "").replace(")", "").strip()
    try:
        if _NUMBER.match(bare_frame):
            frame = int(float(bare_frame))
        else:
            frame_expression = parse_expression(frame_text, variables=_FRAME_VARIABLES)
        bare_value = value_text.replace("(", "").replace(")", "").strip()
        if _NUMBER.match(bare_value):
            return Keyframe(piece.strip(), frame, frame_expression, float(bare_value), None)
        expression = parse_expression(value_text, variables=_VALUE_VARIABLES)
    except ExpressionError as exc:
        raise ScheduleError(f"{where}: {exc}") from None
    return Keyframe(piece.strip(), frame, frame_expression, None, expression)


@dataclass(frozen=True)
class Schedule:
    """A parsed keyframe schedule; :meth:`values` gives one float per frame."""

    text: str
    keys: tuple[Keyframe, ...]
    name: str = "schedule"

    def values(self, frame_count: int, *, seed: int = -1) -> np.ndarray:
        """The value at frames ``0 .. frame_count - 1`` (float64)."""
        if frame_count < 1:
            raise InputError(f"{self.name}: the frame count must be at least 1, got {frame_count}")
        max_f = frame_count - 1
        keys: dict[int, Keyframe] = {}
        for key in self.keys:
            keys[key.frame_index(max_f=max_f, seed=seed)] = key
        frames = sorted(f for f in keys if 0 <= f < frame_count)
        if not frames:
            raise ScheduleError(f"{self.name}: no key below frame {frame_count} in {self.text!r}")
        series = np.full(frame_count, np.nan)
        for i, frame in enumerate(frames):
            key = keys[frame]
            if key.number is not None:
                series[frame] = key.number
                continue
            assert key.expression is not None
            end = frames[i + 1] if i + 1 < len(frames) else frame_count
            t = np.arange(frame, end, dtype=np.float64)
            series[frame:end] = np.broadcast_to(key.expression.evaluate(t=t, max_f=max_f, s=seed), t.shape)
            bad = np.flatnonzero(~np.isfinite(series[frame:end]))
            if bad.size:
                at = frame + int(bad[0])
                raise ScheduleError(f"{self.name}: key {key.text!r} evaluates to {series[at]} at frame {at}")
        valid = np.flatnonzero(~np.isnan(series))
        series[0] = series[valid[0]]
        series[-1] = series[valid[-1]]
        valid = np.flatnonzero(~np.isnan(series))
        missing = np.flatnonzero(np.isnan(series))
        if missing.size:
            series[missing] = np.interp(missing, valid, series[valid])
        return series


def parse_schedule(text: str | float | int, *, name: str = "schedule") -> Schedule:
    """Parse a Deforum keyframe string (or a plain number, a constant schedule).

    Raises :class:`ScheduleError` naming ``name``, the key and the character when malformed.
    """
    if isinstance(text, bool):
        raise ScheduleError(f"{name}: expected a number or a keyframe string, got {text!r}")
    if isinstance(text, (int, float)):
        if not np.isfinite(text):
            raise ScheduleError(f"{name}: {text} is not a finite number")
        return Schedule(str(text), (Keyframe(str(text), 0, None, float(text), None),), name)
    if not isinstance(text, str):
        raise ScheduleError(f"{name}: expected a number or a keyframe string, got {type(text).__name__}")
    body = text.strip()
    if len(body) >= 2 and body[0] == body[-1] and body[0] in "\"'":
        body = body[1:-1].strip()
    if not body:
        raise ScheduleError(f"{name}: the schedule is empty")
    _check_parentheses(body, name)
    pieces = _split_top_level(body, ",")
    # A trailing comma (or one left over by an editor) leaves an empty last piece: ignore it.
    while len(pieces) > 1 and not pieces[-1].strip():
        pieces.pop()
    if len(pieces) == 1 and not _split_top_level(pieces[0], ":", limit=1)[1:]:  # a bare value: a constant
        # schedule; its errors quote it as written, not as the key "0:..." it stands for
        where = f"{name}: {pieces[0].strip()!r} (a value without 'frame:' before it)"
        key = _parse_key(f"0:{pieces[0]}", 1, name, where=where)
        return Schedule(text if isinstance(text, str) else str(text), (key,), name)
    keys = []
    for index, piece in enumerate(pieces, start=1):
        if not piece.strip():
            raise ScheduleError(f"{name}: key {index} is empty (two commas in a row?) in {text!r}")
        keys.append(_parse_key(piece, index, name))
    return Schedule(text if isinstance(text, str) else str(text), tuple(keys), name)


def schedule_values(
    text: str | float | int, frame_count: int, *, seed: int = -1, name: str = "schedule"
) -> np.ndarray:
    """``parse_schedule(text).values(frame_count)``: one float64 value per frame."""
    return parse_schedule(text, name=name).values(frame_count, seed=seed)
