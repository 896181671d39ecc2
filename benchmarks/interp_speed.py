"""End-to-end speed of `stillmotion interpolate CLIP.mp4 -o OUT.mp4 --factor 2` on a 1280x720 clip.

    python benchmarks/interp_speed.py [--frames 48] [--repeat 1] [--keep DIR] [-- EXTRA CLI ARGS]

The clip is a synthetic camera pan over a real photo (DAVIS frame from ../shared/data/video_frames, or
scikit-image's astronaut when that is absent) with a second photo (scikit-image's cat) moving the other
way in front of it, so there is parallax-like occlusion at its edges. It is encoded once as H.264 with the
project's encoder settings, then the CLI command runs in a child process. Prints one JSON line per run:
wall time, CPU time of the command and its children (decoder and encoder ffmpeg included), output frames
per second by wall clock and the CPU-bound estimate for two idle cores, and the load average before and
after (the machine is shared: wall figures are only as good as the load allows). Target: >= 10 output
frames per second on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PHOTO = ROOT.parent / "shared" / "data" / "video_frames" / "davis_pair" / "davis_0.jpg"
WIDTH, HEIGHT = 1280, 720


def background() -> np.ndarray:
    if PHOTO.exists():
        from stillmotion.io import read_image

        photo = read_image(PHOTO)
    else:
        from skimage import data

        photo = data.astronaut().astype(np.float32) / 255.0
    return cv2.resize(photo, (1700, 1000), interpolation=cv2.INTER_AREA)


def sprite() -> np.ndarray:
    from skimage import data

    cat = data.chelsea().astype(np.float32) / 255.0
    return cv2.resize(cat, (360, 270), interpolation=cv2.INTER_AREA)


def make_clip(path: Path, frames: int) -> None:
    """Pan 6 px/frame right and 2 px/frame down; the sprite moves 9 px/frame left over it."""
    from stillmotion.io import open_writer

    bg, fg = background(), sprite()
    with open_writer(path, fps=24, width=WIDTH, height=HEIGHT) as writer:
        for k in range(frames):
            frame = bg[20 + 2 * k : 20 + 2 * k + HEIGHT, 30 + 6 * k : 30 + 6 * k + WIDTH].copy()
            x, y = 820 - 9 * k, 300 + k
            frame[y : y + fg.shape[0], x : x + fg.shape[1]] = fg
            writer.write(frame)


def run(video: Path, out: Path, extra: list[str]) -> dict:
    cmd = [sys.executable, "-m", "stillmotion", "interpolate", str(video), "-o", str(out), "--factor", "2", "--quiet", *extra]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    _, status, usage = os.wait4(proc.pid, 0)  # rusage of the command and the children it waited for
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    cpu = usage.ru_utime + usage.ru_stime
    import imageio_ffmpeg

    count, _ = imageio_ffmpeg.count_frames_and_secs(str(out))
    return {
        "command": "stillmotion interpolate CLIP.mp4 -o OUT.mp4 --factor 2 " + " ".join(extra),
        "size": f"{WIDTH}x{HEIGHT}", "output_frames": count, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
        "output_fps_wall": round(count / wall, 2), "cpu_s_per_output_frame": round(cpu / count, 4),
        "output_fps_cpu_bound_2_cores": round(2 * count / cpu, 2),
        "load_avg_before": round(load_before, 2), "load_avg_after": round(os.getloadavg()[0], 2),
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=48, help="input frames (24 fps)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the clip and the output in this folder")
    parser.add_argument("extra", nargs="*", help="extra CLI options, after --")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        video = folder / "pan720.mp4"
        if not video.exists():
            make_clip(video, args.frames)
        for _ in range(args.repeat):
            print(json.dumps(run(video, folder / "pan720_x2.mp4", args.extra)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
