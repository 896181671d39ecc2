"""The ``stillmotion`` command's parser and :func:`main` (see :mod:`stillmotion.cli`, which loads this
module inside :func:`stillmotion.cli.run`, where a Ctrl-C during its imports is handled)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import pkgutil
import re
import signal
import sys
import traceback

from ..errors import StillmotionError
from . import _stdout, _stop
from ._stop import Terminated

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse with the project's one-line error format."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(EXIT_USAGE)

    def _print_message(self, message: str, file=None) -> None:
        """--help and --version on standard output: a failed write is one line and exit code 2 (argparse
        drops it and exits 0); a reader that went away (``| head -1``) is not told about."""
        if message and file is sys.stdout:
            try:
                _stdout.write(message)
            except BrokenPipeError:
                pass
            except StillmotionError as exc:
                sys.stderr.write(f"error: {exc}\n")
                raise SystemExit(EXIT_USAGE) from None
        else:
            super()._print_message(message, file)


def _command_modules():
    package = sys.modules[__package__]
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        if all(hasattr(module, a) for a in ("NAME", "HELP", "add_arguments", "run")):
            yield module


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand; with ``command``, only that one gets its options (adding the
    others' would import what they need, the cinemagraph package for ``loop``'s materials, for nothing),
    the rest are listed by name and help."""
    from .. import __version__

    parser = _Parser(prog="stillmotion", description="Bring still photos to life.")
    parser.add_argument("--version", action="version", version=f"stillmotion {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    parser.commands = sub.choices  # type: ignore[attr-defined]  # name -> the command's own parser
    for module in _command_modules():
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        if command is None or command == module.NAME:
            module.add_arguments(cmd)
        cmd.add_argument("--quiet", action="store_true",
                         help="no progress bar or progress messages on stderr (warnings and errors still show)")
        cmd.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
        cmd.set_defaults(_run=module.run)
    return parser


def command() -> int:
    """The process-wide set-up of the ``stillmotion`` command, then :func:`main` (for :func:`stillmotion.cli.run`)."""
    from ..heap import reuse_freed_memory

    reuse_freed_memory()
    _stop.install()  # SIGTERM and SIGHUP stop the run as Ctrl-C does, removing what was being written
    _open_closed_streams()
    return main()


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except (Terminated, KeyboardInterrupt) as exc:  # during the run, or while its modules are imported
        return _stopped(exc)


def _main(argv: list[str] | None) -> int:
    argv = _negative_lists_joined(sys.argv[1:] if argv is None else argv)
    command = next((arg for arg in argv if not arg.startswith("-")), None)  # the only global options are flags
    parser = build_parser(command)
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the command's own parser, which points at its own --help
        said_by = parser.commands.get(getattr(args, "command", None), parser)
        said_by.error(f"unrecognized arguments: {' '.join(unknown)}")
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    level = logging.DEBUG if args.debug else (logging.WARNING if args.quiet else logging.INFO)
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    # imageio-ffmpeg warns that a rotated video's frames are read at their displayed size, which is what we
    # want: not a message for the user (it came through --quiet)
    logging.getLogger("imageio_ffmpeg").setLevel(logging.DEBUG if args.debug else logging.ERROR)
    # nothing is downloaded, and nothing is asked of the hub either: huggingface_hub otherwise makes a request
    # while building headers even for local_files_only loads (a 3 s timeout where there is no network)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not args.debug:  # transformers' and diffusers' own notes (optional packages, memory hints) are not ours,
        # nor their weight-loading bars, which broke through --quiet and into our own bar
        for variable, value in (("TRANSFORMERS_VERBOSITY", "error"), ("DIFFUSERS_VERBOSITY", "error"),
                                ("HF_HUB_DISABLE_PROGRESS_BARS", "1")):  # fmt: skip
            os.environ.setdefault(variable, value)
    try:
        return int(args._run(args) or 0)
    except StillmotionError as exc:
        if args.debug:
            traceback.print_exc()
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    except BrokenPipeError:  # the reader of stdout went away (``stillmotion motions | head -1``): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit must not fail again
        return 1
    except Exception as exc:  # a bug, not bad input: say so in one line unless --debug
        stop = _stop_behind(exc)
        if stop is not None:  # Ctrl-C inside a numba kernel comes back as a SystemError caused by it
            return _stopped(stop)
        if args.debug:
            raise
        sys.stderr.write(f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug\n")
        return 1


#: A list of values that starts with a negative number (``-0.05,0,0``; ``-3,0,0``).
_NEGATIVE_LIST = re.compile(r"-(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?:,[^,]*)+")


def _negative_lists_joined(argv: list[str]) -> list[str]:
    """``--option -0.05,0,0`` written ``--option=-0.05,0,0``: argparse takes a word that starts with '-' and
    is not a lone negative number for an option, and said "--move: expected one argument" when the camera
    was to move left. Nothing after ``--`` is touched."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        if arg == "--":
            return out + argv[i:]
        previous = out[-1] if out else ""
        if previous.startswith("--") and len(previous) > 2 and "=" not in previous and _NEGATIVE_LIST.fullmatch(arg):
            out[-1] = f"{previous}={arg}"
        else:
            out.append(arg)
    return out


#: Exit codes of a stopped run: Ctrl-C, SIGTERM, SIGHUP (see :func:`_stopped`).
STOP_CODES = (130, 128 + signal.SIGTERM, 128 + signal.SIGHUP)


def _stopped(exc: BaseException) -> int:
    """The message and exit code of a run stopped by Ctrl-C (130) or by SIGTERM/SIGHUP (128 + signal)."""
    if isinstance(exc, Terminated):
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            sys.stderr.write(f"error: stopped by {signal.Signals(exc.signum).name}\n")
        return 128 + exc.signum
    from . import _interrupted

    return _interrupted()


def _stop_behind(exc: BaseException) -> BaseException | None:
    """The Ctrl-C or stop signal among the causes of ``exc``, if any: a signal that arrives while compiled
    code runs is raised when it returns, and Python reports that as a SystemError caused by it."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (KeyboardInterrupt, Terminated)):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _open_closed_streams() -> None:
    """Point a standard stream that was closed at start (``stillmotion ... >&-``), which Python leaves as
    None, at the null device: a run that succeeded printed a traceback and exited 1 when its last flush
    met None, and one whose stderr was closed failed without a word."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 - open for the process's lifetime
