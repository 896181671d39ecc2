"""Depth accuracy and speed of the depth backends.

    PYTHONPATH=src python benchmarks/depth_eval.py --data ../shared/data/middlebury_stereo_cones [DIR ...]

For every folder holding ``left_rgb.png`` and ``gt_disp_left.tif`` (true disparity in pixels, 0 = unknown)
and for scikit-image's ``stereo_motorcycle()`` (inf = unknown), prints one JSON line per (scene, method):
AbsRel and delta<1.25 after a least-squares scale-and-shift alignment of the prediction to the true
disparity (over the known pixels), and the wall time of the estimate. The trivial prior "disparity = row
index" is scored the same way. The target: classical AbsRel <= 0.75 x the prior's on every scene.

A second kind of line times each backend on a synthetic-free 1080p photo (the motorcycle photo resized to
1920x1080; each repeat a slightly darker copy, so that nothing remembered from the previous repeat, such
as the detected faces, is reused). Wall-clock times are noisy on a shared machine; the CPU time is steadier.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import cv2  # noqa: E402

from stillmotion import depth as depth_stage  # noqa: E402
from stillmotion.io import read_image  # noqa: E402


def _shared_data() -> Path:
    """``../shared/data`` beside the repo (or beside a parent, for git worktrees)."""
    for base in ROOT.parents:
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def align_scale_shift(pred: np.ndarray, gt: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Least-squares ``s * pred + t`` matching ``gt`` over ``valid`` pixels."""
    p = pred[valid].astype(np.float64)
    g = gt[valid].astype(np.float64)
    a = np.stack([p, np.ones_like(p)], axis=1)
    (s, t), *_ = np.linalg.lstsq(a, g, rcond=None)
    return (s * pred + t).astype(np.float64)


def score(pred: np.ndarray, gt: np.ndarray, valid: np.ndarray) -> dict:
    aligned = align_scale_shift(pred, gt, valid)
    g = gt[valid].astype(np.float64)
    a = np.maximum(aligned[valid], 1e-3 * g.max())
    abs_rel = float(np.mean(np.abs(a - g) / g))
    ratio = np.maximum(a / g, g / a)
    return {"abs_rel": round(abs_rel, 4), "delta1": round(float(np.mean(ratio < 1.25)), 4)}


def scenes(dirs: list[str]):
    for d in dirs:
        d = Path(d)
        rgb, gt = d / "left_rgb.png", d / "gt_disp_left.tif"
        if not (rgb.exists() and gt.exists()):
            print(json.dumps({"skipped": str(d), "reason": "no left_rgb.png + gt_disp_left.tif"}), flush=True)
            continue
        import tifffile

        disp = tifffile.imread(gt).astype(np.float32)
        if disp.ndim == 3:
            disp = disp[:, :, 0]
        yield d.name, read_image(rgb), disp, np.isfinite(disp) & (disp > 0)
    try:
        from skimage import data

        left, _right, disp = data.stereo_motorcycle()
        disp = disp.astype(np.float32)
        yield "stereo_motorcycle", left.astype(np.float32) / 255.0, disp, np.isfinite(disp) & (disp > 0)
    except Exception as exc:  # noqa: BLE001 - optional scene
        print(json.dumps({"skipped": "stereo_motorcycle", "reason": str(exc)}), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="*", default=[str(_shared_data() / "middlebury_stereo_cones")])
    parser.add_argument("--backends", nargs="*", default=["classical"])
    parser.add_argument("--repeat", type=int, default=3, help="timing repeats (best is reported)")
    args = parser.parse_args()

    speed_image = None
    warm = np.random.default_rng(0).random((64, 96, 3)).astype(np.float32)
    for backend in args.backends:  # load cascades / weights once, outside the timings
        depth_stage.estimate(warm, backend=backend)
    for name, image, gt, valid in scenes(args.data):
        h, w = gt.shape
        rows = np.broadcast_to(np.arange(h, dtype=np.float32)[:, None], (h, w))
        prior = score(rows, gt, valid)
        print(json.dumps({"scene": name, "method": "row_prior", **prior}), flush=True)
        speed_image = image
        for backend in args.backends:
            t0 = time.perf_counter()
            depth = depth_stage.estimate(image, backend=backend)
            seconds = time.perf_counter() - t0
            result = score(depth.values, gt, valid)
            ratio = result["abs_rel"] / prior["abs_rel"]
            print(json.dumps({"scene": name, "method": backend, **result, "seconds": round(seconds, 3),
                              "abs_rel_vs_prior": round(ratio, 3), "target_met": ratio <= 0.75}), flush=True)

    if speed_image is not None:
        big = cv2.resize(speed_image, (1920, 1080), interpolation=cv2.INTER_CUBIC)
        for backend in args.backends:
            times, cpu = [], []
            for i in range(args.repeat):
                photo = big * np.float32(1.0 - 0.01 * (i + 1))
                t0, c0 = time.perf_counter(), time.process_time()
                depth_stage.estimate(photo, backend=backend)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            print(json.dumps({"speed": backend, "size": "1920x1080", "best_s": round(min(times), 3),
                              "median_s": round(float(np.median(times)), 3), "best_cpu_s": round(min(cpu), 3),
                              "load_avg_1min": round(os.getloadavg()[0], 2)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
