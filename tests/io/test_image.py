"""read_image / write_image: formats, precision, orientation, hostile and broken files."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import cv2
import numpy as np
import pytest
import tifffile
from PIL import Image, ImageOps

from stillmotion.errors import InputError, OutputError
from stillmotion.io import read_depth, read_image, write_image
from stillmotion.io.image import (apply_orientation, check_image, image_array, photo_bits, read_mask_image, to_uint8,
                                  to_uint16)  # fmt: skip


def _rgb8(h=24, w=32, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def _rgb16(h=24, w=32, seed=0):
    return np.random.default_rng(seed).integers(0, 65536, (h, w, 3), dtype=np.uint16)


def _smooth8(h=48, w=64):
    y, x = np.mgrid[0:h, 0:w]
    return np.stack([x * 255 // (w - 1), y * 255 // (h - 1), (x + y) * 255 // (w + h - 2)], -1).astype(np.uint8)


def test_png_8bit_rgb_is_exact(tmp_path):
    a = _rgb8()
    Image.fromarray(a).save(tmp_path / "a.png")
    out = read_image(tmp_path / "a.png")
    assert out.dtype == np.float32 and out.shape == (24, 32, 3)
    np.testing.assert_allclose(out, a / 255.0, atol=1e-6)


def test_png_16bit_rgb_keeps_precision(tmp_path):
    a = _rgb16()
    assert cv2.imwrite(str(tmp_path / "a.png"), a[:, :, ::-1])  # cv2 writes BGR: the file holds RGB = a
    out = read_image(tmp_path / "a.png")
    np.testing.assert_allclose(out, a / 65535.0, atol=1e-6)  # 8-bit truncation would be off by up to 1/255
    assert np.abs(out - np.round(out * 255) / 255).max() > 1e-3


def test_png_16bit_grey_keeps_precision(tmp_path):
    a = _rgb16()[:, :, 0]
    assert cv2.imwrite(str(tmp_path / "g.png"), a)
    out = read_image(tmp_path / "g.png")
    assert out.shape == (24, 32, 3)
    for c in range(3):
        np.testing.assert_allclose(out[:, :, c], a / 65535.0, atol=1e-6)


def test_png_16bit_rgba_is_composited(tmp_path):
    a = np.zeros((4, 4, 4), np.uint16)
    a[..., :3] = 30000
    a[0, :, 3] = 65535
    a[1, :, 3] = 0
    assert cv2.imwrite(str(tmp_path / "a.png"), a[:, :, [2, 1, 0, 3]])
    out = read_image(tmp_path / "a.png")
    np.testing.assert_allclose(out[0], 30000 / 65535, atol=1e-6)
    np.testing.assert_allclose(out[1], 1.0, atol=1e-6)


def test_greyscale_becomes_three_equal_channels(tmp_path):
    g = _rgb8()[:, :, 0]
    Image.fromarray(g, "L").save(tmp_path / "g.png")
    out = read_image(tmp_path / "g.png")
    assert out.shape == (24, 32, 3)
    np.testing.assert_allclose(out, np.repeat(g[:, :, None] / 255.0, 3, 2), atol=1e-6)


def test_rgba_is_composited_over_white(tmp_path):
    a = np.zeros((3, 5, 4), np.uint8)
    a[..., 0] = 200
    a[0, :, 3] = 255
    a[1, :, 3] = 0
    a[2, :, 3] = 128
    Image.fromarray(a, "RGBA").save(tmp_path / "a.png")
    out = read_image(tmp_path / "a.png")
    np.testing.assert_allclose(out[0], np.broadcast_to([200 / 255, 0, 0], (5, 3)), atol=1e-6)
    np.testing.assert_allclose(out[1], 1.0, atol=1e-6)
    half = 128 / 255
    np.testing.assert_allclose(out[2, 0], [200 / 255 * half + 1 - half, 1 - half, 1 - half], atol=1e-5)


def test_palette_and_grey_alpha(tmp_path):
    a = _smooth8()
    Image.fromarray(a).quantize(16).save(tmp_path / "p.png")
    with Image.open(tmp_path / "p.png") as img:
        assert img.mode == "P"
        expected = np.asarray(img.convert("RGB")) / 255.0
    np.testing.assert_allclose(read_image(tmp_path / "p.png"), expected, atol=1e-6)
    la = np.stack([a[:, :, 0], np.full_like(a[:, :, 0], 255)], -1)
    Image.fromarray(la, "LA").save(tmp_path / "la.png")
    np.testing.assert_allclose(read_image(tmp_path / "la.png")[:, :, 1], a[:, :, 0] / 255.0, atol=1e-6)


def test_jpeg_and_webp(tmp_path):
    a = _smooth8()
    Image.fromarray(a).save(tmp_path / "a.jpg", quality=95)
    assert np.abs(read_image(tmp_path / "a.jpg") - a / 255.0).mean() < 0.01
    Image.fromarray(a).save(tmp_path / "a.webp", lossless=True)
    np.testing.assert_allclose(read_image(tmp_path / "a.webp"), a / 255.0, atol=1e-6)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_jpeg_exif_orientation_matches_pil(tmp_path, orientation):
    a = _smooth8()
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.fromarray(a).save(tmp_path / "o.jpg", quality=100, exif=exif.tobytes())
    with Image.open(tmp_path / "o.jpg") as img:
        expected = np.asarray(ImageOps.exif_transpose(img)) / 255.0
    out = read_image(tmp_path / "o.jpg")
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, atol=1e-6)


def test_exif_rotation_puts_the_top_left_corner_at_the_top_right(tmp_path):
    a = np.zeros((40, 60, 3), np.uint8)
    a[:10, :10] = 255  # a white block at the stored top-left
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: display rotated 90 degrees clockwise
    Image.fromarray(a).save(tmp_path / "r.jpg", quality=100, exif=exif.tobytes())
    out = read_image(tmp_path / "r.jpg")
    assert out.shape == (60, 40, 3)
    assert out[:8, -8:].mean() > 0.9 and out[:8, :8].mean() < 0.1


def test_apply_orientation_inverts_every_pil_transpose():
    a = np.arange(6 * 4 * 3).reshape(6, 4, 3)
    for orientation in range(1, 9):
        img = Image.fromarray(a.astype(np.uint8))
        exif = img.getexif()
        exif[0x0112] = orientation
        img.info["exif"] = exif.tobytes()
        expected = np.asarray(ImageOps.exif_transpose(img))
        np.testing.assert_array_equal(apply_orientation(a.astype(np.uint8), orientation), expected)


def test_tiff_8bit_16bit_float_and_planar(tmp_path):
    a8, a16 = _rgb8(), _rgb16()
    tifffile.imwrite(tmp_path / "a8.tif", a8)
    np.testing.assert_allclose(read_image(tmp_path / "a8.tif"), a8 / 255.0, atol=1e-6)
    tifffile.imwrite(tmp_path / "a16.tif", a16)
    np.testing.assert_allclose(read_image(tmp_path / "a16.tif"), a16 / 65535.0, atol=1e-6)
    f = np.random.default_rng(1).random((24, 32, 3)).astype(np.float32)
    tifffile.imwrite(tmp_path / "f.tif", f, photometric="rgb")
    np.testing.assert_allclose(read_image(tmp_path / "f.tif"), f, atol=1e-7)
    tifffile.imwrite(tmp_path / "fg.tif", f[:, :, 0])
    np.testing.assert_allclose(read_image(tmp_path / "fg.tif")[:, :, 2], f[:, :, 0], atol=1e-7)
    tifffile.imwrite(tmp_path / "pl.tif", np.moveaxis(a16, -1, 0), planarconfig="separate", photometric="rgb")
    np.testing.assert_allclose(read_image(tmp_path / "pl.tif"), a16 / 65535.0, atol=1e-6)


def test_tiff_lzw_and_orientation_tag(tmp_path):
    a = _smooth8()
    Image.fromarray(a).save(tmp_path / "lzw.tif", compression="tiff_lzw")  # tifffile needs imagecodecs for LZW
    np.testing.assert_allclose(read_image(tmp_path / "lzw.tif"), a / 255.0, atol=1e-6)
    tifffile.imwrite(tmp_path / "o.tif", a, extratags=[(274, "H", 1, 8, True)])
    np.testing.assert_allclose(read_image(tmp_path / "o.tif"), np.rot90(a, 1) / 255.0, atol=1e-6)


def test_cmyk_tiff_is_converted_to_rgb_as_pil_converts_it(tmp_path):
    a = _smooth8()
    cmyk = Image.fromarray(a).convert("CMYK")
    expected = np.asarray(cmyk.convert("RGB")) / 255.0
    cmyk.save(tmp_path / "pil.tif")  # PIL writes PhotometricInterpretation = separated, 4 samples
    np.testing.assert_allclose(read_image(tmp_path / "pil.tif"), expected, atol=1e-6)
    c16 = np.asarray(cmyk).astype(np.uint16) * 257
    tifffile.imwrite(tmp_path / "c16.tif", c16, photometric="separated")
    np.testing.assert_allclose(read_image(tmp_path / "c16.tif"), expected, atol=1e-6)
    alpha = np.full(a.shape[:2] + (1,), 65535, np.uint16)
    alpha[:10] = 0  # transparent rows become white, as for RGBA
    tifffile.imwrite(tmp_path / "a.tif", np.concatenate([c16, alpha], -1), photometric="separated", extrasamples=["unassalpha"])
    out = read_image(tmp_path / "a.tif")
    np.testing.assert_allclose(out[:10], 1.0, atol=1e-6)
    np.testing.assert_allclose(out[10:], expected[10:], atol=1e-6)


def test_tiff_inks_other_than_cmyk_are_refused(tmp_path):
    a = np.zeros((8, 8, 4), np.uint8)
    tifffile.imwrite(tmp_path / "i.tif", a, photometric="separated", extratags=[(332, "H", 1, 2, True)])
    with pytest.raises(InputError, match="inks other than CMYK"):
        read_image(tmp_path / "i.tif")


def test_white_is_zero_tiff_is_inverted(tmp_path):
    g = _rgb16()[:, :, 0]
    tifffile.imwrite(tmp_path / "w.tif", 65535 - g, photometric="miniswhite")
    np.testing.assert_allclose(read_image(tmp_path / "w.tif"), np.repeat(g[:, :, None] / 65535.0, 3, 2), atol=1e-6)


def test_palette_tiff_shows_its_colours_not_its_indices(tmp_path):
    p = Image.fromarray(_smooth8()).quantize(16)
    p.save(tmp_path / "p.tif")
    np.testing.assert_allclose(read_image(tmp_path / "p.tif"), np.asarray(p.convert("RGB")) / 255.0, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.int32, np.int16, np.uint32])
def test_tiff_integers_without_a_brightness_scale_are_refused(tmp_path, dtype):
    tifffile.imwrite(tmp_path / "i.tif", (_rgb8()[:, :, 0].astype(dtype)) * 100)
    with pytest.raises(InputError, match=f"{np.dtype(dtype).name} samples"):
        read_image(tmp_path / "i.tif")


def test_tiff_colour_model_neither_reader_knows_is_refused(tmp_path):
    tifffile.imwrite(tmp_path / "l.tif", _rgb8(), photometric="itulab")
    with pytest.raises(InputError, match="colour model ITULAB is not supported"):
        read_image(tmp_path / "l.tif")


def test_float_tiff_out_of_range_is_clipped_with_a_warning(tmp_path, caplog):
    f = np.linspace(-0.5, 2.0, 24 * 32 * 3, dtype=np.float32).reshape(24, 32, 3)
    tifffile.imwrite(tmp_path / "f.tif", f, photometric="rgb")
    with caplog.at_level("WARNING"):
        out = read_image(tmp_path / "f.tif")
    assert out.min() == 0.0 and out.max() == 1.0
    assert "clipped" in caplog.text


def test_heic(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("this libheif cannot encode HEIC")
    pillow_heif.register_heif_opener()
    a = _smooth8()
    Image.fromarray(a).save(tmp_path / "a.heic", quality=95)
    out = read_image(tmp_path / "a.heic")
    assert out.shape == (48, 64, 3)
    assert np.abs(out - a / 255.0).mean() < 0.03
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(a).save(tmp_path / "r.heic", quality=95, exif=exif.tobytes())
    assert read_image(tmp_path / "r.heic").shape == (64, 48, 3)  # rotated once, not twice or never


def test_png_with_megabytes_of_compressed_xmp_is_read(tmp_path):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", "x" * 3_000_000, zip=True)  # PIL alone refuses text over 1 MB
    a8, a16 = _rgb8(), _rgb16()[:, :, 0]
    Image.fromarray(a8).save(tmp_path / "a8.png", pnginfo=info)
    Image.fromarray(a16).save(tmp_path / "a16.png", pnginfo=info)
    check_image(tmp_path / "a8.png")
    np.testing.assert_allclose(read_image(tmp_path / "a8.png"), a8 / 255.0, atol=1e-6)
    np.testing.assert_allclose(read_image(tmp_path / "a16.png")[:, :, 0], a16 / 65535.0, atol=1e-6)
    np.testing.assert_array_equal(read_depth(tmp_path / "a16.png", "inverse").values, a16)


def test_mask_image_is_its_alpha_when_transparent_else_its_brightness(tmp_path):
    level = np.zeros((24, 32), np.uint8)
    level[4:12, 8:20] = 255
    white, black = np.full((24, 32, 3), 255, np.uint8), np.zeros((24, 32, 3), np.uint8)
    Image.fromarray(np.dstack([white, level]), "RGBA").save(tmp_path / "white.png")
    Image.fromarray(np.dstack([black, level]), "RGBA").save(tmp_path / "black.png")
    Image.fromarray(np.stack([255 - level, level], -1), "LA").save(tmp_path / "la.png")  # alpha wins over grey
    for name in ("white.png", "black.png", "la.png"):
        np.testing.assert_array_equal(read_mask_image(tmp_path / name), level / 255.0, err_msg=name)
    grey = np.asarray(Image.fromarray(_smooth8()).convert("L"))
    Image.fromarray(np.dstack([_smooth8(), np.full_like(grey, 255)]), "RGBA").save(tmp_path / "opaque.png")
    np.testing.assert_allclose(read_mask_image(tmp_path / "opaque.png"), grey / 255.0, atol=1 / 255)
    tifffile.imwrite(tmp_path / "m16.tif", level.astype(np.uint16) * 257)
    np.testing.assert_array_equal(read_mask_image(tmp_path / "m16.tif"), level / 255.0)


def test_mask_image_errors_name_the_mask_not_a_photo(tmp_path):
    (tmp_path / "t.png").write_bytes(b"not an image")
    with pytest.raises(InputError, match="cannot read freeze mask .*t.png: not an image"):
        read_mask_image(tmp_path / "t.png", what="freeze mask")
    with pytest.raises(InputError, match="freeze mask not found"):
        read_mask_image(tmp_path / "none.png", what="freeze mask")
    tifffile.imwrite(tmp_path / "i.tif", np.zeros((8, 8), np.int32))
    with pytest.raises(InputError, match="^mask .*i.tif is a TIFF of int32"):
        read_mask_image(tmp_path / "i.tif")


def test_decompression_bomb_is_refused_from_the_header(tmp_path, bomb_png):
    bomb_png(tmp_path / "bomb.png", 50000, 50000)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="megapixels"):
            read_image(tmp_path / "bomb.png")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000  # the 7.5 GB the header claims was never allocated


def test_max_pixels_applies_to_every_format(tmp_path):
    a = _rgb8(100, 100)
    Image.fromarray(a).save(tmp_path / "a.jpg")
    tifffile.imwrite(tmp_path / "a.tif", a)
    for name in ("a.jpg", "a.tif"):
        with pytest.raises(InputError, match="allowed"):
            read_image(tmp_path / name, max_pixels=5000)
        assert read_image(tmp_path / name, max_pixels=10000).shape == (100, 100, 3)


@pytest.mark.parametrize("fmt", ["png", "jpg", "png16"])
def test_truncated_files_are_refused(tmp_path, capfd, fmt):
    path = tmp_path / f"t.{fmt[:3]}"
    if fmt == "png16":
        cv2.imwrite(str(path), _rgb16(64, 64))
    else:
        Image.fromarray(_rgb8(64, 64)).save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="t.png|t.jpg"):
        read_image(path)
    assert capfd.readouterr().err == ""  # no decoder chatter on stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("text.png", b"this is not an image\n", "not an image"),
        ("noise.jpg", bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)), "not an image"),
        ("empty.png", b"", "empty"),
        ("notes.txt", b"hello", "not an image"),
        ("bad.tif", b"II*\x00" + b"\xff" * 64, "corrupt"),
    ],
)
def test_non_images_are_refused(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_image(tmp_path / name)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_image(tmp_path / "nope.jpg")
    with pytest.raises(InputError, match="directory"):
        read_image(tmp_path)
    if Path("/dev/null").exists():
        with pytest.raises(InputError, match="not a regular file"):
            read_image("/dev/null")


def test_write_image_round_trip_and_bad_extension(tmp_path):
    a = _rgb8() / 255.0
    write_image(tmp_path / "w.png", a.astype(np.float32))
    np.testing.assert_allclose(read_image(tmp_path / "w.png"), a, atol=1e-6)
    with pytest.raises(OutputError, match="unsupported"):
        write_image(tmp_path / "w.bmpx", a)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.png"]


def test_write_image_scales_16_bit_pixels_and_refuses_other_integers(tmp_path):
    """A uint16 image was written saturated (every level above 0 as 255)."""
    rgb16 = _rgb16()
    write_image(tmp_path / "w.png", rgb16)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "w.png")), to_uint8(rgb16 / np.float32(65535)))
    with pytest.raises(InputError, match="uint8 or uint16 pixels, got int64"):
        write_image(tmp_path / "x.png", _rgb8().astype(np.int64))
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("name", ["w.png", "w.tif"])
def test_write_image_keeps_16_bits_in_png_and_tiff_when_asked(tmp_path, name):
    """A 16-bit photo was written back with 8 bits per channel, whatever the format."""
    a = _rgb16()
    a[0, 0] = (65535, 0, 0)  # red at the top left: the channels are not swapped (OpenCV writes BGR)

    def raw():
        path = tmp_path / name
        if name.endswith(".tif"):
            return tifffile.imread(path)
        return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)[:, :, ::-1]  # BGR -> RGB

    write_image(tmp_path / name, a, bits=16)
    assert raw().dtype == np.uint16
    np.testing.assert_array_equal(raw(), a)
    np.testing.assert_allclose(read_image(tmp_path / name), a / 65535.0, atol=1e-6)
    write_image(tmp_path / name, (a / np.float32(65535)).astype(np.float32), bits=16)  # float: round(x * 65535)
    np.testing.assert_array_equal(raw(), a)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # written atomically: no temporary left


@pytest.mark.parametrize("name", ["w.jpg", "w.webp"])
def test_write_image_writes_jpeg_and_webp_with_8_bits_even_when_asked_for_16(tmp_path, name):
    write_image(tmp_path / name, _smooth8(), bits=16)
    with Image.open(tmp_path / name) as img:
        assert img.mode == "RGB"
    with pytest.raises(ValueError, match="8 or 16 bits"):
        write_image(tmp_path / "x.png", _smooth8(), bits=12)


def test_to_uint16_rounds_saturates_zeroes_nan_and_widens_8_bits():
    x = np.array([0.0, 1.0, 0.5, np.nan, -0.3, 1.8, np.inf, 1000.4 / 65535, 1000.6 / 65535], np.float32)
    np.testing.assert_array_equal(to_uint16(x), [0, 65535, 32768, 0, 0, 65535, 65535, 1000, 1001])
    levels = np.arange(65536, dtype=np.uint16)
    np.testing.assert_array_equal(to_uint16(levels / np.float32(65535)), levels)  # every level comes back
    np.testing.assert_array_equal(to_uint16(np.array([0, 1, 255], np.uint8)), [0, 257, 65535])


def test_photo_bits_reads_the_depth_of_the_samples_from_the_header(tmp_path):
    a8, a16 = _rgb8(), _rgb16()
    Image.fromarray(a8).save(tmp_path / "8.png")
    Image.fromarray(a8).save(tmp_path / "8.jpg")
    cv2.imwrite(str(tmp_path / "16.png"), a16)
    cv2.imwrite(str(tmp_path / "16g.png"), a16[:, :, 0])
    tifffile.imwrite(tmp_path / "8.tif", a8)
    tifffile.imwrite(tmp_path / "16.tif", a16)
    tifffile.imwrite(tmp_path / "f.tif", a16.astype(np.float32) / 65535, photometric="rgb")
    bits = {name: photo_bits(tmp_path / name) for name in ("8.png", "8.jpg", "16.png", "16g.png", "8.tif", "16.tif",
                                                           "f.tif")}  # fmt: skip
    assert bits == {"8.png": 8, "8.jpg": 8, "16.png": 16, "16g.png": 16, "8.tif": 8, "16.tif": 16, "f.tif": 16}
    (tmp_path / "no.png").write_bytes(b"not an image")
    with pytest.raises(InputError, match="cannot read photo"):
        photo_bits(tmp_path / "no.png")


def test_to_uint8_rounds_saturates_and_zeroes_nan():
    x = np.array([[[0.0, 1.0, 0.5], [np.nan, -0.3, 1.8], [10.4 / 255, 10.6 / 255, 254.4 / 255]]], np.float32)
    np.testing.assert_array_equal(to_uint8(x), [[[0, 255, 128], [0, 0, 255], [10, 11, 254]]])
    grid = np.random.default_rng(0).random((40, 30, 3))
    assert np.abs(to_uint8(grid).astype(int) - np.round(grid * 255)).max() <= 1  # float64 input too


def test_wide_gamut_profile_is_converted_to_srgb(tmp_path, display_p3_icc):
    from PIL import ImageCms

    a = np.array([[[128, 128, 128], [200, 100, 50], [60, 160, 90]]], np.uint8)
    Image.fromarray(a).save(tmp_path / "p3.png", icc_profile=display_p3_icc)
    out = read_image(tmp_path / "p3.png") * 255
    assert np.ptp(out[0, 0]) < 1.0 and abs(out[0, 0, 0] - 128) < 3  # neutral stays neutral
    assert np.ptp(out[0, 1]) > np.ptp(a[0, 1]) + 10  # P3 colours are more saturated in sRGB numbers
    assert np.ptp(out[0, 2]) > np.ptp(a[0, 2]) + 10
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.fromarray(a).save(tmp_path / "srgb.png", icc_profile=srgb)
    np.testing.assert_allclose(read_image(tmp_path / "srgb.png"), a / 255.0, atol=1e-6)


def test_broken_profile_is_ignored_with_a_warning(tmp_path, caplog):
    a = _rgb8()
    Image.fromarray(a).save(tmp_path / "b.png", icc_profile=b"not a profile at all" * 8)
    with caplog.at_level("WARNING"):
        out = read_image(tmp_path / "b.png")
    np.testing.assert_allclose(out, a / 255.0, atol=1e-6)
    assert "profile" in caplog.text


def test_image_array_gives_arrays_the_readers_float_rgb(tmp_path):
    """What a public function is handed as an array is converted as read_image converts such a file."""
    rgb8 = _smooth8()
    alpha = np.linspace(0, 255, rgb8.shape[1]).astype(np.uint8)[None].repeat(rgb8.shape[0], axis=0)
    for name, array in {"rgb.png": rgb8, "grey.png": rgb8[:, :, 0], "rgba.png": np.dstack([rgb8, alpha])}.items():
        Image.fromarray(array).save(tmp_path / name)
        np.testing.assert_allclose(image_array(array), read_image(tmp_path / name), atol=1e-6)
    rgb16 = _rgb16()
    cv2.imwrite(str(tmp_path / "rgb16.png"), rgb16[:, :, ::-1])
    np.testing.assert_allclose(image_array(rgb16), read_image(tmp_path / "rgb16.png"), atol=1e-6)
    assert image_array(rgb8[:, :, :1]).shape == rgb8.shape
    exact = rgb8 / np.float32(255)
    assert image_array(exact) is exact  # float32 RGB as it is, not copied
    assert image_array(exact.astype(np.float64)).dtype == np.float32


@pytest.mark.parametrize("bad, message", [
    (None, "got None"), (np.zeros((8, 8, 2), np.float32), r"got shape \(8, 8, 2\)"),
    (np.zeros((2, 8, 8, 3)), "RGB"), (np.array([["a"]]), "RGB"),
])  # fmt: skip
def test_image_array_refuses_what_is_not_an_image(bad, message):
    with pytest.raises(InputError, match=message):
        image_array(bad, what="photo")


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16, np.uint32])
def test_integer_pixels_without_an_agreed_scale_are_refused(dtype):
    """np.asarray(photo, dtype=int) holds 0..255: it was divided by int64's maximum, a black picture."""
    photo = np.full((4, 4, 3), 200, dtype)
    with pytest.raises(InputError, match=f"pixels of type {np.dtype(dtype)} have no agreed scale"):
        image_array(photo)


def test_image_array_refuses_nan_unless_asked_not_to():
    image = np.full((4, 4, 3), 0.5, np.float32)
    image[1, 2, 0] = np.nan
    with pytest.raises(InputError, match="the photo holds NaN or infinite values"):
        image_array(image, what="the photo")
    assert np.isnan(image_array(image, finite=False)).sum() == 1


def test_float_pixels_of_an_8_bit_scale_are_refused_at_every_public_array_entry():
    """``img.astype(np.float32)`` of an 8-bit photo holds 0..255: animate_frames gave white frames,
    interpolate_frame a white picture, estimate_flow a flow 1.3 px off, all silently."""
    from stillmotion import api
    from stillmotion.inpaint import inpaint

    rng = np.random.default_rng(0)
    eight = rng.integers(0, 256, (48, 64, 3)).astype(np.uint8)
    scaled = eight.astype(np.float32)  # not divided by 255
    message = "float pixels from 0 to 255; float pixels are in \\[0, 1\\]"
    with pytest.raises(InputError, match="the photo holds " + message):
        image_array(scaled, what="the photo")
    with pytest.raises(InputError, match="image0 holds " + message):
        api.interpolate_frame(scaled, eight)
    with pytest.raises(InputError, match="image0 holds " + message):
        api.estimate_flow(scaled, eight / np.float32(255), backend="dis")
    mask = np.zeros((48, 64), np.uint8)
    mask[10:20, 10:20] = 255
    with pytest.raises(InputError, match="the image holds " + message):
        inpaint(scaled, mask, backend="telea")
    # a little overshoot (a sharpened or graded frame) and the uint8 array itself are fine
    assert image_array(np.full((4, 4, 3), 1.2, np.float32)).max() == np.float32(1.2)
    assert image_array(eight).max() <= 1.0


def test_estimate_flow_refuses_nan_frames():
    from stillmotion import api

    frame = np.full((48, 64, 3), 0.5, np.float32)
    broken = frame.copy()
    broken[5:9, 5:9] = np.nan
    with pytest.raises(InputError, match="image0 holds NaN or infinite values"):
        api.estimate_flow(broken, frame, backend="dis")
