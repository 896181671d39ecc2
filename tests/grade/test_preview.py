import numpy as np

from stillmotion.grade.preview import GAP_PX, LABEL_BAR_PX, colourise_depth, shot_sheet


def test_shot_sheet_has_four_labelled_tiles():
    h, w = 90, 160
    frames = [np.full((h, w, 3), v, np.float32) for v in (0.2, 0.5, 0.8)]
    depth = np.tile(np.linspace(0, 1, w, dtype=np.float32), (h, 1))
    sheet = shot_sheet(*frames, depth, frame_count=96)
    tile_w = 480
    tile_h = round(h * tile_w / w)
    assert sheet.shape == (2 * (tile_h + LABEL_BAR_PX) + 3 * GAP_PX, 2 * tile_w + 3 * GAP_PX, 3)
    cell = lambda r, c: sheet[GAP_PX + r * (tile_h + LABEL_BAR_PX + GAP_PX):, GAP_PX + c * (tile_w + GAP_PX):][: tile_h + LABEL_BAR_PX, :tile_w]  # noqa: E731
    for (r, c), value in zip(((0, 0), (0, 1), (1, 0)), (0.2, 0.5, 0.8)):
        body = cell(r, c)[LABEL_BAR_PX:]
        np.testing.assert_allclose(body.mean(), value, atol=0.01)
        assert cell(r, c)[:LABEL_BAR_PX].max() > 0.5  # the label text is drawn
    depth_tile = cell(1, 1)[LABEL_BAR_PX:]
    assert depth_tile[:, -5:].mean() > depth_tile[:, :5].mean() + 0.3  # near is brighter


def test_colourise_depth_is_rgb_and_ordered():
    out = colourise_depth(np.linspace(0, 1, 50, dtype=np.float32)[None, :].repeat(4, 0))
    assert out.shape == (4, 50, 3) and out.dtype == np.float32
    assert out[0, -1].sum() > out[0, 0].sum()


def test_a_long_title_stays_inside_its_tile():
    # a long file name in the title ran off the first tile's label bar, up to the next tile
    frames = [np.full((90, 160, 3), v, np.float32) for v in (0.2, 0.5, 0.8)]
    depth = np.linspace(0, 1, 90 * 160, dtype=np.float32).reshape(90, 160)
    sheet = shot_sheet(*frames, depth, frame_count=96, title="kodak_kodim13_mountain_stream_" * 4 + ".png")
    bar = sheet[GAP_PX : GAP_PX + LABEL_BAR_PX, GAP_PX : GAP_PX + 480]
    text = np.abs(bar - bar[0, 0]).max(axis=2) > 0.05
    assert text[:, :240].any()  # the label is drawn...
    assert not text[:, 480 - 6 :].any()  # ...and ends before the tile's edge
    assert text[:, 300:470].any()  # its end ("first (frame 0)") is still there


def test_a_two_frame_clips_sheet_shows_the_frames_its_labels_name(tmp_path, monkeypatch):
    """A 2-frame clip's sheet labelled its middle tile "frame 0" and showed frame 1 there."""
    from stillmotion.grade import finishing

    shown = {}
    monkeypatch.setattr("stillmotion.grade.preview.shot_sheet",
                        lambda first, middle, last, depth, **kw: shown.update(first=first, middle=middle, last=last)
                        or np.zeros((8, 8, 3), np.float32))  # fmt: skip
    finisher = finishing.Finisher(None, frame_count=2, preview=tmp_path / "sheet.png")
    frames = [np.full((4, 4, 3), v, np.float32) for v in (0.25, 0.75)]
    for i, frame in enumerate(frames):
        finisher.keep(frame, None, i)
    finisher.close()
    assert shown["first"].mean() == 0.25 and shown["middle"].mean() == 0.25 and shown["last"].mean() == 0.75
