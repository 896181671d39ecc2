import threading

import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.interpolate import create_interpolator
from stillmotion.interpolate.clip import interpolate_clip
from stillmotion.interpolate.timeline import increasing_times, output_times


class _Counting:
    """Wraps an interpolator; records every call (pair identity and times) and the threads used."""

    def __init__(self, inner):
        self.inner = inner
        self.thread_safe = True
        self.uses_neighbours = getattr(inner, "uses_neighbours", False)
        self.calls = []
        self.neighbours = []
        self.threads = set()
        self._lock = threading.Lock()

    def interpolate(self, image0, image1, times, **neighbours):
        with self._lock:
            self.calls.append((float(image0[0, 0, 0]), list(times)))
            self.neighbours.append(tuple(None if f is None else float(f[0, 0, 0]) for f in neighbours.values()))
            self.threads.add(threading.get_ident())
        return self.inner.interpolate(image0, image1, times, **neighbours)


def _frames(n=5, size=(48, 64)):
    rng = np.random.default_rng(5)
    base = rng.random((size[0], size[1] + 4 * n, 3)).astype(np.float32)
    frames = []
    for k in range(n):
        f = base[:, 4 * k : 4 * k + size[1]].copy()
        f[0, 0, 0] = k / 10  # tag: which input frame
        frames.append(f)
    return frames


def test_each_pair_is_interpolated_once_for_all_its_times_and_in_order():
    frames = _frames()
    counting = _Counting(create_interpolator("splat", flow="dis"))
    times = list(output_times(len(frames), factor=3))
    out = list(interpolate_clip(iter(frames), times, counting, total=len(times), workers=1))
    assert len(out) == len(times) == 13
    assert [c[1] for c in counting.calls] == [pytest.approx([1 / 3, 2 / 3])] * 4
    assert [c[0] for c in counting.calls] == pytest.approx([0.0, 0.1, 0.2, 0.3])
    for j in range(0, 13, 3):  # input frames pass through unchanged
        assert out[j] is frames[j // 3]


def test_worker_threads_give_the_same_frames_in_the_same_order():
    frames = _frames(6)
    times = list(output_times(len(frames), in_fps=24, out_fps=60))
    serial = list(interpolate_clip(iter(frames), times, create_interpolator("splat", flow="dis"), workers=1))
    counting = _Counting(create_interpolator("splat", flow="dis"))
    done = []
    parallel = list(interpolate_clip(iter(frames), times, counting, total=len(times), workers=2,
                                     progress=lambda d, t: done.append((d, t))))  # fmt: skip
    assert len(parallel) == len(serial) == len(times)
    for a, b in zip(serial, parallel):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert done[-1] == (len(times), len(times)) and [d for d, _ in done] == list(range(1, len(times) + 1))


def test_errors_reach_the_caller_from_the_stream():
    frames = _frames(3)
    frames[2] = frames[2][:-2]
    with pytest.raises(InputError, match="differ in size"):
        list(interpolate_clip(iter(frames), output_times(3, factor=2), create_interpolator("splat", flow="dis"), workers=2))
    with pytest.raises(InputError, match="no frames"):
        list(interpolate_clip(iter([]), [0.0], create_interpolator("splat", flow="dis")))


def test_8_bit_frames_give_float_frames_in_unit_range():
    """An 8-bit clip gives the float clip's frames (its input frames too, scaled), not 0..255 splats."""
    as8 = [np.round(f * 255).astype(np.uint8) for f in _frames(3)]
    exact = [f.astype(np.float32) / 255 for f in as8]
    times = [0, 0.5, 1, 1.5, 2]
    interpolator = create_interpolator("splat", flow="classical-fast")
    out = list(interpolate_clip(iter(as8), times, interpolator, workers=1))
    expected = list(interpolate_clip(iter(exact), times, interpolator, workers=1))
    assert all(f.dtype == np.float32 for f in out)
    for got, want in zip(out, expected):
        np.testing.assert_allclose(got, want, atol=1e-5)


@pytest.mark.parametrize(
    ("times", "message"),
    [
        # "the input ended after 1 frames, before time -1", and "cannot convert float NaN to integer"
        ([-1.0, 0.0], "output time -1 is before the first input frame"),
        ([0.0, float("nan")], "output times must be finite numbers of input frames, got nan"),
        ([0.0, float("inf")], "output times must be finite"),
    ],
)
def test_times_before_the_first_frame_or_not_finite_are_refused(times, message):
    with pytest.raises(InputError, match=message):
        list(interpolate_clip(iter(_frames(3)), times, create_interpolator("splat", flow="dis"), workers=1))


def test_times_are_checked_to_increase_as_they_are_read():
    # interpolate_clip's stream of frames cannot go back: [1, 0.5] must be refused, not interpolated from
    # frames that happen to be kept
    checked = increasing_times(iter([0.0, 0.5, 0.5, 1.0, 0.25]))
    assert [next(checked) for _ in range(4)] == [0.0, 0.5, 0.5, 1.0]
    with pytest.raises(InputError, match="output times must increase: 0.25 comes after 1"):
        next(checked)
    with pytest.raises(InputError, match="before the first input frame"):
        list(increasing_times([-0.5]))
    assert list(increasing_times([-1e-12, 2.0])) == [-1e-12, 2.0]  # rounding below 0 is frame 0


def test_decreasing_times_are_refused_by_the_clip():
    with pytest.raises(InputError, match="output times must increase: 0.5 comes after 1"):
        list(interpolate_clip(iter(_frames(3)), [1.0, 0.5], create_interpolator("splat", flow="dis"), workers=1))
