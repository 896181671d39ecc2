"""``stillmotion deforum SETTINGS.txt -o OUT [--image INIT]``: run a Deforum settings file offline."""

from __future__ import annotations

import logging

from ._progress import progress_bar

NAME = "deforum"
HELP = "run a Deforum settings file (2D/3D, schedules, prompts) with a diffusion generator or the classical repair"

log = logging.getLogger(__name__)


def add_arguments(parser) -> None:
    parser.add_argument("settings", help="deforum-stable-diffusion *_settings.txt or A1111 extension JSON")
    parser.add_argument("-o", "--output", required=True, help="output .mp4, .webm, .gif or a PNG directory/")
    parser.add_argument("--image", help="init image (frame 0); without a generator it is required unless the "
                                        "file has use_init with a local init_image")  # fmt: skip
    parser.add_argument("--generator", choices=["kandinsky", "sd15", "sdxl"],
                        help="diffusion generator (extra 'neural'); default: the classical repair")  # fmt: skip
    parser.add_argument("--model", help="local diffusers directory or Hugging Face cache name of the generator")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="generator device")
    parser.add_argument("--frames", type=int, help="override max_frames")
    parser.add_argument("--size", help="override W and H (WxH)")
    parser.add_argument("--fps", type=float, help="override fps")
    parser.add_argument("--inpaint-holes", action="store_true",
                        help="with a generator: inpaint uncovered borders instead of image-to-image")  # fmt: skip


def run(args) -> int:
    from dataclasses import replace
    from pathlib import Path

    from ..errors import InputError
    from ..generate.deforum_run import render_deforum
    from ..generate.deforum_settings import read_settings
    from ..generate.story import parse_size
    from ..io import check_clip_output
    from ..render.sizes import check_fps

    check_clip_output(args.output, inputs=(args.settings,))  # before a generator takes seconds to load
    if args.frames is not None and args.frames < 1:
        raise InputError(f"--frames must be at least 1, got {args.frames}")
    overrides = {}  # the command's own options are checked before the file is read (and warned about)
    if args.size:
        overrides["width"], overrides["height"] = parse_size(args.size)
    if args.fps is not None:
        check_fps(args.fps, name="--fps")
        overrides["fps"] = args.fps
    # --image before the file is read: a bad one is the only line, not one after the file's warnings
    init = _init_image(Path(args.image)) if args.image else None
    # --frames before the file is read: prompt keys and schedules written with max_f follow it
    settings = replace(read_settings(args.settings, max_frames=args.frames), **overrides)
    image_path = Path(args.image) if args.image else settings.init_image
    if init is None and image_path is not None:  # the file's init_image, before a generator takes seconds to load
        init = _init_image(image_path)
    if args.inpaint_holes and not args.generator:
        log.warning("--inpaint-holes needs --generator (the classical repair always fills holes); ignored")
    generator = None
    if args.generator:
        from ..generate.generators import load_generator

        generator = load_generator(args.generator, model=args.model, device=args.device)
    if generator is None and image_path is None:
        raise InputError("without a generator the run needs an init image: give --image PHOTO "
                         "(or --generator and --model for a text-to-image start)")  # fmt: skip
    inputs = tuple(p for p in (Path(args.settings), image_path) if p is not None)
    with progress_bar(args, "deforum") as progress:
        render_deforum(settings, args.output, init_image=init, generator=generator, inpaint_holes=args.inpaint_holes,
                       inputs=inputs, progress=progress)  # fmt: skip
    log.info("wrote %s (%d frames)", args.output, settings.max_frames)
    return 0


def _init_image(path):
    """The init image at ``path`` (a Path), read and checked: found, an image, not too small."""
    from ..io import read_image
    from ..io._checks import check_input_file
    from ..render.sizes import check_photo_side

    image = read_image(check_input_file(path, "init image"))
    check_photo_side(image.shape, f"init image {path}")  # a 1x1 init image ran
    return image
