"""Errors raised by stillmotion. The CLI prints them as one line ``error: ...`` and exits with code 2."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


class StillmotionError(Exception):
    """Base class: a problem the user can fix (bad input, missing extra, unsupported request)."""


class InputError(StillmotionError):
    """An input file or argument is missing, unreadable, corrupt or out of range."""


class OutputError(StillmotionError):
    """An output cannot be written (unsupported extension, unwritable place)."""


class MissingExtraError(StillmotionError):
    """An optional backend needs packages that are not installed."""

    def __init__(self, what: str, extra: str, package: str | None = None, *, install: str | None = None) -> None:
        """``install``: the command that installs ``package`` when it is not a pip extra of ours."""
        if install:
            super().__init__(f"{what} needs {package or extra}, which is not installed (or lacks a system "
                             f"library): {install}")
        else:
            pkg = f" ({package} is missing)" if package else ""
            super().__init__(f"{what} needs the '{extra}' extra{pkg}: pip install 'stillmotion[{extra}]'")
        self.extra = extra


class ModelNotFoundError(StillmotionError):
    """Weights for a neural backend were not found locally (nothing is ever downloaded)."""


def check_model_folder(source: str, what: str) -> None:
    """Raise :class:`ModelNotFoundError` when ``source`` is a path (not a Hugging Face id such as
    ``owner/name``) that does not exist: said plainly, before a loader reports it as a repo id it could not
    fetch, which reads as if a download had been tried."""
    import os

    looks_like_path = source.startswith((".", "~", "/")) or source.count("/") > 1 or os.sep in source[:1]
    if looks_like_path and not os.path.exists(os.path.expanduser(source)):
        raise ModelNotFoundError(f"{what}: model folder not found: {source}")


@contextlib.contextmanager
def quiet_diffusers() -> Iterator[None]:
    """Load a diffusers model without its own progress bar and, unless the debug log is on, without the
    errors it logs before raising ("An error occurred while trying to fetch ..."): the loaders turn a
    missing model into one :class:`ModelNotFoundError` line, and diffusers' line broke through ``--quiet``
    beside it."""
    import logging  # here: the command imports this module before it can handle Ctrl-C (see stillmotion.cli)

    from diffusers.utils import logging as diffusers_logging

    diffusers_logging.disable_progress_bar()  # its loading bar broke through --quiet and into ours
    verbosity = diffusers_logging.get_verbosity()
    if not logging.getLogger("stillmotion").isEnabledFor(logging.DEBUG):
        diffusers_logging.set_verbosity(diffusers_logging.CRITICAL)
    try:
        yield
    finally:
        diffusers_logging.set_verbosity(verbosity)
