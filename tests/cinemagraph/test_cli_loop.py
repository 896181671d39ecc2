import json

import cv2
import numpy as np
import pytest

from stillmotion.cli import main

from .helpers import periodic_texture
from .test_sky import _landscape


@pytest.fixture()
def scene(tmp_path):
    """A 96x64 photo with a textured band (the 'water') and its mask."""
    rng = np.random.default_rng(7)
    photo = (rng.random((64, 96, 3)) * 255).astype(np.uint8)
    photo = cv2.GaussianBlur(photo, (0, 0), 1.0)
    mask = np.zeros((64, 96), np.uint8)
    mask[24:56, 8:88] = 255
    cv2.imwrite(str(tmp_path / "photo.png"), photo)
    cv2.imwrite(str(tmp_path / "mask.png"), mask)
    return tmp_path, photo[:, :, ::-1].copy(), mask > 0


def _read_frames(folder):
    return [cv2.imread(str(p))[:, :, ::-1] for p in sorted(folder.glob("*.png"))]


def test_png_frames_loop_with_still_pixels_bit_identical(scene):
    tmp, photo, mask = scene
    out = tmp / "frames"
    code = main([
        "loop", str(tmp / "photo.png"), "-o", f"{out}/", "--mask", str(tmp / "mask.png"),
        "--hint", "48,40,24,6", "--duration", "1", "--fps", "12", "--quiet",
    ])  # fmt: skip
    assert code == 0
    frames = _read_frames(out)
    assert len(frames) == 12
    for frame in frames:
        assert np.array_equal(frame[~mask], photo[~mask])
    assert np.abs(frames[6].astype(int) - frames[0])[mask].mean() > 5  # the band moves


def test_mp4_output_and_hints_file_and_anchor(scene):
    import imageio_ffmpeg

    tmp, _, _ = scene
    (tmp / "hints.json").write_text(json.dumps({"hints": [[48, 40, -20, 0]], "anchors": [[20, 30]]}))
    out = tmp / "loop.mp4"
    code = main([
        "loop", str(tmp / "photo.png"), "-o", str(out), "--mask", str(tmp / "mask.png"),
        "--hints", str(tmp / "hints.json"), "--anchor", "70,50", "--duration", "0.5", "--fps", "24", "--quiet",
    ])  # fmt: skip
    assert code == 0
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 12


def test_clouds_find_the_sky_without_a_mask(tmp_path):
    image, sky = _landscape()
    cv2.imwrite(str(tmp_path / "land.png"), (image[:, :, ::-1] * 255 + 0.5).astype(np.uint8))
    source = cv2.imread(str(tmp_path / "land.png"))[:, :, ::-1]
    code = main(["loop", str(tmp_path / "land.png"), "-o", f"{tmp_path}/out/", "--material", "clouds",
                 "--duration", "0.5", "--fps", "8", "--quiet"])  # fmt: skip
    assert code == 0
    frames = _read_frames(tmp_path / "out")
    assert len(frames) == 4
    ground = np.zeros_like(sky)
    ground[80:] = True
    for frame in frames:
        assert np.array_equal(frame[ground], source[ground])
    assert not np.array_equal(frames[2][:40], source[:40])  # the sky drifts


def test_motion_from_a_video(scene):
    from stillmotion.io import open_writer

    tmp, photo, mask = scene
    tex = periodic_texture(64, 256, 64, seed=4)
    with open_writer(tmp / "ref.mp4", fps=24, width=128, height=64) as writer:
        for t in range(8):
            writer.write(np.roll(tex, -2 * t, axis=1)[:, :128])  # sliding left
    out = tmp / "frames"
    code = main(["loop", str(tmp / "photo.png"), "-o", f"{out}/", "--mask", str(tmp / "mask.png"),
                 "--motion-from", str(tmp / "ref.mp4"), "--duration", "0.5", "--fps", "12", "--quiet"])  # fmt: skip
    assert code == 0
    frames = _read_frames(out)
    for frame in frames:
        assert np.array_equal(frame[~mask], photo[~mask])
    # the band moved left: frame 1 matches the photo shifted left better than shifted right
    f1 = frames[1][30:50, 20:76].astype(float)
    left = np.abs(f1 - photo[30:50, 21:77]).mean()
    right = np.abs(f1 - photo[30:50, 19:75]).mean()
    assert left < right


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--mask", "small.png", "--hint", "10,10,5,0"], "is 50x40 but the photo is 96x64"),
        (["--mask", "empty.png", "--hint", "10,10,5,0"], "is empty"),
        (["--mask", "mask.png", "--hint", "96,10,5,0"], "outside the photo"),
        (["--mask", "mask.png", "--anchor", "5,-2", "--hint", "10,10,5,0"], "outside the photo"),
        (["--material", "water"], "--material water needs a mask of where it flows \\(loop --mask"),
        (["--mask", "mask.png", "--hint", "10,10,5,0", "--freeze", "full.png"], "frozen areas cover"),
        (["--mask", "mask.png"], "nothing to animate|no motion"),
        (["--mask", "mask.png", "--hint", "10,10,5"], "--hint must be 4 numbers"),
        (["--mask", "mask.png", "--hint", "10,10,5,0", "--duration", "0"], "--duration"),
        (["--mask", "mask.png", "--hints", "nope.json"], "hints file not found"),
        (["--mask", "mask.png", "--motion-from", "nope.mp4"], "reference video not found"),
        (["--material", "lava"], "invalid choice"),
    ],
)
def test_bad_input_one_line_and_no_output(scene, capsys, extra, message):
    import re

    tmp, _, _ = scene
    cv2.imwrite(str(tmp / "small.png"), np.full((40, 50), 255, np.uint8))
    cv2.imwrite(str(tmp / "empty.png"), np.zeros((64, 96), np.uint8))
    cv2.imwrite(str(tmp / "full.png"), np.full((64, 96), 255, np.uint8))
    extra = [str(tmp / e) if e.endswith((".png", ".json", ".mp4")) else e for e in extra]
    out = tmp / "out.mp4"
    try:
        code = main(["loop", str(tmp / "photo.png"), "-o", str(out), "--duration", "0.5", *extra, "--quiet"])
    except SystemExit as exc:  # argparse errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert re.search(message, err), err
    assert not out.exists()
    assert not [p for p in tmp.iterdir() if ".part" in p.name]


def test_long_loops_tiny_photos_nan_hints_and_folders_are_refused(scene, capsys):
    tmp, _, _ = scene
    (tmp / "nan.json").write_text('{"hints": [[40, 30, NaN, 5]]}')
    (tmp / "ref").mkdir()
    cv2.imwrite(str(tmp / "tiny.png"), np.zeros((3, 3, 3), np.uint8))
    photo, mask = str(tmp / "photo.png"), ["--mask", str(tmp / "mask.png")]
    cases = [
        ([photo, *mask, "--hint", "10,30,5,0", "--duration", "61"], "--duration must be in (0, 60] seconds"),
        ([photo, *mask, "--hints", str(tmp / "nan.json"), "--duration", "0.5"], "must be finite"),
        ([photo, *mask, "--motion-from", str(tmp / "ref"), "--duration", "0.5"], "is a folder; give a video file"),
        ([str(tmp / "tiny.png"), "--hint", "1,1,1,1", "--duration", "0.5"], "too small for a loop: 3x3"),
        # a huge speed or arrow made the material beyond the photo's edge take gigabytes
        ([photo, *mask, "--hint", "10,30,5,0", "--speed", "1e4", "--duration", "0.5"], "--speed must be a factor in 0..20"),
        ([photo, *mask, "--hint", "10,30,1e6,0", "--duration", "0.5"], "moves 1e+06 px per second, more than 115"),
    ]
    for argv, message in cases:
        out = tmp / "out.gif"
        code = main(["loop", *argv, "-o", str(out), "--quiet"])
        err = capsys.readouterr().err
        assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and message in err, (argv, err)
        assert not out.exists()


def test_missing_photo(tmp_path, capsys):
    assert main(["loop", str(tmp_path / "nope.jpg"), "-o", str(tmp_path / "o.mp4"), "--hint", "1,1,1,1"]) == 2
    assert "photo not found" in capsys.readouterr().err


def test_loop_config_limits_and_hints_on_the_edge_of_a_downscaled_photo(scene):
    from stillmotion.cinemagraph import Anchor, Hint, LoopConfig, MotionHints, make_loop
    from stillmotion.errors import InputError

    tmp, _, _ = scene
    photo, mask = tmp / "photo.png", tmp / "mask.png"
    with pytest.raises(InputError, match="max_side_px must be at least 16, got 0"):
        make_loop(photo, tmp / "o.gif", mask=mask, hints=MotionHints((Hint(40, 30, 5, 0),)),
                  config=LoopConfig(duration_s=0.5, max_side_px=0))  # fmt: skip
    # downscaled to 29x19, the anchor in the last row lands at y = 19.03, beyond the photo's last row: it
    # is moved onto it (its pixel was looked up one row beyond the field: IndexError)
    hints = MotionHints((Hint(48, 40, 10, 0),), (Anchor(95, 63),))
    make_loop(photo, tmp / "o.gif", mask=mask, hints=hints, config=LoopConfig(duration_s=0.5, fps=8, max_side_px=29))
    assert (tmp / "o.gif").exists()


def test_an_arrow_as_long_as_the_photos_diagonal_passes_whatever_the_output(scene):
    """The arrow limit was checked again after a video's odd row and column were cropped: a 95x63 photo
    took a 113 px/s arrow for PNG frames but refused it for a video (limit 113.1 then 112.3)."""
    tmp, photo, mask = scene
    cv2.imwrite(str(tmp / "odd.png"), photo[:63, :95, ::-1])
    cv2.imwrite(str(tmp / "odd_mask.png"), mask[:63, :95].astype(np.uint8) * 255)
    for out in (tmp / "frames", tmp / "odd.mp4"):
        argv = ["loop", str(tmp / "odd.png"), "--mask", str(tmp / "odd_mask.png"), "--hint", "48,40,113,0",
                "--duration", "0.5", "--fps", "8", "-o", f"{out}/" if out.suffix == "" else str(out), "--quiet"]  # fmt: skip
        assert main(argv) == 0, out
