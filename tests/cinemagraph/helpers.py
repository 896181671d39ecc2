"""Shared helpers of the cinemagraph tests."""

import os
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
# ../shared/data beside the repo; STILLMOTION_DATA overrides it (a git worktree lives elsewhere)
DATA = Path(os.environ.get("STILLMOTION_DATA", ROOT.parent / "shared" / "data"))
STREAM = DATA / "photos" / "kodak_kodim13_mountain_stream.png"


def periodic_texture(height: int, width: int, period: int, *, seed: int = 0) -> np.ndarray:
    """Random smooth-ish RGB texture, periodic with ``period`` pixels along x (width a multiple of it)."""
    import cv2

    rng = np.random.default_rng(seed)
    tile = rng.random((height, period, 3)).astype(np.float32)
    tiled = np.tile(tile, (1, 3, 1))
    tiled = cv2.GaussianBlur(tiled, (0, 0), 1.0)[:, period : 2 * period]  # blur without a seam
    return np.tile(tiled, (1, width // period, 1))
