"""What a command prints on standard output (``motions``, ``grades``, ``schedule``, ``--help``)."""

from __future__ import annotations

import sys

from ..errors import OutputError


def write(text: str) -> None:
    """Write ``text`` to standard output and flush it. A failed write (``> /dev/full``) is an OutputError,
    one line and exit code 2 (it was an "internal error", exit 1); a reader that went away (``| head -1``)
    raises BrokenPipeError, which the CLI ends quietly."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None
