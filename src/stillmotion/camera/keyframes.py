"""Custom camera paths from keyframe files (TOML, JSON or YAML).

The file holds a list of keyframes, each with a time ``t`` (a fraction of the clip, 0..1) or ``time_s``
(seconds), and any of ``x, y, z`` (translation in units of the nearest surface's depth), ``rx, ry, rz``
(degrees) and ``fov`` (degrees across the longer side; default: the photo's). Missing values hold the
previous keyframe's. Example (TOML)::

    easing = "smooth"          # optional: linear, ease, ease_in, ease_out, smooth (default: linear)
    [[keyframes]]
    t = 0.0
    [[keyframes]]
    t = 1.0
    x = 0.05
    z = 0.2
    ry = 3

Between keyframes the values follow a C1 cubic spline with zero velocity at the ends (a clamped spline),
so the camera starts and stops smoothly.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
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
    values: np.ndarray  # (n_keys, 7) in KEYS order; fov as NaN when unset
    easing: str = "linear"

    @classmethod
    def from_file(cls, path: str | os.PathLike, *, duration_s: float) -> KeyframePath:
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
        vals = self._interpolate(u)
        fov = vals[6] if math.isfinite(vals[6]) else base_fov_deg
        if not 1.0 <= fov <= 170.0:
            raise InputError(f"camera path fov must be within 1..170 degrees, got {fov:.1f}")
        focal_scale = math.tan(math.radians(base_fov_deg) / 2) / math.tan(math.radians(fov) / 2)
        x, y, z, rx, ry, rz = (float(v) for v in vals[:6])
        return CameraState(x, y, z, rx, ry, rz, focal_scale)

    def _interpolate(self, u: float) -> np.ndarray:
        if len(self.times) == 1:
            return self.values[0]
        from scipy.interpolate import CubicSpline

        u = min(max(u, self.times[0]), self.times[-1])
        out = np.empty(len(KEYS))
        for j in range(len(KEYS)):
            column = self.values[:, j]
            if np.isnan(column).any():
                out[j] = math.nan if np.isnan(column).all() else np.interp(u, self.times, np.where(
                    np.isnan(column), np.nanmean(column), column))  # fmt: skip
                continue
            if len(self.times) == 2:
                s = (u - self.times[0]) / (self.times[1] - self.times[0])
                s = s * s * (3 - 2 * s)  # a clamped cubic through two keys is smoothstep
                out[j] = column[0] + (column[1] - column[0]) * s
            else:
                out[j] = float(CubicSpline(self.times, column, bc_type="clamped")(u))
        return out


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
