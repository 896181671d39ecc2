"""Fine detail of a classical 3D Deforum run, frame by frame (not a test). Prints JSON lines.

    PYTHONPATH=src python benchmarks/deforum_detail.py [SETTINGS] [PHOTO] [--frames N] [--png DIR]

``detail``: mean squared Laplacian of the grey frame (0-255 levels) inside a 16-pixel margin, the
high-pass energy a resampling blur removes first; ``band``: the mean squared difference of Gaussian
blurs (sigma 0.8 and 2), the fine texture the eye sees, less dominated by the highest frequencies.
``reference``: both scores of the photo seen once from the frame's composed pose, at the photo's own
resolution (the crop the run's frame 0 is shrunk from), sampled with the renderer's clamped Lanczos
and shrunk to the frame as frame 0 was (area): one resampling, at a finer grid than the frame's.
``--png`` writes the frames and 96x96 crops (4x, nearest) of detailed regions at frames 0, 1, 10, 30.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

MARGIN = 16
CROPS = {"rocks": (150, 250), "trees": (20, 40)}  # (y, x) of 96x96 regions of the stream photo
LOOKED_AT = (0, 1, 10, 30)


def detail(image: np.ndarray) -> float:
    grey = cv2.cvtColor(np.clip(image, 0, 1).astype(np.float32), cv2.COLOR_RGB2GRAY) * 255.0
    lap = cv2.Laplacian(grey, cv2.CV_32F, ksize=1)[MARGIN:-MARGIN, MARGIN:-MARGIN]
    return float(np.mean(lap.astype(np.float64) ** 2))


def band(image: np.ndarray) -> float:
    grey = cv2.cvtColor(np.clip(image, 0, 1).astype(np.float32), cv2.COLOR_RGB2GRAY) * 255.0
    diff = cv2.GaussianBlur(grey, (0, 0), 0.8) - cv2.GaussianBlur(grey, (0, 0), 2.0)
    return float(np.mean(diff[MARGIN:-MARGIN, MARGIN:-MARGIN].astype(np.float64) ** 2))


class Reference:
    """The photo at its own resolution seen from a run's poses (see the module's docstring)."""

    def __init__(self, photo: np.ndarray, settings) -> None:
        from stillmotion import depth as depth_stage
        from stillmotion.generate.deforum_motion import MIRROR_PAD, Motion3D
        from stillmotion.generate.film import cover_box
        from stillmotion.generate.motion3d import MirroredSource

        w, h = settings.width, settings.height
        x0, y0, cw, ch = cover_box(photo.shape[1], photo.shape[0], w, h)
        crop = np.ascontiguousarray(photo[y0 : y0 + ch, x0 : x0 + cw])
        self.motion = Motion3D({name: settings.series(name) for name in settings.schedules}, width=w, height=h)
        self.motion.start(crop)
        self.source = MirroredSource(crop, depth_stage.estimate(crop), fov_deg=self.motion.fovs[0],
                                     states=self.motion._states, mirror_pad=MIRROR_PAD)  # fmt: skip
        self.size = (w, h)

    def view(self, frame: int) -> np.ndarray:
        from stillmotion.render.renderer import render
        from stillmotion.types import Intrinsics

        src = self.source
        intr = Intrinsics.from_fov(src.width, src.height, self.motion.fovs[frame])
        big = render(src.scene, self.motion._states[frame], intr, interpolation=cv2.INTER_LANCZOS4).image
        return cv2.resize(big, self.size, interpolation=cv2.INTER_AREA)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("settings", nargs="?", default=str(ROOT / "examples/deforum_3d_a1111.json"))
    parser.add_argument("photo", nargs="?", default=str(ROOT.parent / "shared/data/photos/kodak_kodim13_mountain_stream.png"))
    parser.add_argument("--frames", type=int, default=31)
    parser.add_argument("--png", default=None)
    args = parser.parse_args()

    from stillmotion.generate.deforum_run import deforum_frames
    from stillmotion.generate.deforum_settings import read_settings
    from stillmotion.io import read_image, write_image

    settings = read_settings(args.settings)
    photo = read_image(args.photo)
    reference = Reference(photo, settings)
    out = Path(args.png) if args.png else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    frames = deforum_frames(settings, init_image=photo)
    for i, frame in enumerate(itertools.islice(frames, args.frames)):
        ref = reference.view(i)
        row = {"frame": i, "detail": round(detail(frame)), "band": round(band(frame), 1),
               "reference": [round(detail(ref)), round(band(ref), 1)]}  # fmt: skip
        print(json.dumps(row), flush=True)
        if out is not None:
            write_image(out / f"frame_{i:03d}.png", frame)
            if i in LOOKED_AT:
                for name, (y, x) in CROPS.items():
                    crop = cv2.resize(frame[y : y + 96, x : x + 96], None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
                    write_image(out / f"crop_{name}_{i:03d}.png", crop)


if __name__ == "__main__":
    main()
