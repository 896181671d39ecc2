"""Output names that cannot be meant: only an extension (``-o .mp4``), or ``-`` (standard output)."""

from __future__ import annotations

import pytest

from stillmotion.depth.pipeline import check_depth_output
from stillmotion.errors import OutputError
from stillmotion.io import check_clip_output, check_image_output, output_kind


@pytest.mark.parametrize("check, name", [(check_clip_output, ".mp4"), (check_clip_output, ".GIF"),
                                         (check_image_output, ".png"), (check_depth_output, ".npy")])  # fmt: skip
def test_a_name_that_is_only_an_extension_is_refused(tmp_path, check, name):
    # "-o .mp4" wrote a hidden folder .mp4/ of PNG frames
    with pytest.raises(OutputError, match=rf"output .*{name} is only an extension: give a name, e.g. out{name}"):
        check(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("check", [check_clip_output, check_image_output, check_depth_output])
def test_a_dash_for_standard_output_is_refused(check):
    with pytest.raises(OutputError, match=r"output '-' \(standard output\) is not supported"):
        check("-")


def test_hidden_names_with_a_stem_and_explicit_folders_are_still_outputs():
    assert output_kind(".clip.mp4") == "mp4" and output_kind(".frames/") == "frames" and output_kind("-/") == "frames"


def test_a_dash_is_refused_for_every_output_not_only_those_with_a_format(tmp_path, monkeypatch):
    from stillmotion.io import check_output

    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError, match=r"output '-' \(standard output\) is not supported"):
        check_output("-", directory=True)  # depth --layers - made a folder named -
    assert list(tmp_path.iterdir()) == []
