"""Novel-view synthesis on rectified stereo pairs: render the right view from the left photo and its true
disparity, compare with the real right photo.

    python benchmarks/nvs_stereo.py --data ../shared/data/middlebury_stereo_cones [DIR ...]

Each DIR holds ``left_rgb.png``, ``right_rgb.png`` and ``gt_disp_left.tif`` (disparity in pixels,
0 = unknown; a left pixel (x, y) with disparity d lands at (x - d, y)). Prints one JSON line per scene
and method: PSNR and SSIM (skimage.metrics) over all pixels and over the disoccluded ones, i.e. the right
view's pixels that no left pixel covers (from the forward-splat coverage of the known disparities, with
the surface torn where neighbouring disparities jump by more than a pixel).

Methods, all computed in the same run:

- ``baseline``: nearest-pixel forward splat with a z-buffer (nearer wins), holes filled by OpenCV Telea.
- ``view/<backend>``: the stillmotion renderer and its depth-aware hole filling with each inpaint
  backend, through the same code as ``stillmotion view ... --depth-kind disparity --baseline 1``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numba as nb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from stillmotion.inpaint.opencv import opencv_fill  # noqa: E402
from stillmotion.io import read_depth, read_image  # noqa: E402

BACKENDS = ("patch", "telea", "ns")


@nb.njit(cache=True)
def nearest_splat(image, disparity, valid):
    """Baseline: each known left pixel goes to round(x - d); the larger disparity (nearer) wins."""
    height, width = disparity.shape
    out = np.zeros_like(image)
    zbuf = np.full((height, width), -1.0, np.float32)
    for y in range(height):
        for x in range(width):
            if not valid[y, x]:
                continue
            d = disparity[y, x]
            xr = int(np.floor(x - d + 0.5))
            if 0 <= xr < width and d > zbuf[y, xr]:
                zbuf[y, xr] = d
                out[y, xr] = image[y, x]
    return out, zbuf >= 0.0


@nb.njit(cache=True)
def coverage(disparity, valid):
    """Right-view pixels seen from the left: each pair of horizontal neighbours on one surface (both
    known, disparities within 1 px) covers the pixel centres between their landing points."""
    height, width = disparity.shape
    seen = np.zeros((height, width), np.bool_)
    for y in range(height):
        for x in range(width):
            if not valid[y, x]:
                continue
            a = x - disparity[y, x]
            xa = int(np.floor(a + 0.5))
            if 0 <= xa < width:
                seen[y, xa] = True
            if x + 1 < width and valid[y, x + 1] and abs(disparity[y, x + 1] - disparity[y, x]) <= 1.0:
                b = x + 1 - disparity[y, x + 1]
                lo = int(np.ceil(min(a, b)))
                hi = int(np.floor(max(a, b)))
                for xr in range(max(lo, 0), min(hi, width - 1) + 1):
                    seen[y, xr] = True
    return seen


def metrics(rendered: np.ndarray, truth: np.ndarray, region: np.ndarray) -> dict:
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    psnr_all = peak_signal_noise_ratio(truth, rendered, data_range=1.0)
    ssim_all, ssim_map = structural_similarity(truth, rendered, data_range=1.0, channel_axis=2, full=True)
    err = np.mean((rendered[region] - truth[region]) ** 2)
    psnr_dis = float(10 * np.log10(1.0 / max(err, 1e-12)))
    return {
        "psnr_all": round(float(psnr_all), 3),
        "ssim_all": round(float(ssim_all), 4),
        "psnr_disoccluded": round(psnr_dis, 3),
        "ssim_disoccluded": round(float(ssim_map[region].mean()), 4),
    }


def render_right(left: np.ndarray, depth, backend: str) -> np.ndarray:
    """The right view through the same code as ``stillmotion view --depth-kind disparity --baseline 1``."""
    from stillmotion.api import render_view

    return render_view(left, depth, move=(1.0, 0.0, 0.0), inpaint_backend=backend)


def run_scene(folder: Path, backends: tuple[str, ...], args_save: Path | None = None) -> list[dict]:
    left = read_image(folder / "left_rgb.png")
    right = read_image(folder / "right_rgb.png")
    depth = read_depth(folder / "gt_disp_left.tif", "disparity")
    valid = depth.valid if depth.valid is not None else np.ones(depth.shape, bool)
    disparity = depth.values
    seen = coverage(disparity, valid)
    region = ~seen
    rows = []
    start = time.perf_counter()
    splat, covered = nearest_splat(left, disparity, valid)
    baseline = opencv_fill(splat, ~covered, method="telea", radius_px=5.0)
    if args_save is not None:
        from stillmotion.io import write_image

        write_image(args_save / f"{folder.name}_baseline.png", baseline)
    base = {"scene": folder.name, "method": "baseline", "seconds": round(time.perf_counter() - start, 3)}
    base.update(metrics(baseline, right, region))
    base["disoccluded_px"] = int(region.sum())
    rows.append(base)
    for backend in backends:
        start = time.perf_counter()
        rendered = render_right(left, depth, backend)
        if args_save is not None:
            from stillmotion.io import write_image

            write_image(args_save / f"{folder.name}_{backend}.png", rendered)
        row = {"scene": folder.name, "method": f"view/{backend}", "seconds": round(time.perf_counter() - start, 3)}
        row.update(metrics(rendered, right, region))
        row["gain_all_db"] = round(row["psnr_all"] - base["psnr_all"], 3)
        row["gain_disoccluded_db"] = round(row["psnr_disoccluded"] - base["psnr_disoccluded"], 3)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # ../shared/data from the repo root (a git worktree may sit one folder deeper)
    data = next((p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()), ROOT.parent / "shared" / "data")
    default = data / "middlebury_stereo_cones"
    parser.add_argument("--data", nargs="+", type=Path, default=[default], help="scene folders")
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), help="inpaint backends to compare")
    parser.add_argument("--save", type=Path, default=None, help="folder to write the rendered views into")
    args = parser.parse_args(argv)
    for folder in args.data:
        for row in run_scene(folder, tuple(args.backends), args.save):
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
