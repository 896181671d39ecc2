"""One limit for every command: a clip's size given as WxH is at most 8K a side, its frame rate in (0, 240]
(story and deforum stopped at 4096 and required fps >= 1, where animate and loop did not)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from stillmotion.cli import main
from stillmotion.errors import InputError
from stillmotion.generate.deforum_settings import read_settings
from stillmotion.generate.story import load_story, parse_size
from stillmotion.io import write_image
from stillmotion.render.sizes import MAX_FPS, MAX_OUTPUT_SIDE, check_timing, output_size


def test_every_size_and_frame_rate_limit_is_the_shared_one(tmp_path):
    assert (MAX_OUTPUT_SIDE, MAX_FPS) == (7680, 240)
    assert output_size("7680x4320", (100, 100)) == parse_size("7680x4320") == (7680, 4320)  # animate; story, deforum
    for size in ("7682x16", "16x7682"):
        for parse in (parse_size, lambda s: output_size(s, (100, 100))):
            with pytest.raises(InputError, match="within 16..7680"):
                parse(size)
    write_image(tmp_path / "a.png", np.full((6, 8, 3), 0.5, np.float32))
    (tmp_path / "s.yaml").write_text("fps: 0.5\nsize: 7680x16\nscenes:\n  - image: a.png\n")
    story = load_story(tmp_path / "s.yaml")
    assert (story.fps, story.width, story.height) == (0.5, 7680, 16)
    (tmp_path / "d.json").write_text(json.dumps({"W": 7680, "H": 64, "fps": 0.5}))
    settings = read_settings(tmp_path / "d.json")
    assert (settings.width, settings.height, settings.fps) == (7680, 64, 0.5)
    (tmp_path / "s.yaml").write_text("fps: 241\nscenes:\n  - image: a.png\n")
    with pytest.raises(InputError, match=r"fps: expected a number in \(0, 240\]"):
        load_story(tmp_path / "s.yaml")
    with pytest.raises(InputError, match=r"fps must be within \(0, 240\], got 241"):
        check_timing(fps=241, duration_s=1, fov_deg=55)


def test_story_and_deforum_take_the_frame_rates_animate_takes(tmp_path, capsys):
    write_image(tmp_path / "a.png", np.random.default_rng(0).random((48, 64, 3)).astype(np.float32))
    (tmp_path / "s.yaml").write_text("size: 64x48\nscenes:\n  - {image: a.png, duration: 4, motion: static}\n")
    (tmp_path / "d.json").write_text(json.dumps({"W": 64, "H": 48, "max_frames": 2}))
    story = ["story", str(tmp_path / "s.yaml")]
    deforum = ["deforum", str(tmp_path / "d.json"), "--image", str(tmp_path / "a.png")]
    for i, command in enumerate((story, deforum)):
        assert main([*command, "-o", f"{tmp_path}/out{i}/", "--fps", "0.5", "--quiet"]) == 0, capsys.readouterr().err
        assert len(list((tmp_path / f"out{i}").glob("*.png"))) == 2
        assert main([*command, "-o", f"{tmp_path}/bad{i}/", "--fps", "241"]) == 2
        assert capsys.readouterr().err == "error: --fps must be in (0, 240], got 241\n"
    for command in (["animate", str(tmp_path / "a.png")], ["loop", str(tmp_path / "a.png"), "--material", "clouds"]):
        assert main([*command, "-o", f"{tmp_path}/bad/", "--fps", "241"]) == 2
        assert re.search(r"fps must be (in|within) \(0, 240\], got 241$", capsys.readouterr().err.strip())
