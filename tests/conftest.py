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


@pytest.fixture(name="shared_data")
def _shared_data_fixture():
    """``shared_data("folder", "file")`` -> path in ../shared/data, or skip the test."""
    return shared_path


@pytest.fixture
def shifted_pair():
    """A textured photo crop and the same crop moved by (+3, -2) px: true flow is (3, -2) everywhere inside."""
    from skimage import data

    photo = data.astronaut().astype(np.float32) / 255.0
    y0, x0, h, w = 100, 120, 160, 200
    image0 = photo[y0 : y0 + h, x0 : x0 + w].copy()
    # image1(x + (3, -2)) = image0(x)  <=>  image1(p) = photo(p - (3, -2))
    image1 = photo[y0 + 2 : y0 + 2 + h, x0 - 3 : x0 - 3 + w].copy()
    return image0, image1, np.array([3.0, -2.0], dtype=np.float32)
