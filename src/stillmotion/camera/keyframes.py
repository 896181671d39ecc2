"""Custom camera paths from keyframe files (TOML, JSON or YAML).

The file holds a list of keyframes, each with a time ``t`` (a fraction of the clip, 0..1) or ``time_s``
(seconds), and any of ``x, y, z`` (translation in units of the nearest surface's depth), ``rx, ry, rz``
(degrees) and ``fov`` (degrees across the longer side). Missing values hold the previous keyframe's; before
the first keyframe that gives one, a value is the rest pose's (0, and the photo's fov), so a path that
gives ``fov = 30`` only on its last key zooms from the photo's fov to 30 degrees. Example (TOML)::

    easing = "smooth"          # optional: linear, ease, ease_in, ease_out, smooth (default: linear)
    [[keyframes]]
    t = 0.0
    [[keyframes]]
    t = 1.0
    x = 0.05
    z = 0.2
    ry = 3

Between keyframes the values follow a C1 shape-preserving cubic (monotone Hermite with Fritsch-Carlson
slopes, as PCHIP chooses them) with zero velocity at the ends, so the camera starts and stops smoothly and
never goes beyond the keys: between two keys a value stays between them, and a key where a value turns
back is where it stops (an interpolating C2 spline overshot: fov keys 120, 165, 100 reached 170.7 and
were refused, fov 55, 5, 60 swung out to 155). The shot's intensity (``--intensity``) multiplies the
translations and rotations, as it does a named motion's amplitudes; the fov is used as given.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..types import CameraState
from .easing import EASINGS

KEYS = ("x", "y", "z", "rx", "ry", "rz", "fov")
PATH_EXTENSIONS = (".json", ".toml", ".yaml", ".yml")


def _load(path: Path) -> dict:
    from ..io._checks import check_input_file

    check_input_file(path, "camera path file")  # missing, a folder, unreadable, empty
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"camera path file {path} is not UTF-8 text") from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        elif path.suffix.lower() == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # noqa: BLE001 - any parser error is a malformed file
        detail = " ".join(str(exc).split())  # YAML's message spans lines, with a caret: one line here
        raise InputError(f"camera path file {path} is malformed: {detail}") from None
    if isinstance(data, list):
        data = {"keyframes": data}
    if not isinstance(data, dict) or not isinstance(data.get("keyframes"), list):
        raise InputError(f"camera path file {path} must hold a list 'keyframes'")
    return data


@dataclass(frozen=True)
class KeyframePath:
    """A keyframed camera path; call :meth:`state` with u in [0, 1]."""

    times: np.ndarray
    values: np.ndarray  # (n_keys, 7) in KEYS order; fov NaN before the first key that sets it (the photo's)
    easing: str = "linear"
    #: the curve through the keys for each base fov it was asked with (built once, not per frame)
    _curves: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_file(cls, path: str | os.PathLike, *, duration_s: float) -> KeyframePath:
        from ..render.sizes import check_fov

        path = Path(path)
        data = _load(path)
        frames = data["keyframes"]
        if len(frames) < 1:
            raise InputError(f"camera path file {path} has no keyframe")
        times, rows = [], []
        previous = {k: (math.nan if k == "fov" else 0.0) for k in KEYS}
        tables = [f for f in frames if isinstance(f, dict)]
        if any("t" in f for f in tables) and any("time_s" in f for f in tables):
            raise InputError(f"{path}: give every keyframe's time as 't' (0..1) or every one as 'time_s', not both")
        for i, frame in enumerate(frames):
            if not isinstance(frame, dict):
                raise InputError(f"{path}: keyframe {i} must be a table of values")
            unknown = set(frame) - set(KEYS) - {"t", "time_s"}
            if unknown:
                raise InputError(f"{path}: keyframe {i} has unknown keys {sorted(unknown)}; use t/time_s and {KEYS}")
            if "t" in frame:
                t = frame["t"]
            elif "time_s" in frame:
                t = _number(frame["time_s"], path, i, "time_s") / max(duration_s, 1e-9)
            else:
                raise InputError(f"{path}: keyframe {i} needs a time: 't' (0..1) or 'time_s' (seconds)")
            t = _number(t, path, i, "t")
            if not -1e-9 <= t <= 1.0 + 1e-9:
                if "time_s" in frame:
                    raise InputError(f"{path}: keyframe {i}: time_s {t * duration_s:g} is outside the clip's "
                                     f"0..{duration_s:g} s")  # fmt: skip
                raise InputError(f"{path}: keyframe {i}: t {t:g} is outside 0..1")
            row = {k: _number(frame[k], path, i, k) if k in frame else previous[k] for k in KEYS}
            if "fov" in frame:  # the curve stays between its keys: checking them checks every frame
                check_fov(row["fov"], name=f"{path}: keyframe {i} fov")
            previous = row
            times.append(t)
            rows.append([row[k] for k in KEYS])
        times_a = np.asarray(times, dtype=np.float64)
        if np.any(np.diff(times_a) <= 0):
            raise InputError(f"{path}: keyframe times must increase strictly")
        easing = str(data.get("easing", "linear"))
        if easing not in EASINGS:
            raise InputError(f"{path}: unknown easing {easing!r}; choose one of {', '.join(EASINGS)}")
        return cls(times_a, np.asarray(rows, dtype=np.float64), easing)

    def state(self, u: float, *, base_fov_deg: float) -> CameraState:
        u = EASINGS[self.easing](min(max(u, 0.0), 1.0))
        curve = self._curves.get(base_fov_deg)
        if curve is None:
            values = self.values.copy()
            values[:, 6] = np.where(np.isnan(values[:, 6]), base_fov_deg, values[:, 6])  # unset: the photo's fov
            curve = self._curves[base_fov_deg] = _curve(self.times, values)
        vals = curve(min(max(u, float(self.times[0])), float(self.times[-1])))  # held beyond the first and last key
        fov = vals[6]
        focal_scale = math.tan(math.radians(base_fov_deg) / 2) / math.tan(math.radians(fov) / 2)
        x, y, z, rx, ry, rz = (float(v) for v in vals[:6])
        return CameraState(x, y, z, rx, ry, rz, focal_scale)


def _curve(times: np.ndarray, values: np.ndarray) -> Callable[[float], np.ndarray]:
    """u (within the keys' ``times``) -> their ``values`` (n_keys, 7) at u: a shape-preserving cubic through
    them, per column (see the module's docstring). Two keys need no SciPy: with zero end slopes the cubic
    is a smoothstep."""
    if len(times) == 1:
        return lambda u: values[0]
    if len(times) == 2:

        def smoothstep(u: float) -> np.ndarray:
            s = (u - times[0]) / (times[1] - times[0])
            return values[0] + (values[1] - values[0]) * (s * s * (3 - 2 * s))

        return smoothstep
    from scipy.interpolate import CubicHermiteSpline, PchipInterpolator

    # shape-preserving slopes (Fritsch-Carlson, as PCHIP chooses them), zero at the first and last key
    slopes = PchipInterpolator(times, values, axis=0).derivative()(times)
    slopes[[0, -1]] = 0.0
    spline = CubicHermiteSpline(times, values, slopes, axis=0)
    return spline


def _number(value, path: Path, index: int, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{path}: keyframe {index} value {key}={value!r} is not a number")
    if not math.isfinite(value):
        raise InputError(f"{path}: keyframe {index} value {key} is not finite")
    if abs(value) > 1e6:  # 1e308 overflowed float32 further on (a warning, then a misleading error)
        raise InputError(f"{path}: keyframe {index} value {key}={value:g} is out of range (at most 1e6)")
    return float(value)


def is_path_file(motion: str) -> bool:
    return Path(motion).suffix.lower() in PATH_EXTENSIONS
