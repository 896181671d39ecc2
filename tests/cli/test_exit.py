"""The ``stillmotion`` command's exit: the code, every line of output, and a reader that goes away."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT / "src"))


def _command(*args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "stillmotion", *args], env=env or ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)  # fmt: skip


def test_all_output_arrives_through_a_pipe_and_the_exit_code_is_kept():
    out, err = _command("motions", "--aliases").communicate(timeout=60)
    from stillmotion.camera import MOTIONS

    assert len(out.splitlines()) >= len(MOTIONS) >= 16
    assert out.endswith("\n") and err == ""
    bad = _command("animate", "missing.jpg", "-o", "out.mp4")
    _, err = bad.communicate(timeout=60)
    assert bad.returncode == 2 and err.startswith("error: ")


def test_a_reader_that_stops_early_is_not_an_internal_error():
    proc = _command("motions", "--aliases", bufsize=0)
    proc.stdout.readline()
    proc.stdout.close()  # like `stillmotion motions | head -1`
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert "internal error" not in err and "Traceback" not in err


def _with_exit_handler(tmp_path: Path) -> dict:
    """An environment whose Python registers an exit handler that says it ran (a sitecustomize)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import atexit, sys\natexit.register(lambda: sys.stderr.write('exit handlers ran\\n'))\n"
    )
    return dict(ENV, PYTHONPATH=os.pathsep.join([str(site), ENV["PYTHONPATH"]]))


def test_a_terminated_run_leaves_no_partial_output(tmp_path):
    """``kill`` (SIGTERM) while the clip is being written: the temporary file is removed, as on Ctrl-C,
    and the exit handlers are skipped (their weakref finalizers free LLVM objects that a worker thread still
    compiling may be using: a CI run once ended in a segmentation fault)."""
    import signal
    import time

    import numpy as np

    from stillmotion.io import write_image

    env = _with_exit_handler(tmp_path)
    _, err = _command("motions", env=env).communicate(timeout=60)
    assert err == "exit handlers ran\n"  # after a run that ends normally they run

    photo = tmp_path / "photo.png"
    rng = np.random.default_rng(0)
    write_image(photo, np.kron(rng.random((24, 32, 3), dtype=np.float32), np.ones((8, 8, 1), np.float32)))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    proc = _command("animate", str(photo), "-o", str(out_dir / "clip.mp4"), "--duration", "120", "--quiet", env=env)
    deadline = time.monotonic() + 120
    while not any(".part" in p.name for p in out_dir.iterdir()):  # the clip's temporary file (the encoder runs)
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else "slow"
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert err.strip() == "error: stopped by SIGTERM"
    assert list(out_dir.iterdir()) == []


def test_a_stop_whose_exception_was_lost_is_raised_at_the_next_progress_report(monkeypatch):
    """A signal handler that runs inside a finalizer loses its exception; the stop is remembered."""
    import argparse
    import signal

    import pytest

    from stillmotion.cli import _stop
    from stillmotion.cli._progress import progress_bar

    monkeypatch.setattr(_stop, "_requested", [])
    try:
        _stop._handler(signal.SIGTERM, None)  # as if Python had run the handler inside a __del__
    except _stop.Terminated:
        pass  # ... and printed "Exception ignored" instead of raising
    for quiet in (True, False):
        with progress_bar(argparse.Namespace(quiet=quiet), "rendering") as progress:
            with pytest.raises(_stop.Terminated) as stop:
                progress(1, 10)
        assert stop.value.signum == signal.SIGTERM


def test_a_stop_lost_in_a_callback_prints_no_traceback():
    """The handler ran inside a finalizer (or llvmlite's callback, as in CI): Python would print
    "Exception ignored" and a traceback; the stop is raised again, with nothing else on stderr."""
    code = (
        "import signal\n"
        "from stillmotion.cli import _stop\n"
        "_stop.install()\n"
        "class Finalized:\n"
        "    def __del__(self):\n"
        "        _stop._handler(signal.SIGTERM, None)\n"
        "Finalized()\n"  # collected at once: the handler's exception is unraisable
        "try:\n"
        "    _stop.check()\n"
        "except _stop.Terminated as stop:\n"
        "    print('stopped', stop.signum)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, timeout=60)
    import signal

    assert done.stdout.strip() == f"stopped {int(signal.SIGTERM)}"
    assert done.stderr == ""


def test_ctrl_c_inside_compiled_code_is_an_interrupt_not_an_internal_error(monkeypatch, capsys):
    # a KeyboardInterrupt that arrives while a numba kernel runs comes back as a SystemError caused by it
    from stillmotion.cli import main, motions
    from stillmotion.cli._stop import Terminated

    def interrupted_in_a_kernel(args):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise SystemError("CPUDispatcher(<function _scan>) returned a result with an exception set") from exc

    monkeypatch.setattr(motions, "run", interrupted_in_a_kernel)
    assert main(["motions"]) == 130
    assert capsys.readouterr().err == "error: interrupted\n"

    def stopped_in_a_kernel(args):
        try:
            raise Terminated(15)
        except Terminated as exc:
            raise SystemError("returned a result with an exception set") from exc

    monkeypatch.setattr(motions, "run", stopped_in_a_kernel)
    assert main(["motions"]) == 143
    assert capsys.readouterr().err == "error: stopped by SIGTERM\n"


def test_a_closed_stdout_or_stderr_is_not_a_failure(tmp_path):
    # `stillmotion motions >&-` printed a traceback ('NoneType' has no attribute 'flush') and exited 1 after
    # doing its work; with stderr closed it exited 1 without a word
    for fd in (1, 2):
        proc = subprocess.run(
            [sys.executable, "-m", "stillmotion", "motions"], env=ENV, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if fd == 2 else None, stderr=subprocess.PIPE if fd == 1 else None,
            pass_fds=(), preexec_fn=lambda fd=fd: os.close(fd), timeout=60, text=True,
        )  # fmt: skip
        assert proc.returncode == 0, (fd, proc.stderr)
        assert "Traceback" not in (proc.stderr or "")


def _interrupted_while_importing(module: str, *args: str) -> subprocess.CompletedProcess:
    """Run the ``stillmotion`` command as its console script does, with a Ctrl-C raised when ``module`` is
    first imported (where a Ctrl-C in the first 0.15 s of a run lands: NumPy's, OpenCV's, argparse's imports)."""
    code = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {module!r}:\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        f"sys.argv = ['stillmotion', *{list(args)!r}]\n"
        "from stillmotion.cli import run\n"
        "run()\n"
    )
    return subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, timeout=60)


def test_ctrl_c_while_the_command_starts_is_one_line_and_exit_130(tmp_path):
    # a Ctrl-C in the first ~0.15 s printed a 33-line traceback ending in KeyboardInterrupt, raised inside
    # the imports of NumPy and OpenCV (from ~0.2 s on it was already 'error: interrupted', 130)
    animate = ("animate", "photo.jpg", "-o", str(tmp_path / "o.mp4"))
    schedule = ("schedule", "0:(1)", "--frames", "3")
    for module, args in (("argparse", animate), ("numpy", animate), ("cv2", animate), ("argparse", schedule),
                         ("stillmotion.generate.schedule", schedule)):  # fmt: skip
        done = _interrupted_while_importing(module, *args)
        assert (done.returncode, done.stderr, done.stdout) == (130, "error: interrupted\n", ""), module
    assert list(tmp_path.iterdir()) == []


def test_the_command_imports_nothing_heavy_before_it_can_handle_ctrl_c():
    code = "import sys, stillmotion.cli; print(sorted({'argparse', 'logging', 'numpy', 'cv2'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], env=ENV, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_a_failed_write_to_stdout_is_one_line_and_exit_2():
    # `stillmotion motions > /dev/full` exited 1 with "internal error (OSError: ...)"; --help exited 0
    import pytest

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    for args in (["motions"], ["grades", "--keys"], ["schedule", "0:(1)", "--frames", "3"], ["--help"],
                 ["motions", "--help"]):  # fmt: skip
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, "-m", "stillmotion", *args], env=ENV, stdout=full,
                                  stderr=subprocess.PIPE, text=True, timeout=60)  # fmt: skip
        assert (done.returncode, done.stderr) == (2, "error: cannot write to standard output: No space left on device\n"), args
