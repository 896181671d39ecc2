"""Novel-view synthesis on rectified stereo pairs: render the right view from the left photo and its true
disparity, compare with the real right photo.

    python benchmarks/nvs_stereo.py --data ../shared/data/middlebury_stereo_cones [DIR ...]

Each DIR holds ``left_rgb.png``, ``right_rgb.png`` and ``gt_disp_left.tif`` (disparity in pixels,
0 = unknown; a left pixel (x, y) with disparity d lands at (x - d, y)). Prints one JSON line per scene
and method: PSNR and SSIM (skimage.metrics) over all pixels and over the disoccluded ones, i.e. the right
view's pixels that no left pixel covers (from the forward-splat coverage of the known disparities, with
the surface torn where neighbouring disparities jump by more than a pixel). The disoccluded pixels are
split in two: ``border``, the strip beyond the left photo's right edge (right of where each row's
rightmost left pixel lands: content the left camera never saw), and ``behind_edges``, the holes that
open behind foreground edges; ``visible`` is everything else.

Methods, all computed in the same run:

- ``baseline``: nearest-pixel forward splat with a z-buffer (nearer wins), holes filled by OpenCV Telea.
- ``view/<backend>``: the stillmotion renderer and its depth-aware hole filling with each inpaint
  backend, through the same code as ``stillmotion view ... --depth-kind disparity --baseline 1``.

With ``--bounds``, reference rows that no method can reach from the left view alone, to tell how far
the target is: ``bound/visible_floor`` (the left photo sampled bilinearly at the right view's *true*
disparity: what resampling can achieve on the visible pixels), ``bound/perfect_inside`` (the baseline in
the border strip, the real right photo everywhere else) and ``bound/border_blur<s>`` (the baseline, with
the border strip replaced by the real right photo blurred by a Gaussian of s px: any smooth
extrapolation of unseen content does worse). They read the right photo and disparity, as references only.
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


def regions(disparity: np.ndarray, valid: np.ndarray) -> dict[str, np.ndarray]:
    """Right-view masks: ``disoccluded`` (no left pixel covers it), split into ``border`` (beyond where
    each row's rightmost left pixel lands, unknown disparities taken from the far side) and
    ``behind_edges``; ``visible`` is the rest."""
    from stillmotion.io.depth_fill import fill_invalid
    from stillmotion.types import Depth, DepthKind

    disoccluded = ~coverage(disparity, valid)
    filled = fill_invalid(Depth(disparity, DepthKind.DISPARITY, valid)).values
    columns = np.arange(disparity.shape[1], dtype=np.float32)[None, :]
    beyond = columns > (columns - filled).max(axis=1, keepdims=True)
    return {
        "disoccluded": disoccluded,
        "border": disoccluded & beyond,
        "behind_edges": disoccluded & ~beyond,
        "visible": ~disoccluded,
    }


def _psnr(rendered: np.ndarray, truth: np.ndarray, region: np.ndarray) -> float:
    err = np.mean((rendered[region] - truth[region]) ** 2) if region.any() else 0.0
    return round(float(10 * np.log10(1.0 / max(err, 1e-12))), 3)


def metrics(rendered: np.ndarray, truth: np.ndarray, masks: dict[str, np.ndarray]) -> dict:
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    psnr_all = peak_signal_noise_ratio(truth, rendered, data_range=1.0)
    ssim_all, ssim_map = structural_similarity(truth, rendered, data_range=1.0, channel_axis=2, full=True)
    region = masks["disoccluded"]
    return {
        "psnr_all": round(float(psnr_all), 3),
        "ssim_all": round(float(ssim_all), 4),
        "psnr_disoccluded": _psnr(rendered, truth, region),
        "ssim_disoccluded": round(float(ssim_map[region].mean()), 4),
        "psnr_border": _psnr(rendered, truth, masks["border"]),
        "psnr_behind_edges": _psnr(rendered, truth, masks["behind_edges"]),
        "psnr_visible": _psnr(rendered, truth, masks["visible"]),
    }


def bounds(folder: Path, left: np.ndarray, right: np.ndarray, baseline: np.ndarray,
           masks: dict[str, np.ndarray]) -> list[tuple[str, np.ndarray]]:  # fmt: skip
    """Reference images (see the module's docstring); they read the right view's truth."""
    import cv2

    depth_right = read_depth(folder / "gt_disp_right.tif", "disparity")
    h, w = depth_right.shape
    map_x = np.arange(w, dtype=np.float32)[None, :] + depth_right.values.astype(np.float32)
    map_y = np.repeat(np.arange(h, dtype=np.float32)[:, None], w, axis=1)
    floor = cv2.remap(left, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    floor = np.where(masks["visible"][:, :, None], floor, baseline)
    border = masks["border"][:, :, None]
    rows = [("bound/visible_floor", floor), ("bound/perfect_inside", np.where(border, baseline, right))]
    for sigma in (2, 8):
        rows.append((f"bound/border_blur{sigma}", np.where(border, cv2.GaussianBlur(right, (0, 0), sigma), baseline)))
    return rows


def render_right(left: np.ndarray, depth, backend: str) -> np.ndarray:
    """The right view through the same code as ``stillmotion view --depth-kind disparity --baseline 1``."""
    from stillmotion.api import render_view

    return render_view(left, depth, move=(1.0, 0.0, 0.0), inpaint_backend=backend)


def run_scene(folder: Path, backends: tuple[str, ...], args_save: Path | None = None, *,
              with_bounds: bool = False) -> list[dict]:  # fmt: skip
    left = read_image(folder / "left_rgb.png")
    right = read_image(folder / "right_rgb.png")
    depth = read_depth(folder / "gt_disp_left.tif", "disparity")
    valid = depth.valid if depth.valid is not None else np.ones(depth.shape, bool)
    disparity = depth.values
    masks = regions(disparity, valid)
    rows = []
    start = time.perf_counter()
    splat, covered = nearest_splat(left, disparity, valid)
    baseline = opencv_fill(splat, ~covered, method="telea", radius_px=5.0)
    if args_save is not None:
        from stillmotion.io import write_image

        write_image(args_save / f"{folder.name}_baseline.png", baseline)
    base = {"scene": folder.name, "method": "baseline", "seconds": round(time.perf_counter() - start, 3)}
    base.update(metrics(baseline, right, masks))
    base.update({f"{name}_px": int(mask.sum()) for name, mask in masks.items()})
    rows.append(base)
    if with_bounds and (folder / "gt_disp_right.tif").is_file():
        for name, image in bounds(folder, left, right, baseline, masks):
            row = {"scene": folder.name, "method": name}
            row.update(metrics(image, right, masks))
            rows.append(row)
    for backend in backends:
        start = time.perf_counter()
        rendered = render_right(left, depth, backend)
        if args_save is not None:
            from stillmotion.io import write_image

            write_image(args_save / f"{folder.name}_{backend}.png", rendered)
        row = {"scene": folder.name, "method": f"view/{backend}", "seconds": round(time.perf_counter() - start, 3)}
        row.update(metrics(rendered, right, masks))
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
    parser.add_argument("--bounds", action="store_true", help="also print the reference bounds (see above)")
    args = parser.parse_args(argv)
    for folder in args.data:
        for row in run_scene(folder, tuple(args.backends), args.save, with_bounds=args.bounds):
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
