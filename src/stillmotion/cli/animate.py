"""``stillmotion animate PHOTO -o OUT``: a camera move through a photo."""

from __future__ import annotations

import argparse

from ..api import AnimateConfig, animate
from . import _finishing
from ._help import PHOTO_HELP
from ._progress import progress_bar
from ._unused import add_depth_kind, depth_kind, resolved


NAME = "animate"
HELP = "render a camera move through a photo as a video (.mp4, .webm, .gif) or PNG frames"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("photo", help=PHOTO_HELP)
    parser.add_argument("-o", "--output", required=True,
                        help="output: .mp4, .webm, .gif, or a directory (ending in /) of PNG frames")  # fmt: skip
    parser.add_argument("--motion", default=None,
                        help="a named motion (see 'stillmotion motions') or a keyframe file .json/.toml/.yaml "
                        "(default zoom_in)")  # fmt: skip
    parser.add_argument("--intensity", type=float, default=None, help="motion strength (default 1)")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds (default 4)")
    parser.add_argument("--fps", type=float, default=24.0, help="frames per second (default 24)")
    parser.add_argument("--size", default="source",
                        help="landscape (832x448), square (640x640), portrait (448x832), source (default: the "
                        "photo's aspect, long side up to 1920) or WxH")  # fmt: skip
    parser.add_argument("--depth", help="depth map file (16-bit PNG, float TIFF, NPY, PFM) instead of estimating one")
    add_depth_kind(parser)
    parser.add_argument("--loop", action="store_true", help="make the path return to its start (seamless loop)")
    parser.add_argument("--protect", default=None, choices=["faces", "people", "none"],
                        help="keep faces (or whole people) rigid: one coherent depth each (default faces; "
                        "a --recipe other than portrait sets none)")  # fmt: skip
    parser.add_argument("--depth-hints", default=None, metavar="FILE",
                        help="depth corrections: PNG strokes (value = depth, 0 = no hint) or JSON points")  # fmt: skip
    parser.add_argument("--fov", type=float, default=55.0, help="the photo's field of view in degrees (default 55)")
    parser.add_argument("--border", default="crop", choices=["crop", "fill"],
                        help="when the path reveals beyond the photo's edge: crop in (default) or fill the "
                        "border by inpainting, once per shot, keeping the full frame")  # fmt: skip
    _finishing.add_arguments(parser)
    flow = parser.add_argument_group("flowing water, clouds or smoke during the move (see 'stillmotion loop')")
    flow.add_argument("--loop-mask", metavar="MASK.png", help="white where things flow (the photo's size)")
    flow.add_argument("--hint", action="append", default=[], metavar="X,Y,DX,DY",
                      help="arrow: material at (X, Y) moves (DX, DY) pixels per second; repeatable")  # fmt: skip
    flow.add_argument("--hints", metavar="FILE.json", help="arrows and anchors in a JSON file")
    flow.add_argument("--anchor", action="append", default=[], metavar="X,Y", help="no flow at (X, Y); repeatable")
    flow.add_argument("--material", help="water, clouds (finds the sky without --loop-mask), smoke or waterfall")
    flow.add_argument("--flow-speed", type=float, default=None, help="multiplies the flow's speed (default 1)")


def config_from_args(args: argparse.Namespace) -> AnimateConfig:
    finishing = _finishing.resolve(args)  # --recipe defaults under the explicit options, --grade
    return AnimateConfig(motion=finishing.motion if finishing.motion is not None else AnimateConfig.motion,
                         intensity=AnimateConfig.intensity if finishing.intensity is None else finishing.intensity,
                         duration_s=args.duration, fps=args.fps, size=args.size, loop=args.loop, fov_deg=args.fov,
                         depth_protect=finishing.protect, depth_hints=args.depth_hints,
                         grade=finishing.grade, upscale=args.upscale,
                         upscale_model=resolved(args, "upscale_model", AnimateConfig.upscale_model, needs="--upscale",
                                                present=args.upscale > 1),
                         border=args.border)  # fmt: skip


def flow_from_args(args: argparse.Namespace):
    """A cinemagraph FlowSpec when any flow option is given, else None."""
    flowing = bool(args.loop_mask or args.hint or args.hints or args.anchor or args.material)
    speed = resolved(args, "flow_speed", 1.0, needs="--loop-mask, --hint, --hints, --anchor or --material",
                     present=flowing)  # fmt: skip
    if not flowing:
        return None
    from ..cinemagraph.camera import FlowSpec
    from ..cinemagraph.field import check_speed
    from ..cinemagraph.hints import MotionHints, load_hints, parse_anchor, parse_hint

    check_speed(speed, name="--flow-speed")

    hints = MotionHints(tuple(parse_hint(h) for h in args.hint), tuple(parse_anchor(a) for a in args.anchor))
    if args.hints:
        hints = hints + load_hints(args.hints)
    return FlowSpec(mask=args.loop_mask, hints=hints, material=args.material, speed=speed)


def run(args: argparse.Namespace) -> int:
    kind = depth_kind(args)
    config = config_from_args(args)
    flow = flow_from_args(args)
    with progress_bar(args, "rendering") as progress:
        animate(args.photo, args.output, config=config, depth=args.depth, depth_kind=kind,
                flow=flow, progress=progress, preview=args.preview)  # fmt: skip
    return 0
