from __future__ import annotations

import cv2
import numpy as np
import pytest

from stillmotion.depth.faces import detect_faces
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


def test_people_mode_flattens_the_person_as_segmented():
    h, w = 300, 300
    yy = np.mgrid[0:h, 0:w][0].astype(np.float32)
    person = np.zeros((h, w), bool)
    person[60:125, 125:175] = True  # head
    person[125:, 100:200] = True  # body
    person[150:180, 200:290] = True  # an arm held out, beyond GrabCut's box (1.3 face widths beside the face)
    values = np.where(person, 0.5 + yy / h, yy / (2 * h)).astype(np.float32)  # a ramp bends the body
    image = textured(h, w)
    face = (125, 60, 50, 60)
    out = protect_subjects(image, Depth(values, DepthKind.INVERSE), mode="people", faces=[face], people=person).values
    body, arm = out[150:290, 110:190], out[155:175, 250:285]
    assert body.std() < 0.1 * values[150:290, 110:190].std()  # one level: a cut-out
    assert abs(float(arm.mean()) - float(body.mean())) < 0.05  # the arm too, at the body's level
    # GrabCut's box ends 1.3 face widths beside the face: without the segmented person the arm stays bent
    guessed = protect_subjects(image, Depth(values, DepthKind.INVERSE), mode="people", faces=[face],
                               people=np.zeros_like(person)).values  # fmt: skip
    assert abs(float(guessed[155:175, 270:285].mean()) - float(body.mean())) > 0.1
    far = ~cv2.dilate(person.astype(np.uint8), np.ones((85, 85), np.uint8)).astype(bool)  # past the head's easing
    np.testing.assert_allclose(out[far], values[far], atol=1e-3)  # the feathered outline reaches so far only
