import sys

import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.flow import FLOW_BACKENDS, create_backend, estimate_flow
from stillmotion.flow.consistency import backward_warp, consistent_mask


@pytest.mark.parametrize("backend", ["dis", "classical", "classical-hq"])
def test_recovers_a_known_translation(shifted_pair, backend):
    image0, image1, true = shifted_pair
    flow = estimate_flow(image0, image1, backend=backend)
    assert flow.shape == image0.shape[:2] + (2,) and flow.dtype == np.float32
    inner = flow[20:-20, 20:-20]
    err = np.linalg.norm(inner - true, axis=2)
    assert np.median(err) < 0.15, np.median(err)
    # and the flow really aligns the frames: image1 sampled at x + flow ~ image0
    warped = backward_warp(image1, flow)
    assert np.abs(warped - image0)[20:-20, 20:-20].mean() < 0.25 * np.abs(image1 - image0)[20:-20, 20:-20].mean()


def test_mismatched_sizes_are_refused(shifted_pair):
    image0, image1, _ = shifted_pair
    with pytest.raises(InputError, match="differ in size"):
        estimate_flow(image0, image1[:-1])


def test_unknown_backend_lists_the_choices():
    with pytest.raises(InputError, match="classical"):
        create_backend("nope")
    assert {"dis", "classical", "classical-hq", "raft"} <= set(FLOW_BACKENDS.names())


@pytest.mark.parametrize("backend, options, message", [
    ("classical", {"preset": "ultrafast"}, "'classical' does not take preset; its options: none"),
    ("classical-hq", {"bogus": 1}, "does not take bogus; its options: none"),
    ("dis", {"preset": "fast", "bogus": 1, "iters": 3}, "'dis' does not take bogus, iters; its options: preset"),
    ("raft", {"preset": "fast"}, "does not take preset; its options: weights, iters"),
])  # fmt: skip
def test_options_a_backend_does_not_take_are_refused(shifted_pair, backend, options, message):
    """They were silently ignored (each factory swallowed ``**_ignored``)."""
    image0, image1, _ = shifted_pair
    with pytest.raises(InputError, match=message):
        estimate_flow(image0, image1, backend=backend, **options)


def test_listing_backends_imports_no_torch():
    assert "raft" in FLOW_BACKENDS.names()
    assert "torch" not in sys.modules or "stillmotion.flow.raft.model" in sys.modules


def test_consistency_flags_an_occlusion():
    h, w = 40, 60
    fwd = np.zeros((h, w, 2), np.float32)
    bwd = np.zeros((h, w, 2), np.float32)
    fwd[10:20, 10:20, 0] = 5.0  # a square moves right by 5 ...
    bwd[10:20, 15:25, 0] = -5.0  # ... and frame 1 agrees where it lands
    ok = consistent_mask(fwd, bwd)
    assert ok[10:20, 10:20].all() and ok[30:, :].all()
    # background pixels that the square covers in frame 1 (x 20..24) map to square pixels that point back
    # elsewhere: occluded, hence inconsistent
    assert not ok[12:18, 21:24].any()


def test_classical_beats_dis_medium_on_sintel(shared_data):
    from stillmotion.io import read_image
    from stillmotion.io.flo import read_flo

    base = shared_data("mpi_sintel_flow", "alley_1", "clean")
    a, b = read_image(base / "frame_0002.png"), read_image(base / "frame_0003.png")
    gt = read_flo(base / "gt" / "frame_0002.flo")
    epe = {name: float(np.linalg.norm(estimate_flow(a, b, backend=name) - gt, axis=2).mean())
           for name in ("dis", "classical")}  # fmt: skip
    assert epe["classical"] < 0.8 * epe["dis"], epe
