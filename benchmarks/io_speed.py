"""Speed of the io layer; prints one JSON line per measurement (not a test: timings are noisy on a
shared machine). ``PYTHONPATH=src python benchmarks/io_speed.py``"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from stillmotion.io import fill_invalid, match_depth, open_writer, read_image
from stillmotion.io.image import to_uint8
from stillmotion.types import Depth, DepthKind


def _timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _emit(name: str, seconds: float, **extra) -> None:
    print(json.dumps({"bench": name, "seconds": round(seconds, 4), **extra}), flush=True)


def main() -> None:
    rng = np.random.default_rng(0)
    small = rng.random((68, 120, 3)).astype(np.float32)
    photo = cv2.resize(small, (1920, 1080), interpolation=cv2.INTER_CUBIC).clip(0, 1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cv2.imwrite(str(tmp / "p.jpg"), to_uint8(photo)[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
        cv2.imwrite(str(tmp / "p16.png"), (photo[:, :, ::-1] * 65535).astype(np.uint16))
        _emit("read_image_jpeg_1080p", _timed(lambda: read_image(tmp / "p.jpg")))
        _emit("read_image_png16_1080p", _timed(lambda: read_image(tmp / "p16.png")))
        _emit("to_uint8_1080p_frame", _timed(lambda: to_uint8(photo), repeat=10))

        values = cv2.resize(small[:, :, 0], (1920, 1080)) + 0.1
        valid = np.ones(values.shape, bool)
        valid[:300] = False
        valid[500:700, 800:1100] = False
        depth = Depth(np.where(valid, values, 0).astype(np.float32), DepthKind.DISPARITY, valid)
        _emit("fill_invalid_1080p_28pct_unknown", _timed(lambda: fill_invalid(depth)))
        half = Depth(cv2.resize(depth.values, (960, 540)), DepthKind.DISPARITY, cv2.resize(
            valid.astype(np.uint8), (960, 540), interpolation=cv2.INTER_NEAREST) > 0)  # fmt: skip
        _emit("match_depth_540p_to_1080p_masked", _timed(lambda: match_depth(half, (1080, 1920))))

        frames = [to_uint8(photo[i : i + 448, 2 * i : 2 * i + 832]) for i in range(48)]
        for ext in ("mp4", "webm", "gif"):
            def encode(ext=ext):
                with open_writer(tmp / f"clip.{ext}", fps=24, width=832, height=448) as writer:
                    for frame in frames:
                        writer.write(frame)

            _emit(f"encode_48_frames_832x448_{ext}", _timed(encode, repeat=1))


if __name__ == "__main__":
    main()
