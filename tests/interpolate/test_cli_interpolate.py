import logging

import numpy as np

from stillmotion.cli import main
from stillmotion.io import read_image, write_image
from .test_interpolate import _moving_square_scene


def test_pair_to_middle_frame(tmp_path):
    f0, mid, f1 = _moving_square_scene()
    write_image(tmp_path / "a.png", f0)
    write_image(tmp_path / "b.png", f1)
    assert main(["interpolate", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "-o", str(tmp_path / "m.png"), "--quiet"]) == 0
    out = read_image(tmp_path / "m.png")
    box = (slice(26, 64), slice(36, 82))  # around the moving square
    assert np.abs(out - mid)[box].mean() < 0.3 * np.abs(0.5 * (f0 + f1) - mid)[box].mean()


def test_pair_shows_progress_and_what_it_wrote(tmp_path, capsys, caplog):
    # a pair of 1080p photos takes ~10 s of flow: it showed nothing at all until it ended
    f0, mid, f1 = _moving_square_scene()
    write_image(tmp_path / "a.png", f0)
    write_image(tmp_path / "b.png", f1)
    args = ["interpolate", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "-o", str(tmp_path / "m.png")]
    with caplog.at_level(logging.INFO):
        assert main(args) == 0
    err = capsys.readouterr().err
    assert "interpolate" in err and "4 [" in err and "step" in err  # the bar, in four steps
    assert f"wrote {tmp_path / 'm.png'}: the frame at t=0.5" in caplog.text
    quiet = read_image(tmp_path / "m.png")
    assert main([*args, "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert np.array_equal(read_image(tmp_path / "m.png"), quiet)  # the staged run makes the same frame


def test_pair_of_16_bit_frames_gives_a_16_bit_middle_frame(tmp_path, photo16, stored_levels):
    """The middle frame of two 16-bit photos was written with 8 bits per channel."""
    levels = photo16(tmp_path / "a.png")
    photo16(tmp_path / "b.tif")
    pair = [str(tmp_path / "a.png"), str(tmp_path / "b.tif")]
    for out in ("m.png", "m.tif", "m.jpg"):
        assert main(["interpolate", *pair, "-o", str(tmp_path / out), "--quiet"]) == 0
    for out in ("m.png", "m.tif"):
        mid = stored_levels(tmp_path / out)
        assert mid.dtype == np.uint16
        assert np.abs(mid.astype(int) - levels).max() <= 2  # the same frame twice: itself, not its 8 bits
    assert stored_levels(tmp_path / "m.jpg").dtype == np.uint8


def test_frame_folder_to_video_and_back(tmp_path):
    frames_dir = tmp_path / "frames"
    frames_dir.mkdir()
    for i, f in enumerate(_moving_square_scene()[::2]):
        write_image(frames_dir / f"{i:03d}.png", f)
    out_dir = tmp_path / "out"
    assert main(["interpolate", str(frames_dir), "-o", str(out_dir) + "/", "--factor", "3", "--quiet"]) == 0
    assert len(list(out_dir.glob("*.png"))) == 4  # 2 frames -> 1 pair x 3 + last
    mp4 = tmp_path / "o.mp4"
    assert main(["interpolate", str(out_dir), "-o", str(mp4), "--fps", "12", "--input-fps", "24", "--quiet"]) == 0
    assert mp4.stat().st_size > 0
    # a video input, re-timed: 4 frames at 24 fps -> 2x -> 7 frames
    out2 = tmp_path / "again"
    assert main(["interpolate", str(mp4), "-o", str(out2) + "/", "--factor", "2", "--quiet"]) == 0
    assert len(list(out2.glob("*.png"))) == 3  # the mp4 had 2 frames at 12 fps


def test_odd_sized_frames_make_an_mp4_and_webm_without_their_last_odd_row_and_column(tmp_path, caplog):
    # a folder of 95x71 frames was refused: "mp4 (yuv420p) needs an even width and height" (loop drops
    # the odd row/column, animate and story round up; interpolate now does as loop does)
    from stillmotion.interpolate.source import probe_clip, read_clip

    frames_dir = tmp_path / "frames"
    frames_dir.mkdir()
    frames = [f[:71, :95] for f in _moving_square_scene()[::2]]
    for i, f in enumerate(frames):
        write_image(frames_dir / f"{i:03d}.png", f)
    for name in ("o.mp4", "o.webm"):
        with caplog.at_level(logging.INFO):
            assert main(["interpolate", str(frames_dir), "-o", str(tmp_path / name), "--factor", "2", "--quiet"]) == 0
        info = probe_clip(tmp_path / name)
        assert (info.width, info.height, info.frame_count) == (94, 70, 3)
    assert "the last odd row/column is dropped (95x71 -> 94x70)" in caplog.text
    first = next(read_clip(tmp_path / "o.mp4"))
    assert np.abs(first - frames[0][:70, :94]).mean() < 0.02  # cropped, not rescaled
    # a gif and PNG frames keep every pixel
    assert main(["interpolate", str(frames_dir), "-o", str(tmp_path / "out") + "/", "--factor", "2", "--quiet"]) == 0
    assert read_image(sorted((tmp_path / "out").glob("*.png"))[0]).shape[:2] == (71, 95)


def test_one_frame_and_size_mismatch_errors(tmp_path, capsys):
    f0, _, f1 = _moving_square_scene()
    one = tmp_path / "one"
    one.mkdir()
    write_image(one / "0.png", f0)
    code = main(["interpolate", str(one), "-o", str(tmp_path / "x.mp4"), "--factor", "2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "at least 2" in err[0]
    write_image(tmp_path / "a.png", f0)
    write_image(tmp_path / "b.png", f1[:-2])
    code = main(["interpolate", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "-o", str(tmp_path / "m.png")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("error: frames differ in size")
    assert not (tmp_path / "m.png").exists() and not (tmp_path / "x.mp4").exists()
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    write_image(mixed / "0.png", f0)
    write_image(mixed / "1.png", f1[:-2])
    code = main(["interpolate", str(mixed), "-o", str(tmp_path / "y") + "/", "--factor", "2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and "differ in size" in err[-1] and not (tmp_path / "y").exists()


def test_interpolate_with_raft_flow_from_a_tiny_checkpoint(tmp_path):
    torch = __import__("pytest").importorskip("torch")
    from stillmotion.flow.raft.model import RAFT, RaftConfig

    torch.manual_seed(0)
    model = RAFT(RaftConfig(small=True, hidden_dim=12, context_dim=8, feature_dim=16, corr_radius=1, encoder_dims=(8, 16, 24)))
    weights = tmp_path / "tiny.pth"
    torch.save({f"module.{k}": v for k, v in model.state_dict().items()}, weights)
    f0, _, f1 = _moving_square_scene()
    write_image(tmp_path / "a.png", f0)
    write_image(tmp_path / "b.png", f1)
    out = tmp_path / "m.png"
    code = main(["interpolate", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "-o", str(out),
                 "--flow", "raft", "--weights", str(weights), "--iters", "2", "--quiet"])  # fmt: skip
    assert code == 0 and read_image(out).shape == f0.shape


def test_one_frame_video_is_refused(tmp_path, capsys):
    from stillmotion.io import open_writer

    f0, _, _ = _moving_square_scene()
    video = tmp_path / "one.mp4"
    with open_writer(video, fps=24, width=f0.shape[1], height=f0.shape[0]) as writer:
        writer.write(f0)
    code = main(["interpolate", str(video), "-o", str(tmp_path / "out.mp4"), "--factor", "2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "1 frame" in err[0]
    assert not (tmp_path / "out.mp4").exists()


def test_unreadable_video_is_an_input_error(tmp_path, capsys):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all")
    code = main(["interpolate", str(bad), "-o", str(tmp_path / "out.mp4"), "--factor", "2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith("error: cannot read video")


def test_a_corrupt_frame_in_a_folder_is_called_a_frame(tmp_path, capsys):
    # "cannot read photo frames/7.png"
    f0, _, f1 = _moving_square_scene()
    frames = tmp_path / "frames"
    frames.mkdir()
    write_image(frames / "0.png", f0)
    write_image(frames / "1.png", f1)
    (frames / "2.png").write_bytes(b"not a png")
    code = main(["interpolate", str(frames), "-o", str(tmp_path / "out/"), "--factor", "2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].startswith(f"error: cannot read frame {frames / '2.png'}"), err
    assert not (tmp_path / "out").exists()


def test_bad_rates_workers_and_flow_sizes_are_one_line_errors(tmp_path, capsys):
    f0, _, f1 = _moving_square_scene()
    frames = tmp_path / "frames"
    frames.mkdir()
    for i, f in enumerate((f0, f1)):
        write_image(frames / f"{i}.png", f)
    write_image(tmp_path / "a.png", f0)
    write_image(tmp_path / "b.png", f1)
    pair = [str(tmp_path / "a.png"), str(tmp_path / "b.png"), "-o", str(tmp_path / "m.png")]
    clip = [str(frames), "-o", str(tmp_path / "c") + "/"]
    cases = [
        (clip + ["--fps", "nan"], "--fps must be in (0, 240]"),
        (clip + ["--fps", "inf"], "--fps must be in (0, 240]"),
        (clip + ["--factor", "2", "--input-fps", "0"], "--input-fps must be in (0, 240]"),
        (clip + ["--factor", "2", "--input-fps", "nan"], "--input-fps must be in (0, 240]"),
        (clip + ["--factor", "100"], "--factor 100 makes 2400 fps from 24 fps"),
        (pair + ["--workers", "0"], "--workers must be at least 1"),
        (pair + ["--flow-max-pixels", "-5"], "--flow-max-pixels must be 0 (full size) or at least 4096"),
        (clip + ["--factor", "2", "--flow-max-pixels", "50"], "--flow-max-pixels must be 0 (full size) or at least"),
    ]
    for argv, message in cases:
        code = main(["interpolate", *argv])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and err[0].startswith("error: " + message), (argv, err)
    assert not (tmp_path / "m.png").exists() and not (tmp_path / "c").exists()
    assert main(["interpolate", *clip, "--factor", "2", "--input-fps", "10", "--quiet"]) == 0
    assert len(list((tmp_path / "c").glob("*.png"))) == 3
