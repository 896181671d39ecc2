import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from stillmotion.cli import main  # noqa: E402
from stillmotion.errors import ModelNotFoundError  # noqa: E402
from stillmotion.flow import create_backend  # noqa: E402
from stillmotion.flow.raft.backend import config_for, pad_to_multiple_of_8  # noqa: E402
from stillmotion.flow.raft.model import RAFT, RaftConfig  # noqa: E402

WEIGHTS = Path(os.environ.get("STILLMOTION_RAFT_DIR", Path.home() / ".cache" / "stillmotion" / "raft"))
TINY = {
    "full": RaftConfig(hidden_dim=16, context_dim=8, feature_dim=24, corr_radius=2, encoder_dims=(8, 12, 16)),
    "small": RaftConfig(small=True, hidden_dim=12, context_dim=8, feature_dim=16, corr_radius=1, encoder_dims=(8, 16, 24)),
}


def _save_like_the_authors(model, path):
    torch.save({f"module.{k}": v for k, v in model.state_dict().items()}, path)


@pytest.mark.parametrize("kind", ["full", "small"])
def test_tiny_checkpoint_round_trip(tmp_path, kind):
    torch.manual_seed(0)
    model = RAFT(TINY[kind]).eval()
    path = tmp_path / f"tiny-{kind}.pth"
    _save_like_the_authors(model, path)
    assert config_for({k[7:]: v for k, v in torch.load(path, weights_only=True).items()}) == TINY[kind]
    backend = create_backend("raft", weights=path, iters=3)
    rng = np.random.default_rng(0)
    a = rng.random((70, 100, 3)).astype(np.float32)  # not multiples of 8: padded and cropped back
    b = np.roll(a, 2, axis=1)
    flow = backend.estimate(a, b)
    assert flow.shape == (70, 100, 2) and np.isfinite(flow).all()
    # the same numbers as running the network directly on the centred replicate padding
    left, right, top, bottom = pad_to_multiple_of_8(70, 100)
    assert (left, right, top, bottom) == (2, 2, 1, 1)
    assert pad_to_multiple_of_8(69, 74) == (3, 3, 1, 2) and pad_to_multiple_of_8(69, 74, centred=False) == (3, 3, 0, 3)
    # frames smaller than the correlation pyramid needs are padded up to 64 (a 12x16 frame crashed the pooling)
    assert pad_to_multiple_of_8(12, 16) == (24, 24, 26, 26)
    small = backend.estimate(a[:12, :16], b[:12, :16])
    assert small.shape == (12, 16, 2) and np.isfinite(small).all()

    def prep(x):
        t = torch.from_numpy(np.round(x * 255)).permute(2, 0, 1)[None].float()
        return torch.nn.functional.pad(t, (left, right, top, bottom), mode="replicate")

    with torch.no_grad():
        direct = model(prep(a), prep(b), iters=3)[0, :, top : top + 70, left : left + 100].permute(1, 2, 0).numpy()
    np.testing.assert_allclose(flow, direct, atol=1e-4)


def test_missing_weights_are_a_clear_error(tmp_path, capsys):
    with pytest.raises(ModelNotFoundError):
        create_backend("raft", weights=tmp_path / "none.pth")
    from stillmotion.io import write_image

    img = np.zeros((16, 16, 3), np.float32)
    write_image(tmp_path / "a.png", img)
    code = main(["flow", str(tmp_path / "a.png"), str(tmp_path / "a.png"), "-o", str(tmp_path / "f.flo"),
                 "--backend", "raft", "--weights", str(tmp_path / "none.pth")])  # fmt: skip
    assert code == 2 and "RAFT weights not found" in capsys.readouterr().err


def test_importing_stillmotion_imports_no_torch():
    code = "import sys, stillmotion, stillmotion.flow, stillmotion.interpolate, stillmotion.cli; " \
           "stillmotion.cli.build_parser(); print('torch' in sys.modules)"  # fmt: skip
    src = str(Path(__file__).resolve().parents[2] / "src")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": src})
    assert out.stdout.strip() == "False", out.stderr


def test_real_raft_small_on_rubberwhale(shared_data):
    weights = WEIGHTS / "raft-small.pth"
    if not weights.is_file():
        pytest.skip(f"{weights} not present (run benchmarks/fetch_raft_weights.py)")
    from stillmotion.io import read_image
    from stillmotion.io.flo import read_flo, unknown_flow_mask

    base = shared_data("middlebury_flow", "RubberWhale")
    crop = (slice(100, 324), slice(150, 470))  # keeps the test short on a CPU
    a, b = read_image(base / "frame10.png")[crop], read_image(base / "frame11.png")[crop]
    gt = read_flo(base / "flow10.flo")[crop]
    flow = create_backend("raft", weights=weights, iters=6).estimate(a, b)
    valid = ~unknown_flow_mask(gt)
    # mean motion here is 1.35 px; the real weights give ~0.35 px EPE, broken loading gives > 1 px
    assert np.linalg.norm(flow - gt, axis=2)[valid].mean() < 0.5
