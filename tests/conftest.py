from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def shared_path(*parts: str) -> Path:
    """A file of ../shared/data, or skip the test when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not available: {path}")
    return path


@pytest.fixture
def texture() -> np.ndarray:
    """A 48x64 colourful, non-repeating float32 RGB texture."""
    rng = np.random.default_rng(7)
    base = rng.random((12, 16, 3)).astype(np.float32)
    import cv2

    smooth = cv2.resize(base, (64, 48), interpolation=cv2.INTER_CUBIC)
    return np.clip(smooth + 0.1 * rng.random((48, 64, 3)).astype(np.float32), 0, 1).astype(np.float32)
