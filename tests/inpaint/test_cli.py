"""``stillmotion inpaint``: end to end through the CLI, including bad input."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from stillmotion.cli import main

from .conftest import stripes


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "photo.png"
    Image.fromarray((stripes(48, 64) * 255 + 0.5).astype(np.uint8)).save(path)
    return path


def _mask(tmp_path, array, name="mask.png"):
    path = tmp_path / name
    Image.fromarray(array.astype(np.uint8)).save(path)
    return path


def test_fills_the_white_pixels(tmp_path, photo):
    mask = np.zeros((48, 64), np.uint8)
    mask[16:32, 20:40] = 255
    src = np.asarray(Image.open(photo)).copy()
    damaged = src.copy()
    damaged[16:32, 20:40] = 0
    Image.fromarray(damaged).save(photo)
    out = tmp_path / "out.png"
    assert main(["inpaint", str(photo), "--mask", str(_mask(tmp_path, mask)), "-o", str(out), "--quiet"]) == 0
    result = np.asarray(Image.open(out))
    assert np.array_equal(result[mask == 0], damaged[mask == 0])
    assert np.abs(result[16:32, 20:40].astype(int) - src[16:32, 20:40]).mean() < 40


@pytest.mark.parametrize("backend", ["telea", "ns"])
def test_backend_option(tmp_path, photo, backend):
    mask = np.zeros((48, 64), np.uint8)
    mask[10:20, 10:20] = 255
    out = tmp_path / "out.png"
    assert main(["inpaint", str(photo), "--mask", str(_mask(tmp_path, mask)), "-o", str(out), "--backend", backend, "--quiet"]) == 0
    assert np.asarray(Image.open(out)).shape == (48, 64, 3)


def test_mask_of_another_size(tmp_path, photo, capsys):
    out = tmp_path / "out.png"
    code = main(["inpaint", str(photo), "--mask", str(_mask(tmp_path, np.zeros((10, 10)))), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "error: mask" in err and "10x10" in err and "64x48" in err
    assert "Traceback" not in err and not out.exists()


def test_empty_mask_gives_the_input_back_with_a_note(tmp_path, photo, caplog):
    out = tmp_path / "out.png"
    assert main(["inpaint", str(photo), "--mask", str(_mask(tmp_path, np.zeros((48, 64)))), "-o", str(out)]) == 0
    assert "mask is empty" in caplog.text  # the CLI's log handler prints it on stderr
    assert np.array_equal(np.asarray(Image.open(out)), np.asarray(Image.open(photo)))


@pytest.mark.parametrize("name", ["photo16.png", "photo16.tif"])
def test_empty_mask_gives_a_16_bit_photo_back_bit_for_bit(tmp_path, photo16, stored_levels, name):
    """A 16-bit photo came back with 8 bits per channel, changed by an empty mask."""
    photo = tmp_path / name
    levels = photo16(photo)
    out = tmp_path / ("out" + photo.suffix)
    assert main(["inpaint", str(photo), "--mask", str(_mask(tmp_path, np.zeros((48, 64)))), "-o", str(out),
                 "--quiet"]) == 0  # fmt: skip
    result = stored_levels(out)
    assert result.dtype == np.uint16
    np.testing.assert_array_equal(result, levels)


def test_a_filled_16_bit_photo_keeps_16_bits_but_a_jpeg_or_an_8_bit_photo_has_8(tmp_path, photo, photo16,
                                                                                  stored_levels):  # fmt: skip
    mask = np.zeros((48, 64), np.uint8)
    mask[16:32, 20:40] = 255
    mask_file = str(_mask(tmp_path, mask))
    levels = photo16(tmp_path / "photo16.png")
    for out in (tmp_path / "out16.png", tmp_path / "out16.jpg"):
        assert main(["inpaint", str(tmp_path / "photo16.png"), "--mask", mask_file, "-o", str(out), "--quiet"]) == 0
    filled = stored_levels(tmp_path / "out16.png")
    assert filled.dtype == np.uint16
    np.testing.assert_array_equal(filled[mask == 0], levels[mask == 0])
    assert stored_levels(tmp_path / "out16.jpg").dtype == np.uint8  # JPEG holds 8 bits
    assert main(["inpaint", str(photo), "--mask", mask_file, "-o", str(tmp_path / "out8.png"), "--quiet"]) == 0
    assert stored_levels(tmp_path / "out8.png").dtype == np.uint8  # an 8-bit photo stays 8-bit


def test_full_mask_is_an_error(tmp_path, photo, capsys):
    out = tmp_path / "out.png"
    assert main(["inpaint", str(photo), "--mask", str(_mask(tmp_path, np.full((48, 64), 255))), "-o", str(out)]) == 2
    assert "whole photo" in capsys.readouterr().err and not out.exists()


def test_soft_mask_is_thresholded_and_said(tmp_path, photo, caplog):
    mask = np.zeros((48, 64), np.uint8)
    mask[10:20, 10:20] = 200
    mask[30:40, 30:40] = 60
    out = tmp_path / "out.png"
    assert main(["inpaint", str(photo), "--mask", str(_mask(tmp_path, mask)), "-o", str(out), "--backend", "telea"]) == 0
    assert "thresholded at 0.5" in caplog.text
    result, src = np.asarray(Image.open(out)), np.asarray(Image.open(photo))
    assert np.array_equal(result[30:40, 30:40], src[30:40, 30:40])  # below 0.5: kept


def test_unknown_backend_and_missing_mask(tmp_path, photo, capsys):
    out = tmp_path / "out.png"
    mask = _mask(tmp_path, np.zeros((48, 64)))
    assert main(["inpaint", str(photo), "--mask", str(mask), "-o", str(out), "--backend", "nope"]) == 2
    assert "choose one of" in capsys.readouterr().err
    assert main(["inpaint", str(photo), "--mask", str(tmp_path / "none.png"), "-o", str(out)]) == 2
    assert "mask not found" in capsys.readouterr().err


def test_depth_aware_with_depth_out(tmp_path, photo):
    mask = np.zeros((48, 64), np.uint8)
    mask[10:30, 30:36] = 255
    inverse = np.full((48, 64), 0.2, np.float32)
    inverse[10:30, 20:30] = 1.0
    np.save(tmp_path / "depth.npy", inverse)
    out, depth_out = tmp_path / "out.png", tmp_path / "filled.npy"
    code = main(["inpaint", str(photo), "--mask", str(_mask(tmp_path, mask)), "-o", str(out), "--depth",
                 str(tmp_path / "depth.npy"), "--depth-out", str(depth_out), "--quiet"])  # fmt: skip
    assert code == 0
    filled = np.load(depth_out)
    assert np.allclose(filled[10:30, 30:36], 0.2)


@pytest.mark.parametrize("depth_out", ["filled.npy", "filled.tif"])
def test_a_depth_out_that_does_not_fit_leaves_neither_output(tmp_path, photo, capsys, monkeypatch, depth_out):
    """The filled photo stayed when the disk filled up while --depth-out was written."""
    import errno

    import tifffile

    mask = np.zeros((48, 64), np.uint8)
    mask[10:30, 30:36] = 255
    np.save(tmp_path / "depth.npy", np.linspace(0.1, 1, 48 * 64, dtype=np.float32).reshape(48, 64))
    mask_file = _mask(tmp_path, mask)
    inputs = sorted(tmp_path.iterdir())

    def full_disk(file, *args, **kwargs):  # what a depth writer raises on a full disk: half written, then ENOSPC
        file.write(b"half a depth map")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "save", full_disk)
    monkeypatch.setattr(tifffile, "imwrite", full_disk)
    out = tmp_path / "out.png"
    code = main(["inpaint", str(photo), "--mask", str(mask_file), "-o", str(out), "--depth",
                 str(tmp_path / "depth.npy"), "--depth-out", str(tmp_path / depth_out), "--quiet"])  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == [f"error: cannot write {tmp_path / depth_out}: No space left on device"]
    assert sorted(tmp_path.iterdir()) == inputs  # neither the filled photo nor a temporary file


@pytest.mark.parametrize(
    ("depth_out", "message"),
    [("filled.jpg", "unsupported depth output extension"), ("missing/filled.npy", "output folder does not exist"),
     ("depth.npy", "refusing to overwrite an input"), ("out.png", "would overwrite each other")],
)  # fmt: skip
def test_a_bad_depth_out_fails_before_the_photo_is_written(tmp_path, photo, capsys, depth_out, message):
    mask = np.zeros((48, 64), np.uint8)
    mask[10:30, 30:36] = 255
    np.save(tmp_path / "depth.npy", np.linspace(0.1, 1, 48 * 64, dtype=np.float32).reshape(48, 64))
    before = (tmp_path / "depth.npy").read_bytes()
    out = tmp_path / "out.png"
    code = main(["inpaint", str(photo), "--mask", str(_mask(tmp_path, mask)), "-o", str(out), "--depth",
                 str(tmp_path / "depth.npy"), "--depth-out", str(tmp_path / depth_out)])  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert not out.exists() and (tmp_path / "depth.npy").read_bytes() == before


def test_depth_of_another_size_is_resampled_and_a_huge_seed_refused(tmp_path, photo, capsys):
    mask = np.zeros((48, 64), np.uint8)
    mask[10:30, 30:36] = 255
    half = np.full((24, 32), 0.2, np.float32)
    half[5:15, 10:15] = 1.0
    np.save(tmp_path / "half.npy", half)
    out = tmp_path / "out.png"
    argv = ["inpaint", str(photo), "--mask", str(_mask(tmp_path, mask)), "-o", str(out), "--quiet"]
    assert main([*argv, "--depth", str(tmp_path / "half.npy")]) == 0 and out.exists()
    out.unlink()
    assert main([*argv, "--seed", str(10**20)]) == 2
    assert "--seed must be in 0.." in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize("under", ["white", "black", "grey+alpha"])
def test_mask_painted_on_a_transparent_layer_fills_where_it_is_opaque(tmp_path, photo, under):
    """The alpha is the mask, whatever colour is under it (it used to be composited over white: white paint
    covered the whole photo, black paint selected everything but the stroke)."""
    painted = np.zeros((48, 64), np.uint8)
    painted[16:32, 20:40] = 255
    colour = 0 if under == "black" else 255
    if under == "grey+alpha":
        Image.fromarray(np.stack([np.full_like(painted, colour), painted], -1), "LA").save(tmp_path / "m.png")
    else:
        rgb = np.full((48, 64, 3), colour, np.uint8)
        Image.fromarray(np.dstack([rgb, painted]), "RGBA").save(tmp_path / "m.png")
    src = np.asarray(Image.open(photo)).copy()
    out = tmp_path / "out.png"
    assert main(["inpaint", str(photo), "--mask", str(tmp_path / "m.png"), "-o", str(out), "--backend", "telea", "--quiet"]) == 0
    result = np.asarray(Image.open(out))
    assert np.array_equal(result[painted == 0], src[painted == 0])
    assert (result[painted > 0] != src[painted > 0]).any(axis=-1).mean() > 0.5

