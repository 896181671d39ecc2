"""The ``stillmotion`` command's exit: the code, every line of output, and a reader that goes away."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT / "src"))


def _command(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "stillmotion", *args], env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)  # fmt: skip


def test_all_output_arrives_through_a_pipe_and_the_exit_code_is_kept():
    out, err = _command("motions", "--aliases").communicate(timeout=60)
    from stillmotion.camera import MOTIONS

    assert len(out.splitlines()) >= len(MOTIONS) >= 16
    assert out.endswith("\n") and err == ""
    bad = _command("animate", "missing.jpg", "-o", "out.mp4")
    _, err = bad.communicate(timeout=60)
    assert bad.returncode == 2 and err.startswith("error: ")


def test_a_reader_that_stops_early_is_not_an_internal_error():
    proc = _command("motions", "--aliases", bufsize=0)
    proc.stdout.readline()
    proc.stdout.close()  # like `stillmotion motions | head -1`
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert "internal error" not in err and "Traceback" not in err
