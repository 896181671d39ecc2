"""``stillmotion depth PHOTO -o OUT``: estimate a photo's depth and write it (and a preview)."""

from __future__ import annotations

import argparse
import logging

NAME = "depth"
log = logging.getLogger(__name__)
HELP = "estimate a photo's depth map (inverse depth, near = bright)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..depth import backend_names
    from ._help import PHOTO_HELP

    parser.add_argument("photo", help=PHOTO_HELP)
    parser.add_argument("-o", "--output", required=True,
                        help="depth file: .npy or .tif (float32 inverse depth), .png (16-bit, near = bright)")
    parser.add_argument("--backend", default="auto", choices=backend_names(),
                        help="depth estimator (default auto: phone depth, else a local neural model, else classical)")
    parser.add_argument("--model", default=None,
                        help="neural model: a local directory or a Hugging Face cache id (never downloaded)")
    parser.add_argument("--preview", default=None, metavar="PNG",
                        help="also write the photo beside its colour-mapped depth (near = bright)")
    parser.add_argument("--protect", default="none", choices=("faces", "people", "none"),
                        help="give faces (or whole people) one rigid depth (default none)")
    parser.add_argument("--depth-hints", default=None, metavar="FILE",
                        help="depth corrections: a PNG of painted strokes (value = depth, 0 = no hint) or JSON points")
    parser.add_argument("--layers", default=None, metavar="DIR",
                        help="also export the photo cut into depth layers (RGBA PNGs + layers.json) in DIR")
    parser.add_argument("--layer-count", type=int, default=None, help="number of layers for --layers (default 4)")


def run(args: argparse.Namespace) -> int:
    from ..depth import MODELLESS_BACKENDS
    from ..depth.pipeline import DepthConfig, check_depth_output, prepare_depth
    from ..errors import InputError
    from ..io import (check_image_output, check_output, check_separate_outputs, output_group, read_image,
                      write_depth, write_image)  # fmt: skip
    from ._progress import progress_bar
    from ._unused import resolved

    layer_count = resolved(args, "layer_count", 4, needs="--layers", present=bool(args.layers))
    # every output is checked before any work, so a bad one fails at once and leaves nothing behind
    inputs = tuple(p for p in (args.photo, args.depth_hints) if p)
    check_depth_output(args.output)
    check_output(args.output, inputs=inputs)
    if args.preview:
        check_image_output(args.preview, inputs=inputs)
    if args.layers:
        if not 1 <= layer_count <= 16:
            raise InputError(f"--layer-count must be in 1..16, got {layer_count}")
        check_output(args.layers, directory=True, inputs=inputs)
    check_separate_outputs(("-o", args.output), ("--preview", args.preview), ("--layers", args.layers))
    image = read_image(args.photo)
    model = args.model
    if model is not None and args.backend in MODELLESS_BACKENDS:
        log.warning("--model does nothing with --backend %s (only auto and the neural backends load one); ignored",
                    args.backend)  # fmt: skip
        model = None
    config = DepthConfig(backend=args.backend, model=model, protect=args.protect, hints=args.depth_hints)
    with progress_bar(args, "depth", unit="step") as progress:
        depth, backend = prepare_depth(image, config=config, source=args.photo, progress=progress)
    with output_group():  # the depth map, its preview and its layers appear together, when all are written
        if args.layers:
            from ..depth.layers import export_layers

            export_layers(image, depth, args.layers, count=layer_count, inputs=inputs)
        write_depth(args.output, depth.values, inputs=inputs)
        if args.preview:
            from ..depth.preview import side_by_side

            write_image(args.preview, side_by_side(image, depth.values), inputs=inputs)
    log.info("depth written to %s (backend %s)", args.output, backend)
    return 0
