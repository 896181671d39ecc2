from pathlib import Path

import cv2
import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.grade import parse_grade
from stillmotion.grade.recipes import RECIPES, auto_recipe, choose_recipe, get_recipe
from stillmotion.grade.scene_cues import SceneCues, vanishing_point

ROOT = Path(__file__).resolve().parents[2]
# ../shared/data beside the repo (a git worktree one level deeper also finds it)
DATA = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data") if p.exists()), ROOT.parent / "shared" / "data")


def textured(h, w, seed, base, spread=0.25, blur=0.0):
    rng = np.random.default_rng(seed)
    img = np.clip(np.asarray(base, np.float32) + spread * (rng.random((h, w, 3), dtype=np.float32) - 0.5), 0, 1)
    return cv2.GaussianBlur(img, (0, 0), blur) if blur else img


def synthetic_landscape(h=240, w=360):
    img = textured(h, w, 1, (0.3, 0.4, 0.2), spread=0.5)  # grass and rocks
    rows = np.linspace(0, 1, int(h * 0.4), dtype=np.float32)[:, None, None]
    sky = np.array([0.45, 0.65, 0.95], np.float32) * (1 - 0.3 * rows) + 0.3 * rows
    img[: sky.shape[0]] = np.broadcast_to(sky, (sky.shape[0], w, 3))
    return img


def synthetic_city(h=240, w=360):
    img = textured(h, w, 2, (0.3, 0.3, 0.32), spread=0.1, blur=1.0)
    vp = (w * 0.5, h * 0.45)
    for k in range(-12, 13):  # facades and street edges converging on one point
        for end in ((w * 0.5 + k * w / 8, h), (w * 0.5 + k * w / 8, 0), (0, h * 0.45 + k * h / 8), (w, h * 0.45 + k * h / 8)):
            cv2.line(img, (int(vp[0]), int(vp[1])), (int(end[0]), int(end[1])), (0.85, 0.8, 0.7), 2, cv2.LINE_AA)
    cv2.circle(img, (int(vp[0]), int(vp[1])), int(h * 0.08), (0.3, 0.3, 0.32), -1)
    return img


def synthetic_macro(h=240, w=360):
    img = textured(h, w, 3, (0.5, 0.45, 0.3), spread=0.6, blur=9.0)  # smooth, defocused background
    subject = textured(h, w, 4, (0.8, 0.6, 0.1), spread=0.9)  # sharp, detailed subject
    mask = np.zeros((h, w), np.uint8)
    cv2.ellipse(mask, (w // 2, h // 2), (w // 5, h // 4), 0, 0, 360, 1, -1)
    img[mask > 0] = subject[mask > 0]
    return img


@pytest.mark.parametrize(
    "make, expected",
    [(synthetic_landscape, "landscape"), (synthetic_city, "city"), (synthetic_macro, "macro")],
)
def test_auto_recipe_on_synthetic_scenes(make, expected):
    recipe, reason, cues = auto_recipe(make(), faces=[])
    assert recipe.name == expected, (reason, cues)
    assert reason and "\n" not in reason


def test_faces_make_a_portrait():
    skimage_data = pytest.importorskip("skimage.data")
    photo = skimage_data.astronaut().astype(np.float32) / 255.0
    recipe, reason, _ = auto_recipe(photo)
    assert recipe.name == "portrait" and "face" in reason
    # a tiny face in a crowd scene is not a portrait
    assert choose_recipe(SceneCues(face_count=1, face_area_frac=0.0005, vp_support=2.5))[0] == "city"


def test_choose_recipe_rules():
    assert choose_recipe(SceneCues(sky_cols_frac=0.8, sky_contrast=0.3, vp_support=1.0))[0] == "landscape"
    assert choose_recipe(SceneCues(sky_cols_frac=0.8, sky_contrast=0.0, vp_support=1.5))[0] != "landscape"  # no horizon
    assert choose_recipe(SceneCues(vp_support=3.0, long_segments=60))[0] == "city"
    assert choose_recipe(SceneCues(defocus_frac=0.6, vp_support=1.5))[0] == "macro"


def test_vanishing_point_of_converging_segments():
    rng = np.random.default_rng(0)
    vp = np.array([100.0, 80.0])
    angles = rng.uniform(0, 2 * np.pi, 20)
    d = np.c_[np.cos(angles), np.sin(angles)]
    start = vp + d * rng.uniform(30, 60, (20, 1))
    segments = np.c_[start, start + d * 40]
    support, point = vanishing_point(segments)
    assert abs(point[2]) > 1e-9
    np.testing.assert_allclose(point[:2] / point[2], vp, atol=0.5)
    assert support == pytest.approx(20 * 40, rel=1e-3)


def test_every_recipe_has_a_valid_grade():
    for recipe in RECIPES.values():
        parse_grade(recipe.grade)
        assert recipe.intensity > 0
    with pytest.raises(InputError, match="unknown recipe"):
        get_recipe("food")


REAL = [
    ("video_frames/film_pair/one.png", "portrait"),
    ("photos/kodak_kodim13_mountain_stream.png", "landscape"),
    ("video_frames/davis_pair/davis_0.jpg", "city"),
    ("photos/swallowtail_butterfly_macro.jpg", "macro"),
]


@pytest.mark.parametrize("path, expected", REAL)
def test_auto_recipe_on_real_photos(path, expected):
    if not (DATA / path).exists():
        pytest.skip("shared test data not present")
    from stillmotion.io import read_image

    recipe, reason, _ = auto_recipe(read_image(DATA / path))
    assert recipe.name == expected, reason


def test_flat_tiles_are_not_counted_as_defocused():
    """A dusk sky over a sharp launch pad made scikit-image's rocket a macro shot (half its tiles flat)."""
    import cv2

    from stillmotion.grade.scene_cues import defocus_fraction

    rng = np.random.default_rng(0)
    sharp = rng.random((256, 256)).astype(np.float32)
    flat_top = sharp.copy()
    flat_top[:128] = 0.15  # a clear, dark sky
    blurred_top = sharp.copy()
    ys, xs = np.mgrid[0:128, 0:256]
    checks = (((ys // 12) + (xs // 12)) % 2).astype(np.float32) * 0.6 + 0.2  # shapes behind the subject...
    blurred_top[:128] = cv2.GaussianBlur(checks, (0, 0), 4)  # ...out of focus
    assert defocus_fraction(flat_top) < 0.05
    assert defocus_fraction(blurred_top) > 0.4  # a blurred background still counts
