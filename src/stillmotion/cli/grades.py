"""``stillmotion grades``: list the grade presets and the keys of a ``--grade`` spec."""

from __future__ import annotations

NAME = "grades"
HELP = "list the grade presets (--grade NAME) and the keys of a custom --grade spec"


def add_arguments(parser) -> None:
    parser.add_argument("--keys", action="store_true", help="also list the key=value settings of a custom spec")


def run(args) -> int:
    from ..grade import KEYS, PRESETS

    from . import _stdout

    width = max(len(n) for n in PRESETS)
    text = "".join(f"{name:<{width}}  {description}\n" for name, (description, _) in PRESETS.items())
    if args.keys:
        text += ("\nkeys for --grade \"key=value,...\" (read left to right; a preset name replaces what came "
                 "before it, so put it first):\n")  # fmt: skip
        kw = max(len(k) for k in KEYS)
        text += "".join(f"  {key:<{kw}}  {spec.help} ({spec.expected})\n" for key, spec in KEYS.items())
    _stdout.write(text)
    return 0
