"""``animate`` protects faces by default: the depth handed to the renderer is rigid over the face."""

from __future__ import annotations

import numpy as np
import pytest

import stillmotion.api as api


@pytest.fixture
def portrait(tmp_path):
    import cv2
    from skimage import data

    path = tmp_path / "astronaut.png"
    cv2.imwrite(str(path), cv2.resize(data.astronaut(), (256, 256))[:, :, ::-1])
    return path


def _captured_depth(monkeypatch, portrait, tmp_path, **config):
    seen = {}

    def fake_plan(image, depth, cfg, **_):
        seen["depth"] = depth
        raise RuntimeError("stop after planning")

    monkeypatch.setattr(api, "_plan", fake_plan)
    with pytest.raises(RuntimeError, match="stop after planning"):
        api.animate(portrait, tmp_path / "out.mp4", config=api.AnimateConfig(**config))
    return seen["depth"].values


def test_face_is_rigid_by_default_and_not_with_none(monkeypatch, portrait, tmp_path):
    assert api.AnimateConfig().depth_protect == "faces"
    from stillmotion.depth.faces import detect_faces
    from stillmotion.io import read_image

    (x, y, w, h), *_ = detect_faces(read_image(portrait))
    protected = _captured_depth(monkeypatch, portrait, tmp_path)
    raw = _captured_depth(monkeypatch, portrait, tmp_path, depth_protect="none")
    core = (slice(y + h // 4, y + 3 * h // 4), slice(x + w // 4, x + 3 * w // 4))

    def roughness(values):  # second differences: zero on a plane, small on a gentle ellipsoid
        return np.abs(np.diff(values[core], n=2, axis=0)).mean() + np.abs(np.diff(values[core], n=2, axis=1)).mean()

    assert roughness(protected) < 0.5 * roughness(raw)
    assert not np.array_equal(protected, raw)
