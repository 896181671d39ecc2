"""``stillmotion inpaint PHOTO --mask MASK -o OUT [--backend NAME]``: fill the white pixels of a mask."""

from __future__ import annotations

import argparse
import logging

import numpy as np

from ..errors import InputError
from ..inpaint import BACKENDS, inpaint, inpaint_rgbd
from ..io import output_group, photo_bits, read_depth, read_image, write_depth, write_image
from ._help import IMAGE_OUTPUT_HELP, PHOTO_HELP
from ._progress import progress_bar
from ._unused import add_depth_kind, depth_kind

NAME = "inpaint"
HELP = "fill the masked pixels of a photo (mask white = fill)"

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("photo", help=PHOTO_HELP)
    parser.add_argument("--mask", required=True, help="mask image of the photo's size; white = fill, black = keep")
    parser.add_argument("-o", "--output", required=True, help=IMAGE_OUTPUT_HELP)
    names = ", ".join(f"{e.name} ({e.description})" for e in BACKENDS.entries())
    parser.add_argument("--backend", default="patch", help=f"inpainting backend: {names}")
    parser.add_argument("--depth", help="depth map: fill depth-aware, copying only from the background side")
    add_depth_kind(parser)
    parser.add_argument("--depth-out", help="with --depth: also write the filled inverse depth (.npy, .tif, .png)")
    parser.add_argument("--patch-size", type=int, default=None, help="patch backend: patch side in pixels (odd)")
    parser.add_argument("--seed", type=int, default=None, help="patch backend: seed of the random search")
    parser.add_argument("--embedding-model", default=None,
                        help="patch backend: rank patches with DINO/CLIP embeddings too (local model directory; "
                        "neural extra)")  # fmt: skip
    parser.add_argument("--model", default=None,
                        help="lama: local TorchScript file (e.g. big-lama.pt); diffusion: local pipeline directory "
                        "or cached repo id (Stable Diffusion / Kandinsky 2.2 inpainting)")  # fmt: skip
    parser.add_argument("--prompt", default=None, help="diffusion backend: what the filled area shows")
    parser.add_argument("--steps", type=int, default=None, help="diffusion backend: denoising steps (default 25)")


def _read_mask(path: str, shape: tuple[int, int]) -> np.ndarray:
    from ..io.image import read_mask_image

    mask = read_mask_image(path, what="mask")  # alpha, when painted on a transparent layer; else brightness
    if mask.shape != shape:
        raise InputError(
            f"mask {path} is {mask.shape[1]}x{mask.shape[0]} but the photo is {shape[1]}x{shape[0]}; "
            "they must have the same size"
        )
    return mask


def run(args: argparse.Namespace) -> int:
    from ..depth.pipeline import check_depth_output
    from ..io import check_image_output, check_output, check_separate_outputs, match_depth

    if args.depth_out and not args.depth:
        raise InputError("--depth-out needs --depth")
    inputs = tuple(p for p in (args.photo, args.mask, args.depth) if p)
    # both outputs are checked before any work: a bad --depth-out must not leave the filled photo alone
    check_image_output(args.output, inputs=inputs)
    if args.depth_out:
        check_depth_output(args.depth_out)
        check_output(args.depth_out, inputs=inputs)
    check_separate_outputs(("-o", args.output), ("--depth-out", args.depth_out))
    if args.seed is not None and not 0 <= args.seed < 2**32:
        raise InputError(f"--seed must be in 0..{2**32 - 1}, got {args.seed}")
    image = read_image(args.photo)
    bits = photo_bits(args.photo)  # a 16-bit photo is written back with 16 bits (PNG, TIFF)
    mask = _read_mask(args.mask, image.shape[:2])
    options = {}
    if args.patch_size is not None:
        options["patch_size"] = args.patch_size
    if args.seed is not None:
        options["seed"] = args.seed
    if args.embedding_model is not None:
        options["embedding_model"] = args.embedding_model
    if options and args.backend != "patch":
        raise InputError(f"--patch-size, --seed and --embedding-model only apply to the patch backend, not {args.backend!r}")
    if args.model is not None:
        if args.backend not in ("lama", "diffusion"):
            raise InputError(f"--model only applies to the lama and diffusion backends, not {args.backend!r}")
        options["model_path" if args.backend == "lama" else "model"] = args.model
    if args.prompt is not None:
        if args.backend != "diffusion":
            raise InputError(f"--prompt only applies to the diffusion backend, not {args.backend!r}")
        options["prompt"] = args.prompt
    if args.steps is not None:
        if args.backend != "diffusion" or args.steps < 1:
            raise InputError("--steps needs the diffusion backend and a positive number")
        options["steps"] = args.steps
    fill = BACKENDS.create(args.backend, **options)  # unknown names and bad options fail before any work
    kind = depth_kind(args)
    with progress_bar(args, "inpaint", unit="step") as progress:
        if args.depth:
            depth = match_depth(read_depth(args.depth, kind), image.shape[:2])  # as animate does
            filled, filled_depth = inpaint_rgbd(image, mask, depth, backend=fill, progress=progress)
        else:
            filled = inpaint(image, mask, backend=fill, progress=progress)
    with output_group():  # the photo and its depth appear together: neither stays if the other fails
        write_image(args.output, filled, inputs=inputs, bits=bits)
        if args.depth_out:
            write_depth(args.depth_out, filled_depth, inputs=inputs)  # as inverse depth, whatever its kind
    return 0
