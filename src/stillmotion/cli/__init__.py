"""Command line: ``stillmotion COMMAND ...``.

Thin by design: each subcommand lives in its own module in this package, turns argv into a config and
calls :mod:`stillmotion.api`. A module is a subcommand when it defines ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``; modules are discovered, so adding a command touches
no shared file.

The parser and :func:`main` live in :mod:`._main`, loaded at first use: the ``stillmotion`` command
imports this package before :func:`run` can handle a Ctrl-C, so it imports nothing Python's start-up has
not (a Ctrl-C during the imports of argparse, NumPy or OpenCV printed a traceback).
"""

from __future__ import annotations

import os
import sys

#: The names of :mod:`._main` that this package offers.
_MAIN = ("EXIT_USAGE", "STOP_CODES", "build_parser", "main")


def __getattr__(name: str):
    if name not in _MAIN:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import _main

    return getattr(_main, name)


def run() -> None:
    """The ``stillmotion`` command: :func:`main`, then exit without tearing the interpreter down.

    After a run that used numba, CPython's shutdown spends about 0.3 s freeing the modules and objects
    of numba's type system, one by one, for nothing: the process is ending. So the exit handlers run
    (logging's flush, finalizers, thread joins), the standard streams are flushed, and the process ends
    there. Every output is complete and renamed by then; tests call :func:`main` and keep the normal exit.
    The process is the command's own, so freed memory stays in the heap for reuse (:mod:`stillmotion.heap`).
    A Ctrl-C at any point, the imports included, ends it with one line and exit code 130.
    """
    import atexit

    try:
        from ._main import STOP_CODES, command

        code = command()
        run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
        if run_exit_handlers is None:  # not CPython: exit the usual way
            raise SystemExit(code)
        if code not in STOP_CODES:
            # after a stop, a worker thread may still be inside numba's compiler (a first run loads or compiles
            # kernels ahead of use): the exit handlers include weakref finalizers that free LLVM objects under
            # it, and a CI run once ended in a segmentation fault there. What was being written is already
            # removed, so a stop skips them.
            run_exit_handlers()
    except KeyboardInterrupt:  # outside main(): while its module was imported, or in the exit handlers
        code = _interrupted()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):  # a stream closed at start is None
            pass
    os._exit(code)


def _interrupted() -> int:
    """Say that Ctrl-C stopped the run, during the run or its imports; the exit code."""
    try:
        sys.stderr.write("error: interrupted\n")
    except (AttributeError, OSError, ValueError):  # stderr closed
        pass
    return 130
