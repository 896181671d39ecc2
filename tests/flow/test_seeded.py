"""Flow seeded by sparse matches: a small object that moves further than its size is followed."""

import cv2
import numpy as np
import pytest

from stillmotion.flow import create_backend
from stillmotion.flow.classical import ClassicalFlow, ClassicalFlowConfig
from stillmotion.flow.matches import sift_matches
from stillmotion.flow.seeded import seeded_flow

SHIFT = (60, 20)
SIZE = 64
TOP, LEFT = 60, 40


@pytest.fixture
def fast_object():
    """A 64x64 textured square (a face) over a still background (coffee), moved by (60, 20) px: further
    than its own size, out of reach of DIS's pyramid."""
    from skimage import data

    face = data.astronaut()[150:350, 150:350].astype(np.float32) / 255.0
    square = cv2.resize(face, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
    background = cv2.resize(data.coffee().astype(np.float32) / 255.0, (320, 240), interpolation=cv2.INTER_AREA)
    image0, image1 = background.copy(), background.copy()
    image0[TOP : TOP + SIZE, LEFT : LEFT + SIZE] = square
    image1[TOP + SHIFT[1] : TOP + SHIFT[1] + SIZE, LEFT + SHIFT[0] : LEFT + SHIFT[0] + SIZE] = square
    return image0, image1


def _object_error(flow):
    inner = flow[TOP + 16 : TOP + SIZE - 16, LEFT + 16 : LEFT + SIZE - 16]
    return float(np.median(np.linalg.norm(inner - np.float32(SHIFT), axis=2)))


def test_matches_are_in_full_size_pixels(fast_object):
    image0, image1 = fast_object
    points0, points1 = sift_matches(image0, image1, scale=0.5)
    on_object = (points0[:, 0] > LEFT + 4) & (points0[:, 0] < LEFT + SIZE - 4) & (points0[:, 1] > TOP + 4) & (
        points0[:, 1] < TOP + SIZE - 4)  # fmt: skip
    assert on_object.sum() >= 5
    moved = points1[on_object] - points0[on_object]
    assert np.median(np.abs(moved - np.float32(SHIFT))) < 0.5  # found at half size, returned at full size
    still = points1[~on_object] - points0[~on_object]
    assert np.median(np.linalg.norm(still, axis=1)) < 0.5


def _matched():
    return create_backend("classical-matched")


def test_classical_matched_follows_a_small_fast_object(fast_object):
    image0, image1 = fast_object
    unseeded = ClassicalFlow(ClassicalFlowConfig()).estimate(image0, image1)
    assert _object_error(unseeded) > 30  # DIS alone loses it ...
    fwd, bwd = _matched().estimate_both(image0, image1)
    assert _object_error(fwd) < 0.5  # ... the seeded proposal wins there
    landed = bwd[TOP + SHIFT[1] + 16 : TOP + SHIFT[1] + SIZE - 16, LEFT + SHIFT[0] + 16 : LEFT + SHIFT[0] + SIZE - 16]
    assert np.median(np.linalg.norm(landed + np.float32(SHIFT), axis=2)) < 0.5  # and backwards
    assert np.median(np.linalg.norm(fwd[180:, 200:], axis=2)) < 0.05  # the background stays still


def test_seeded_flow_is_the_same_every_run(fast_object):
    """Repeated keypoints (several orientations at one pixel) once made OpenCV's interpolator vary."""
    image0, image1 = fast_object
    runs = [_matched().estimate(image0, image1) for _ in range(3)]
    assert all(np.array_equal(runs[0], r) for r in runs[1:])


def test_a_worse_proposal_is_not_taken(fast_object):
    image0, image1 = fast_object
    good = _matched().estimate(image0, image1)
    points = np.float32([[x, y] for y in range(20, 220, 25) for x in range(20, 300, 25)])
    wrong = seeded_flow(image0, image1, good, points, points + np.float32([7, -5]), refine=lambda initial: initial)
    kept = (wrong == good).all(axis=2)
    assert kept.mean() > 0.9, kept.mean()  # (in flat patches a shift can match as well)
    assert kept[TOP + 8 : TOP + SIZE - 8, LEFT + 8 : LEFT + SIZE - 8].all()  # textured: never


def test_too_few_matches_keep_the_flow(fast_object):
    image0, image1 = fast_object
    flow = np.zeros(image0.shape[:2] + (2,), np.float32)
    kept = seeded_flow(image0, image1, flow, np.zeros((3, 2), np.float32), np.ones((3, 2), np.float32),
                       refine=lambda initial: initial + 1)  # fmt: skip
    assert np.array_equal(kept, flow) and kept is not flow
