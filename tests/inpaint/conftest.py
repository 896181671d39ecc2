"""Shared scenes for the inpainting tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def shared_data() -> Path:
    """../shared/data from the repo root (a git worktree may sit one folder deeper)."""
    for parent in ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def stripes(height: int = 96, width: int = 128, period: int = 8) -> np.ndarray:
    """A diagonal two-colour stripe texture: exemplar synthesis can continue it exactly, diffusion cannot."""
    y, x = np.mgrid[0:height, 0:width]
    phase = ((x + y) % period) < period // 2
    a = np.array([0.9, 0.7, 0.2], np.float32)
    b = np.array([0.1, 0.3, 0.6], np.float32)
    return np.where(phase[:, :, None], a, b).astype(np.float32)


@pytest.fixture
def layered_scene():
    """Background stripes (far, inverse depth 0.2) with a red foreground block (near, inverse depth 1.0),
    and the hole a camera move to the right would open beside the block's right edge."""
    image = stripes(96, 128)
    inverse = np.full(image.shape[:2], 0.2, np.float32)
    image[20:76, 30:60] = (0.95, 0.05, 0.05)
    inverse[20:76, 30:60] = 1.0
    hole = np.zeros(image.shape[:2], bool)
    hole[20:76, 60:72] = True
    return image, inverse, hole
