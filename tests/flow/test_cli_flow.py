import numpy as np

from stillmotion.cli import main
from stillmotion.io import read_image, write_image
from stillmotion.io.flo import read_flo


def test_flow_command_writes_flo_and_preview(tmp_path, shifted_pair):
    image0, image1, true = shifted_pair
    write_image(tmp_path / "a.png", image0)
    write_image(tmp_path / "b.png", image1)
    out, prev = tmp_path / "f.flo", tmp_path / "f.png"
    code = main(["flow", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "-o", str(out), "--preview", str(prev), "--quiet"])
    assert code == 0
    flow = read_flo(out)
    assert np.median(np.linalg.norm(flow[20:-20, 20:-20] - true, axis=2)) < 0.2
    assert read_image(prev).shape == image0.shape


def test_flow_command_shows_progress_and_what_it_wrote(tmp_path, capsys, caplog, shifted_pair):
    # classical-matched on a 1080p pair ran 8 s with no bar
    import logging

    image0, image1, _ = shifted_pair
    write_image(tmp_path / "a.png", image0)
    write_image(tmp_path / "b.png", image1)
    with caplog.at_level(logging.INFO):
        assert main(["flow", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "-o", str(tmp_path / "f.flo")]) == 0
    err = capsys.readouterr().err
    assert "flow:" in err and "/2 [" in err and "step" in err
    assert f"wrote {tmp_path / 'f.flo'}" in caplog.text


def test_flow_command_refuses_different_sizes(tmp_path, capsys, shifted_pair):
    image0, image1, _ = shifted_pair
    write_image(tmp_path / "a.png", image0)
    write_image(tmp_path / "b.png", image1[:-4])
    code = main(["flow", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "-o", str(tmp_path / "f.flo")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("error: frames differ in size") and len(err) == 1
    assert not (tmp_path / "f.flo").exists()


def test_preview_of_an_existing_flo_and_a_corrupt_one(tmp_path, capsys):
    from stillmotion.io.flo import write_flo

    flow = np.zeros((10, 12, 2), np.float32)
    flow[:, 6:, 0] = 3.0
    write_flo(tmp_path / "f.flo", flow)
    assert main(["flow", str(tmp_path / "f.flo"), "--preview", str(tmp_path / "p.png"), "--quiet"]) == 0
    pic = read_image(tmp_path / "p.png")
    assert pic[0, 0].min() > 0.99 and pic[0, 11].min() < 0.9  # still = white, moving = coloured
    (tmp_path / "bad.flo").write_bytes(b"PIEH\x00\x00")
    code = main(["flow", str(tmp_path / "bad.flo"), "--preview", str(tmp_path / "q.png")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "corrupt .flo" in err[0]
    assert not (tmp_path / "q.png").exists()


def test_preview_never_overwrites_an_input_and_a_bad_one_leaves_no_flo(tmp_path, capsys, shifted_pair):
    image0, image1, _ = shifted_pair
    a, b, out = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "f.flo"
    write_image(a, image0)
    write_image(b, image1)
    before = a.read_bytes()
    code = main(["flow", str(a), str(b), "-o", str(out), "--preview", str(a)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "input" in err[0]
    assert a.read_bytes() == before and not out.exists()
    for preview in (tmp_path / "missing" / "p.png", tmp_path / "p.txt"):
        code = main(["flow", str(a), str(b), "-o", str(out), "--preview", str(preview)])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and err[0].startswith("error: ")
        assert not out.exists()


def test_frames_too_small_for_dis_are_an_input_error(tmp_path, capsys):
    for side in (8, 11):
        write_image(tmp_path / "a.png", np.zeros((side, side, 3), np.float32))
        write_image(tmp_path / "b.png", np.ones((side, side, 3), np.float32))
        code = main(["flow", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "-o", str(tmp_path / "f.flo")])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and err == [f"error: frames are too small for optical flow: {side}x{side}"]
    write_image(tmp_path / "a.png", np.zeros((12, 12, 3), np.float32))
    write_image(tmp_path / "b.png", np.zeros((12, 12, 3), np.float32))
    assert main(["flow", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "-o", str(tmp_path / "f.flo"), "--quiet"]) == 0
    assert read_flo(tmp_path / "f.flo").shape == (12, 12, 2)


def test_the_api_takes_8_bit_frames(shifted_pair):
    from stillmotion import api

    image0, image1, true = shifted_pair
    as8 = [np.round(x * 255).astype(np.uint8) for x in (image0, image1)]
    flow8 = api.estimate_flow(*as8)
    flow = api.estimate_flow(*[x.astype(np.float32) / 255 for x in as8])
    np.testing.assert_allclose(flow8, flow, atol=1e-5)
    assert np.median(np.linalg.norm(flow8[20:-20, 20:-20] - true, axis=2)) < 0.2
    mid8 = api.interpolate_frame(*as8)
    mid = api.interpolate_frame(*[x.astype(np.float32) / 255 for x in as8])
    assert mid8.dtype == np.uint8 and np.abs(mid8.astype(np.float32) - mid * 255).max() <= 1.0


def test_each_backend_gets_only_the_options_given(tmp_path, capsys, shifted_pair):
    from stillmotion.cli import main

    image0, image1, _ = shifted_pair
    write_image(tmp_path / "a.png", image0)
    write_image(tmp_path / "b.png", image1)
    frames = [str(tmp_path / "a.png"), str(tmp_path / "b.png")]
    for backend in ("classical", "dis"):
        assert main(["flow", *frames, "-o", str(tmp_path / "f.flo"), "--backend", backend, "--quiet"]) == 0
    assert main(["flow", *frames, "-o", str(tmp_path / "f.flo"), "--backend", "dis", "--preset", "fast", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["flow", *frames, "-o", str(tmp_path / "g.flo"), "--preset", "fast", "--quiet"]) == 2
    assert "--preset applies to --backend dis, not classical" in capsys.readouterr().err
    assert not (tmp_path / "g.flo").exists()
    assert main(["flow", *frames, "-o", str(tmp_path / "g.flo"), "--iters", "4", "--quiet"]) == 2
    assert "--iters applies to --backend raft, not classical" in capsys.readouterr().err


def test_one_input_that_is_a_frame_says_flow_needs_two(tmp_path, capsys, shifted_pair):
    # it said "with one input (a .flo), give --preview OUT.png" about a PNG
    write_image(tmp_path / "a.png", shifted_pair[0])
    code = main(["flow", str(tmp_path / "a.png"), "-o", str(tmp_path / "f.flo")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == [f"error: flow needs two frames A B (or one .flo with --preview OUT.png), got one "
                                 f"input: {tmp_path / 'a.png'}"]  # fmt: skip


def test_two_flo_inputs_say_a_flo_is_pictured_alone(tmp_path, capsys):
    # it said "-o OUT.flo is required" to ``flow a.flo b.flo --preview z.png``
    code = main(["flow", str(tmp_path / "a.flo"), str(tmp_path / "b.flo"), "--preview", str(tmp_path / "z.png")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err == ["error: flow is estimated between two frames; a .flo is pictured alone: "
                                 "stillmotion flow IN.flo --preview OUT.png"]  # fmt: skip


def test_a_flo_input_says_what_it_ignores_and_checks_the_preview_first(tmp_path, capsys, caplog):
    from stillmotion.io.flo import write_flo

    write_flo(tmp_path / "f.flo", np.zeros((10, 12, 2), np.float32))
    # -o alone wrote nothing and said nothing
    code = main(["flow", str(tmp_path / "f.flo"), "-o", str(tmp_path / "out.flo")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "give --preview" in err[0] and "-o is for the flow of two frames" in err[0]
    # with --preview, -o and the two-frame options are warned about
    args = ["flow", str(tmp_path / "f.flo"), "--preview", str(tmp_path / "p.png"), "-o", str(tmp_path / "out.flo"),
            "--iters", "3", "--quiet"]  # fmt: skip
    assert main(args) == 0
    assert [r.getMessage() for r in caplog.records] == ["-o does nothing with one .flo input (only --preview is written); ignored",
                   "--iters does nothing with one .flo input (only --preview is written); ignored"]  # fmt: skip
    assert (tmp_path / "p.png").exists() and not (tmp_path / "out.flo").exists()
    # a preview that cannot be an image fails before the .flo is read (it failed after: a corrupt one said so)
    (tmp_path / "bad.flo").write_bytes(b"PIEH\x00\x00")
    code = main(["flow", str(tmp_path / "bad.flo"), "--preview", str(tmp_path / "p.flo")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "unsupported image extension '.flo'" in err[0]
