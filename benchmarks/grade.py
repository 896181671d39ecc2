"""Per-frame cost of each grade preset (and of depth of field alone) at 1920x1080 and 832x448.

Prints one JSON line per case: {"bench": "grade", "preset", "size", "wall_ms_per_frame",
"cpu_ms_per_frame"}. The machine is shared, so wall times are noisy; CPU time (all threads of this
process) is the steadier figure. The median of four frames is reported.
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


def main() -> None:
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
