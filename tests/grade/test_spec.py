import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from stillmotion.errors import InputError
from stillmotion.grade import PRESETS, GradeConfig, Grader, parse_grade

ROOT = Path(__file__).resolve().parents[2]


def test_custom_spec_parses_to_a_frozen_config(tmp_path):
    (tmp_path / "FILE.cube").write_text("LUT_3D_SIZE 2\n")
    lut = tmp_path / "FILE.cube"
    config = parse_grade(f"grain=0.3,vignette=0.2,lut={lut},lift=0.01:0.02:0.03,focus=0.9>0.1,letterbox=2.39:1")
    assert config.grain == 0.3 and config.vignette == 0.2 and config.lut_path == str(lut)
    assert config.lift == (0.01, 0.02, 0.03) and config.focus == (0.9, 0.1)
    assert abs(config.letterbox_aspect - 2.39) < 1e-9
    with pytest.raises(AttributeError):
        config.grain = 1.0  # frozen


def test_preset_then_overrides():
    film = parse_grade("film")
    assert film.grain > 0 and film.contrast > 0
    tweaked = parse_grade("film,grain=0.9")
    assert tweaked.grain == 0.9 and tweaked.contrast == film.contrast
    assert parse_grade("") == GradeConfig() and parse_grade("none") == GradeConfig()


def test_a_missing_lut_file_is_refused_when_the_spec_is_read(tmp_path):
    # it was found only when the grader was built, after the depth of the first frame (~3 s into animate)
    from stillmotion.api import AnimateConfig

    with pytest.raises(InputError, match="LUT not found: .*nope.cube"):
        parse_grade(f"film,lut={tmp_path / 'nope.cube'}")
    with pytest.raises(InputError, match="LUT not found"):
        AnimateConfig(grade=f"lut={tmp_path / 'nope.cube'}")
    with pytest.raises(InputError, match="is a directory"):
        parse_grade(f"lut={tmp_path}")
    # only the LUT the grade keeps is read: a preset after it drops it
    assert parse_grade(f"lut={tmp_path / 'nope.cube'},film") == parse_grade("film")


def test_a_preset_replaces_everything_before_it():
    # presets were layered on what came before: "film,none" was the whole film grade
    assert parse_grade("film,none") == GradeConfig()
    assert parse_grade("film,noir") == parse_grade("noir")  # film's warm lift and bloom are gone
    assert parse_grade("grain=0.9,film") == parse_grade("film")
    assert parse_grade("none", base=parse_grade("film")) == GradeConfig()
    assert parse_grade("noir,grain=0.1") == dataclasses.replace(parse_grade("noir"), grain=0.1)
    assert parse_grade("scope") == parse_grade("film,letterbox=2.39,dof=0.8,bokeh=hexagon")


@pytest.mark.parametrize(
    "spec, fragment",
    [
        ("grian=0.3", "unknown key 'grian'"),
        ("grain=lots", "grain must be a number in 0..2, got 'lots'"),
        ("vignette=3", "vignette must be a number in 0..1"),
        ("lift=0.1:0.2", "lift must be"),
        ("bokeh=star", "bokeh must be one of disc, hexagon"),
        ("focus=2", "focus must be auto, a depth D in 0..1 (0 = farthest, 1 = nearest) or a pull START>END, got '2'"),
        ("lut=", "lut must be the path of a .cube file, got ''"),  # not Python's "None or ..."
        ("letterbox=9", "letterbox must be an aspect in 0.2..5 (2.39, 2.39:1, 16:9) or none, got '9'"),
        ("letterbox=0", "letterbox must be an aspect in 0.2..5 (2.39, 2.39:1, 16:9) or none, got '0'"),  # was none
        ("sepia", "unknown preset 'sepia'"),
    ],
)
def test_parser_errors_are_one_line(spec, fragment):
    with pytest.raises(InputError) as info:
        parse_grade(spec)
    assert fragment in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    "fields, fragment",
    [
        # each made it through to the frames: all-NaN frames, an all-black frame, a TypeError in the focus
        # pull, an interpolation silently replaced, a plain ValueError from the bokeh kernel
        ({"grain": float("nan")}, "GradeConfig.grain must be a number in 0..2, got nan"),
        ({"letterbox_aspect": -2}, "GradeConfig.letterbox_aspect must be a width/height ratio in 0.2..5"),
        ({"lut_interpolation": "bogus"}, "GradeConfig.lut_interpolation must be one of tetrahedral, trilinear"),
        ({"bokeh": "star"}, "GradeConfig.bokeh must be one of disc, hexagon, got 'star'"),
        ({"focus": (0.2, 1.5)}, "GradeConfig.focus must be a depth in 0..1"),
        ({"gamma": (1.0, 1.0)}, "GradeConfig.gamma must be a number in 0.2..5, or three (R, G, B)"),
        ({"grain_seed": 1.5}, "GradeConfig.grain_seed must be an integer"),
        ({"lut_path": ""}, "GradeConfig.lut_path must be None or the path of a .cube file"),
    ],
)
def test_a_config_built_directly_is_checked_by_the_specs_rules(fields, fragment):
    with pytest.raises(InputError) as info:
        GradeConfig(**fields)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_a_config_built_directly_stores_numbers_as_the_spec_does():
    config = GradeConfig(focus=0.5, lift=0.02, gain=[1, 0.9, 0.8], grain=1)
    assert config == parse_grade("focus=0.5,lift=0.02,gain=1:0.9:0.8,grain=1")
    assert config.focus == (0.5, 0.5) and config.gain == (1.0, 0.9, 0.8) and isinstance(config.grain, float)
    image = np.random.default_rng(1).random((24, 32, 3), dtype=np.float32)
    depth = np.tile(np.linspace(0, 1, 32, dtype=np.float32), (24, 1))
    out = Grader(dataclasses.replace(config, dof_radius_pct=1.0), frame_count=2)(image, depth, 1)
    assert np.isfinite(out).all()  # a single focus number made a TypeError in the focus pull


def test_every_preset_parses_and_grades():
    assert {"film", "teal_orange", "noir", "dream"} <= set(PRESETS)
    rng = np.random.default_rng(0)
    image = rng.random((48, 64, 3), dtype=np.float32)
    depth = np.tile(np.linspace(0, 1, 64, dtype=np.float32), (48, 1))
    for name, (description, _) in PRESETS.items():
        assert description and "\n" not in description
        out = Grader(parse_grade(name), frame_count=3)(image, depth, 1)
        assert out.shape == image.shape and out.dtype == np.float32
        assert 0.0 <= out.min() and out.max() <= 1.0
        if name != "none":
            assert np.abs(out - image).mean() > 0.01
    noir = Grader(parse_grade("noir"), frame_count=1)(image, depth, 0)
    np.testing.assert_allclose(noir[..., 0], noir[..., 1], atol=0.08)  # monochrome up to chroma grain


def test_grades_command_lists_presets():
    env = {"PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run([sys.executable, "-m", "stillmotion", "grades"], capture_output=True, text=True, env=env)
    assert res.returncode == 0
    names = [line.split()[0] for line in res.stdout.splitlines() if line.strip()]
    assert names == list(PRESETS)


def test_grade_specs_found_by_qa(tmp_path, monkeypatch, caplog):
    """letterbox=-16:-9 was taken as 1.78; lut=~/x.cube was not found; a comma in a LUT's path said only
    "unknown preset"; focus= and bokeh= without dof= did nothing, silently."""
    with pytest.raises(InputError, match="letterbox must be an aspect"):
        parse_grade("letterbox=-16:-9")
    monkeypatch.setenv("HOME", str(tmp_path))
    lut = tmp_path / "x.cube"
    lut.write_text("LUT_3D_SIZE 2\n" + "0 0 0\n" * 8)
    assert parse_grade("lut=~/x.cube").lut_path == str(lut)
    with pytest.raises(InputError, match="unknown preset 'look.cube' \\(a comma in a LUT's path splits the spec"):
        parse_grade("lut=luts/my,look.cube")
    with caplog.at_level("WARNING"):
        parse_grade("focus=0.3,bokeh=hexagon")
    assert "--grade: focus and bokeh do nothing without dof=RADIUS (depth of field); ignored" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING"):
        parse_grade("dof=1,focus=0.3")
        parse_grade("scope")
    assert "nothing without dof" not in caplog.text
