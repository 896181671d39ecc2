"""Speed of the generate stage (not a test). Prints JSON lines.

    PYTHONPATH=src python benchmarks/generate.py

- schedule: evaluating a 10 000-frame expression schedule
- deforum_2d_classical: a 2D Deforum run with the classical repair, 512x384, frames per second
- deforum_3d_classical: the same in 3D mode (one scene build, one render per frame), 512x384
- story: a 3-scene photo story, 832x448, 24 fps, 3 s per scene, to mp4 (needs the spine's renderer)
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import resource
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _photo() -> np.ndarray:
    from skimage import data

    return data.astronaut().astype(np.float32) / 255


def bench_schedule() -> dict:
    from stillmotion.generate.schedule import schedule_values

    start = time.perf_counter()
    values = schedule_values("0:(1.0), 30:(1.04+0.02*sin(2*3.14*t/30)), 5000:(1), 7000:(t/max_f)", 10_000)
    return {"bench": "schedule", "frames": len(values), "seconds": round(time.perf_counter() - start, 4)}


def bench_deforum(mode: str, width: int, height: int, frames: int) -> dict:
    from stillmotion.generate.deforum_run import deforum_frames
    from stillmotion.generate.deforum_settings import settings_from_mapping

    settings = settings_from_mapping({
        "animation_mode": mode, "max_frames": frames, "W": width, "H": height, "zoom": "0:(1.01)",
        "angle": "0:(0.2)", "translation_x": "0:(1)", "translation_z": "0:(2)", "rotation_3d_y": "0:(0.2)",
        "diffusion_cadence": 1, "seed": 1,
    }, base=ROOT)  # fmt: skip
    start = time.perf_counter()
    count = sum(1 for _ in deforum_frames(settings, init_image=_photo()))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"bench": f"deforum_{mode.lower()}_classical", "size": f"{width}x{height}", "frames": count,
            "seconds": round(seconds, 2), "fps": round(count / seconds, 2), "peak_rss_mb": round(peak / 2**20, 1)}  # fmt: skip


def bench_story() -> dict:
    from stillmotion.generate.film import render_story
    from stillmotion.generate.story import story_from_mapping
    from stillmotion.io import write_image

    with tempfile.TemporaryDirectory() as tmp:
        write_image(Path(tmp) / "a.png", _photo())
        story = story_from_mapping({"fps": 24, "size": "landscape", "scenes": [
            {"image": "a.png", "motion": m, "duration": 3} for m in ("zoom_in", "orbit_left", "pan_right")]},
            base=Path(tmp))  # fmt: skip
        start = time.perf_counter()
        count = render_story(story, Path(tmp) / "story.mp4")
        seconds = time.perf_counter() - start
    return {"bench": "story", "size": "832x448", "frames": count, "seconds": round(seconds, 2),
            "fps": round(count / seconds, 2)}  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(bench_schedule()), flush=True)
    print(json.dumps(bench_deforum("2D", 512, 384, 48)), flush=True)
    for bench in (lambda: bench_deforum("3D", 512, 384, 48), bench_story):
        try:
            print(json.dumps(bench()), flush=True)
        except NotImplementedError as exc:
            print(json.dumps({"bench": getattr(bench, "__name__", "3d"), "skipped": str(exc)}), flush=True)
