from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from stillmotion import depth as depth_stage
from stillmotion.errors import InputError

from .conftest import ROOT, textured


def test_registry_lists_auto_and_classical():
    names = depth_stage.backend_names()
    assert names[0] == "auto" and "classical" in names


def test_unknown_backend_is_an_input_error():
    with pytest.raises(InputError, match="unknown depth backend"):
        depth_stage.estimate(textured(32, 32), backend="nope")


def test_bad_image_is_an_input_error():
    with pytest.raises(InputError):
        depth_stage.estimate(np.zeros((10, 10), np.float32), backend="classical")


def test_auto_falls_back_to_classical_for_a_plain_photo(tmp_path):
    import cv2

    path = tmp_path / "plain.png"
    cv2.imwrite(str(path), (textured(40, 60) * 255).astype(np.uint8))
    assert depth_stage.resolve_backend("auto", source=path) in ("classical",)


def test_importing_depth_does_not_import_torch():
    code = "import sys, stillmotion.depth, stillmotion.cli.depth; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}, check=True)
    assert out.stdout.strip() == "False False"
