from __future__ import annotations

import numpy as np
import pytest

from stillmotion.depth.faces import detect_faces
from stillmotion.depth.people import GROW_FRAC as PEOPLE_GROW_FRAC
from stillmotion.depth.people import grown
from stillmotion.depth.protect import protect_subjects
from stillmotion.errors import InputError
from stillmotion.types import Depth, DepthKind

from .conftest import textured


def _bumpy(h=200, w=200, seed=0):
    rng = np.random.default_rng(seed)
    values = np.linspace(0.2, 0.8, h, dtype=np.float32)[:, None].repeat(w, 1)
    values[60:140, 70:130] += rng.normal(0, 0.15, (80, 60)).astype(np.float32)  # a "rubbery" face
    return Depth(values, DepthKind.INVERSE)


def test_face_becomes_one_smooth_surface():
    depth = _bumpy()
    box = (70, 60, 60, 80)
    out = protect_subjects(textured(200, 200), depth, mode="faces", faces=[box]).values
    core = out[80:120, 85:115]
    before = depth.values[80:120, 85:115]
    # rough before, smooth after: neighbour differences shrink by far
    assert np.abs(np.diff(core, axis=1)).mean() < 0.1 * np.abs(np.diff(before, axis=1)).mean()
    # set where the person is: within the range of the original face values
    assert np.percentile(before, 5) < core.mean() < np.percentile(before, 95)
    # the rest of the map is untouched
    np.testing.assert_array_equal(out[:, :30], depth.values[:, :30])


def test_none_mode_and_no_face_leave_depth_unchanged():
    depth = _bumpy()
    assert protect_subjects(textured(200, 200), depth, mode="none") is depth
    out = protect_subjects(textured(200, 200), depth, mode="faces", faces=[])
    np.testing.assert_array_equal(out.values, depth.values)


def test_people_mode_flattens_the_body_below_the_face():
    h, w = 300, 240
    image = np.full((h, w, 3), 0.15, np.float32)
    image[60:300, 70:170] = (0.9, 0.5, 0.2)  # an orange person
    image[60:120, 95:145] = (0.95, 0.8, 0.7)  # the face
    values = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None].repeat(w, 1)  # a ramp bends the body
    out = protect_subjects(image, Depth(values, DepthKind.INVERSE), mode="people", faces=[(95, 60, 50, 60)]).values
    body = out[150:280, 90:150]
    assert body.std() < 0.25 * values[150:280, 90:150].std()


def test_bad_mode_and_size():
    depth = _bumpy()
    with pytest.raises(InputError):
        protect_subjects(textured(200, 200), depth, mode="heads")
    with pytest.raises(InputError):
        protect_subjects(textured(100, 200), depth, mode="faces")


def test_detects_the_astronauts_face_offline():
    from skimage import data

    faces = detect_faces(data.astronaut().astype(np.float32) / 255.0)
    assert faces, "no face found"
    x, y, w, h = faces[0]
    assert 150 < x + w / 2 < 290 and 50 < y + h / 2 < 200  # the face is in the upper middle



def _head_before_ramp(h=240, w=240):
    """A bumpy round head (radius 40, nearer) before a background ramp, the head's segmented outline
    and a face box inside it whose easing band reaches past that outline."""
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    head = np.hypot(xx - 120, yy - 120) < 40
    background = (0.1 + 0.3 * yy / h).astype(np.float32)
    values = np.where(head, 0.8 + rng.normal(0, 0.05, (h, w)), background).astype(np.float32)
    return Depth(values, DepthKind.INVERSE), head, (95, 90, 50, 60)


def test_a_segmented_person_keeps_the_depth_beside_the_head():
    depth, head, box = _head_before_ramp()
    outside = ~grown(head)
    out = protect_subjects(textured(240, 240), depth, mode="faces", faces=[box], people=head).values
    np.testing.assert_array_equal(out[outside], depth.values[outside])  # no halo of the face's depth
    core = out[105:135, 105:135]
    assert np.abs(np.diff(core, axis=1)).mean() < 0.2 * np.abs(np.diff(depth.values[105:135, 105:135], axis=1)).mean()
    # with no person segmented, the face's easing band reaches past the head's outline: what the mask stops
    loose = protect_subjects(textured(240, 240), depth, mode="faces", faces=[box], people=np.zeros_like(head)).values
    assert np.abs(loose[outside] - depth.values[outside]).max() > 0.1


def test_people_mode_cuts_out_the_segmented_person_with_a_clean_outline():
    h, w = 300, 240
    yy = np.mgrid[0:h, 0:w][0].astype(np.float32)
    person = np.zeros((h, w), bool)
    person[60:125, 95:145] = True  # head
    person[125:, 70:170] = True  # body
    values = np.where(person, 0.5 + yy / h, yy / (2 * h)).astype(np.float32)  # a ramp bends the body
    image = textured(h, w)
    out = protect_subjects(image, Depth(values, DepthKind.INVERSE), mode="people", faces=[(95, 60, 50, 60)],
                           people=person).values  # fmt: skip
    body = out[150:290, 80:160]
    assert body.std() < 0.1 * values[150:290, 80:160].std()  # one level: a cut-out
    outside = ~grown(person)
    np.testing.assert_array_equal(out[outside], values[outside])  # no feathering into the background
    # the outline is a step: just inside the grown outline the person's level, just outside the background
    edge_in, edge_out = out[200, 70 - 1], out[200, 70 - 1 - max(2, round(3 * PEOPLE_GROW_FRAC * h))]
    assert edge_in - edge_out > 0.5
