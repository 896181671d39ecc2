"""Per-frame cost of each grade preset (and of depth of field alone) at 1920x1080 and 832x448, and what
a grade adds to a whole ``stillmotion animate`` run.

    python benchmarks/grade.py [--animate-only | --frames-only]

Prints one JSON line per case: {"bench": "grade", "preset", "size", "wall_ms_per_frame",
"cpu_ms_per_frame"}. The machine is shared, so wall times are noisy; CPU time (all threads of this
process) is the steadier figure. The median of four frames is reported.

Then {"bench": "grade_animate", ...}: wall and CPU seconds of ``stillmotion animate`` on the shared DAVIS
photo (1920x1080, 1 s at 24 fps, orbit_left, its depth given as a file) without a grade and with
``--recipe portrait`` (depth of field, the film look, grain), the best of two runs each.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from stillmotion.grade import PRESETS, Grader, parse_grade  # noqa: E402

CASES = [*PRESETS, "dof=1.0", "dof=2.0,bokeh=hexagon", "grain=0.3", "lut_identity"]


def animate_cost() -> None:
    """A whole animate run without and with a grade (frames are graded on the renderer's threads), timed
    as benchmarks/speed.py times its runs."""
    import os
    import tempfile

    from speed import DEFAULT_PHOTO, best, run_timed  # benchmarks/ is this script's directory

    if not DEFAULT_PHOTO.exists():
        print(json.dumps({"bench": "grade_animate", "skipped": f"photo not found: {DEFAULT_PHOTO}"}))
        return
    from stillmotion.depth import estimate
    from stillmotion.io import read_image

    with tempfile.TemporaryDirectory() as tmp:
        depth = Path(tmp) / "depth.npy"
        np.save(depth, estimate(read_image(DEFAULT_PHOTO)).values)
        base = [sys.executable, "-m", "stillmotion", "animate", str(DEFAULT_PHOTO), "--motion", "orbit_left",
                "--fps", "24", "--depth", str(depth), "--quiet", "-o", str(Path(tmp) / "out.mp4")]  # fmt: skip
        run_timed(base + ["--duration", "0.25"])  # warm the numba cache
        for label, extra in (("none", []), ("recipe portrait", ["--recipe", "portrait"])):
            wall, cpu, _ = best(2, run_timed, base + ["--duration", "1", *extra])
            print(json.dumps({"bench": "grade_animate", "grade": label, "size": "1920x1080", "frames": 24,
                              "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                              "load_average": round(os.getloadavg()[0], 2)}), flush=True)  # fmt: skip


def main() -> None:
    if "--animate-only" not in sys.argv:
        frame_cost()
    if "--frames-only" not in sys.argv:
        animate_cost()


def frame_cost() -> None:
    rng = np.random.default_rng(0)
    for width, height in ((1920, 1080), (832, 448)):
        image = np.clip(rng.random((height, width, 3), dtype=np.float32), 0, 1)
        depth = np.tile(np.linspace(0, 1, width, dtype=np.float32), (height, 1))
        for case in CASES:
            if case == "lut_identity":
                import tempfile

                n = 33
                axis = np.linspace(0, 1, n)
                rows = [f"{r} {g} {b}" for b in axis for g in axis for r in axis]
                tmp = Path(tempfile.mkdtemp()) / "id.cube"
                tmp.write_text(f"LUT_3D_SIZE {n}\n" + "\n".join(rows))
                config = parse_grade(f"lut={tmp}")
            else:
                config = parse_grade(case)
            grader = Grader(config, frame_count=8)
            grader(image, depth, 0)  # warm-up (numba compile, kernel caches)
            wall, cpu = [], []
            for i in range(1, 5):
                t0, c0 = time.perf_counter(), time.process_time()
                grader(image, depth, i)
                wall.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            print(json.dumps({"bench": "grade", "preset": case, "size": f"{width}x{height}",
                              "wall_ms_per_frame": round(1000 * statistics.median(wall), 1),
                              "cpu_ms_per_frame": round(1000 * statistics.median(cpu), 1)}), flush=True)


if __name__ == "__main__":
    main()
