import cv2
import numpy as np

from stillmotion.cinemagraph.sky import SkyOptions, detect_sky


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


def test_thin_structures_against_the_sky_are_not_sky():
    # a dark wire and a thin white mast in front of the sky would move with the clouds and wobble
    image, sky = _landscape()
    cv2.line(image, (10, 5), (190, 45), (0.15, 0.12, 0.1), 1, lineType=cv2.LINE_AA)  # a wire
    image[8:58, 60:62] = (0.6, 0.25, 0.2)  # a red mast, 2 px wide, standing on the skyline
    found = detect_sky(image)
    wire = np.zeros(sky.shape, np.uint8)
    cv2.line(wire, (10, 5), (190, 45), 1, 1)
    assert not found[wire > 0].any()
    assert not found[8:50, 60:62].any()
    assert found[32:48, 80:100].all() and found[20:40, 30:50].all()  # the open sky beside them


def test_crisp_clouds_and_the_blue_between_them_stay_sky():
    # two clouds with crisp rims, enclosed by the sky, were left out whole (the texture test along their
    # rims cut them off); a narrow gap of blue between them and the mixed pixels of the rims are sky
    image, sky = _landscape()
    image[5:45, 20:180] = 0.95
    image[5:45, 98:101] = (0.4, 0.6, 0.92)  # a 3 px gap of blue sky between them
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    found = detect_sky(image)
    assert found[8:42, 22:178].all()


def test_rocket_masts_and_towers_are_not_sky():
    # scikit-image's rocket: the masts and lattice towers either side of it were inside the moving sky
    from skimage import data

    photo = data.rocket()
    found = detect_sky(photo)
    grey = photo.mean(axis=2)
    for rows, (x0, x1) in ((range(130, 200), (435, 460)), (range(130, 160), (185, 210))):  # the masts
        for y in rows:
            x = x0 + int(np.argmax(grey[y, x0:x1]))  # the mast is the brightest thing there
            assert not found[y, x], (y, x)
    assert found[250:320, 440:465].mean() < 0.1  # the right tower's lattice, sky seen through it included
    assert found[60:200, 240:290].all() and found[60:200, 480:520].all()  # the open sky


def test_a_dark_object_enclosed_by_the_sky_stays_out():
    image, _ = _landscape()
    rng = np.random.default_rng(3)
    image[15:35, 70:110] = 0.1 + 0.2 * rng.random((20, 40, 1)).astype(np.float32)  # a dark balloon
    found = detect_sky(image)
    assert not found[17:33, 72:108].any()
    assert found[5:12, 60:120].all()


def test_treetops_against_the_sky_are_not_sky(stream_photo):
    # the firs' tips on the mountain stream's skyline, blended with the blue, moved with the clouds
    found = detect_sky(stream_photo)
    grey = stream_photo[:45, 160:220].mean(axis=2)
    dark = grey < 0.35
    assert dark.sum() > 100
    assert not found[:45, 160:220][dark].any()
    assert found[4:14, 190:214].mean() > 0.8  # the sky beside them


def test_thin_structures_are_found_near_the_sky_as_on_the_whole_photo():
    # detect_sky looks for them only in the box around the sky, grown by the filters' reach (on a large
    # photo the filters cost seconds): inside the sky the answer must be the whole photo's
    from stillmotion.cinemagraph.sky import _thin_structures_near, thin_structures

    image, _ = _landscape()
    image = cv2.resize(image, (800, 480), interpolation=cv2.INTER_CUBIC)
    cv2.line(image, (40, 20), (760, 150), (0.15, 0.12, 0.1), 2, lineType=cv2.LINE_AA)
    image[30:230, 240:246] = (0.6, 0.25, 0.2)
    image[40:120, 690:760] = (0.1, 0.1, 0.12)  # a broad dark roof across the box's edge: no thin structure
    sky = np.zeros(image.shape[:2], bool)
    sky[10:170, 300:700] = True  # a box well inside the photo, so the crop matters
    near = _thin_structures_near(image, sky, SkyOptions())
    whole = thin_structures(image)
    assert whole[sky].any() and not near[sky].all()
    np.testing.assert_array_equal(near[sky], whole[sky])
