"""Options given where they do nothing: a warning instead of silence (``--depth-kind`` without ``--depth``).

Such options have no argparse default (None); :func:`resolved` gives the value they stand for.
"""

from __future__ import annotations

import logging

log = logging.getLogger("stillmotion.cli")


def resolved(args, name: str, default, *, needs: str, present: bool):
    """``args.<name>``, or ``default`` when it was not given; a warning when it was given but the option
    it depends on (``needs``, e.g. ``"--depth"``) is not (``present`` False)."""
    value = getattr(args, name)
    if value is None:
        return default
    if not present:
        log.warning("--%s does nothing without %s; ignored", name.replace("_", "-"), needs)
    return value


def add_depth_kind(parser) -> None:
    """``--depth-kind``, which says what ``--depth`` holds (read with :func:`depth_kind`)."""
    from ..types import DepthKind

    parser.add_argument("--depth-kind", default=None, choices=sorted(kind.value for kind in DepthKind),
                        help="what --depth holds (default inverse): disparity (pixels), inverse (larger = nearer), "
                             "metric (distance)")  # fmt: skip


def depth_kind(args) -> str:
    """The ``--depth-kind`` given, or inverse; a warning when it is given without ``--depth``."""
    return resolved(args, "depth_kind", "inverse", needs="--depth", present=bool(args.depth))
