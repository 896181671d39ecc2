"""``stillmotion loop``: a seamless cinemagraph loop (water, clouds, smoke flow; the rest stays still)."""

from __future__ import annotations

import argparse

NAME = "loop"
HELP = "make a seamless cinemagraph loop: water, clouds or smoke flow while the rest of the photo stays still"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..cinemagraph.materials import MATERIALS
    from ._help import PHOTO_HELP

    parser.add_argument("photo", help=PHOTO_HELP)
    parser.add_argument("-o", "--output", required=True, help="clip: .mp4, .webm, .gif, or a folder for PNG frames")
    parser.add_argument("--mask", help="image of the photo's size, white where things move")
    parser.add_argument(
        "--hint", action="append", default=[], metavar="X,Y,DX,DY",
        help="arrow: the material at pixel (X, Y) moves by (DX, DY) pixels per second (at most the photo's "
        "diagonal); repeatable",
    )  # fmt: skip
    parser.add_argument("--hints", metavar="FILE.json", help="arrows and anchors in a JSON file")
    parser.add_argument(
        "--anchor", action="append", default=[], metavar="X,Y", help="pin: no motion at pixel (X, Y); repeatable"
    )
    parser.add_argument("--freeze", metavar="MASK.png", help="image of the photo's size, white where nothing may move")
    parser.add_argument("--speed", type=float, default=1.0, help="multiplies every motion (default 1, at most 20)")
    parser.add_argument("--duration", type=float, default=4.0, metavar="S", help="loop length in seconds (default 4)")
    parser.add_argument("--fps", type=float, default=24.0, help="frames per second (default 24)")
    parser.add_argument("--motion-from", metavar="VIDEO", help="take the motion from a video (its mean optical flow)")
    parser.add_argument(
        "--material", choices=sorted(MATERIALS),
        help="preset motion: " + "; ".join(f"{m.name}: {m.description}" for m in MATERIALS.values()),
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from .. import api
    from ..cinemagraph.hints import MotionHints, load_hints, parse_anchor, parse_hint
    from ..cinemagraph.pipeline import LoopConfig
    from ._progress import progress_bar

    hints = MotionHints(tuple(parse_hint(h) for h in args.hint), tuple(parse_anchor(a) for a in args.anchor))
    if args.hints:
        hints = hints + load_hints(args.hints)
    config = LoopConfig(duration_s=args.duration, fps=args.fps, speed=args.speed, material=args.material)
    with progress_bar(args, "loop") as progress:
        api.loop(
            args.photo, args.output, mask=args.mask, freeze=args.freeze, hints=hints,
            motion_from=args.motion_from, config=config, progress=progress,
        )  # fmt: skip
    return 0
