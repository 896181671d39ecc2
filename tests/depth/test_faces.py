from __future__ import annotations

import numpy as np

from stillmotion.depth import faces as faces_module
from stillmotion.depth.faces import detect_faces


class _CountingCascade:
    """Wraps a real cascade and counts how often it runs."""

    def __init__(self, cascade, calls):
        self._cascade, self._calls = cascade, calls

    def detectMultiScale(self, *args, **kwargs):  # noqa: N802 - OpenCV's name
        self._calls.append(1)
        return self._cascade.detectMultiScale(*args, **kwargs)


def test_the_same_photo_is_detected_once_and_gets_the_same_boxes(monkeypatch):
    from skimage import data

    real = faces_module._cascade
    calls: list[int] = []
    monkeypatch.setattr(faces_module, "_cascade", lambda name: _CountingCascade(real(name), calls))
    monkeypatch.setattr(faces_module, "_memo", type(faces_module._memo)())

    photo = data.astronaut().astype(np.float32) / 255.0
    first = detect_faces(photo)
    runs = len(calls)
    assert runs == 2 and len(first) >= 1  # frontal + profile cascades, and the astronaut's face
    again = detect_faces(photo.copy())  # another array with the same content
    assert again == first and len(calls) == runs
    again.clear()  # a caller changing its list does not change what is remembered
    assert detect_faces(photo) == first

    changed = photo.copy()
    changed[: photo.shape[0] // 2] = 0.5  # the face is covered: a different photo, detected anew
    detect_faces(changed)
    assert len(calls) == 2 * runs


def test_the_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(faces_module, "_memo", type(faces_module._memo)())
    rng = np.random.default_rng(0)
    for _ in range(faces_module._MEMO_SIZE + 3):
        detect_faces(rng.random((64, 64, 3)).astype(np.float32))
    assert len(faces_module._memo) == faces_module._MEMO_SIZE
