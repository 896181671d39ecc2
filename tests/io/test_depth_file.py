"""read_depth / write_depth: every file kind, unknown values, refusals."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import tifffile

from stillmotion.errors import InputError, OutputError
from stillmotion.io import read_depth, write_depth
from stillmotion.types import DepthKind

ROOT = Path(__file__).resolve().parents[2]
# ../shared/data beside the repo; a git worktree one level deeper (wt/NAME) finds it one more level up
DATA = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parents[1] / "shared" / "data") if p.is_dir()), None)
CONES = (DATA or ROOT) / "middlebury_stereo_cones"


def _ramp(h=30, w=40):
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return 1.0 + x + 0.5 * y


def write_pfm(path: Path, array: np.ndarray, *, little_endian: bool, comment: bool = False) -> None:
    """A PFM file written independently of the reader: rows stored bottom-up, sign of scale = endianness."""
    channels = 3 if array.ndim == 3 else 1
    header = b"PF\n" if channels == 3 else b"Pf\n"
    if comment:
        header += b"# written by a test\n"
    header += b"%d %d\n%s\n" % (array.shape[1], array.shape[0], b"-1.0" if little_endian else b"1.0")
    data = np.flipud(array).astype("<f4" if little_endian else ">f4")
    path.write_bytes(header + data.tobytes())


def test_png16_keeps_values(tmp_path):
    a = (np.arange(30 * 40).reshape(30, 40) * 50).astype(np.uint16)
    cv2.imwrite(str(tmp_path / "d.png"), a)
    d = read_depth(tmp_path / "d.png", "inverse")
    assert d.kind == DepthKind.INVERSE and d.values.dtype == np.float32
    np.testing.assert_array_equal(d.values, a.astype(np.float32))
    assert d.valid is None  # 0 is a valid inverse depth: the farthest point
    disp = read_depth(tmp_path / "d.png", DepthKind.DISPARITY)
    assert disp.valid is not None and not disp.valid[0, 0] and disp.valid.sum() == a.size - 1


def test_png8_is_accepted_with_a_warning(tmp_path, caplog):
    a = (np.arange(30 * 40).reshape(30, 40) % 256).astype(np.uint8)
    cv2.imwrite(str(tmp_path / "d8.png"), a)
    with caplog.at_level("WARNING"):
        d = read_depth(tmp_path / "d8.png", "inverse")
    np.testing.assert_array_equal(d.values, a)
    assert "8-bit" in caplog.text


def test_grey_stored_as_rgb_is_accepted_but_a_colour_map_is_refused(tmp_path):
    a = (np.arange(30 * 40).reshape(30, 40) * 40).astype(np.uint16)
    cv2.imwrite(str(tmp_path / "g.png"), np.repeat(a[:, :, None], 3, 2))
    np.testing.assert_array_equal(read_depth(tmp_path / "g.png", "inverse").values, a)
    colour = cv2.applyColorMap((a // 256).astype(np.uint8), cv2.COLORMAP_JET)
    cv2.imwrite(str(tmp_path / "c.png"), colour)
    with pytest.raises(InputError, match="colour"):
        read_depth(tmp_path / "c.png", "inverse")


def test_an_8bit_colour_map_is_refused_without_the_8bit_warning(tmp_path, caplog):
    a = (np.arange(30 * 40).reshape(30, 40) % 256).astype(np.uint8)
    cv2.imwrite(str(tmp_path / "c8.png"), cv2.applyColorMap(a, cv2.COLORMAP_JET))
    with caplog.at_level("WARNING"), pytest.raises(InputError, match="colour"):
        read_depth(tmp_path / "c8.png", "inverse")
    assert "8-bit" not in caplog.text  # the error is the only message: no warning about a map it refuses


def test_float_tiff_and_16bit_tiff(tmp_path):
    a = _ramp()
    tifffile.imwrite(tmp_path / "d.tif", a)
    np.testing.assert_array_equal(read_depth(tmp_path / "d.tif", "metric").values, a)
    tifffile.imwrite(tmp_path / "d16.tiff", (a * 100).astype(np.uint16))
    np.testing.assert_array_equal(read_depth(tmp_path / "d16.tiff", "metric").values, (a * 100).astype(np.uint16))


def test_middlebury_disparity_tiff_marks_zero_unknown():
    path = CONES / "gt_disp_left.tif"
    if not path.exists():
        pytest.skip("shared Middlebury data absent")
    d = read_depth(path, "disparity")
    raw = tifffile.imread(path)
    assert d.shape == (375, 450)
    assert d.valid is not None
    np.testing.assert_array_equal(d.valid, raw > 0)
    assert int((~d.valid).sum()) == int((raw == 0).sum()) > 0
    np.testing.assert_array_equal(d.values[d.valid], raw[raw > 0])


def test_npy(tmp_path):
    a = _ramp()
    np.save(tmp_path / "d.npy", a.astype(np.float64))
    np.testing.assert_allclose(read_depth(tmp_path / "d.npy", "metric").values, a)
    np.save(tmp_path / "c.npy", a[None])  # (1, H, W) as some estimators save
    assert read_depth(tmp_path / "c.npy", "metric").shape == (30, 40)
    np.save(tmp_path / "flat.npy", a.ravel())
    with pytest.raises(InputError, match="2-D"):
        read_depth(tmp_path / "flat.npy", "metric")
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(InputError):
        read_depth(tmp_path / "obj.npy", "metric")
    np.save(tmp_path / "b.npy", a > 10)
    with pytest.raises(InputError, match="bool"):
        read_depth(tmp_path / "b.npy", "metric")
    (tmp_path / "text.npy").write_text("0.5 0.5\n0.5 0.5\n")  # NumPy said it "contains pickled data"
    with pytest.raises(InputError, match="not a NumPy .npy file"):
        read_depth(tmp_path / "text.npy", "metric")


@pytest.mark.parametrize("little_endian", [True, False])
def test_pfm_both_endiannesses_rows_flipped(tmp_path, little_endian):
    a = _ramp()
    write_pfm(tmp_path / "d.pfm", a, little_endian=little_endian)
    d = read_depth(tmp_path / "d.pfm", "disparity")
    np.testing.assert_array_equal(d.values, a)  # row 0 of the result is the top of the picture


def test_pfm_colour_and_comment(tmp_path):
    a = _ramp()
    write_pfm(tmp_path / "c.pfm", np.stack([a, a * 2, a * 3], -1), little_endian=True, comment=True)
    np.testing.assert_array_equal(read_depth(tmp_path / "c.pfm", "disparity").values, a)


def test_pfm_truncated_malformed_or_huge(tmp_path):
    write_pfm(tmp_path / "d.pfm", _ramp(), little_endian=True)
    data = (tmp_path / "d.pfm").read_bytes()
    (tmp_path / "t.pfm").write_bytes(data[:-100])
    with pytest.raises(InputError, match="truncated"):
        read_depth(tmp_path / "t.pfm", "disparity")
    (tmp_path / "m.pfm").write_bytes(b"P6\n40 30\n255\n" + b"\0" * 3600)
    with pytest.raises(InputError, match="not a PFM"):
        read_depth(tmp_path / "m.pfm", "disparity")
    (tmp_path / "h.pfm").write_bytes(b"Pf\n60000 60000\n-1.0\n" + b"\0" * 64)
    with pytest.raises(InputError, match="megapixels"):
        read_depth(tmp_path / "h.pfm", "disparity")


@pytest.mark.parametrize("ext", [".npy", ".tif", ".pfm"])
def test_write_depth_round_trip(tmp_path, ext):
    a = _ramp()
    write_depth(tmp_path / f"o{ext}", a)
    np.testing.assert_allclose(read_depth(tmp_path / f"o{ext}", "inverse").values, a)


@pytest.mark.parametrize("ext", [".npy", ".tif"])
def test_a_depth_file_that_does_not_fit_is_an_output_error_and_leaves_nothing(tmp_path, files_at_most, ext):
    """NumPy and tifffile wrote through C, which lost the reason: ``OSError: 240000 requested and 6112
    written`` (no errno) came out as an internal error, where a full disk is ``cannot write X: ...``."""
    out = tmp_path / f"d{ext}"
    noise = np.random.default_rng(0).random((200, 300)).astype(np.float32)  # 240 kB as float32
    with files_at_most(4096), pytest.raises(OutputError) as caught:
        write_depth(out, noise)
    assert str(caught.value) == f"cannot write {out}: File too large"
    assert list(tmp_path.iterdir()) == []


def test_write_depth_takes_a_depth_as_its_inverse_depth_with_its_unknown_values(tmp_path):
    """A Depth raised TypeError."""
    from stillmotion.types import Depth

    a = _ramp()
    valid = np.ones(a.shape, bool)
    valid[0, :4] = False
    write_depth(tmp_path / "i.npy", Depth(a, "inverse", valid))
    back = read_depth(tmp_path / "i.npy", "inverse")
    np.testing.assert_array_equal(back.valid, valid)
    np.testing.assert_allclose(back.values[valid], a[valid])
    write_depth(tmp_path / "m.tif", Depth(1.0 / a, "metric"))  # inverse depth, as the file kind says
    np.testing.assert_allclose(read_depth(tmp_path / "m.tif", "inverse").values, a, rtol=1e-6)


def test_write_depth_png_is_normalised_16bit(tmp_path):
    a = _ramp()
    write_depth(tmp_path / "o.png", a)
    raw = cv2.imread(str(tmp_path / "o.png"), cv2.IMREAD_UNCHANGED)
    assert raw.dtype == np.uint16 and raw.min() == 0 and raw.max() == 65535
    np.testing.assert_allclose(raw / 65535.0, (a - a.min()) / (a.max() - a.min()), atol=1e-5)


def test_nan_and_inf_are_invalid(tmp_path):
    a = _ramp()
    a[0, :5] = np.nan
    a[1, :3] = np.inf
    a[2, :2] = -np.inf
    np.save(tmp_path / "n.npy", a)
    d = read_depth(tmp_path / "n.npy", "inverse")
    assert d.valid is not None and int((~d.valid).sum()) == 10
    assert np.isfinite(d.values).all()


def test_all_nan_constant_and_nearly_empty_maps_are_refused(tmp_path):
    np.save(tmp_path / "nan.npy", np.full((30, 40), np.nan, np.float32))
    with pytest.raises(InputError, match="no valid value"):
        read_depth(tmp_path / "nan.npy", "inverse")
    np.save(tmp_path / "const.npy", np.full((30, 40), 3.0, np.float32))
    with pytest.raises(InputError, match="constant"):
        read_depth(tmp_path / "const.npy", "inverse")  # known up to shift and scale: no depth at all
    zeros = np.zeros((30, 40), np.float32)
    np.save(tmp_path / "zeros.npy", zeros)
    with pytest.raises(InputError, match="no valid value"):
        read_depth(tmp_path / "zeros.npy", "disparity")  # 0 = unknown disparity everywhere
    sparse = np.full((100, 100), np.nan, np.float32)
    sparse[0, :5] = [1, 2, 3, 4, 5]
    np.save(tmp_path / "sparse.npy", sparse)
    with pytest.raises(InputError, match="too few"):
        read_depth(tmp_path / "sparse.npy", "inverse")


def test_bad_kind_extension_missing_and_corrupt(tmp_path):
    np.save(tmp_path / "d.npy", _ramp())
    with pytest.raises(InputError, match="disparity, inverse, metric|metric, inverse, disparity"):
        read_depth(tmp_path / "d.npy", "depthish")
    (tmp_path / "d.exr").write_bytes(b"x")
    with pytest.raises(InputError, match="extension"):
        read_depth(tmp_path / "d.exr", "inverse")
    with pytest.raises(InputError, match="not found"):
        read_depth(tmp_path / "none.png", "inverse")
    for name, content in [("x.tif", b"II*\x00garbage"), ("x.png", b"not a png"), ("x.npy", b"\x93NUMPY broken")]:
        (tmp_path / name).write_bytes(content)
        with pytest.raises(InputError, match="x\\."):
            read_depth(tmp_path / name, "inverse")


def test_truncated_16bit_png_is_refused_quietly(tmp_path, capfd):
    cv2.imwrite(str(tmp_path / "d.png"), (np.random.default_rng(0).random((64, 64)) * 65535).astype(np.uint16))
    data = (tmp_path / "d.png").read_bytes()
    (tmp_path / "d.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError):
        read_depth(tmp_path / "d.png", "inverse")
    assert capfd.readouterr().err == ""


def test_png_bomb_header_is_refused(tmp_path, bomb_png):
    bomb_png(tmp_path / "bomb.png", 60000, 60000)
    with pytest.raises(InputError, match="megapixels"):
        read_depth(tmp_path / "bomb.png", "inverse")


@pytest.mark.parametrize("kind", ["disparity", "metric"])
def test_constant_absolute_map_is_a_plane_facing_the_camera(tmp_path, kind):
    """A constant disparity or metric map says how far the plane is; only a constant inverse map is empty."""
    values = np.full((30, 40), 3.0, np.float32)
    values[0, 0] = 0.0  # unknown: filled from the rest
    np.save(tmp_path / "plane.npy", values)
    d = read_depth(tmp_path / "plane.npy", kind)
    assert d.kind == DepthKind(kind) and np.all(d.values[d.valid] == 3.0) and not d.valid[0, 0]


def test_constant_disparity_renders_the_photo_shifted_by_it(tmp_path):
    import cv2
    from PIL import Image

    from stillmotion.cli import main

    rng = np.random.default_rng(0)
    photo = cv2.GaussianBlur((rng.random((64, 96, 3)) * 255).astype(np.uint8), (0, 0), 1.5)
    Image.fromarray(photo).save(tmp_path / "photo.png")
    np.save(tmp_path / "d.npy", np.full((64, 96), 6.0, np.float32))
    out = tmp_path / "view.png"
    args = ["view", str(tmp_path / "photo.png"), "--depth", str(tmp_path / "d.npy"), "--depth-kind", "disparity"]
    assert main([*args, "--baseline", "1", "-o", str(out), "--quiet"]) == 0
    view = np.asarray(Image.open(out)).astype(int)
    assert view.shape == photo.shape
    # the right view of a plane at disparity 6: each point 6 px further left; the last 6 columns are filled
    assert np.abs(view[:, :-8] - photo[:, 6:-2]).max() <= 2
