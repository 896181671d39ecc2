"""``stillmotion motions``: the named camera motions."""

from __future__ import annotations

import argparse

from ..camera import ALIASES, MOTIONS

NAME = "motions"
HELP = "list the named camera motions"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--aliases", action="store_true", help="also list the accepted alias names")


def run(args: argparse.Namespace) -> int:
    width = max(len(n) for n in MOTIONS)
    for name, motion in MOTIONS.items():
        print(f"{name:<{width}}  {motion.description}")
    if args.aliases:
        print()
        for alias, target in ALIASES.items():
            print(f"{alias:<{width}}  = {target}")
    return 0
