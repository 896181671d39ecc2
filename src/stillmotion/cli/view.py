"""``stillmotion view PHOTO --depth FILE -o OUT.png``: one novel view of a photo."""

from __future__ import annotations

import argparse
import logging
import math

from ..api import load_depth, render_view
from ..errors import InputError
from ..io import photo_bits, read_image, write_image
from ..render.sizes import check_fov
from ._help import IMAGE_OUTPUT_HELP, PHOTO_HELP
from ._progress import progress_bar
from ._unused import add_depth_kind, depth_kind

log = logging.getLogger(__name__)

NAME = "view"
HELP = "render one novel view of a photo (animate's renderer; the edge it reveals is continued smoothly)"


def _triple(names: str):
    """An argparse type reading three comma-separated finite numbers, named ``names`` in its errors."""

    def parse(text: str) -> tuple[float, float, float]:
        try:
            values = tuple(float(v) for v in text.split(","))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected three numbers {names}, got {text!r}") from None
        if len(values) != 3 or not all(math.isfinite(v) for v in values):
            raise argparse.ArgumentTypeError(f"expected three finite numbers {names}, got {text!r}")
        return values  # type: ignore[return-value]

    parse.__name__ = names  # argparse names the type in some of its messages
    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("photo", help=PHOTO_HELP)
    parser.add_argument("-o", "--output", required=True, help=IMAGE_OUTPUT_HELP)
    parser.add_argument("--depth", help="depth map file; estimated when omitted")
    add_depth_kind(parser)
    parser.add_argument("--baseline", type=float, default=0.0,
                        help="camera translation to the right, in depth units (1 with a disparity map = the "
                        "stereo pair's right view)")  # fmt: skip
    parser.add_argument("--move", type=_triple("x,y,z"), default=(0.0, 0.0, 0.0),
                        help="camera translation x,y,z (x right, y down, z forward): with an estimated or inverse "
                        "map in units of the nearest surface's distance (0.05 is already a clear move); with "
                        "--depth-kind metric in the map's units; with disparity in stereo baselines")  # fmt: skip
    parser.add_argument("--rotate", type=_triple("rx,ry,rz (degrees)"), default=(0.0, 0.0, 0.0),
                        help="camera rotation rx,ry,rz in degrees (positive: tilt up, turn right, roll clockwise)")
    parser.add_argument("--fov", type=float, default=55.0, help="the photo's field of view in degrees (default 55)")


def run(args: argparse.Namespace) -> int:
    from ..io import check_image_output

    check_fov(args.fov, name="--fov")
    if not math.isfinite(args.baseline):
        raise InputError(f"--baseline must be a finite number, got {args.baseline}")
    check_image_output(args.output, inputs=(args.photo, args.depth))  # before the work
    kind = depth_kind(args)
    move = (args.move[0] + args.baseline, args.move[1], args.move[2])
    with progress_bar(args, "view", unit="step") as progress:  # a 1080p view takes seconds
        progress(0, 4)
        image = read_image(args.photo)
        progress(1, 4)
        # without --depth: the depth a phone embedded in the photo, else the estimate (as animate does)
        depth = load_depth(image, args.depth, kind, backend="auto", source=args.photo)
        progress(2, 4)
        view = render_view(image, depth, move=move, rotate_deg=args.rotate, fov_deg=args.fov)
        progress(3, 4)
        write_image(args.output, view, inputs=(args.photo, args.depth), bits=photo_bits(args.photo))
        progress(4, 4)
    log.info("wrote %s (%dx%d)", args.output, view.shape[1], view.shape[0])
    return 0
