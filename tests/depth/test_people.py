"""People segmentation (the selfie segmentation model inside the mediapipe wheel, run by OpenCV's DNN) and
the clean depth step it gives the classical estimate at a person's outline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from stillmotion.depth import people
from stillmotion.depth.classical import ClassicalDepth
from stillmotion.depth.faces import detect_faces
from stillmotion.errors import InputError
from stillmotion.io import read_image

ROOT = Path(__file__).resolve().parents[2]
ASTRONAUT = ROOT / "examples" / "astronaut.jpg"


def _installed_model() -> Path | None:
    saved = os.environ.pop(people.MODEL_ENV, None)
    try:
        return people.model_path()
    finally:
        if saved is not None:
            os.environ[people.MODEL_ENV] = saved


needs_model = pytest.mark.skipif(
    _installed_model() is None, reason="no segmentation model: pip install --no-deps mediapipe==0.10.14"
)


@pytest.fixture
def no_model(monkeypatch):
    monkeypatch.setenv(people.MODEL_ENV, "none")


@pytest.fixture
def installed(monkeypatch):
    monkeypatch.delenv(people.MODEL_ENV, raising=False)


def test_setting_none_turns_the_segmenter_off(no_model):
    assert people.model_path() is None
    image = np.full((64, 64, 3), 0.5, np.float32)
    assert people.person_probability(image) is None
    assert people.people_mask(image, [(10, 10, 20, 20)]) is None
    assert people.person_top(image, (10, 10, 20, 20)) is None


def test_a_setting_that_names_no_file_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv(people.MODEL_ENV, str(tmp_path / "missing.tflite"))
    with pytest.raises(InputError, match="STILLMOTION_PEOPLE_MODEL=.*missing.tflite: no such file"):
        people.model_path()


def test_a_file_that_is_not_a_model_is_an_error(monkeypatch, tmp_path):
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"not a model" * 50)
    monkeypatch.setenv(people.MODEL_ENV, str(bad))
    with pytest.raises(InputError, match="cannot load the people segmentation model .*bad.tflite"):
        people.person_probability(np.full((32, 32, 3), 0.5, np.float32))


@needs_model
def test_the_model_is_found_inside_mediapipe_without_importing_it(installed):
    code = ("import sys; from stillmotion.depth.people import model_path; p = model_path(); "
            "print(p.name, p.parent.name, 'mediapipe' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["selfie_segmentation.tflite", "selfie_segmentation", "False"]


@needs_model
def test_the_segmenter_finds_the_astronaut_and_not_the_backdrop(installed):
    image = read_image(ASTRONAUT)
    probability = people.person_probability(image)
    assert probability.shape == image.shape[:2] and probability.dtype == np.float32
    face = detect_faces(image)[0]
    x, y, w, h = face
    assert probability[y + h // 4 : y + 3 * h // 4, x + w // 4 : x + 3 * w // 4].min() > 0.9  # her face
    assert probability[300:420, 40:120].mean() > 0.9  # her suit
    assert probability[5:40, 300:360].max() < 0.1  # the backdrop above her shoulder
    mask = people.people_mask(image, [face])
    assert mask[y + h // 2, x + w // 2] and not mask[20, 330]


@needs_model
def test_only_what_holds_a_face_is_a_person(installed):
    image = read_image(ROOT / "examples" / "chelsea.jpg")  # a cat: the segmenter calls it foreground
    assert (people.person_probability(image) > people.PERSON_THRESHOLD).mean() > 0.5
    assert people.people_mask(image, []) is None  # no face: nobody
    background = cv2.blur((people.person_probability(image) < 0.2).astype(np.float32), (16, 16)) == 1.0
    y, x = np.argwhere(background)[0]
    assert not people.people_mask(image, [(x - 8, y - 8, 16, 16)]).any()  # a "face" on no foreground


def _halo_scene(size: int = 400):
    """A disc "person" before a background whose upper half is white and far (0.0) and lower half dark and
    nearer (0.4), with the estimate's halo: the person's depth (0.9) decays over 12 px outside the disc."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    r = np.hypot(xx - size / 2, yy - size / 2)
    person = r < 40
    image = np.where((yy < size / 2)[..., None], 0.95, 0.15).astype(np.float32).repeat(3, axis=2)
    image[person] = (0.8, 0.3, 0.2)
    background = np.where(yy < size / 2, 0.0, 0.4).astype(np.float32)
    halo = np.clip(1.0 - (r - 40) / 12.0, 0.0, 1.0)
    depth = np.where(person, 0.9, background + (0.9 - background) * halo).astype(np.float32)
    return image, depth, person, background, r


def test_the_step_takes_the_halo_back_to_the_background_along_its_colours():
    image, depth, person, background, r = _halo_scene()
    out = people.step_at_outline(depth, person, image)
    band = max(2, round(people.HALO_FRAC * 400))
    grown = max(1, round(people.GROW_FRAC * 400))
    assert 40 + grown + 2 < 52 < 40 + grown + band
    ring = (r > 40 + grown + 2) & (r < 52)  # past the grown outline, in the halo, inside the band
    assert np.abs(depth[ring] - background[ring]).mean() > 0.1  # the halo was there
    upper, lower = ring & (background == 0.0), ring & (background == 0.4)
    assert np.abs(out[upper] - 0.0).max() < 0.08  # the white far half stays far
    assert np.abs(out[lower] - 0.4).max() < 0.08  # the dark nearer half keeps its own depth
    assert np.all(out[person] >= 0.9 - 1e-6)  # the person as near as before
    beyond = r > 40 + grown + 1
    assert np.all(out[beyond] <= depth[beyond] + 1e-6)  # beyond the grown outline nothing comes forward


def test_the_step_brings_a_faded_part_of_a_person_forward():
    image, depth, person, background, r = _halo_scene()
    arm = person & (np.mgrid[0:400, 0:400][1] < 170)  # the estimate let the person's left side fade
    depth[arm] = 0.3
    out = people.step_at_outline(depth, person, image)
    assert out[arm].min() >= np.percentile(depth[person], people.LIFT_PERCENTILE) - 1e-6
    assert out[arm].min() > 0.3  # it came forward
    assert np.allclose(out[person & ~arm], 0.9)  # the rest kept its depth


def _halo(depth: np.ndarray, mask: np.ndarray) -> float:
    """How far a band just outside the (grown) outline of ``mask`` stands above the background beyond it, as
    a share of the person's step: the estimate's halo, which a camera move stretches into streaks."""
    dist = cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 5)
    grown = round(people.GROW_FRAC * max(mask.shape))
    near = float(np.median(depth[(dist > grown + 2) & (dist < 20)]))
    beyond = float(np.median(depth[(dist > 30) & (dist < 40)]))
    return (near - beyond) / max(float(np.median(depth[mask])) - beyond, 1e-6)


@needs_model
def test_the_classical_estimate_puts_a_clean_step_at_a_persons_outline(monkeypatch):
    image = read_image(ASTRONAUT)
    mask = people.people_mask(image, detect_faces(image))
    monkeypatch.setenv(people.MODEL_ENV, "none")
    before = ClassicalDepth()(image).values
    monkeypatch.delenv(people.MODEL_ENV)
    after = ClassicalDepth()(image).values
    assert _halo(before, mask) > 0.1  # the old estimate ramps down over the backdrop
    assert _halo(after, mask) < 0.3 * _halo(before, mask)
    far_away = cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 5) > 3 * people.HALO_FRAC * 512
    np.testing.assert_array_equal(after[far_away], before[far_away])  # far from her, nothing changes


@needs_model
def test_the_answer_for_the_same_photo_is_kept(installed):
    image = read_image(ASTRONAUT)
    first = people.person_probability(image)
    assert people.person_probability(image) is first  # the estimate and face protection ask for it once
    other = image.copy()
    other[:, :256] = 0.5  # another photo: a new answer
    assert people.person_probability(other) is not first
    assert not np.array_equal(people.person_probability(other), first)
