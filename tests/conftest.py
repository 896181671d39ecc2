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


def _gradient16(height: int = 48, width: int = 64) -> np.ndarray:
    """16-bit RGB levels that 8 bits cannot hold: red grows to the right, green downwards, blue falls along
    the diagonal (so a swapped channel or a flipped axis shows)."""
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x * 1000 + y * 37, y * 1300 + x * 11, 40000 - (x + y) * 300], -1).astype(np.uint16)


@pytest.fixture
def photo16():
    """``photo16(path)`` writes a 48x64 16-bit RGB photo (.png through OpenCV, .tif through tifffile) and
    returns its levels (uint16, RGB)."""
    import cv2
    import tifffile

    def write(path: Path) -> np.ndarray:
        levels = _gradient16()
        if path.suffix == ".tif":
            tifffile.imwrite(path, levels)
        else:
            assert cv2.imwrite(str(path), levels[:, :, ::-1])  # OpenCV writes BGR
        return levels

    return write


@pytest.fixture
def stored_levels():
    """``stored_levels(path)``: the RGB samples of an image file as stored (uint8 or uint16), not scaled."""
    import cv2
    import tifffile

    def read(path: Path) -> np.ndarray:
        if path.suffix == ".tif":
            return tifffile.imread(path)
        return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)[:, :, ::-1]  # BGR -> RGB

    return read
