"""Framing: where the output's window sits when its aspect cuts part of the photo away."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from stillmotion.api import AnimateConfig, plan
from stillmotion.render.framing import HEADROOM, window_centre
from stillmotion.types import Depth, DepthKind

SIZE = 640
#: Height of a landscape (832x448) window in a square photo.
CROP_H = SIZE * 448 / 832


def _photo(top: int, bottom: int, seed: int = 0) -> np.ndarray:
    """A grey, grainy ground with a bright upright figure (an ellipse) between rows ``top`` and ``bottom``."""
    rng = np.random.default_rng(seed)
    image = np.clip(0.35 + 0.08 * rng.standard_normal((SIZE, SIZE, 1)), 0, 1).repeat(3, axis=2)
    ys, xs = np.mgrid[0:SIZE, 0:SIZE]
    cy, ry = (top + bottom) / 2, (bottom - top) / 2
    figure = ((ys - cy) / ry) ** 2 + ((xs - SIZE / 2) / 60.0) ** 2 <= 1.0
    image[figure] = (0.95, 0.93, 0.88)
    return image.astype(np.float32)


def test_a_tall_subject_keeps_its_top_with_headroom():
    top, bottom = 90, 600  # taller than the window
    _, cy = window_centre(_photo(top, bottom), SIZE, CROP_H)
    window_top = cy - CROP_H / 2
    assert window_top < top, "the window keeps the figure's top"
    assert top - window_top < 2 * HEADROOM * CROP_H, "with a little room above it, not far above"
    assert top < (SIZE - CROP_H) / 2, "a centred window would have cut it"


def test_a_small_subject_is_centred_in_the_window():
    top, bottom = 400, 600
    _, cy = window_centre(_photo(top, bottom), SIZE, CROP_H)
    assert abs(cy - min((top + bottom) / 2, SIZE - CROP_H / 2)) < 12


def test_without_a_clear_subject_the_window_stays_centred():
    rng = np.random.default_rng(1)
    noise = np.clip(0.5 + 0.1 * rng.standard_normal((SIZE, SIZE, 3)), 0, 1).astype(np.float32)
    assert window_centre(noise, SIZE, CROP_H) is None
    # a sideways cut stays centred even with a subject
    assert window_centre(_photo(90, 600), SIZE * 448 / 832, SIZE) is None
    # and a window that is nearly the whole photo does not move
    assert window_centre(_photo(90, 600), SIZE, 0.95 * SIZE) is None


@pytest.mark.parametrize("border", ["crop", "fill"])  # fill ignored the framing: heads were cut off
def test_animate_frames_the_subject_instead_of_cutting_its_top(border):
    image = _photo(90, 600)
    depth = Depth(np.linspace(0.2, 1.0, SIZE, dtype=np.float32)[:, None].repeat(SIZE, axis=1), DepthKind.INVERSE)
    motion = "zoom_in" if border == "crop" else "zoom_out"  # zoom_out is what needs the fill
    config = AnimateConfig(motion=motion, duration_s=0.5, fps=4, size="landscape", border=border)
    first = {}
    for framed in (True, False):
        shot = plan(image, depth, config, frame_faces=framed)
        first[framed] = shot.render(next(shot.states())).image.astype(np.float32)
    def figure_top(frame):  # first row (fraction of the height) with figure pixels
        bright = (frame.mean(axis=2) > (0.8 * 255 if frame.max() > 1.5 else 0.8)).mean(axis=1) > 0.02
        return np.argmax(bright) / frame.shape[0] if bright.any() else None
    framed_top, centred_top = figure_top(first[True]), figure_top(first[False])
    assert framed_top is not None and 0.03 < framed_top < 0.35, "framed: the figure's top, with room above"
    assert centred_top == 0.0, "centred: the figure runs out of the top of the frame"


def test_a_flat_picture_has_no_subject_and_no_warning():
    import warnings

    from stillmotion.render.framing import subject_rows

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # it printed "Mean of empty slice" and framed rows 2147483647
        assert subject_rows(np.full((256, 256, 3), 0.5, np.float32)) is None
        assert window_centre(np.full((256, 256, 3), 0.5, np.float32), 256, 138) is None


def _landscape(horizon: int) -> np.ndarray:
    """A blue sky with soft white clouds above ``horizon``, a grainy green ground below it, and a bright
    boulder low in the ground: the salient-subject rule alone framed the boulder and cut the sky off."""
    rng = np.random.default_rng(4)
    ys = np.linspace(0, 1, SIZE, dtype=np.float32)[:, None, None]
    image = np.broadcast_to(np.array([0.45, 0.62, 0.92], np.float32) + 0.05 * ys, (SIZE, SIZE, 3)).copy()
    clouds = np.zeros((SIZE, SIZE), np.float32)
    cv2.ellipse(clouds, (200, horizon // 3), (90, 25), 0, 0, 360, 1.0, -1)
    clouds = cv2.GaussianBlur(clouds, (0, 0), 8)[:, :, None]
    image = image * (1 - clouds) + 0.95 * clouds
    ground = np.clip(0.3 + 0.1 * rng.standard_normal((SIZE - horizon, SIZE, 1)), 0, 1)
    image[horizon:] = ground * np.array([0.6, 1.0, 0.4], np.float32)
    ys, xs = np.mgrid[0:SIZE, 0:SIZE]
    image[((ys - 560) / 40.0) ** 2 + ((xs - 320) / 70.0) ** 2 <= 1.0] = (0.97, 0.96, 0.9)
    return image.astype(np.float32)


def test_a_landscape_keeps_its_sky():
    horizon = 150
    _, cy = window_centre(_landscape(horizon), SIZE, CROP_H)
    window_top = cy - CROP_H / 2
    assert window_top < 0.5 * horizon, "the sky stays in the clip"
    assert abs((horizon - window_top) - CROP_H / 3) < 0.1 * CROP_H or window_top == 0.0


def test_a_low_horizon_is_left_to_the_subject_rule():
    from stillmotion.render.framing import sky_horizon

    assert sky_horizon(_landscape(150)) is not None
    assert sky_horizon(_landscape(420)) is None  # a sky over most of the photo says nothing of the framing


def _astronaut_with_room_above() -> np.ndarray:
    """scikit-image's astronaut with 160 rows of her blurred backdrop above her: room to move the window."""
    from skimage import data

    photo = data.astronaut().astype(np.float32) / 255.0
    backdrop = cv2.resize(cv2.GaussianBlur(photo[5:30, 380:500], (0, 0), 3), (512, 160))
    return np.vstack([backdrop, photo])


def test_letterbox_bars_do_not_cover_the_head():
    # --grade scope (2.39:1 bars) on a 640x360 clip hid the top of her hair: the face sat a third from the
    # top of the whole window, under the bar
    from stillmotion.depth.faces import detect_faces

    image = _astronaut_with_room_above()
    crop_w, crop_h = 512.0, 512.0 * 360 / 640
    visible_h = crop_h * (640 / 360) / 2.39
    bar = (crop_h - visible_h) / 2
    x, y, fw, fh = detect_faces(image)[0]
    head_top = y + fh / 2 - fh  # the hair: about a face height above the face's middle
    for seen in (None, visible_h):
        _, cy = window_centre(image, crop_w, crop_h, visible_h=seen)
        top = cy - crop_h / 2
        if seen is None:
            assert head_top - top < bar, "without the bars in mind, the hair is under the top bar"
        else:
            assert head_top - top > bar + 0.02 * visible_h, "the head is in the visible band, with room"
            face_in_band = (y + fh / 2 - top - bar) / visible_h
            assert 0.3 < face_in_band < 0.6, face_in_band  # a third down, lower for a face this large


def test_a_scope_grade_frames_for_its_bars():
    from stillmotion.grade import parse_grade

    image = _astronaut_with_room_above()
    depth = Depth(np.full(image.shape[:2], 0.5, np.float32), DepthKind.INVERSE)
    config = dict(motion="static", duration_s=0.25, fps=4, size="640x360")
    plain = plan(image, depth, AnimateConfig(**config))
    scope = plan(image, depth, AnimateConfig(**config, grade=parse_grade("scope")))
    assert scope.intrinsics.cy > plain.intrinsics.cy + 10  # the window sits higher in the photo (its centre, above the photo's, projects lower)


def _framed_face(monkeypatch, side, person_top):
    """The window's centre row for a 640x345 window in a 640x640 photo with one face ``side`` px wide at
    row 300, the people segmenter answering that the person's top is ``person_top`` (None: no model)."""
    from stillmotion.depth import faces, people

    monkeypatch.setattr(faces, "detect_faces", lambda image: [(320 - side // 2, 300, side, side)])
    monkeypatch.setattr(people, "person_top", lambda image, face: person_top)
    return window_centre(np.full((SIZE, SIZE, 3), 0.5, np.float32), SIZE, CROP_H)[1]


def test_a_hat_above_the_face_stays_in_the_window(monkeypatch):
    # the FILM portrait's 832x448 clip cut the boy's pompom: the head's top was taken a face height above
    # the face's middle, wherever the hat reached
    from stillmotion.render.framing import HEAD_ROOM

    plain = _framed_face(monkeypatch, 120, None)
    assert _framed_face(monkeypatch, 120, 250.0) == plain, "a person's top below a face height: the usual rule"
    hat = 300 - 120 * 0.9  # a hat reaching 0.9 face heights above the face's top
    assert hat < plain - CROP_H / 2, "the usual rule cuts it"
    cy = _framed_face(monkeypatch, 120, hat)
    assert abs((hat - (cy - CROP_H / 2)) - HEAD_ROOM * CROP_H) < 1.0, "the hat's top sits HEAD_ROOM below the top"
    # a small face a third from the top leaves room for the hat already: the window stays
    assert _framed_face(monkeypatch, 60, 300 - 60 * 0.9) == _framed_face(monkeypatch, 60, None)
    # a top far above (a raised arm, a segmenter's mistake) is believed up to 1.5 face heights...
    high = _framed_face(monkeypatch, 120, 0.0)
    assert abs((high - CROP_H / 2) - (300 - 1.5 * 120 - HEAD_ROOM * CROP_H)) < 1.0
    # ...and the face never leaves the window
    large = _framed_face(monkeypatch, 150, 0.0)
    assert large + CROP_H / 2 >= 450 + HEAD_ROOM * CROP_H - 1e-6
    assert large < _framed_face(monkeypatch, 150, None)


FILM = Path(__file__).resolve().parents[3] / "shared" / "data" / "video_frames" / "film_pair" / "one.png"


@pytest.mark.skipif(not FILM.exists(), reason="../shared/data is absent")
def test_the_film_boys_pompom_is_in_the_landscape_window(monkeypatch):
    from stillmotion.depth import people
    from stillmotion.depth.faces import detect_faces
    from stillmotion.io import read_image

    monkeypatch.delenv(people.MODEL_ENV, raising=False)
    if people.model_path() is None:
        pytest.skip("no segmentation model: pip install --no-deps mediapipe==0.10.14")
    image = read_image(FILM)[:, 224:800]  # the photo without its black side bars
    x, y, fw, fh = detect_faces(image)[0]
    crop_w = image.shape[1]
    crop_h = crop_w * 448 / 832
    _, cy = window_centre(image, crop_w, crop_h)
    pompom = 63  # the first row of the pompom, looked at in the photo
    assert cy - crop_h / 2 < pompom, "the window keeps the pompom's top"
    assert cy + crop_h / 2 > y + fh, "and the whole face"


def _scope_band(width: int, height: int) -> tuple[int, int]:
    """The rows of a ``width`` x ``height`` frame that 2.39:1 bars leave visible (as the grade rounds them)."""
    bar = int(round((height - width / 2.39) / 2))
    return bar, height - bar


def test_scope_bars_move_the_band_to_her_face_in_a_window_of_the_photos_aspect():
    # --grade scope at --size source: the 512x512 window is the whole photo and stayed centred, so the
    # top bar ended at her mouth; the band (not the window) has to lie inside the photo
    from skimage import data

    from stillmotion.depth.faces import detect_faces

    photo = data.astronaut().astype(np.float32) / 255.0
    top, bottom = _scope_band(512, 512)
    seen = bottom - top
    found = window_centre(photo, 512.0, 512.0, visible_h=seen)
    assert found is not None, "the window moved"
    band_top = found[1] - seen / 2
    assert band_top >= 0.0 and found[1] + seen / 2 <= 512.0, "the band lies inside the photo"
    x, y, fw, fh = detect_faces(photo)[0]
    assert band_top + 0.05 * seen < y and y + fh < band_top + seen, "her face is in the band, her hair above it"


def test_scope_bars_keep_the_sky_when_the_window_is_at_the_photos_top():
    # the mountain stream at 640x360 with --grade scope: the window kept the horizon a third from the top
    # of what is seen, but stayed inside the photo, so the band started below the horizon
    horizon = 40
    crop_h = SIZE * 360 / 640
    top, bottom = _scope_band(640, 360)
    seen = crop_h * (bottom - top) / 360
    _, cy = window_centre(_landscape(horizon), SIZE, crop_h, visible_h=seen)
    band_top = cy - seen / 2
    assert 0.0 <= band_top < 0.5 * horizon, "the sky is in the band"


@pytest.mark.parametrize("motion", ["orbit_left", "zoom_out", "pan_right"])
def test_a_scope_clip_at_size_source_shows_her_face_and_only_the_photo_in_the_band(motion):
    from skimage import data

    from stillmotion.depth.faces import detect_faces
    from stillmotion.grade import parse_grade

    photo = data.astronaut().astype(np.float32) / 255.0
    # a smooth depth (nearer towards the bottom): no depth edge opens a hole, so a hole is beyond the photo
    depth = Depth(np.linspace(0.2, 1.0, 512, dtype=np.float32)[:, None].repeat(512, axis=1), DepthKind.INVERSE)
    config = AnimateConfig(motion=motion, duration_s=0.5, fps=6, size="source", grade=parse_grade("scope"))
    shot = plan(photo, depth, config)
    width, height = shot.intrinsics.width, shot.intrinsics.height
    assert (width, height) == (512, 512)
    top, bottom = _scope_band(width, height)
    frames = [shot.render(state) for state in shot.states()]
    for frame in frames:
        assert not frame.holes[top:bottom].any(), "nothing beyond the photo shows in the band"
    for frame in (frames[0], frames[-1]):
        faces = detect_faces(frame.image)
        assert any(top <= y and y + fh <= bottom for _, y, _, fh in faces), (faces, top, bottom)
