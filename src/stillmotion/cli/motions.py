"""``stillmotion motions``: the named camera motions."""

from __future__ import annotations

import argparse

from ..camera import ALIASES, MOTIONS

NAME = "motions"
HELP = "list the named camera motions"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--aliases", action="store_true", help="also list the accepted alias names")


def run(args: argparse.Namespace) -> int:
    from . import _stdout

    width = max(len(n) for n in [*MOTIONS, *(ALIASES if args.aliases else ())])  # one column for both lists
    lines = [f"{name:<{width}}  {motion.description}" for name, motion in MOTIONS.items()]
    if args.aliases:
        lines.append("")
        lines += [f"{alias:<{width}}  = {target}" for alias, target in ALIASES.items()]
    _stdout.write("\n".join(lines) + "\n")
    return 0
