"""Options given where they do nothing: a warning (or, where the two uses exclude each other, an error)
instead of silence."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from stillmotion.cli import main
from stillmotion.io import write_image


@pytest.fixture
def photo(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "photo.png"
    write_image(path, rng.random((48, 64, 3)).astype(np.float32))
    return path


@pytest.mark.parametrize(
    ("argv", "warning"),
    [
        (["view", "{photo}", "-o", "{tmp}/v.png", "--depth-kind", "metric"],
         "--depth-kind does nothing without --depth"),
        (["depth", "{photo}", "-o", "{tmp}/d.npy", "--layer-count", "3"],
         "--layer-count does nothing without --layers"),
        (["animate", "{photo}", "-o", "{tmp}/a.gif", "--duration", "0.25", "--fps", "4", "--upscale-model", "photo"],
         "--upscale-model does nothing without --upscale"),
        (["depth", "{photo}", "-o", "{tmp}/d.npy", "--backend", "classical", "--model", "{tmp}/no-such-model"],
         "--model does nothing with --backend classical"),
        (["interpolate", "{photo}", "{photo}", "-o", "{tmp}/m.png", "--input-fps", "30"],
         "--input-fps does nothing with two frames"),
    ],
)
def test_an_option_without_the_one_it_needs_is_a_warning(tmp_path, photo, caplog, argv, warning):
    argv = [a.replace("{photo}", str(photo)).replace("{tmp}", str(tmp_path)) for a in argv]
    with caplog.at_level(logging.WARNING):
        assert main([*argv, "--quiet"]) == 0
    assert warning in caplog.text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["interpolate", "{photo}", "{photo}", "-o", "{tmp}/m.png", "--iters", "3"], "apply to --flow raft"),
        (["interpolate", "{tmp}", "-o", "{tmp}/c.mp4", "--factor", "2", "--t", "0.3"], "--t is for two frames"),
        (["animate", "{photo}", "-o", "{tmp}/a.gif", "--motion", ""], "unknown motion ''"),  # was zoom_in
    ],
)
def test_options_that_cannot_apply_are_errors(tmp_path, photo, capsys, argv, message):
    argv = [a.replace("{photo}", str(photo)).replace("{tmp}", str(tmp_path)) for a in argv]
    assert main([*argv, "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0]
