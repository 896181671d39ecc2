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


_THREADS = """
import resource, sys, threading
import numpy as np
from stillmotion import heap
if sys.argv[1] == "reuse":
    assert heap.reuse_freed_memory()
else:  # the thresholds alone, with glibc's heap per thread
    import ctypes
    mallopt = ctypes.CDLL(None).mallopt
    mallopt(heap._M_MMAP_THRESHOLD, heap.HEAP_BLOCK_BYTES)
    mallopt(heap._M_TRIM_THRESHOLD, heap.KEEP_FREE_BYTES)

go = [threading.Event(), threading.Event()]
done = [threading.Event(), threading.Event()]
faults = []

def worker(k):  # two workers alive at once, as the renderer's are; each frees its frame's temporary
    small = np.ones(1000)  # the thread has taken its heap
    go[k].wait()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    image = np.ones((1080, 1920, 3), np.float32)
    del image
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    done[k].set()

threads = [threading.Thread(target=worker, args=(k,)) for k in (0, 1)]
for t in threads:
    t.start()
go[0].set(); done[0].wait()  # the first worker's frame
go[1].set(); done[1].wait()  # then the second's: does it reuse the block the first freed?
for t in threads:
    t.join()
print(faults[1])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_block_freed_by_one_worker_thread_serves_the_next():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    faults = {mode: int(subprocess.run([sys.executable, "-c", _THREADS, mode], capture_output=True, text=True,
                                       env=env, check=True).stdout)
              for mode in ("per_thread", "reuse")}  # fmt: skip
    assert faults["per_thread"] > 100, faults  # the second thread's own heap: fresh pages (huge ones, some)
    assert faults["reuse"] * 10 < faults["per_thread"], faults  # the block the first thread freed
