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
