from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from stillmotion.depth.hints import apply_hints, read_hints
from stillmotion.errors import InputError
from stillmotion.types import Depth, DepthKind


def _two_regions(h=120, w=200):
    image = np.zeros((h, w, 3), np.float32)
    image[:, : w // 2] = (0.1, 0.2, 0.6)
    image[:, w // 2 :] = (0.9, 0.8, 0.3)
    depth = Depth(np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None].repeat(w, 1), DepthKind.INVERSE)
    return image, depth


def test_a_stroke_moves_its_region_and_stops_at_the_edge(tmp_path):
    image, depth = _two_regions()
    hint = np.zeros((120, 200), np.uint16)
    hint[50:70, 30:60] = 65535  # "this is nearest", painted inside the left region
    path = tmp_path / "hints.png"
    cv2.imwrite(str(path), hint)
    out = apply_hints(image, depth, read_hints(path, shape=(120, 200))).values
    left_change = (out[40:80, 10:90] - depth.values[40:80, 10:90]).mean()
    right_change = np.abs(out[40:80, 110:190] - depth.values[40:80, 110:190]).mean()
    assert left_change > 0.25
    assert right_change < 0.1 * left_change


def test_json_points(tmp_path):
    image, depth = _two_regions()
    path = tmp_path / "hints.json"
    path.write_text(json.dumps({"points": [{"x": 150, "y": 100, "depth": 0.0, "radius": 5}]}))
    out = apply_hints(image, depth, read_hints(path, shape=(120, 200))).values
    assert out[100, 150] < 0.05 < depth.values[100, 150]


def test_bad_hints(tmp_path):
    bad_point = tmp_path / "p.json"
    bad_point.write_text(json.dumps({"points": [{"x": 500, "y": 1, "depth": 0.5}]}))
    with pytest.raises(InputError, match="outside"):
        read_hints(bad_point, shape=(120, 200))
    garbage = tmp_path / "g.json"
    garbage.write_text("{not json")
    with pytest.raises(InputError):
        read_hints(garbage, shape=(120, 200))
    wrong_aspect = tmp_path / "w.png"
    cv2.imwrite(str(wrong_aspect), np.full((100, 100), 9, np.uint8))
    with pytest.raises(InputError, match="aspect"):
        read_hints(wrong_aspect, shape=(120, 200))
    empty = tmp_path / "e.png"
    cv2.imwrite(str(empty), np.zeros((120, 200), np.uint8))
    with pytest.raises(InputError, match="no hint"):
        read_hints(empty, shape=(120, 200))


def test_a_folder_or_non_utf8_hints_file_is_an_input_error(tmp_path):
    (tmp_path / "hints.json").mkdir()
    with pytest.raises(InputError, match="is a directory"):  # was IsADirectoryError: "internal error"
        read_hints(tmp_path / "hints.json", shape=(10, 10))
    (tmp_path / "bytes.json").write_bytes(b"\xff\xfe{}")
    with pytest.raises(InputError, match="depth hints"):
        read_hints(tmp_path / "bytes.json", shape=(10, 10))


def test_hints_do_not_push_depth_beyond_the_map_and_the_hints(tmp_path):
    # a far stroke spread past itself: inverse depth went below 0 (behind the camera)
    h, w = 64, 96
    image = np.zeros((h, w, 3), np.float32)
    image[:, w // 2 :] = 1.0
    depth = Depth(np.tile(np.linspace(0.2, 1.0, w, dtype=np.float32), (h, 1)), DepthKind.INVERSE)
    values = np.zeros((h, w), np.float32)
    mask = np.zeros((h, w), bool)
    mask[20:40, 60:80] = True  # "farthest" painted on the near half
    out = apply_hints(image, depth, (values, mask)).values
    assert out.min() >= min(depth.values.min(), float(np.percentile(depth.values, 1))) - 1e-6
    assert out.max() <= depth.values.max() + 1e-6


def test_a_huge_point_radius_is_an_input_error(tmp_path):
    for radius in ("Infinity", "1e30"):
        path = tmp_path / "h.json"
        path.write_text('{"points": [{"x": 5, "y": 5, "depth": 0.9, "radius": %s}]}' % radius)
        with pytest.raises(InputError, match="radius"):
            read_hints(path, shape=(10, 10))
