import cv2
import numpy as np

from stillmotion.cinemagraph.beyond import edge_bands, extend_box
from stillmotion.cinemagraph.field import border_fade
from stillmotion.cinemagraph.render import loop_frames


def _texture(h, w, seed=0):
    # reddish everywhere (red above green and blue by 0.3 at least), so that no pixel of it is grey
    rng = np.random.default_rng(seed)
    tex = np.clip((cv2.GaussianBlur(rng.random((h, w, 3)).astype(np.float32), (0, 0), 1.0) - 0.5) * 3 + 0.5, 0, 1)
    return np.dstack([0.6 + 0.4 * tex[..., 0], 0.3 * tex[..., 1], 0.3 * tex[..., 2]]).astype(np.float32)


def _leaving_through_the_left_edge(h=40, w=80, band_px=0):
    # water enters across a bank (the region's right border, where the field fades) and leaves through the
    # photo's left edge: near the edge, the forward half soon has only stretched bank material and the
    # backward half only what came from beyond the photo
    image = _texture(h, w)
    if band_px:
        image[:, :band_px] = 0.39  # a scan's flat grey frame
        image[:, band_px] = 0.8 * 0.39 + 0.2 * image[:, band_px]  # and the blended line after it
    region = np.zeros((h, w), bool)
    region[:, :40] = True
    field = np.zeros((h, w, 2), np.float32)
    field[..., 0] = -1.0 * border_fade(region, fade_px=3)
    return image, region, field


def test_water_leaving_the_photo_keeps_moving_at_its_edge():
    image, region, field = _leaving_through_the_left_edge()
    frames = [f.astype(np.float32) for f in loop_frames(image, field, region, frame_count=48)]
    # mid-loop, next to the edge, neither half had material: a static fill. Material beyond the edge (the
    # region's mirror image) keeps it moving like the rest of the water
    # (the field is -1 px per frame there: frame t + 1 is frame t moved one pixel to the left)
    edge = [np.abs(frames[t + 1][:, 3:12] - frames[t][:, 4:13]).mean() for t in range(16, 32)]
    middle = [np.abs(frames[t + 1][:, 16:30] - frames[t][:, 17:31]).mean() for t in range(16, 32)]
    # grey levels: 2.0 at the edge with a static fill there (0.2 now), 0.06 in the middle
    assert np.mean(edge) < 1.0 and np.mean(middle) < 1.0, (np.mean(edge), np.mean(middle))


def test_a_flat_frame_along_the_edge_is_never_carried_into_the_picture():
    image, region, field = _leaving_through_the_left_edge(band_px=3)
    assert edge_bands(image, min_px=3)[2] == 5  # 3 flat lines, 2 blended
    for t, frame in enumerate(loop_frames(image, field, region, frame_count=24, as_uint8=False)):
        greyish = frame[:, 6:40, 0] - frame[:, 6:40, 1:].max(axis=2) < 0.22  # the texture has 0.3 at least
        assert greyish.mean() < 0.005, t


def test_material_beyond_the_edge_is_at_most_the_photos_size():
    # a fast loop asked for the whole distance travelled beyond the edge: 1e4 px a frame over 48 frames
    # grew the box to 480 000 columns (gigabytes once the colours and the field were taken over it)
    image, region, field = _leaving_through_the_left_edge()
    field *= 1e4
    grown = extend_box(image, region, field, (0, 40, 0, 42), frame_count=48, min_edge_px=3)
    assert grown.offset == (0, 80)  # the pad beyond the left edge stops at the photo's width
    assert len(grown.cols) == 80 + 42 and len(grown.rows) == 40
    assert len(next(loop_frames(image, field, region, frame_count=48))) == 40
