from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
# ../shared/data beside the repo (a worktree under wt/ has it one level further up)
_CANDIDATES = (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data")


def shared_data(*parts: str) -> Path:
    for base in _CANDIDATES:
        path = base.joinpath(*parts)
        if path.exists():
            return path
    pytest.skip(f"shared test data not found: {'/'.join(parts)}")


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


@pytest.fixture(name="shared_data")
def _shared_data_fixture():
    """``shared_data("folder", "file")`` -> path in ../shared/data, or skip the test."""
    return shared_data
