"""Speed and memory of `stillmotion animate` against the time to only encode the same frames.

    python benchmarks/speed.py [--photo PHOTO] [--motion NAME]

Prints JSON lines: for 1920x1080 (source size of a 1080p photo) and 832x448 (landscape preset), the wall
time of `stillmotion animate` for a 4 s, 24 fps mp4 with and without --depth, the time to only encode the
96 frames it produced with the same encoder settings, the ratios, and the peak resident memory of the
largest process. Targets on 2 cores: with --depth <= 2.0x encode-only, default estimator <= 2.5x, peak
memory < 1 GB at 1080p.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PHOTO = ROOT.parent / "shared" / "data" / "video_frames" / "davis_pair" / "davis_0.jpg"
sys.path.insert(0, str(ROOT / "src"))


def run_timed(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (the process and the encoder it waited for) and peak RSS (MB) of the
    largest process of ``cmd``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    # as a user runs it: Python's bytecode cache is written by the warm-up run and read by the timed ones
    # (with PYTHONDONTWRITEBYTECODE set, every run would compile the renderer's modules again, ~0.1 s)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def encode_only(video: Path, out: Path, fps: float) -> tuple[float, float]:
    """Decode ``video`` fully into memory, then time encoding those frames with our writer: wall and CPU
    seconds (this process and the encoder)."""
    import imageio_ffmpeg
    import numpy as np

    from stillmotion.io import open_writer

    reader = imageio_ffmpeg.read_frames(str(video))
    meta = next(reader)
    width, height = meta["size"]
    frames = [np.frombuffer(f, np.uint8).reshape(height, width, 3) for f in reader]
    start, cpu0 = time.perf_counter(), _cpu_seconds()
    with open_writer(out, fps=fps, width=width, height=height) as writer:
        for frame in frames:
            writer.write(frame)
    return time.perf_counter() - start, _cpu_seconds() - cpu0


def _cpu_seconds() -> float:
    own = os.times()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.user + own.system + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo", type=Path, default=DEFAULT_PHOTO)
    parser.add_argument("--motion", default="orbit_left")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is kept")
    args = parser.parse_args()
    if not args.photo.exists():
        raise SystemExit(f"photo not found: {args.photo}")
    import numpy as np

    from stillmotion.depth import estimate
    from stillmotion.io import read_image

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        depth_file = tmp / "depth.npy"
        np.save(depth_file, estimate(read_image(args.photo)).values)
        base = [sys.executable, "-m", "stillmotion", "animate", str(args.photo), "--motion", args.motion,
                "--duration", "4", "--fps", "24", "--quiet"]  # fmt: skip
        # warm the numba cache so compilation is not timed
        run_timed(base + ["-o", str(tmp / "warm.mp4"), "--duration", "0.25", "--depth", str(depth_file)])
        for size in ("source", "landscape"):
            with_depth, cpu_d, mem_d = best(args.repeat, run_timed, base + ["--size", size, "-o", str(tmp / "d.mp4"),
                                                                          "--depth", str(depth_file)])  # fmt: skip
            estimated, cpu_e, mem_e = best(args.repeat, run_timed, base + ["--size", size, "-o", str(tmp / "e.mp4")])
            enc, cpu_enc = best(args.repeat, encode_only, tmp / "d.mp4", tmp / "enc.mp4", 24.0)
            import imageio_ffmpeg

            meta = next(imageio_ffmpeg.read_frames(str(tmp / "d.mp4")))
            print(json.dumps({
                "benchmark": "animate_speed", "photo": args.photo.name, "motion": args.motion,
                "size": "x".join(map(str, meta["size"])), "frames": 96,
                "animate_with_depth_s": round(with_depth, 2), "animate_estimated_s": round(estimated, 2),
                "encode_only_s": round(enc, 2),
                "ratio_with_depth": round(with_depth / enc, 2), "ratio_estimated": round(estimated / enc, 2),
                "cpu_with_depth_s": round(cpu_d, 2), "cpu_estimated_s": round(cpu_e, 2), "cpu_encode_only_s": round(cpu_enc, 2),
                "cpu_ratio_with_depth": round(cpu_d / cpu_enc, 2), "cpu_ratio_estimated": round(cpu_e / cpu_enc, 2),
                "peak_mem_mb": round(max(mem_d, mem_e), 1), "cpus": os.cpu_count(),
                "load_average": round(os.getloadavg()[0], 2),
            }), flush=True)  # fmt: skip


def best(repeat: int, measure, *args):
    """The run with the shortest wall time among ``repeat`` runs of ``measure(*args)``."""
    return min((measure(*args) for _ in range(max(1, repeat))), key=lambda result: result[0])


if __name__ == "__main__":
    main()
