"""CPU time per stage of ``loop_frames`` on the 1080p benchmark input of ``loop_speed.py`` (no encoding).

Prints one JSON line: CPU seconds (``time.thread_time`` of whichever thread runs the stage: the forward
half and the blend run on the calling thread, the backward half on a worker) for the field, the crossfade
schedule, the splats, their finishing, the composition of the halves, the contrast-preserving blend, the
hole fill and the Euler steps, plus the whole render's process CPU and wall time. Timings are noisy on a
shared machine: compare runs made at a similar load average (printed too).
"""

from __future__ import annotations

import collections
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import loop_speed  # noqa: E402  (the same input)

_totals: collections.Counter = collections.Counter()
_lock = threading.Lock()


def _timed(module, name: str, label: str) -> None:
    inner = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.thread_time()
        try:
            return inner(*args, **kwargs)
        finally:
            with _lock:
                _totals[label] += time.thread_time() - start

    setattr(module, name, wrapper)


def main() -> None:
    if not loop_speed.DATA.exists():
        print(json.dumps({"skipped": f"missing {loop_speed.DATA}"}))
        return
    from stillmotion.cinemagraph import build_field, get_material, loop_frames
    from stillmotion.cinemagraph import integrate, render
    from stillmotion.cinemagraph.hints import MotionHints, parse_hint
    from stillmotion.cinemagraph.mask_file import read_mask
    from stillmotion.io import read_image

    for name, label in (
        ("splat_into", "splat"), ("finish_half", "finish_half"), ("compose_halves", "compose"),
        ("blend_into", "blend"), ("_fill_holes", "fill"), ("crossfade_times", "schedule"),
    ):  # fmt: skip
        _timed(render, name, label)
    _timed(integrate, "euler_step", "euler")
    with tempfile.TemporaryDirectory() as tmp:
        args = loop_speed._prepare(Path(tmp))
        hints = MotionHints(tuple(parse_hint(a) for prev, a in zip(args, args[1:]) if prev == "--hint"))
        image = read_image(args[0])
        h, w = image.shape[:2]
        region = read_mask(args[2], size=(w, h), what="mask")
    cpu = time.process_time()
    field = build_field(image, region, fps=24, hints=hints, material=get_material("water"))
    field_s = time.process_time() - cpu
    for _ in loop_frames(image, field, region, frame_count=2):  # load the compiled kernels
        pass
    _totals.clear()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in loop_frames(image, field, region, frame_count=72):
        pass
    result = {
        "benchmark": "loop_stages_1080p_72_frames",
        "field_cpu_s": round(field_s, 2),
        "render_cpu_s": round(time.process_time() - cpu, 2),
        "render_wall_s": round(time.perf_counter() - wall, 2),
        **{f"{k}_cpu_s": round(v, 2) for k, v in _totals.most_common()},
        "load_avg_1min": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
