"""Colour-wheel pictures of flow fields (the Middlebury colour code of Baker et al., IJCV 2011):
hue = direction, saturation = magnitude relative to the largest motion, white = no motion."""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ..types import Flow, Image

# Hue segments of the Middlebury wheel: red-yellow, yellow-green, green-cyan, cyan-blue, blue-magenta,
# magenta-red, with these many steps each (so the perceptual spacing is even).
_SEGMENTS = ((15, (1, 0, 0), (1, 1, 0)), (6, (1, 1, 0), (0, 1, 0)), (4, (0, 1, 0), (0, 1, 1)),
             (11, (0, 1, 1), (0, 0, 1)), (13, (0, 0, 1), (1, 0, 1)), (6, (1, 0, 1), (1, 0, 0)))  # fmt: skip


def colour_wheel() -> np.ndarray:
    """(N, 3) float32 RGB colours around the wheel, N = 55."""
    parts = []
    for steps, start, end in _SEGMENTS:
        frac = np.arange(steps, dtype=np.float32)[:, None] / steps
        parts.append((1 - frac) * np.array(start, np.float32) + frac * np.array(end, np.float32))
    return np.concatenate(parts, axis=0)


def flow_to_colour(flow: Flow, *, max_motion_px: float | None = None) -> Image:
    """float32 (H, W, 3) RGB picture of ``flow``; magnitudes are divided by ``max_motion_px`` (default: the
    largest finite magnitude), and unknown (non-finite or > 1e9) flow is shown black."""
    flow = np.asarray(flow, dtype=np.float32)
    if flow.ndim != 3 or flow.shape[2] != 2:
        raise InputError(f"flow must be (H, W, 2), got shape {flow.shape}")
    bad = ~np.isfinite(flow).all(axis=2) | (np.abs(flow) > 1e9).any(axis=2)
    u = np.where(bad, 0.0, flow[..., 0])
    v = np.where(bad, 0.0, flow[..., 1])
    mag = np.sqrt(u * u + v * v)
    scale = max_motion_px if max_motion_px else float(mag.max())
    scale = max(scale, 1e-6)
    wheel = colour_wheel()
    n = len(wheel)
    angle = np.arctan2(-v, -u) / np.pi  # in [-1, 1]
    pos = (angle + 1) / 2 * (n - 1)
    i0 = np.floor(pos).astype(np.int64) % n
    i1 = (i0 + 1) % n
    frac = (pos - np.floor(pos))[..., None].astype(np.float32)
    colour = (1 - frac) * wheel[i0] + frac * wheel[i1]
    rad = np.clip(mag / scale, 0, 1)[..., None].astype(np.float32)
    colour = 1 - rad * (1 - colour)  # white at rest, fully saturated at the largest motion
    colour[bad] = 0
    return colour.astype(np.float32)
