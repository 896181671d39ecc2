import numpy as np

from stillmotion.flow.consistency import consistent_mask
from stillmotion.interpolate.flows import PairFlow
from stillmotion.interpolate.weights import splat_weights


def test_consistency_agrees_with_the_flow_module_and_mismatch_lowers_the_weight():
    rng = np.random.default_rng(4)
    h, w = 32, 48
    image0 = rng.random((h, w, 3)).astype(np.float32)
    fwd = np.zeros((h, w, 2), np.float32)
    fwd[..., 0] = 3.0
    bwd = -fwd.copy()
    bwd[10:20, 20:30] = (5.0, 4.0)  # disagrees: pixels of frame 0 landing here fail the check
    # frame 1 = frame 0 shifted by +3 px, with a patch changed (a photometric mismatch)
    image1 = np.roll(image0, 3, axis=1)
    image1[2:8, 30:40] = 1.0 - image1[2:8, 30:40]
    weight, carried = splat_weights(image0, image1, fwd, bwd, photometric_gain=10.0, inconsistency_penalty=4.0)
    ok = consistent_mask(fwd, bwd)
    assert ((carried[..., 2] > 0.5) == ok).mean() > 0.98
    np.testing.assert_array_equal(carried[..., :2], fwd)
    good = weight[20:, 5:40]  # consistent, matching pixels
    assert np.allclose(good, 1.0, atol=1e-5)
    assert weight[12:18, 19:25].max() < np.exp(-4.0) + 1e-6  # inconsistent
    assert weight[3:7, 28:36].mean() < 0.2  # photometric mismatch


def test_working_scale_snaps_to_an_exact_fraction():
    pf = PairFlow("dis", max_pixels=250_000)
    assert pf.working_scale(720, 1280) == 0.5  # 0.52 -> 1/2 (within 10 %)
    assert abs(pf.working_scale(436, 1024) - np.sqrt(250_000 / (436 * 1024))) < 1e-9  # 0.75: no 1/n near
    assert pf.working_scale(300, 400) == 1.0
