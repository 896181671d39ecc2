"""``stillmotion interpolate``: a middle frame between two photos, or a smoother/re-timed clip."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

NAME = "interpolate"
HELP = "synthesise in-between frames: A.png B.png -o MID.png [--t 0.5], or CLIP -o OUT (--fps N | --factor K)"

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="two frames, or one video / folder of frames")
    parser.add_argument("-o", "--output", required=True,
                        help="output image (two frames; 16 bits per channel in .png/.tif when a frame is 16-bit "
                             "or float) or clip (.mp4/.webm/.gif/dir/; an mp4 or webm drops an odd last row/column, "
                             "as yuv420p needs even sides)")  # fmt: skip
    parser.add_argument("--t", type=float, default=None,
                        help="two frames: time of the new frame between A (0) and B (1) (default 0.5)")
    rate = parser.add_mutually_exclusive_group()
    rate.add_argument("--factor", type=int, help="clip: K - 1 new frames between each pair (output fps x K)")
    rate.add_argument("--fps", type=float, help="clip: re-time to this frame rate")
    parser.add_argument("--input-fps", type=float,
                        help="frame rate of the input: a folder of frames (default 24), or instead of a video's own")
    parser.add_argument("--method", default="splat",
                        help="splat (default), splat-colour (splats colours instead of flows), backward (baseline)")
    parser.add_argument("--flow", default=None,
                        help="flow backend: classical-matched, classical, classical-fast, classical-hq, dis, raft "
                             "(default: classical-matched at full size for two frames, which follows small fast "
                             "objects; classical-fast at the reduced size for a clip, the speed/quality sweet spot)")  # fmt: skip
    parser.add_argument("--weights", type=Path, help="RAFT checkpoint for --flow raft")
    parser.add_argument("--iters", type=int, help="RAFT iterations for --flow raft")
    parser.add_argument("--flow-max-pixels", type=int, default=None,
                        help="estimate flow at a reduced size with at most this many pixels (speed; default: 0 = "
                             "full size for two frames, 250000 for a clip)")  # fmt: skip
    parser.add_argument("--workers", type=int,
                        help="clip: frame pairs interpolated at once in threads (default: one per core, at most 4)")


def _interpolator(args, *, clip: bool):
    """Two frames: quality first (full-size ``classical-matched`` flow); a clip: the fast default."""
    from ..interpolate import FAST_FLOW, FAST_FLOW_MAX_PIXELS, MATCHED_FLOW, create_interpolator

    flow = args.flow or (FAST_FLOW if clip else MATCHED_FLOW)
    max_pixels = args.flow_max_pixels
    if max_pixels is None:
        max_pixels = FAST_FLOW_MAX_PIXELS if clip else 0
    options = {"max_pixels": max_pixels or None}
    if flow == "raft":
        options.update(weights=args.weights, iters=args.iters)
    return create_interpolator(args.method, flow=flow, flow_options=options)


#: Smallest ``--flow-max-pixels`` other than 0 (full size): 64x64, well above what DIS needs (12 px a side).
MIN_FLOW_PIXELS = 64 * 64


def _check_options(args: argparse.Namespace) -> None:
    """Refuse bad numbers before any work."""
    from ..errors import InputError
    from ..render.sizes import check_fps

    for name in ("fps", "input_fps"):
        value = getattr(args, name)
        if value is not None:
            check_fps(value, name=f"--{name.replace('_', '-')}")
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers must be at least 1, got {args.workers}")
    pixels = args.flow_max_pixels
    if pixels is not None and pixels != 0 and pixels < MIN_FLOW_PIXELS:
        raise InputError(f"--flow-max-pixels must be 0 (full size) or at least {MIN_FLOW_PIXELS}, got {pixels}")


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError

    _check_options(args)
    if (args.weights is not None or args.iters is not None) and args.flow != "raft":
        raise InputError("--weights and --iters apply to --flow raft")
    if len(args.inputs) == 2:
        if args.factor is not None or args.fps is not None:
            raise InputError("--factor/--fps are for a clip; with two frames use --t")
        return _pair(args)
    if len(args.inputs) == 1:
        if args.t is not None:
            raise InputError("--t is for two frames; a clip is re-timed with --factor or --fps")
        return _clip(args)
    raise InputError(f"give two frames or one clip, got {len(args.inputs)} inputs")


def _pair(args) -> int:
    import time

    from ..flow import check_pair
    from ..interpolate import check_time
    from ..interpolate.flowsplat import FlowSplatInterpolator
    from ..io import check_image_output, photo_bits, read_image, write_image
    from ._progress import progress_bar

    start = time.perf_counter()
    t = check_time(0.5 if args.t is None else args.t)
    check_image_output(args.output, inputs=tuple(args.inputs))
    for option in ("input_fps", "workers"):  # a clip's options
        if getattr(args, option) is not None:
            log.warning("--%s does nothing with two frames (it is for a clip); ignored", option.replace("_", "-"))
    interpolator = _interpolator(args, clip=False)
    # the flow of a pair of large photos takes seconds: its own step of the bar, where the interpolator
    # computes it apart (prepare, then at_time with its state)
    staged = isinstance(interpolator, FlowSplatInterpolator)
    steps = 4 if staged else 3
    with progress_bar(args, "interpolate", unit="step") as progress:
        progress(0, steps)
        image0, image1 = read_image(args.inputs[0]), read_image(args.inputs[1])
        check_pair(image0, image1)
        progress(1, steps)
        if staged:
            state = interpolator.prepare(image0, image1)
            progress(2, steps)
            frame = interpolator.at_time(image0, image1, state, t)
        else:
            frame = interpolator.interpolate(image0, image1, [t])[0]
        progress(steps - 1, steps)
        bits = max(photo_bits(path, what="frame") for path in args.inputs)  # 16 when either frame has 16
        write_image(args.output, frame, inputs=tuple(args.inputs), bits=bits)
        progress(steps, steps)
    log.info("wrote %s: the frame at t=%g, %dx%d, in %.1f s", args.output, t, frame.shape[1], frame.shape[0],
             time.perf_counter() - start)  # fmt: skip
    return 0


def _clip(args) -> int:
    from ..errors import InputError
    from ..interpolate.clip import interpolate_clip
    from ..interpolate.source import probe_clip, read_clip
    from ..interpolate.timeline import output_times
    import cv2
    import numpy as np

    from ..io import open_writer, output_kind
    from ..render.sizes import MAX_FPS, even_frame_size
    from ._progress import progress_bar

    if args.factor is None and args.fps is None:
        raise InputError("a clip needs --factor K or --fps N")
    kind = output_kind(args.output)  # refuse a bad extension before any work
    info = probe_clip(args.inputs[0])
    if info.frame_count < 2:
        raise InputError(f"{args.inputs[0]} has {info.frame_count} frame(s); interpolation needs at least 2")
    width, height = even_frame_size(kind, info.width, info.height)
    if (width, height) != (info.width, info.height):
        log.info("%s needs an even width and height: the last odd row/column is dropped (%dx%d -> %dx%d)", kind,
                 info.width, info.height, width, height)  # fmt: skip
    in_fps = args.input_fps if args.input_fps is not None else (info.fps or 24.0)
    out_fps = in_fps * args.factor if args.factor else args.fps
    if args.factor is not None and args.factor >= 1 and out_fps > MAX_FPS:
        raise InputError(f"--factor {args.factor} makes {out_fps:g} fps from {in_fps:g} fps; at most {MAX_FPS:g} fps")
    times = list(output_times(info.frame_count, factor=args.factor, in_fps=in_fps, out_fps=args.fps))
    log.info("%d frames at %g fps -> %d frames at %g fps", info.frame_count, in_fps, len(times), out_fps)
    interpolator = _interpolator(args, clip=True)
    from ..interpolate.clip import default_workers
    from ..jit import start_numba

    start_numba()  # before the first kernel: numba's target without its SciPy probe

    if (args.workers or default_workers()) > 1:
        # the frame pairs already keep the cores busy: OpenCV's own thread pool on top only oversubscribes
        # them (measured: ~7 % less CPU for the same clip on a loaded 2-core machine)
        cv2.setNumThreads(1)
    with progress_bar(args, "interpolate") as progress, open_writer(
        args.output, fps=out_fps, width=width, height=height, inputs=(args.inputs[0],)
    ) as writer:
        frames = interpolate_clip(read_clip(args.inputs[0]), times, interpolator, total=len(times), progress=progress,
                                  workers=args.workers)  # fmt: skip
        for frame in frames:
            # frames are in [0, 1] (decoded, or clipped by the interpolator): a single saturating conversion
            frame = frame[:height, :width]
            writer.write(cv2.convertScaleAbs(frame, alpha=255.0) if frame.dtype == np.float32 else frame)
    return 0
