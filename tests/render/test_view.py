"""``view``: what a move reveals beyond the photo's edge is a continuation of the photo, built once."""

from __future__ import annotations

import numpy as np
import pytest

from stillmotion.api import render_view
from stillmotion.errors import InputError
from stillmotion.render.view import prepare_view, revealed_sides, view_scene
from stillmotion.types import CameraState, Depth, DepthKind


def _diagonal(height: int, width: int, period: float = 24.0) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    t = (0.5 + 0.5 * np.cos(2 * np.pi * (x + y) / period))[:, :, None]
    return (t * np.float32((0.9, 0.7, 0.2)) + (1 - t) * np.float32((0.1, 0.3, 0.6))).astype(np.float32)


def test_the_strip_beyond_the_edge_continues_diagonal_stripes():
    # a flat wall of diagonal stripes, 12 px of disparity: the right view shows 12 px the photo never saw
    h, w, d = 64, 96, 12
    world = _diagonal(h, w + d)
    photo, truth = world[:, :w], world[:, d:]
    view = render_view(photo, Depth(np.full((h, w), float(d), np.float32), DepthKind.DISPARITY), move=(1.0, 0.0, 0.0))
    assert np.abs(view[:, : w - d - 2] - truth[:, : w - d - 2]).max() < 0.02
    strip = np.abs(view[:, w - d :] - truth[:, w - d :]).mean()
    rows = np.abs(np.repeat(photo[:, -1:], d, axis=1) - truth[:, w - d :]).mean()  # each row's edge colour
    assert strip < 0.6 * rows  # the stripes go on along the diagonal, not along the rows


def test_the_scene_is_extended_only_where_the_views_reveal_something():
    h, w = 48, 64
    image = _diagonal(h, w)
    depth = Depth(np.full((h, w), 6.0, np.float32), DepthKind.DISPARITY)
    right = [CameraState(1.0, 0.0, 0.0)]
    q, intr, _ = prepare_view(image, depth, right, fov_deg=55.0)
    assert revealed_sides(q, intr, right, 8) == (0, 0, 0, 8)
    assert revealed_sides(q, intr, [CameraState()], 8) == (0, 0, 0, 0)
    scene, q_out, intr_out = view_scene(image, depth, right, fov_deg=55.0, border="fill")
    # 6 px of disparity: a margin of at least 6 px, on the right only; q and the camera stay the photo's
    assert scene.shape[0] == h and w + 6 <= scene.shape[1] <= w + 12
    assert np.array_equal(scene.atlas[:, :w], image) and q_out.shape == (h, w) and intr_out == intr
    still, _, _ = view_scene(image, depth, [CameraState()], fov_deg=55.0, border="fill")
    assert still.shape == (h, w)


def test_nan_depth_values_are_filled_as_unknown():
    """A NaN in a depth built by hand (valid=None) ended in "the camera turns away from the photo"."""
    h, w = 48, 64
    image = _diagonal(h, w)
    values = np.linspace(0.2, 1.0, h * w, dtype=np.float32).reshape(h, w)
    holed = values.copy()
    holed[20:23, 30:33] = np.nan
    known = values.copy()
    known[20:23, 30:33] = values[19, 30:33]  # the fill from the farthest side (here: above)
    view = render_view(image, Depth(holed, "inverse"), move=(0.02, 0.0, 0.0))
    assert np.isfinite(view).all()
    np.testing.assert_array_equal(view, render_view(image, Depth(known, "inverse"), move=(0.02, 0.0, 0.0)))


def _view_scene_inputs():
    h, w = 48, 64
    return _diagonal(h, w), Depth(np.linspace(0.2, 1.0, h * w, dtype=np.float32).reshape(h, w), "inverse")


def test_8_and_16_bit_grey_and_rgba_photos_give_the_float_rgb_view():
    """Integer photos were rendered as 0..255 (or 0..65535) floats; grey and RGBA ones failed deep inside."""
    image, depth = _view_scene_inputs()
    as8 = np.round(image * 255).astype(np.uint8)
    move = (0.03, 0.0, 0.0)
    expected = render_view(as8 / np.float32(255), depth, move=move)
    for photo in (as8, as8.astype(np.uint16) * 257):
        view = render_view(photo, depth, move=move)
        assert view.dtype == np.float32
        np.testing.assert_allclose(view, expected, atol=1e-6)
    grey = as8[:, :, 1]
    np.testing.assert_allclose(render_view(grey, depth, move=move),
                               render_view(np.repeat(grey[:, :, None], 3, axis=2), depth, move=move), atol=1e-6)  # fmt: skip
    opaque = np.dstack([as8, np.full(as8.shape[:2], 255, np.uint8)])
    np.testing.assert_allclose(render_view(opaque, depth, move=move), expected, atol=1e-6)


@pytest.mark.parametrize("arguments, message", [
    ({"move": (0.0, 0)}, r"move must be three finite numbers \(x, y, z\)"),  # ran, rotating about other axes
    ({"rotate_deg": (0, 0, 0, 2.0)}, r"rotate_deg must be three .*\(rx, ry, rz\)"),  # set focal_scale=2
    ({"move": (0.0, np.nan, 0.0)}, "finite"),
    ({"rotate_deg": "abc"}, "rotate_deg"),
    ({"fov_deg": 0}, "fov_deg must be within 1..170"),  # ZeroDivisionError
    ({"fov_deg": 180}, "1..170"),
    ({"fov_deg": -10}, "1..170"),
    ({"fov_deg": float("nan")}, "1..170"),
])  # fmt: skip
def test_bad_camera_arguments_are_input_errors(arguments, message):
    image, depth = _view_scene_inputs()
    with pytest.raises(InputError, match=message):
        render_view(image, depth, **arguments)


def test_what_is_not_a_photo_or_a_depth_is_an_input_error():
    image, depth = _view_scene_inputs()
    with pytest.raises(InputError, match="depth must be a stillmotion.Depth.*got ndarray"):
        render_view(image, depth.values)  # AttributeError: 'valid'
    with pytest.raises(InputError, match="got None"):
        render_view(None, depth)
    with pytest.raises(InputError, match=r"got shape \(48, 64, 2\)"):
        render_view(image[:, :, :2], depth)


def test_the_strip_beyond_the_edge_is_the_smooth_prediction_without_copied_grain():
    # the README says so: in one still, copied grain over an unknown structure brought pasted fragments
    # (a piece of the coffee's spoon in the wood, of the astronaut's helmet in the dark), so the strip is
    # the photo's structure continued, smooth
    h, w, d = 64, 96, 12
    photo = np.clip(0.5 + np.random.default_rng(0).normal(0.0, 0.08, (h, w, 3)), 0, 1).astype(np.float32)
    depth = Depth(np.full((h, w), float(d), np.float32), DepthKind.DISPARITY)
    view = render_view(photo, depth, move=(1.0, 0.0, 0.0))

    def fine(image):
        return float(np.abs(image[:, 1:] - image[:, :-1]).mean())

    assert fine(view[4:-4, w - d + 2 :]) < 0.2 * fine(photo)


def test_the_view_command_shows_progress_and_what_it_wrote(tmp_path, capsys, caplog):
    # a 1080p view ran 10.8 s with two log lines and no bar
    import logging

    from stillmotion.cli import main
    from stillmotion.io import write_image

    rng = np.random.default_rng(0)
    write_image(tmp_path / "p.png", rng.random((48, 64, 3)).astype(np.float32))
    with caplog.at_level(logging.INFO):
        assert main(["view", str(tmp_path / "p.png"), "-o", str(tmp_path / "v.png"), "--move", "0.05,0,0"]) == 0
    err = capsys.readouterr().err
    assert "view:" in err and "/4 [" in err and "step" in err
    assert f"wrote {tmp_path / 'v.png'} (64x48)" in caplog.text


def test_the_view_command_keeps_a_16_bit_photo_in_16_bits(tmp_path, photo16, stored_levels):
    """A 16-bit photo's view was written with 8 bits per channel; a JPEG view, or an 8-bit photo's, has 8."""
    from stillmotion.cli import main
    from stillmotion.io import write_image

    levels = photo16(tmp_path / "p16.png")
    write_image(tmp_path / "p8.png", (levels >> 8).astype(np.uint8))  # the same picture with 8 bits
    np.save(tmp_path / "d.npy", np.linspace(0.2, 1.0, 48 * 64, dtype=np.float32).reshape(48, 64))
    depth = ["--depth", str(tmp_path / "d.npy"), "--depth-kind", "inverse", "--quiet"]
    for photo, out in (("p16.png", "v16.png"), ("p16.png", "v16.jpg"), ("p8.png", "v8.png")):
        assert main(["view", str(tmp_path / photo), "-o", str(tmp_path / out), *depth]) == 0
    view = stored_levels(tmp_path / "v16.png")
    assert view.dtype == np.uint16
    # no move: the identity pose reproduces the photo (8 bits would be up to 128 levels off)
    assert np.abs(view.astype(int) - levels).max() <= 1
    assert stored_levels(tmp_path / "v16.jpg").dtype == np.uint8
    assert stored_levels(tmp_path / "v8.png").dtype == np.uint8
