"""The parser: a command's own options, without the other commands' imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stillmotion.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def test_the_parser_of_one_command_leaves_the_others_modules_unimported():
    code = ("import sys, stillmotion.cli; p = stillmotion.cli.build_parser('animate'); "
            "p.parse_args(['animate', 'a.jpg', '-o', 'b.mp4']); print('stillmotion.cinemagraph' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})  # fmt: skip
    assert out.stdout.strip() == "False", out.stderr


def test_every_command_still_parses_its_options_and_lists_the_others():
    args = build_parser("loop").parse_args(["loop", "p.jpg", "-o", "o.mp4", "--material", "water"])
    assert args.material == "water"
    with pytest.raises(SystemExit):  # animate's options were not added to this parser
        build_parser("loop").parse_args(["animate", "p.jpg", "-o", "o.mp4"])
    assert "loop" in build_parser("animate").format_help()
    assert build_parser().parse_args(["animate", "p.jpg", "-o", "o.mp4"]).photo == "p.jpg"


@pytest.mark.parametrize(("argv", "said"), [
    (["loop", "p.png", "-o", "o.mp4", "--size", "3x3"], "unrecognized arguments: --size 3x3 (see 'stillmotion loop --help')"),
    (["--bogus"], "unrecognized arguments: --bogus (see 'stillmotion --help')"),
])  # fmt: skip
def test_an_unknown_option_points_at_its_commands_help(argv, said, capsys):
    from stillmotion.cli import main

    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2 and capsys.readouterr().err == f"error: {said}\n"


def _help(command: str) -> str:
    return " ".join(build_parser(command).commands[command].format_help().split())  # one line, single spaces


def test_every_photo_argument_says_its_formats_bmp_included():
    # animate's left out BMP (which works); view's photo argument had no description
    for command in ("animate", "loop", "view", "depth", "inpaint"):
        assert "photo the photo (PNG, JPEG, WebP, TIFF, HEIC, BMP)" in _help(command), command
    assert "--fov FOV the photo's field of view in degrees (default 55)" in _help("view")


def test_motions_and_their_aliases_share_one_column(capsys):
    # a long alias (spin_counterclockwise) pushed its "=" out of line
    from stillmotion.cli import main

    assert main(["motions", "--aliases"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    columns = {len(line) - len(line.split("  ", 1)[1].lstrip()) for line in lines}
    assert len(columns) == 1, columns
