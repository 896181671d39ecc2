import json

import cv2
import numpy as np
import pytest

from .helpers import ROOT, periodic_texture
from stillmotion.cinemagraph.beyond import edge_bands
from stillmotion.cinemagraph.field import build_field
from stillmotion.cinemagraph.hints import Hint, MotionHints
from stillmotion.cinemagraph.materials import MATERIALS
from stillmotion.cinemagraph.render import RenderOptions, loop_frames
from stillmotion.io.image import to_uint8


def _shift(image, dx, dy):
    """image translated by (dx, dy) pixels, periodic (bilinear for fractions)."""
    h, w = image.shape[:2]
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(image, (xs - dx) % w, (ys - dy) % h, cv2.INTER_LINEAR, borderMode=cv2.BORDER_WRAP)


def _constant(shape, v):
    field = np.empty((*shape, 2), np.float32)
    field[..., 0], field[..., 1] = v
    return field


@pytest.mark.parametrize("coarse", [False, True])
def test_constant_field_translates_the_texture_by_t_v(coarse):
    # periodic texture, period N * v: the forward and backward halves agree, so every frame must be the
    # texture translated by t * v (away from the photo's edge, where sources are not splatted); also with
    # the displacements integrated at half size (as for large regions)
    tex = periodic_texture(48, 96, 32)
    region = np.ones((48, 96), bool)
    options = RenderOptions(coarse_integration_above_px=16 if coarse else 10_000)
    field = _constant((48, 96), (2.0, 0.0))
    frames = list(loop_frames(tex, field, region, frame_count=16, as_uint8=False, options=options))
    assert len(frames) == 16
    for t, frame in enumerate(frames):
        expected = np.roll(tex, 2 * t, axis=1)
        assert np.abs(frame[4:-4, 8:-8] - expected[4:-4, 8:-8]).max() < 0.01, t


def test_fractional_constant_field():
    tex = periodic_texture(32, 64, 32, seed=3)
    tex = np.tile(tex[:16], (2, 1, 1))  # periodic along y too (period 16)
    region = np.ones((32, 64), bool)
    frames = loop_frames(tex, _constant((32, 64), (1.0, 0.5)), region, frame_count=32, as_uint8=False)
    errors = []
    for t, frame in enumerate(frames):
        expected = _shift(tex, 1.0 * t, 0.5 * t)
        errors.append(np.abs(frame[5:-5, 5:-5] - expected[5:-5, 5:-5]).mean())
    assert max(errors) < 0.03, errors
    # the bilinear resampling blur is visible but bounded, and no frame is far off (no restart, no ghost)
    assert np.mean(errors) < 0.02


def _fourier_shift(image, dx, dy):
    """A periodic image translated by (dx, dy) pixels exactly (band-limited, no resampling blur)."""
    h, w = image.shape[:2]
    phase = np.exp(-2j * np.pi * (np.fft.fftfreq(w)[None, :] * dx + np.fft.fftfreq(h)[:, None] * dy))
    spectrum = np.fft.fft2(image, axes=(0, 1)) * phase[:, :, None]
    return np.real(np.fft.ifft2(spectrum, axes=(0, 1))).astype(np.float32)


def _fine_detail(image):
    return np.abs(image - cv2.GaussianBlur(image, (0, 0), 1.0))[6:-6, 6:-6].mean()


@pytest.mark.parametrize("sharpen", [False, True])
def test_fractional_motion_keeps_the_finest_detail(sharpen):
    # sub-pixel motion under plain bilinear splatting loses a quarter of the texture's finest detail in
    # every moved frame (frame 0, the photo, stays crisp: a visible pulse at the loop's restart); the
    # splats are sharpened by their own sub-pixel offsets so that frames keep the photo's detail and come
    # closer to the exact translation
    tex = periodic_texture(32, 64, 32, seed=3)
    tex = np.tile(tex[:16], (2, 1, 1))  # periodic along y too (period 16)
    field = _constant((32, 64), (0.5, 0.25))  # over 64 frames: 32 px along x, 16 along y, both periods
    options = RenderOptions(sharpen_splats=sharpen)
    frames = list(loop_frames(tex, field, np.ones((32, 64), bool), frame_count=64, as_uint8=False, options=options))
    kept = [_fine_detail(f) / _fine_detail(tex) for f in frames]
    errors = [np.abs(f - _fourier_shift(tex, 0.5 * t, 0.25 * t))[6:-6, 6:-6].mean() for t, f in enumerate(frames)]
    if sharpen:
        assert min(kept) > 0.9, kept
        assert np.mean(errors) < 0.009, errors
    else:  # the blur the sharpening undoes (so that this test measures something)
        assert min(kept) < 0.8
        assert np.mean(errors) > 0.01


def _seam_ratio(frames):
    frames = [f.astype(np.float32) for f in frames]
    steps = [np.abs(frames[t + 1] - frames[t]).mean() for t in range(len(frames) - 1)]
    return np.abs(frames[0] - frames[-1]).mean() / np.mean(steps), np.mean(steps)


def test_seam_and_still_pixels_on_a_masked_texture():
    rng = np.random.default_rng(5)
    image = cv2.GaussianBlur(rng.random((64, 96, 3)).astype(np.float32), (0, 0), 1.2)
    image = np.clip((image - 0.5) * 4 + 0.5, 0, 1)
    region = np.zeros((64, 96), np.uint8)
    cv2.ellipse(region, (48, 32), (36, 22), 0, 0, 360, 1, -1)
    region = region.astype(bool)
    field = build_field(image, region, fps=24, hints=MotionHints((Hint(48, 32, 36, 12),)))
    frames = list(loop_frames(image, field, region, frame_count=24))
    ratio, step = _seam_ratio(frames)
    assert step > 0.5  # it moves (grey levels of 0..255 per pixel, averaged over the frame)
    assert ratio <= 1.5, ratio
    source = to_uint8(image)
    for frame in frames:
        assert frame.dtype == np.uint8
        assert np.array_equal(frame[~region], source[~region])


def test_mountain_stream_loop(stream_photo, stream_mask):
    hints = json.loads((ROOT / "examples" / "stream_water_hints.json").read_text())["hints"]
    hints = MotionHints(tuple(Hint(h["x"], h["y"], h["dx"], h["dy"]) for h in hints))
    field = build_field(stream_photo, stream_mask, fps=24, hints=hints, material=MATERIALS["water"])
    frames = list(loop_frames(stream_photo, field, stream_mask, frame_count=24))
    ratio, _ = _seam_ratio(frames)
    assert ratio <= 1.5, ratio
    source = to_uint8(stream_photo)
    inside = stream_mask.copy()
    top, bottom, left, right = edge_bands(stream_photo, min_px=RenderOptions().edge_px)
    inside[:top], inside[inside.shape[0] - bottom :], inside[:, :left], inside[:, inside.shape[1] - right :] = (
        False, False, False, False,
    )  # fmt: skip
    moving = [np.abs(frames[t + 1].astype(np.int16) - frames[t])[inside].mean() for t in range(23)]
    assert min(moving) > 2.0  # the water flows in every frame
    for frame in frames:
        assert np.array_equal(frame[~stream_mask], source[~stream_mask])  # rocks and trees: bit for bit
    # frame 0 is the photo itself (away from the photo's edge rows)
    assert np.abs(frames[0][inside].astype(np.int16) - source[inside]).max() <= 1


def test_mid_loop_shows_one_half_per_pixel_not_a_double_exposure():
    # a non-periodic texture under a constant field: mid-loop, the forward half is the texture moved by
    # +N/2 * v and the backward half by -N/2 * v, two unrelated images. A global crossfade shows their
    # mix everywhere (a double exposure); with each pixel crossfading at its own time, most pixels show
    # one of them exactly
    rng = np.random.default_rng(2)
    tex = cv2.GaussianBlur(rng.random((40, 192, 3)).astype(np.float32), (0, 0), 1.0)
    region = np.ones((40, 192), bool)
    n, v = 32, 2.0
    forward, backward = np.roll(tex, int(v * n / 2), axis=1), np.roll(tex, -int(v * n / 2), axis=1)
    inner = (slice(4, -4), slice(40, -40))  # away from the edges, where material enters or leaves
    pure = {}
    for ramp in (0.3, 1.0):
        frames = loop_frames(
            tex, _constant((40, 192), (v, 0.0)), region, frame_count=n, as_uint8=False,
            options=RenderOptions(crossfade_ramp=ramp),
        )  # fmt: skip
        for t, frame in enumerate(frames):
            if t == n // 2:
                err = np.minimum(np.abs(frame - forward).max(axis=2), np.abs(frame - backward).max(axis=2))
                pure[ramp] = np.mean(err[inner] < 0.01)
                break
    assert pure[0.3] > 0.6, pure
    assert pure[1.0] < 0.05, pure


def test_an_8_bit_photo_moves_as_its_unit_float_copy():
    # 8-bit pixels were splatted as values 0..255: the moving region came out white
    tex = periodic_texture(48, 96, 32)
    u8 = np.round(tex * 255).astype(np.uint8)
    region = np.zeros((48, 96), bool)
    region[8:40, 16:80] = True
    field = build_field(u8 / np.float32(255), region, fps=12, hints=MotionHints((Hint(48, 24, 24, 0),)))
    ints = list(loop_frames(u8, field, region, frame_count=6))
    floats = list(loop_frames(u8 / np.float32(255), field, region, frame_count=6))
    for a, b in zip(ints, floats):
        assert np.array_equal(a, b)
    assert np.array_equal(ints[0], u8) and np.abs(ints[3].astype(int) - u8)[region].mean() > 5


def test_the_example_mask_keeps_the_stones_in_the_stream_still(stream_mask):
    # the pale stone left of the log (x 492-522, y 437-455): the mask's island covered only its left two
    # thirds, so its right third flowed with the water and every loop showed a pale stone drifting downstream
    # (a second one while the first was still in view, under the waterfall preset); the dark rock upstream
    # (x 503-526, y 362-383) is an island as well
    for x0, x1, y0, y1 in ((497, 519, 441, 452), (507, 521, 366, 379)):
        assert not stream_mask[y0:y1, x0:x1].any()
