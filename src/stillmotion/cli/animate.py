"""``stillmotion animate PHOTO -o OUT``: a camera move through a photo."""

from __future__ import annotations

import argparse

from ..api import AnimateConfig, animate
from ._progress import progress_bar

NAME = "animate"
HELP = "render a camera move through a photo as a video (.mp4, .webm, .gif) or PNG frames"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("photo", help="the photo (PNG, JPEG, WebP, TIFF, HEIC)")
    parser.add_argument("-o", "--output", required=True,
                        help="output: .mp4, .webm, .gif, or a directory (ending in /) of PNG frames")  # fmt: skip
    parser.add_argument("--motion", default="zoom_in",
                        help="a named motion (see 'stillmotion motions') or a keyframe file .json/.toml/.yaml")  # fmt: skip
    parser.add_argument("--intensity", type=float, default=1.0, help="motion strength (default 1)")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds (default 4)")
    parser.add_argument("--fps", type=float, default=24.0, help="frames per second (default 24)")
    parser.add_argument("--size", default="source",
                        help="landscape (832x448), square (640x640), portrait (448x832), source (default: the "
                        "photo's aspect, long side up to 1920) or WxH")  # fmt: skip
    parser.add_argument("--depth", help="depth map file (16-bit PNG, float TIFF, NPY, PFM) instead of estimating one")
    parser.add_argument("--depth-kind", default="inverse", choices=["disparity", "inverse", "metric"],
                        help="what --depth holds: disparity (pixels), inverse (larger = nearer), metric (distance)")  # fmt: skip
    parser.add_argument("--loop", action="store_true", help="make the path return to its start (seamless loop)")
    parser.add_argument("--fov", type=float, default=55.0, help="the photo's field of view in degrees (default 55)")


def config_from_args(args: argparse.Namespace) -> AnimateConfig:
    return AnimateConfig(motion=args.motion, intensity=args.intensity, duration_s=args.duration, fps=args.fps,
                         size=args.size, loop=args.loop, fov_deg=args.fov)  # fmt: skip


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    with progress_bar(args, "rendering") as progress:
        animate(args.photo, args.output, config=config, depth=args.depth, depth_kind=args.depth_kind,
                progress=progress)  # fmt: skip
    return 0
