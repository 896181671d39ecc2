"""The README and docs: links that render, and Python that runs as shown."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_no_markdown_link_is_split_across_lines():
    # docs/finishing.md's link to the README broke at "---grade---" and rendered as text
    for page in PAGES:
        split = re.findall(r"\]\([^)\s]*\n", page.read_text())
        assert not split, f"{page.name}: {split}"


def test_the_loop_example_imports_what_it_names():
    # the README showed api.loop(..., hints=MotionHints(...), config=LoopConfig(...)) and the names are not in api
    readme = (ROOT / "README.md").read_text()
    line = re.search(r"`(from stillmotion\.cinemagraph import [^`]*)`", readme)
    assert line is not None
    names: dict = {}
    exec(line.group(1), names)  # noqa: S102 - the README's own import line
    assert {"LoopConfig", "MotionHints"} <= set(names)
    names["LoopConfig"](duration_s=2.0)
    names["MotionHints"]()
