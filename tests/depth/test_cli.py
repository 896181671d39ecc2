from __future__ import annotations

import cv2
import numpy as np
import pytest
import tifffile

from stillmotion.cli import main


@pytest.fixture
def photo(tmp_path):
    from skimage import data

    path = tmp_path / "chelsea.png"
    cv2.imwrite(str(path), data.chelsea()[:, :, ::-1])
    return path


@pytest.mark.parametrize("ext", [".npy", ".tif", ".png"])
def test_writes_each_format(tmp_path, photo, ext):
    out = tmp_path / f"depth{ext}"
    assert main(["depth", str(photo), "-o", str(out), "--backend", "classical", "--quiet"]) == 0
    if ext == ".npy":
        values = np.load(out)
        assert values.dtype == np.float32
    elif ext == ".tif":
        values = tifffile.imread(out)
        assert values.dtype == np.float32
    else:
        values = cv2.imread(str(out), cv2.IMREAD_UNCHANGED)
        assert values.dtype == np.uint16 and values.max() == 65535 and values.min() == 0
    assert values.shape == (300, 451)


def test_preview_and_auto_backend_is_reported(tmp_path, photo, caplog):
    out, preview = tmp_path / "d.npy", tmp_path / "preview.png"
    caplog.set_level("INFO")
    assert main(["depth", str(photo), "-o", str(out), "--preview", str(preview)]) == 0
    shown = cv2.imread(str(preview))
    assert shown.shape[1] == 2 * shown.shape[0] * 451 // 300 or abs(shown.shape[1] - 2 * 451) <= 2
    assert "classical backend" in caplog.text


def test_bad_output_extension(tmp_path, photo, capsys):
    out = tmp_path / "depth.jpg"
    assert main(["depth", str(photo), "-o", str(out)]) == 2
    assert "error:" in capsys.readouterr().err and not out.exists()


def test_missing_and_corrupt_photo(tmp_path, capsys):
    assert main(["depth", str(tmp_path / "nope.jpg"), "-o", str(tmp_path / "d.npy")]) == 2
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8not a jpeg at all")
    assert main(["depth", str(bad), "-o", str(tmp_path / "d.npy")]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 2 and "Traceback" not in err
    assert not (tmp_path / "d.npy").exists()


def test_unknown_backend_is_refused(tmp_path, photo, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["depth", str(photo), "-o", str(tmp_path / "d.npy"), "--backend", "magic"])
    assert exc.value.code == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--layers", "{tmp}/layers", "--layer-count", "0"], "--layer-count must be in 1..16"),
        (["--preview", "{tmp}/missing/p.png"], "output folder does not exist"),
        (["--preview", "{tmp}/p.gif"], "unsupported image extension"),
        (["--preview", "{tmp}/d.png"], "would overwrite each other"),
        (["--preview", "{tmp}/chelsea.png"], "refusing to overwrite an input"),
    ],
)
def test_bad_side_outputs_fail_before_the_depth_is_written(tmp_path, photo, capsys, extra, message):
    out = tmp_path / "d.png"
    before = photo.read_bytes()
    code = main(["depth", str(photo), "-o", str(out), "--quiet", *[e.replace("{tmp}", str(tmp_path)) for e in extra]])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert not out.exists() and photo.read_bytes() == before


def test_layers_replace_the_folder_an_earlier_run_wrote(tmp_path, photo):
    # the second run refused the folder: it "held other files than PNG frames" (its own layers.json)
    layers = tmp_path / "layers"
    assert main(["depth", str(photo), "-o", str(tmp_path / "d.npy"), "--layers", str(layers), "--quiet"]) == 0
    assert main(["depth", str(photo), "-o", str(tmp_path / "d2.npy"), "--layers", str(layers), "--layer-count", "2",
                 "--quiet"]) == 0  # fmt: skip
    assert sorted(p.name for p in layers.iterdir()) == ["layer_00.png", "layer_01.png", "layers.json"]
    (layers / "notes.txt").write_text("mine")
    assert main(["depth", str(photo), "-o", str(tmp_path / "d3.npy"), "--layers", str(layers), "--quiet"]) == 2
    assert (layers / "notes.txt").read_text() == "mine"
