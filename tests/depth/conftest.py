from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def shared_data() -> Path | None:
    """``../shared/data`` beside the repo root (or beside a parent folder, for git worktrees)."""
    for base in (ROOT.parent, *ROOT.parent.parents):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return None


@pytest.fixture
def data_dir() -> Path:
    found = shared_data()
    if found is None:
        pytest.skip("../shared/data is absent")
    return found


def textured(h: int, w: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.random((h, w, 3)).astype(np.float32)
