"""Speed of ``stillmotion loop``: a 1920x1080, 3 s, 24 fps loop to mp4, against encoding the same frames.

Prints JSON lines. The photo is the mountain stream of ../shared/data/photos scaled up to 1080p with the
example water mask and hints (examples/); the loop is rendered once to mp4 (timed, the real command) and
once to PNG frames (not timed), whose frames are then encoded alone with the same encoder settings.
Target: the loop takes at most 3x the encode-only time. Timings are noisy on a shared machine, so CPU
seconds (process plus encoder) are printed too: their ratio is less sensitive to other work.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# ../shared/data beside the repo; STILLMOTION_DATA overrides it (e.g. from a git worktree elsewhere)
DATA = Path(os.environ.get("STILLMOTION_DATA", ROOT.parent / "shared" / "data")) / "photos" / "kodak_kodim13_mountain_stream.png"
SCALE, CROP_TOP, WIDTH, HEIGHT = 2.5, 200, 1920, 1080


def _prepare(tmp: Path) -> list[str]:
    photo = cv2.imread(str(DATA))
    big = cv2.resize(photo, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_CUBIC)[CROP_TOP : CROP_TOP + HEIGHT]
    mask = cv2.imread(str(ROOT / "examples" / "stream_water_mask.png"), cv2.IMREAD_GRAYSCALE)
    mask = cv2.resize(mask, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_LINEAR)[CROP_TOP : CROP_TOP + HEIGHT]
    cv2.imwrite(str(tmp / "photo.png"), big)
    cv2.imwrite(str(tmp / "mask.png"), mask)
    hints = json.loads((ROOT / "examples" / "stream_water_hints.json").read_text())["hints"]
    args = []
    for h in hints:
        x, y = h["x"] * SCALE, h["y"] * SCALE - CROP_TOP
        if 0 <= y < HEIGHT:
            args += ["--hint", f"{x:g},{y:g},{h['dx'] * SCALE:g},{h['dy'] * SCALE:g}"]
    return [str(tmp / "photo.png"), "--mask", str(tmp / "mask.png"), *args, "--material", "water"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the command and its encoder) of one ``stillmotion loop`` run."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "stillmotion", "loop", *args, "--quiet"], check=True, env=env)
    return time.perf_counter() - start, _children_cpu() - cpu


def _encode_only(frames_dir: Path, out: Path) -> tuple[float, float, int]:
    sys.path.insert(0, str(ROOT / "src"))
    from stillmotion.io import open_writer

    frames = [cv2.imread(str(p))[:, :, ::-1].copy() for p in sorted(frames_dir.glob("*.png"))]
    cpu, start = _children_cpu() + _own_cpu(), time.perf_counter()
    with open_writer(out, fps=24, width=WIDTH, height=HEIGHT) as writer:
        for frame in frames:
            writer.write(frame)
    return time.perf_counter() - start, _children_cpu() + _own_cpu() - cpu, len(frames)


def main() -> None:
    if not DATA.exists():
        print(json.dumps({"skipped": f"missing {DATA}"}))
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        args = _prepare(tmp)
        timing = ["--duration", "3", "--fps", "24"]
        loop_s, loop_cpu = _run([*args, "-o", str(tmp / "loop.mp4"), *timing])
        _run([*args, "-o", str(tmp / "frames") + "/", *timing])
        encode_s, encode_cpu, count = _encode_only(tmp / "frames", tmp / "encode.mp4")
    result = {
        "benchmark": "loop_1080p_3s_24fps_mp4",
        "frames": count,
        "loop_s": round(loop_s, 2),
        "encode_only_s": round(encode_s, 2),
        "ratio": round(loop_s / encode_s, 2),
        "target_ratio": 3.0,
        "loop_cpu_s": round(loop_cpu, 2),
        "encode_only_cpu_s": round(encode_cpu, 2),
        "cpu_ratio": round(loop_cpu / encode_cpu, 2),
        "cpus": os.cpu_count(),
        "load_avg_1min": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
