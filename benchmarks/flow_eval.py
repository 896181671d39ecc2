"""Optical flow accuracy and speed: EPE (all pixels; non-occluded where masks exist) and time per backend.

    python benchmarks/flow_eval.py --data ../shared/data/mpi_sintel_flow ../shared/data/middlebury_flow \
        [--backends dis-ultrafast dis-fast dis-medium classical classical-hq raft] [--raft-weights PATH]

Prints one JSON line per (backend, sequence) and one summary line per backend. DIS presets are always
run in the same process as the others so that timings compare under the same machine load.
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

from stillmotion.flow import create_backend  # noqa: E402
from stillmotion.io import read_image  # noqa: E402
from stillmotion.io.flo import read_flo, unknown_flow_mask  # noqa: E402

# ../shared/data beside the checkout (one more level up from a worktree under wt/)
SHARED = next((p for p in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data") if p.exists()),
              ROOT.parent / "shared" / "data")  # fmt: skip
DEFAULT_DATA = [SHARED / "mpi_sintel_flow", SHARED / "middlebury_flow"]


def find_sequences(folders: list[Path]) -> list[dict]:
    """Sintel-style (<seq>/clean/frame_0002.png, gt/frame_0002.flo) and Middlebury-style (<seq>/frame10.png,
    flow10.flo) sequences under the given folders."""
    found = []
    for folder in folders:
        for seq in sorted(p for p in folder.iterdir() if p.is_dir()):
            clean = seq / "clean"
            if (clean / "gt" / "frame_0002.flo").exists():
                occ = clean / "gt" / "occlusions" / "frame_0002.png"
                found.append(dict(name=f"{seq.name}/clean", a=clean / "frame_0002.png", b=clean / "frame_0003.png",
                                  gt=clean / "gt" / "frame_0002.flo", occ=occ if occ.exists() else None))  # fmt: skip
            elif (seq / "flow10.flo").exists():
                found.append(dict(name=seq.name, a=seq / "frame10.png", b=seq / "frame11.png", gt=seq / "flow10.flo", occ=None))
    return found


def make_backend(name: str, args):
    if name.startswith("dis-"):
        return create_backend("dis", preset=name[4:])
    if name == "raft":
        return create_backend("raft", weights=args.raft_weights, iters=args.iters)
    return create_backend(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--backends", nargs="+", default=["dis-ultrafast", "dis-fast", "dis-medium", "classical", "classical-hq"])
    parser.add_argument("--raft-weights", type=Path, default=None)
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="time = best of this many runs")
    args = parser.parse_args()
    seqs = find_sequences([d for d in args.data if d.exists()])
    if not seqs:
        print(json.dumps({"error": "no sequences found", "data": [str(d) for d in args.data]}))
        return 1
    loaded = []
    for s in seqs:
        gt = read_flo(s["gt"])
        valid = ~unknown_flow_mask(gt)
        noc = None
        if s["occ"] is not None:
            noc = valid & (read_image(s["occ"])[..., 0] < 0.5)
        loaded.append((s["name"], read_image(s["a"]), read_image(s["b"]), gt, valid, noc))
    import cv2

    cv2.setNumThreads(2)
    summary = {}
    for bname in args.backends:
        backend = make_backend(bname, args)
        epes, times = [], []
        for name, a, b, gt, valid, noc in loaded:
            backend.estimate(a, b)  # warm-up (first-call allocations, JIT, thread pools)
            best = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                flow = backend.estimate(a, b)
                best = min(best, time.perf_counter() - t0)
            err = np.linalg.norm(flow - gt, axis=2)
            row = {"backend": bname, "sequence": name, "size": f"{a.shape[1]}x{a.shape[0]}",
                   "epe_all": round(float(err[valid].mean()), 4), "time_s": round(best, 4)}  # fmt: skip
            if noc is not None:
                row["epe_noc"] = round(float(err[noc].mean()), 4)
            print(json.dumps(row), flush=True)
            epes.append(row["epe_all"])
            times.append(best)
        summary[bname] = (float(np.mean(epes)), float(np.sum(times)), epes)
    ref = summary.get("dis-medium")
    for bname, (mean_epe, total_t, epes) in summary.items():
        row = {"backend": bname, "summary": True, "mean_epe_all": round(mean_epe, 4), "total_time_s": round(total_t, 4)}
        if ref is not None:
            row["epe_vs_dis_medium_pct"] = round(100 * (mean_epe / ref[0] - 1), 1)
            row["time_vs_dis_medium"] = round(total_t / ref[1], 2)
            row["beats_dis_medium_everywhere"] = all(e < r for e, r in zip(epes, ref[2]))
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
