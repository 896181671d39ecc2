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
