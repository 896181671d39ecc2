"""The CLI's progress bar: drawn on stderr, silenced by --quiet, and brief when stderr is a log file."""

from __future__ import annotations

import io
import types

from stillmotion.cli._progress import progress_bar


def _run(monkeypatch, *, quiet: bool, frames: int = 500) -> str:
    err = io.StringIO()  # not a terminal, as when stderr goes to a log file
    monkeypatch.setattr("sys.stderr", err)
    with progress_bar(types.SimpleNamespace(quiet=quiet), "rendering") as progress:
        for i in range(frames + 1):
            progress(i, frames)
    return err.getvalue()


def test_a_log_file_gets_a_few_progress_lines_not_one_per_frame(monkeypatch):
    text = _run(monkeypatch, quiet=False)
    assert "rendering" in text
    assert text.count("\r") < 10, text.count("\r")


def test_quiet_draws_nothing(monkeypatch):
    assert _run(monkeypatch, quiet=True) == ""
