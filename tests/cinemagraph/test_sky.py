import cv2
import numpy as np

from stillmotion.cinemagraph.sky import detect_sky


def _landscape():
    """Blue sky with a soft white cloud above a textured green hillside with a wavy skyline."""
    h, w = 120, 200
    rng = np.random.default_rng(2)
    image = np.zeros((h, w, 3), np.float32)
    ys = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    image[..., 0] = 0.35 + 0.2 * ys
    image[..., 1] = 0.55 + 0.15 * ys
    image[..., 2] = 0.9
    cloud = np.zeros((h, w), np.float32)
    cv2.ellipse(cloud, (120, 25), (30, 10), 0, 0, 360, 1.0, -1)
    cloud = cv2.GaussianBlur(cloud, (0, 0), 4)[:, :, None]
    image = image * (1 - cloud) + 0.95 * cloud
    skyline = (60 + 10 * np.sin(np.arange(w) / 15.0)).astype(int)
    ground = np.arange(h)[:, None] >= skyline[None, :]
    texture = rng.random((h, w)).astype(np.float32)
    image[ground] = np.stack([0.15 + 0.3 * texture, 0.35 + 0.4 * texture, 0.1 + 0.1 * texture], -1)[ground]
    return image, ~ground


def test_finds_blue_sky_and_clouds_above_the_skyline():
    image, sky = _landscape()
    found = detect_sky(image)
    agree = (found == sky).mean()
    assert agree > 0.95, agree
    assert found[25, 120]  # the cloud is sky
    assert not found[100:].any()  # the ground never is


def test_no_sky_in_a_textured_picture():
    rng = np.random.default_rng(0)
    image = rng.random((80, 120, 3)).astype(np.float32)
    assert not detect_sky(image).any()


def test_a_bright_speck_at_the_top_is_not_a_sky():
    # a bright smooth patch touching the top edge over 1 % of a textured picture (the butterfly's stucco)
    rng = np.random.default_rng(0)
    image = rng.random((80, 120, 3)).astype(np.float32)
    image[:8, 50:62] = 0.9
    assert not detect_sky(image).any()
    image[:20, 30:90] = 0.9  # 12 %: a sky
    assert detect_sky(image)[2:15, 40:80].all()


def test_blue_ground_not_connected_to_the_top_is_not_sky():
    image, _ = _landscape()
    image[:50] = 0.2 * np.random.default_rng(1).random((50, 200, 3)).astype(np.float32)  # dark textured top
    image[90:110, 20:80] = (0.4, 0.6, 0.9)  # a smooth blue pond low in the picture
    assert not detect_sky(image)[95:105, 30:70].any()


def test_mountain_stream_sky(stream_photo):
    found = detect_sky(stream_photo)
    h = found.shape[0]
    assert 0.03 < found.mean() < 0.15
    assert not found[int(0.3 * h) :].any()  # all of it in the top of the picture
    assert found[20:40, 320:420].mean() > 0.9  # the big cloud left of the peaks
    assert found[80:120, 330:420].mean() < 0.1  # the snowy peaks are not sky


def test_8_bit_photos_find_the_same_sky():
    # 8-bit pixels were taken as values 0..255: no sky was found
    image, _ = _landscape()
    found = detect_sky(image)
    assert found.mean() > 0.3
    assert np.array_equal(detect_sky(np.round(image * 255).astype(np.uint8)), detect_sky(np.round(image * 255) / np.float32(255)))
