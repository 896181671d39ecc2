"""Depth editing by hints: painted strokes or points say "this depth here", and the correction spreads
edge-aware, stopping at the photo's edges.

Hints are in the normalised inverse-depth scale of ``stillmotion depth``'s PNG output: 0 = farthest,
1 = nearest of the current map (1st/99th percentiles). A hint PNG (8 or 16 bit, grey) paints that scale
with its full range (value / max value of the type); 0 means "no hint". A hint JSON is
``{"points": [{"x": px, "y": px, "depth": 0..1, "radius": px}, ...]}`` (radius defaults to 1 % of the
photo's long side).

Propagation: the residual ``hint - depth`` at hinted pixels, weighted by a confidence, and the
confidence itself are both smoothed by OpenCV contrib's fast global smoother guided by the photo;
their ratio is the dense correction (normalised convolution). A small constant weight for "no change"
makes the correction fade to zero far from any hint, so a local stroke stays local.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np

from ..errors import InputError
from ..imageops import shrunk_size
from ..types import Depth, DepthKind
from .refine import spread_weighted

_NO_CHANGE_WEIGHT = 0.002
_WORK_SIZE = 640


def read_hints(path: str | os.PathLike, *, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(hint values in [0, 1], bool mask of hinted pixels), both (H, W) of ``shape``."""
    from ..io._checks import check_input_file

    path = check_input_file(path, "depth hints file")  # missing, a folder, unreadable, empty
    H, W = shape
    if path.suffix.lower() == ".json":
        return _read_points(path, H, W)
    raw = cv2.imread(str(path), cv2.IMREAD_UNCHANGED | cv2.IMREAD_ANYDEPTH)
    if raw is None:
        raise InputError(f"cannot read depth hints {path}: not an image or corrupt")
    if raw.ndim == 3:
        raw = raw[:, :, 0] if raw.shape[2] < 3 else raw[:, :, :3].max(axis=2)
    if raw.dtype not in (np.uint8, np.uint16):
        raise InputError(f"depth hints {path}: expected an 8- or 16-bit grey PNG, got {raw.dtype}")
    h, w = raw.shape
    if abs(h / w - H / W) > 0.01:
        raise InputError(f"depth hints {path} are {w}x{h}; the photo is {W}x{H} (the aspect ratio must match)")
    values = raw.astype(np.float32) / float(np.iinfo(raw.dtype).max)
    mask = raw > 0
    if (h, w) != (H, W):
        values = cv2.resize(values, (W, H), interpolation=cv2.INTER_NEAREST)
        mask = cv2.resize(mask.astype(np.uint8), (W, H), interpolation=cv2.INTER_NEAREST) > 0
    if not mask.any():
        raise InputError(f"depth hints {path} hold no hint (every pixel is 0)")
    return values, mask


def _read_points(path: Path, H: int, W: int) -> tuple[np.ndarray, np.ndarray]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        points = data["points"] if isinstance(data, dict) else data
        values = np.zeros((H, W), np.float32)
        mask = np.zeros((H, W), np.uint8)
        for p in points:
            x, y, d = float(p["x"]), float(p["y"]), float(p["depth"])
            r = float(p.get("radius", 0.01 * max(H, W)))
            if not (np.isfinite(r) and 0 < r <= max(H, W)):
                raise InputError(f"depth hint radius {r} must be within (0, {max(H, W)}] pixels")
            if not (0 <= x < W and 0 <= y < H):
                raise InputError(f"depth hint point ({x}, {y}) lies outside the {W}x{H} photo")
            if not (np.isfinite(d) and 0.0 <= d <= 1.0):
                raise InputError(f"depth hint value {d} must be in [0, 1] (0 = far, 1 = near)")
            cv2.circle(values, (round(x), round(y)), max(1, round(r)), d, -1)
            cv2.circle(mask, (round(x), round(y)), max(1, round(r)), 1, -1)
    except InputError:
        raise
    except (ValueError, KeyError, TypeError) as exc:  # UnicodeDecodeError is a ValueError
        raise InputError(f"depth hints {path}: expected {{\"points\": [{{\"x\", \"y\", \"depth\"}}...]}} ({exc})") from None
    if not mask.any():
        raise InputError(f"depth hints {path} hold no point")
    return values, mask > 0


def apply_hints(image: np.ndarray, depth: Depth, hints: tuple[np.ndarray, np.ndarray]) -> Depth:
    """The depth corrected towards the hints, the correction spread edge-aware."""
    values, mask = hints
    H, W = depth.shape
    if values.shape != (H, W):
        raise InputError(f"depth hints {values.shape} and depth {depth.shape} differ in size")
    inv = depth.values.astype(np.float32)
    if depth.kind == DepthKind.METRIC:
        inv = np.where(inv > 0, 1.0 / np.maximum(inv, 1e-12), 0.0).astype(np.float32)
    lo, hi = (float(v) for v in np.percentile(inv, [1, 99]))
    span = max(hi - lo, 1e-6)
    norm = (inv - lo) / span
    residual = np.where(mask, values - norm, 0.0).astype(np.float32)
    conf = mask.astype(np.float32)

    size, _ = shrunk_size((H, W), _WORK_SIZE, min_side=2)
    guide = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    r_small = cv2.resize(residual * conf, size, interpolation=cv2.INTER_AREA)
    c_small = cv2.resize(conf, size, interpolation=cv2.INTER_AREA)
    num, den = spread_weighted(r_small, c_small, guide, lambda_=400.0, sigma_color=6.0)
    correction = num / (np.maximum(den, 0.0) + _NO_CHANGE_WEIGHT)
    correction = cv2.resize(correction, (W, H), interpolation=cv2.INTER_LINEAR)
    corrected = np.where(mask, values, norm + correction)
    out = (lo + corrected * span).astype(np.float32)
    # the spread correction overshoots a little beyond the hints: nothing may end up farther (or nearer) than
    # both the map's own extreme and the farthest (nearest) hint (it went below 0 inverse depth: behind the camera)
    hinted = lo + values[mask] * span
    np.clip(out, min(float(inv.min()), float(hinted.min())), max(float(inv.max()), float(hinted.max())), out=out)
    if depth.kind == DepthKind.METRIC:
        out = np.where(out > 0, 1.0 / np.maximum(out, 1e-12), 0.0).astype(np.float32)
    return Depth(out, depth.kind, depth.valid)
