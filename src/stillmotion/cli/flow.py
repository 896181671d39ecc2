"""``stillmotion flow A B -o OUT.flo``: optical flow between two frames."""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

NAME = "flow"
HELP = ("optical flow from frame A to frame B, written as a Middlebury .flo (B(x + flow(x)) ~ A(x)); "
        "or 'flow IN.flo --preview PNG' to picture an existing .flo")

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..flow import DEFAULT_BACKEND

    parser.add_argument("inputs", nargs="+", metavar="A B | IN.flo", help="first and second frame (same size), or a .flo")
    parser.add_argument("-o", "--output", help="output .flo file (required with two frames)")
    parser.add_argument("--backend", default=DEFAULT_BACKEND,
                        help="classical (default), classical-matched (follows small fast objects, ~2.5x slower), "
                             "classical-hq, classical-fast, dis, raft (neural extra)")  # fmt: skip
    parser.add_argument("--preset", help="DIS preset for --backend dis: ultrafast, fast, medium (default)")
    parser.add_argument("--weights", type=Path, help="RAFT checkpoint (raft-things/sintel/kitti/small .pth)")
    parser.add_argument("--iters", type=int, help="RAFT refinement iterations (default 12 for raft, as upstream)")
    parser.add_argument("--preview", type=Path, help="also write a colour-wheel picture of the flow (PNG)")


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError, OutputError
    from ..flow import check_pair, create_backend
    from ..flow.preview import flow_to_colour
    from ..io import check_image_output, check_output, output_group, read_image, write_image
    from ..io._checks import check_output_name
    from ..io.flo import write_flo
    from ._progress import progress_bar

    if len(args.inputs) == 1:
        return _preview_only(args)
    if len(args.inputs) != 2:
        raise InputError(f"give two frames (or one .flo), got {len(args.inputs)} inputs")
    if any(str(name).lower().endswith(".flo") for name in args.inputs):  # it said "-o OUT.flo is required"
        raise InputError("flow is estimated between two frames; a .flo is pictured alone: "
                         "stillmotion flow IN.flo --preview OUT.png")  # fmt: skip
    if args.output is None:
        raise InputError("-o OUT.flo is required")
    check_output_name(args.output, (".flo",))
    if not str(args.output).lower().endswith(".flo"):
        raise OutputError(f"--output must end in .flo, got {args.output}")
    if args.iters is not None and args.iters < 1:
        raise InputError(f"--iters must be at least 1, got {args.iters}")
    for option, backend in (("preset", "dis"), ("weights", "raft"), ("iters", "raft")):
        if getattr(args, option) is not None and args.backend != backend:
            raise InputError(f"--{option} applies to --backend {backend}, not {args.backend}")
    check_output(args.output, inputs=tuple(args.inputs))
    if args.preview is not None:  # before the work: a bad preview path must not leave the .flo alone behind
        check_image_output(args.preview, inputs=tuple(args.inputs))
    image0, image1 = read_image(args.inputs[0]), read_image(args.inputs[1])
    check_pair(image0, image1)
    given = {"preset": args.preset, "weights": args.weights, "iters": args.iters}  # each backend takes its own
    backend = create_backend(args.backend, **{k: v for k, v in given.items() if v is not None})
    with progress_bar(args, "flow", unit="step") as progress:  # the flow of a 1080p pair takes seconds
        progress(0, 2)
        start = time.perf_counter()
        flow = backend.estimate(image0, image1)
        elapsed = time.perf_counter() - start
        progress(1, 2)
        with output_group():  # the .flo and its preview appear together
            write_flo(args.output, flow, inputs=tuple(args.inputs))
            if args.preview is not None:
                write_image(args.preview, flow_to_colour(flow), inputs=tuple(args.inputs))
        progress(2, 2)
    log.info("%s flow %dx%d in %.2f s: wrote %s", backend.name, flow.shape[1], flow.shape[0], elapsed, args.output)
    return 0


def _preview_only(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..flow.preview import flow_to_colour
    from ..io import check_image_output, write_image
    from ..io.flo import read_flo, unknown_flow_mask

    source = args.inputs[0]
    if not str(source).lower().endswith(".flo"):
        raise InputError(f"flow needs two frames A B (or one .flo with --preview OUT.png), got one input: {source}")
    if args.preview is None:
        also = " (-o is for the flow of two frames, not written from a .flo)" if args.output is not None else ""
        raise InputError(f"with one input (a .flo), give --preview OUT.png{also}")
    check_image_output(args.preview, inputs=(source,))  # a bad extension fails before the .flo is read
    _warn_unused_with_a_flo(args)
    flow = read_flo(source)
    known = ~unknown_flow_mask(flow)
    if known.any():
        mag = (flow[known] ** 2).sum(axis=1) ** 0.5
        log.info("%dx%d flow, mean motion %.2f px, max %.2f px", flow.shape[1], flow.shape[0], mag.mean(), mag.max())
    write_image(args.preview, flow_to_colour(flow), inputs=(source,))
    return 0


def _warn_unused_with_a_flo(args: argparse.Namespace) -> None:
    """A warning for each option that only the flow of two frames uses, given with one .flo."""
    from ..flow import DEFAULT_BACKEND

    given = {"-o": args.output, "--preset": args.preset, "--weights": args.weights, "--iters": args.iters,
             "--backend": args.backend if args.backend != DEFAULT_BACKEND else None}  # fmt: skip
    for option, value in given.items():
        if value is not None:
            log.warning("%s does nothing with one .flo input (only --preview is written); ignored", option)
