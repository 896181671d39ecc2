"""Euler integration of a static Eulerian motion field into per-frame displacement fields.

``F(0->t)(x) = F(0->t-1)(x) + M(x + F(0->t-1)(x))`` with ``F(0->0) = 0``: a particle that starts at x is
advected by the field it meets on its way. Lookups of M at non-integer positions use bilinear
interpolation (cv2.remap); positions beyond the photo read the nearest edge value.

The looping renderer also needs the field integrated from the loop's end, ``-M`` over ``N - t`` steps,
for t = 0, 1, ..., N - 1: step counts that *decrease* while frames are written in order.
:func:`descending_steps` yields them with O(sqrt(N)) stored fields and about 2N Euler steps
(checkpoints every sqrt(N) steps, each segment recomputed once), instead of N stored fields or N^2 / 2
steps.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import cv2
import numpy as np


def pixel_grid(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """x and y coordinates (H, W) float32 of every pixel centre."""
    h, w = shape
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return xs, ys


def euler_step(displacement: np.ndarray, field: np.ndarray, grid: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """One step: ``F + M(x + F)``. Arrays are (H, W, 2) float32; returns a new array."""
    xs, ys = grid
    map_x = xs + displacement[:, :, 0]
    map_y = ys + displacement[:, :, 1]
    sampled = cv2.remap(field, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return displacement + sampled


def integrate(field: np.ndarray, steps: int) -> np.ndarray:
    """``F(0->steps)`` for a static ``field`` (H, W, 2) in pixels per step."""
    grid = pixel_grid(field.shape[:2])
    disp = np.zeros_like(field, dtype=np.float32)
    for _ in range(steps):
        disp = euler_step(disp, field, grid)
    return disp


def ascending_steps(field: np.ndarray, count: int) -> Iterator[np.ndarray]:
    """``F(0->0), F(0->1), ..., F(0->count-1)``: one Euler step per item."""
    grid = pixel_grid(field.shape[:2])
    disp = np.zeros_like(field, dtype=np.float32)
    for k in range(count):
        if k:
            disp = euler_step(disp, field, grid)
        yield disp


def descending_steps(field: np.ndarray, start: int, stop: int = 0) -> Iterator[np.ndarray]:
    """``F(0->start), F(0->start-1), ..., F(0->stop+1)`` for a static ``field``, with little memory.

    Checkpoints every ``s ~ sqrt(start)`` steps are stored on a first forward pass; each segment between
    checkpoints is then recomputed once and handed out in reverse.
    """
    if start <= stop:
        return
    grid = pixel_grid(field.shape[:2])
    seg = max(1, int(math.isqrt(start)))
    checkpoints: dict[int, np.ndarray] = {}
    disp = np.zeros_like(field, dtype=np.float32)
    for k in range(start + 1):
        if k:
            disp = euler_step(disp, field, grid)
        if k % seg == 0:
            checkpoints[k] = disp
    base = (start // seg) * seg
    while base >= 0:
        top = min(start, base + seg - 1) if base < start else start
        # fields base..top recomputed from the checkpoint at base
        fields = [checkpoints[base]]
        disp = checkpoints[base]
        for _ in range(base + 1, top + 1):
            disp = euler_step(disp, field, grid)
            fields.append(disp)
        for k in range(top, base - 1, -1):
            if k <= stop:
                return
            yield fields[k - base]
        del checkpoints[base]
        base -= seg


def upsampled(displacements: Iterator[np.ndarray], shape: tuple[int, int]) -> Iterator[np.ndarray]:
    """Displacements integrated on a coarser grid, brought to ``shape`` (H, W): resized, vectors rescaled."""
    h, w = shape
    for disp in displacements:
        hs, ws = disp.shape[:2]
        # bilinear resizing is linear: the vectors are rescaled before, on the small grid
        yield cv2.resize(disp * np.array([w / ws, h / hs], np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
