import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.interpolate import create_interpolator, interpolate_pair
from stillmotion.interpolate.timeline import output_times


def _moving_square_scene():
    """Textured background, a textured square moving 8 px right over it: frames at t = 0, 0.5, 1."""
    rng = np.random.default_rng(3)
    import cv2

    bg = cv2.GaussianBlur(rng.random((96, 128, 3)).astype(np.float32), (0, 0), 1.5)
    fg = cv2.GaussianBlur(rng.random((30, 30, 3)).astype(np.float32), (0, 0), 1.5) * 0.5 + 0.5
    frames = []
    for x in (40, 44, 48):
        f = bg.copy()
        f[30:60, x : x + 30] = fg
        frames.append(f)
    return frames


def test_middle_frame_of_a_moving_object_is_sharp_and_in_place():
    f0, mid, f1 = _moving_square_scene()
    out = interpolate_pair(f0, f1, t=0.5)
    naive = 0.5 * (f0 + f1)
    err = np.abs(out - mid).mean()
    assert err < 0.3 * np.abs(naive - mid).mean(), err
    # the square's edges are where they should be at t = 0.5
    assert np.abs(out[32:58, 46:72] - mid[32:58, 46:72]).mean() < 0.03


def test_endpoints_return_the_frames():
    f0, _, f1 = _moving_square_scene()
    out = create_interpolator("splat").interpolate(f0, f1, [0.0, 1.0])
    np.testing.assert_array_equal(out[0], f0)
    np.testing.assert_array_equal(out[1], f1)


def test_bad_inputs():
    f0, _, f1 = _moving_square_scene()
    with pytest.raises(InputError, match="differ in size"):
        interpolate_pair(f0, f1[:, :-2])
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        interpolate_pair(f0, f1, t=1.5)
    for bad in (None, float("nan"), "half"):  # None and text were a TypeError / ValueError
        with pytest.raises(InputError, match=r"t \(the time between the two frames\) must lie in \[0, 1\]"):
            interpolate_pair(f0, f1, t=bad)
    with pytest.raises(InputError, match="at least 2 frames"):
        list(output_times(1, factor=2))


def test_options_a_method_does_not_take_are_refused():
    for method in ("splat", "splat-colour", "backward"):  # they were swallowed by **_ignored
        with pytest.raises(InputError, match=f"'{method}' does not take flow_max_pixels; its options: flow, flow_options"):
            create_interpolator(method, flow_max_pixels=1000)


def test_timeline():
    assert list(output_times(3, factor=2)) == [0, 0.5, 1, 1.5, 2]
    assert list(output_times(4, in_fps=24, out_fps=12)) == [0, 2]
    assert len(list(output_times(25, in_fps=24, out_fps=60))) == 61


def test_splat_beats_backward_baseline_around_the_moving_object():
    f0, mid, f1 = _moving_square_scene()
    splat = create_interpolator("splat").interpolate(f0, f1, [0.5])[0]
    base = create_interpolator("backward").interpolate(f0, f1, [0.5])[0]
    box = (slice(26, 64), slice(36, 82))  # the square, its trailing (uncovered) and leading (covered) edges
    assert np.abs(splat[box] - mid[box]).mean() < 0.8 * np.abs(base[box] - mid[box]).mean()


def test_colour_splat_method_runs():
    f0, mid, f1 = _moving_square_scene()
    out = create_interpolator("splat-colour").interpolate(f0, f1, [0.5])[0]
    box = (slice(26, 64), slice(36, 82))
    assert np.abs(out[box] - mid[box]).mean() < 0.5 * np.abs(0.5 * (f0 + f1) - mid)[box].mean()


def _far_moving_face(offsets):
    """A 64x64 face over a still photo, at each of ``offsets`` (x, y) from (40, 60)."""
    import cv2
    from skimage import data

    face = cv2.resize(data.astronaut()[150:350, 150:350], (64, 64), interpolation=cv2.INTER_AREA)
    photo = cv2.resize(data.chelsea(), (320, 240), interpolation=cv2.INTER_AREA)
    frames = []
    for dx, dy in offsets:
        frame = photo.copy()
        frame[60 + dy : 124 + dy, 40 + dx : 104 + dx] = face
        frames.append(frame.astype(np.float32) / 255.0)
    return frames


def test_a_small_object_moving_further_than_its_size_lands_halfway():
    """(60, 20) px between the frames: beyond DIS's pyramid alone, which left two half-transparent faces."""
    f0, mid, f1 = _far_moving_face([(0, 0), (30, 10), (60, 20)])
    out = interpolate_pair(f0, f1, t=0.5)
    face = (slice(70 + 10, 114 + 10), slice(50 + 30, 94 + 30))
    assert np.abs(out[face] - mid[face]).mean() < 0.02
    assert np.abs(out - mid).mean() < 0.015


def test_the_api_leaves_each_method_its_own_default_flow():
    """stillmotion.interpolate_frame without ``flow`` is the method's own interpolation: the backward
    baseline with DIS, not with the splatting methods' matched flow."""
    from stillmotion import interpolate_frame

    a, _, b = _moving_square_scene()
    for method in ("backward", "splat"):
        assert np.array_equal(interpolate_frame(a, b, method=method), interpolate_pair(a, b, method=method))


@pytest.mark.parametrize("method", ["splat", "splat-colour", "backward"])
def test_8_and_16_bit_frames_give_the_float_frames_result(method):
    """Integer frames are scaled to [0, 1] as photos are read; they were splatted as 0..255 into an 8-bit
    array (a near-black frame)."""
    f0, _, f1 = _moving_square_scene()
    interpolator = create_interpolator(method, flow="classical-fast")
    expected = interpolator.interpolate(f0, f1, [0.5])[0]
    for dtype, top in ((np.uint8, 255), (np.uint16, 65535)):
        as_int = [np.round(f * top).astype(dtype) for f in (f0, f1)]
        exact = [f.astype(np.float32) / top for f in as_int]
        out = interpolator.interpolate(*as_int, [0.5])[0]
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, interpolator.interpolate(*exact, [0.5])[0], atol=1e-5)
        assert abs(out.mean() - expected.mean()) < 0.01


def test_the_api_refuses_frames_holding_nan():
    """A NaN pixel gave a frame with NaNs, silently."""
    from stillmotion import interpolate_frame

    a, _, b = _moving_square_scene()
    b = b.copy()
    b[10, 20, 0] = np.nan
    with pytest.raises(InputError, match="image1 holds NaN or infinite values"):
        interpolate_frame(a, b)
    with pytest.raises(InputError, match="image0 holds NaN or infinite values"):
        interpolate_frame(np.where(np.isnan(b), np.inf, a).astype(np.float32), a)
