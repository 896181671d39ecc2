"""The heap setting of the ``stillmotion`` command: frame-sized arrays freed and allocated again reuse
memory instead of faulting in fresh pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_FRAMES = """
import resource, sys
import numpy as np
from stillmotion.heap import reuse_freed_memory
if sys.argv[1] == "reuse":
    assert reuse_freed_memory()

def frame():
    inverse = np.ones((1080, 1920), np.float32)  # a frame's arrays, returned to the caller
    image = np.ones((1080, 1920, 3), np.uint8)
    scratch = np.ones((1080, 1920), np.uint8)  # and a temporary freed within the frame
    del scratch
    return inverse, image

kept = [frame() for _ in range(3)][-1]  # the caller holds the last frame while the next one renders
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    kept = frame()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_freed_frames_are_reused_without_page_faults():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    faults = {mode: int(subprocess.run([sys.executable, "-c", _FRAMES, mode], capture_output=True, text=True,
                                       env=env, check=True).stdout) for mode in ("default", "reuse")}  # fmt: skip
    pages = 10 * (1080 * 1920 * (4 + 3 + 1)) // 4096
    assert faults["default"] > 0.1 * pages and faults["reuse"] < 0.01 * pages, faults
