"""``stillmotion story STORY.yaml -o OUT``: a multi-scene film joined by dissolves."""

from __future__ import annotations

import logging

from ._progress import progress_bar

NAME = "story"
HELP = "render a multi-scene story (photos or prompts, camera motions, dissolves) from a YAML file"

log = logging.getLogger(__name__)


def add_arguments(parser) -> None:
    parser.add_argument("story", help="story file (YAML or JSON): fps, size, transition, scenes")
    parser.add_argument("-o", "--output", required=True, help="output .mp4, .webm, .gif or a PNG directory/")
    parser.add_argument("--generator", choices=["kandinsky", "sd15", "sdxl"],
                        help="diffusion generator for prompt scenes (overrides the story's)")  # fmt: skip
    parser.add_argument("--model", help="local diffusers directory or Hugging Face cache name for the generator")
    parser.add_argument("--device", choices=["cpu", "cuda"], help="device for the generator (default cpu)")
    parser.add_argument("--fps", type=float, help="override the story's fps")
    parser.add_argument("--size", help="override the story's size (landscape, square, portrait or WxH)")


def run(args) -> int:
    from dataclasses import replace

    from ..generate.film import film_length, plan_story, render_story, scene_source_for
    from ..generate.story import load_story, parse_size
    from ..io import check_clip_output
    from ..render.sizes import check_fps
    from ._unused import resolved

    check_clip_output(args.output, inputs=(args.story,))  # a bad output fails before the story is read
    story = load_story(args.story)
    overrides = {}
    if args.generator:
        overrides["generator"] = args.generator
    if args.model:
        overrides["model"] = args.model
    if args.device:
        overrides["device"] = args.device
    if args.fps is not None:
        check_fps(args.fps, name="--fps")
        overrides["fps"] = args.fps
    if args.size:
        overrides["width"], overrides["height"] = parse_size(args.size)
    for option in ("generator", "model", "device"):
        resolved(args, option, None, needs="a prompt scene in the story", present=story.needs_generator)
    story = replace(story, **overrides)
    source = scene_source_for(story)  # a prompt scene without generator fails here, before any frame
    frames = film_length(plan_story(story))
    log.info("story: %d scenes, %d frames at %g fps (%.2f s), %dx%d", len(story.scenes), frames, story.fps,
             frames / story.fps, story.width, story.height)  # fmt: skip
    with progress_bar(args, "story") as progress:
        render_story(story, args.output, source=source, progress=progress)
    log.info("wrote %s", args.output)
    return 0
