"""Issue 3, item 7: bad depth files give a clear error or warning, never a crash."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from stillmotion.io import match_depth
from stillmotion.errors import InputError
from stillmotion.io import read_depth


def _ramp(h=60, w=80):
    return np.linspace(0.1, 1.0, h * w, dtype=np.float32).reshape(h, w)


def test_nan_inf_and_constant_maps_are_refused(tmp_path):
    nan = tmp_path / "nan.npy"
    np.save(nan, np.full((20, 20), np.nan, np.float32))
    with pytest.raises(InputError, match="no valid value"):
        read_depth(nan, "inverse")
    inf = tmp_path / "inf.npy"
    np.save(inf, np.full((20, 20), np.inf, np.float32))
    with pytest.raises(InputError):
        read_depth(inf, "metric")
    const = tmp_path / "const.npy"
    np.save(const, np.full((20, 20), 3.0, np.float32))
    with pytest.raises(InputError, match="constant"):
        read_depth(const, "inverse")


def test_some_nan_values_are_marked_unknown(tmp_path):
    values = _ramp()
    values[10:20, 10:20] = np.nan
    path = tmp_path / "holes.npy"
    np.save(path, values)
    depth = read_depth(path, "inverse")
    assert depth.valid is not None and not depth.valid[15, 15] and np.isfinite(depth.values).all()


def test_eight_bit_map_warns(tmp_path, caplog):
    path = tmp_path / "d8.png"
    cv2.imwrite(str(path), (_ramp() * 255).astype(np.uint8))
    caplog.set_level("WARNING")
    depth = read_depth(path, "inverse")
    assert depth.shape == (60, 80)
    assert "8-bit" in caplog.text


def test_wrong_size_is_resampled_and_wrong_aspect_refused(tmp_path):
    path = tmp_path / "d.npy"
    np.save(path, _ramp())
    depth = read_depth(path, "inverse")
    assert match_depth(depth, (120, 160)).shape == (120, 160)
    with pytest.raises(InputError, match="aspect"):
        match_depth(depth, (100, 100))


def test_cli_reports_a_bad_hint_file_in_one_line(tmp_path, capsys):
    from skimage import data

    from stillmotion.cli import main

    photo = tmp_path / "p.png"
    cv2.imwrite(str(photo), data.coffee()[::4, ::4, ::-1])
    hints = tmp_path / "h.png"
    cv2.imwrite(str(hints), np.full((10, 40), 200, np.uint8))  # wrong aspect
    code = main(["depth", str(photo), "-o", str(tmp_path / "d.npy"), "--depth-hints", str(hints), "--backend", "classical"])
    err = capsys.readouterr().err
    assert code == 2 and "error:" in err and "aspect" in err and "Traceback" not in err
    assert not (tmp_path / "d.npy").exists()
