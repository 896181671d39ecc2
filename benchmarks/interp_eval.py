"""Frame interpolation quality and speed: PSNR/SSIM of synthesised frames against true ones.

    python benchmarks/interp_eval.py --data ../shared/data/middlebury_flow ../shared/data/video_frames/sintel_raft_demo
        [--methods baseline splat splat-raft] [--raft-weights PATH] [--speed]

Middlebury: frame10i11.png from frame10.png and frame11.png (t = 0.5). A folder of numbered frames
(sintel_raft_demo): each inner frame t from frames t-1 and t+1, averaged over the sequence. The baseline
(DIS-medium flow + plain backward warping of both frames, averaged) runs in the same process.

Methods ending in ``-clip`` (``splat-clip``, ``splat-cli-clip``) interpolate a folder's frames as a clip,
the way ``stillmotion interpolate FRAMES/ --factor 2`` does: its even frames and its odd frames are each
taken as a half-rate clip and doubled, so every inner frame t is again predicted without itself, from
t-1 and t+1, but with the clip's frames t-3 and t+3 beside them (quadratic motion; the first and last
pair of each half-rate clip have one neighbour only). The frames scored are the same as the two-frame
methods'. Middlebury pairs have no neighbours, so there ``-clip`` equals the two-frame method.
``--speed`` also times 2x interpolation of a synthetic-motion 1280x720 clip (output frames per second,
counting each input frame and each new middle frame, as a 2x clip has them).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from stillmotion.interpolate import FAST_FLOW, FAST_FLOW_MAX_PIXELS, create_interpolator  # noqa: E402
from stillmotion.io import read_image  # noqa: E402

SHARED = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data") if p.exists()),
              ROOT.parent / "shared" / "data")  # fmt: skip
DEFAULT_DATA = [SHARED / "middlebury_flow", SHARED / "video_frames" / "sintel_raft_demo"]


def find_cases(folders: list[Path]) -> dict[str, list[tuple[Path, Path, Path]]]:
    """sequence name -> list of (frame before, frame after, true middle frame)."""
    return find_sequences(folders)[0]


def find_sequences(folders: list[Path]) -> tuple[dict[str, list[tuple[Path, Path, Path]]], dict[str, list[Path]]]:
    """(sequence name -> list of (frame before, frame after, true middle frame), folder sequence name ->
    all its frames in order)."""
    cases: dict[str, list] = {}
    clips: dict[str, list[Path]] = {}
    for folder in folders:
        subdirs = [p for p in sorted(folder.iterdir()) if p.is_dir()]
        for seq in subdirs + [folder]:
            if (seq / "frame10i11.png").exists():
                cases[seq.name] = [(seq / "frame10.png", seq / "frame11.png", seq / "frame10i11.png")]
            elif seq is folder:
                frames = sorted(p for p in seq.iterdir() if p.suffix.lower() == ".png")
                if len(frames) >= 3:
                    cases[seq.name] = [(frames[i - 1], frames[i + 1], frames[i]) for i in range(1, len(frames) - 1)]
                    clips[seq.name] = frames
    return cases, clips


def make(method: str, args):
    method = method.removesuffix("-clip")
    if method == "baseline":
        return create_interpolator("backward", flow="dis", flow_options={"preset": "medium"})
    if method == "splat-raft":
        return create_interpolator("splat", flow="raft", flow_options={"weights": args.raft_weights, "iters": args.iters})
    if method == "splat-cli":  # what the CLI runs by default: fast tuned DIS at <= 250k pixels
        return create_interpolator("splat", flow=FAST_FLOW, flow_options={"max_pixels": FAST_FLOW_MAX_PIXELS})
    if method == "splat-cli-medium":  # the first round's CLI default: DIS-medium at <= 250k pixels
        return create_interpolator("splat", flow="dis", flow_options={"max_pixels": FAST_FLOW_MAX_PIXELS})
    if method.startswith("splat-flow-"):  # splat-flow-<flow backend>
        return create_interpolator("splat", flow=method[11:])
    return create_interpolator(method)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b) ** 2))
    return 10 * np.log10(1.0 / max(mse, 1e-12))


def quantise(image: np.ndarray) -> np.ndarray:
    return np.round(np.clip(image, 0, 1) * 255) / 255  # as written to an 8-bit PNG


def clip_predictions(method, frames: list[Path]):
    """(path of the true frame, predicted frame) for every inner frame of ``frames``, each predicted by
    doubling the half-rate clip (even or odd frames) that leaves it out."""
    from stillmotion.interpolate.clip import interpolate_clip
    from stillmotion.interpolate.timeline import output_times

    for parity in (0, 1):
        half = frames[parity::2]
        out = interpolate_clip((read_image(p) for p in half), list(output_times(len(half), factor=2)), method)
        for j, frame in enumerate(out):
            if j % 2 == 1:
                yield frames[parity + j], frame


def speed(method, args) -> dict:
    """2x interpolation of a 1280x720 clip made by panning a large photo (real texture, known motion)."""
    from skimage import data, transform

    photo = transform.resize(data.astronaut(), (1100, 1700), anti_aliasing=True).astype(np.float32)
    frames = [photo[40 + 3 * k : 760 + 3 * k, 50 + 7 * k : 1330 + 7 * k].copy() for k in range(args.speed_frames)]
    method.interpolate(frames[0], frames[1], [0.5])  # warm-up (numba compile/cache load)
    start, cpu_start = time.perf_counter(), time.process_time()
    for k in range(len(frames) - 1):
        method.interpolate(frames[k], frames[k + 1], [0.5])
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    outputs = 2 * (len(frames) - 1)  # each pair yields its first frame and a new middle frame
    # cpu_bound_fps: what 2 idle cores would give if the work were spread perfectly (an upper bound); the
    # wall-clock figure is what this (possibly shared) machine gave
    return {"speed_1280x720_2x_output_fps": round(outputs / elapsed, 2),
            "cpu_s_per_pair": round(cpu / (len(frames) - 1), 3),
            "cpu_bound_fps_2_cores": round(2 * outputs / cpu, 2), "pairs": len(frames) - 1}  # fmt: skip


def main() -> int:
    from skimage.metrics import structural_similarity

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--methods", nargs="+", default=["baseline", "splat", "splat-cli", "splat-clip", "splat-cli-clip"],
                        help="baseline, splat (full-size flow), splat-cli (CLI default), splat-colour, splat-raft, splat-flow-NAME; "
                             "any of them + '-clip': frame folders interpolated as clips (see above)")  # fmt: skip
    parser.add_argument("--raft-weights", type=Path)
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--speed-frames", type=int, default=11)
    args = parser.parse_args()
    cases, clips = find_sequences([d for d in args.data if d.exists()])
    if not cases:
        print(json.dumps({"error": "no sequences found"}))
        return 1
    results: dict[str, dict[str, float]] = {}
    for mname in args.methods:
        method = make(mname, args)
        results[mname] = {}
        for seq, triples in cases.items():
            ps, ss, ts = [], [], []
            if mname.endswith("-clip") and seq in clips:
                t0 = time.perf_counter()
                predicted = list(clip_predictions(method, clips[seq]))
                ts = [(time.perf_counter() - t0) / len(predicted)]
                assert sorted(p for p, _ in predicted) == sorted(t for _, _, t in triples)
            else:
                predicted = []
                for before, after, truth in triples:
                    a, b = read_image(before), read_image(after)
                    t0 = time.perf_counter()
                    predicted.append((truth, method.interpolate(a, b, [0.5])[0]))
                    ts.append(time.perf_counter() - t0)
            for truth, frame in predicted:
                mid, gt = quantise(frame), read_image(truth)
                ps.append(psnr(mid, gt))
                ss.append(structural_similarity(mid, gt, channel_axis=2, data_range=1.0))
            row = {"method": mname, "sequence": seq, "frames": len(predicted), "psnr_db": round(float(np.mean(ps)), 3),
                   "ssim": round(float(np.mean(ss)), 4), "time_s_per_frame": round(float(np.mean(ts)), 3)}  # fmt: skip
            results[mname][seq] = row["psnr_db"]
            print(json.dumps(row), flush=True)
        if args.speed and mname in ("baseline", "splat-cli"):
            print(json.dumps({"method": mname, **speed(method, args)}), flush=True)
    if "baseline" in results:
        for mname, per_seq in results.items():
            if mname == "baseline":
                continue
            gains = {s: round(p - results["baseline"][s], 3) for s, p in per_seq.items()}
            print(json.dumps({"method": mname, "gain_db_vs_baseline": gains,
                              "meets_1.5db_everywhere": all(g >= 1.5 for g in gains.values())}), flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
