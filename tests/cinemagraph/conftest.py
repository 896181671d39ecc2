import pytest

from .helpers import ROOT, STREAM


@pytest.fixture(scope="session")
def stream_photo():
    if not STREAM.exists():
        pytest.skip(f"test data not found: {STREAM}")
    from stillmotion.io import read_image

    return read_image(STREAM)


@pytest.fixture(scope="session")
def stream_mask():
    import cv2

    path = ROOT / "examples" / "stream_water_mask.png"
    return cv2.imread(str(path), cv2.IMREAD_GRAYSCALE) >= 128
