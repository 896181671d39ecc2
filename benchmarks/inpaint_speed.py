"""Speed of the inpainting backends on a 1080p photo with a 10 % hole (not a test: timings are noisy).

    python benchmarks/inpaint_speed.py [--photo FILE] [--fraction 0.10] [--repeat 3]

Prints one JSON line per backend and hole shape: best wall time over the repeats (after a warm-up that
loads the numba cache), the CPU time of that run, and numba's thread count. Hole shapes: ``blobs``
(random ellipses, as in object removal) and ``bands`` (thin vertical bands beside edges, as a camera
move reveals). Then one line per photo of ``../shared/data/photos`` for the border fill
(``animate --border fill``'s ``extend_photo``: the photo at 640 px on its long side, a 12 % margin);
``--no-border`` skips those.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from stillmotion.inpaint import inpaint  # noqa: E402
from stillmotion.io import read_image  # noqa: E402


def blobs(shape, fraction, seed=0):
    rng = np.random.default_rng(seed)
    h, w = shape
    mask = np.zeros(shape, np.uint8)
    while mask.mean() < fraction:
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        axes = (int(rng.integers(20, 90)), int(rng.integers(20, 90)))
        cv2.ellipse(mask, centre, axes, float(rng.integers(0, 180)), 0, 360, 1, -1)
    return mask > 0


def bands(shape, fraction, seed=0):
    rng = np.random.default_rng(seed)
    h, w = shape
    mask = np.zeros(shape, bool)
    while mask.mean() < fraction:
        x, y = int(rng.integers(0, w - 60)), int(rng.integers(0, h // 2))
        mask[y : y + int(rng.integers(h // 4, h // 2)), x : x + int(rng.integers(8, 50))] = True
    return mask


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data = next((p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()), ROOT.parent / "shared" / "data")
    parser.add_argument("--photo", type=Path, default=data / "photos" / "kodak_kodim13_mountain_stream.png")
    parser.add_argument("--fraction", type=float, default=0.10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", nargs="+", default=["patch", "telea", "ns"])
    parser.add_argument("--no-border", action="store_true", help="skip the border-fill rows")
    args = parser.parse_args(argv)
    import numba

    image = cv2.resize(read_image(args.photo), (1920, 1080), interpolation=cv2.INTER_CUBIC)
    for shape_name, make in (("blobs", blobs), ("bands", bands)):
        hole = make(image.shape[:2], args.fraction)
        for backend in args.backends:
            inpaint(image[:270, :480], hole[:270, :480], backend=backend)  # warm-up: numba cache, imports
            best = None
            for _ in range(args.repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                inpaint(image, hole, backend=backend)
                run = (time.perf_counter() - wall, time.process_time() - cpu)
                best = run if best is None or run[0] < best[0] else best
            print(json.dumps({"backend": backend, "hole": shape_name, "size": "1920x1080",
                              "hole_fraction": round(float(hole.mean()), 4), "wall_s": round(best[0], 3),
                              "cpu_s": round(best[1], 3), "threads": numba.get_num_threads()}), flush=True)  # fmt: skip
    if not args.no_border:
        border_rows(data / "photos", args.repeat)
    return 0


def border_rows(folder: Path, repeat: int) -> None:
    """Time ``extend_photo`` (the border fill) on each photo of ``folder`` at 640 px, 12 % margin."""
    import numba

    from stillmotion.inpaint.outpaint import extend_photo

    for path in sorted(folder.glob("*.jp*g")) + sorted(folder.glob("*.png")):
        photo = read_image(path)
        scale = 640 / max(photo.shape[:2])
        photo = cv2.resize(photo, (round(photo.shape[1] * scale), round(photo.shape[0] * scale)), interpolation=cv2.INTER_AREA)
        q = np.ones(photo.shape[:2], np.float32)
        margin = round(0.12 * max(photo.shape[:2]))
        extend_photo(photo[:64, :64], q[:64, :64], 8)  # warm-up
        best = None
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            extend_photo(photo, q, margin)
            run = (time.perf_counter() - wall, time.process_time() - cpu)
            best = run if best is None or run[0] < best[0] else best
        print(json.dumps({"backend": "patch", "border_fill": path.name, "size": f"{photo.shape[1]}x{photo.shape[0]}",
                          "margin_px": margin, "wall_s": round(best[0], 3), "cpu_s": round(best[1], 3),
                          "threads": numba.get_num_threads()}), flush=True)  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
