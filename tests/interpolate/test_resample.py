import cv2
import numpy as np

from stillmotion.flow.consistency import pixel_grid
from stillmotion.interpolate.resample import remap_tables, sample_and_blend


def _smooth_flows(h, w, amplitude, seed=0):
    rng = np.random.default_rng(seed)
    return cv2.GaussianBlur((rng.random((h, w, 4)).astype(np.float32) - 0.5) * amplitude, (0, 0), 4)


def test_tables_match_opencv_convert_maps_at_full_size():
    h, w = 40, 56
    flows = _smooth_flows(h, w, 60)
    flows[0, 0, :2] = (-30.0, -7.5)  # far outside the frame: remap replicates the border
    share = np.full((h, w), 0.25, np.float32)
    (m0, t0), (m1, t1), full_share = remap_tables(flows, share, h, w)
    xs, ys = pixel_grid(h, w)
    for (m, t), f in (((m0, t0), flows[..., :2]), ((m1, t1), flows[..., 2:])):
        ref_m, ref_t = cv2.convertMaps(xs + f[..., 0], ys + f[..., 1], cv2.CV_16SC2)
        # OpenCV rounds x * 32 to nearest; ties may fall either way in float32
        same = (m == ref_m).all(axis=2) & (t == ref_t)
        assert same.mean() > 0.99
    np.testing.assert_array_equal(full_share, share)


def test_sampling_follows_the_flows_and_blends_by_share():
    rng = np.random.default_rng(2)
    image0 = cv2.GaussianBlur(rng.random((60, 80, 3)).astype(np.float32), (0, 0), 2)
    image1 = cv2.GaussianBlur(rng.random((60, 80, 3)).astype(np.float32), (0, 0), 2)
    # working size 30x40: +2 working px to the right = +4 full-size px, for frame 0 only
    flows = np.zeros((30, 40, 4), np.float32)
    flows[..., 0] = 2.0
    share = np.ones((30, 40), np.float32)
    out = sample_and_blend(image0, image1, flows, share)
    np.testing.assert_allclose(out[:, :-4], np.clip(image0[:, 4:], 0, 1), atol=1e-5)
    share[:] = 0.0
    np.testing.assert_allclose(sample_and_blend(image0, image1, flows, share), image1, atol=1e-5)
    share[:] = 0.5
    mixed = sample_and_blend(image0, image1, flows, share)
    np.testing.assert_allclose(mixed[:, :-4], 0.5 * image0[:, 4:] + 0.5 * image1[:, :-4], atol=1e-5)
