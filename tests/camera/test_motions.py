"""Camera motions: names, aliases, smoothness, loops, keyframe files."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from stillmotion.camera import ALIASES, MOTIONS, SceneScale, get_motion, make_path
from stillmotion.errors import InputError

SCALE = SceneScale(near_z=1.0, pivot_z=2.5)


def _vector(state) -> np.ndarray:
    return np.array([state.x, state.y, state.z, state.rx_deg, state.ry_deg, state.rz_deg, state.focal_scale])


def _samples(path, n=201):
    return np.array([_vector(path.state(t)) for t in np.linspace(0, 1, n)])


def test_at_least_twenty_named_motions_each_moving_the_camera():
    required = {"static", "zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down", "turn_left",
                "turn_right", "tilt_up", "tilt_down", "orbit_left", "orbit_right", "spin_cw", "spin_ccw",
                "dolly_zoom", "circle", "swing", "zoom_in_sway", "zoom_out_sway"}  # fmt: skip
    assert required <= set(MOTIONS)
    for name in MOTIONS:
        values = _samples(make_path(name, scale=SCALE))
        assert np.ptp(values, axis=0).max() > 1e-3, f"{name} does not move"


@pytest.mark.parametrize("name", sorted(MOTIONS))
def test_paths_are_smooth(name):
    values = _samples(make_path(name, scale=SCALE))
    step = np.abs(np.diff(values, axis=0)).max(axis=0)
    span = np.maximum(np.ptp(values, axis=0), 1e-9)
    # no jumps: with 200 steps a smooth path moves at most a few percent of its range per step
    assert (step / span).max() < 0.05, name
    accel = np.abs(np.diff(values, n=2, axis=0)).max(axis=0) / span
    assert accel.max() < 0.01, name


@pytest.mark.parametrize("name", sorted(MOTIONS))
def test_loop_returns_to_start(name):
    path = make_path(name, scale=SCALE, loop=True)
    assert np.allclose(_vector(path.state(0.0)), _vector(path.state(1.0)), atol=1e-9)


def test_directions_follow_their_names():
    def at_end(name):
        return make_path(name, scale=SCALE).state(1.0)

    assert at_end("zoom_in").z > 0 > at_end("zoom_out").z
    assert at_end("pan_right").x > 0 > at_end("pan_left").x
    assert at_end("pan_up").y < 0 < at_end("pan_down").y  # OpenCV axes: y points down
    assert at_end("turn_right").ry_deg > 0 > at_end("turn_left").ry_deg
    assert at_end("tilt_up").rx_deg > 0 > at_end("tilt_down").rx_deg
    assert at_end("orbit_right").x > 0 and at_end("orbit_right").ry_deg < 0  # moves right, looks back left


def test_orbit_keeps_the_pivot_centred():
    path = make_path("orbit_left", scale=SCALE)
    for t in np.linspace(0, 1, 11):
        pose = path.state(t).world_from_camera()
        forward = pose[:3, 2]
        to_pivot = np.array([0.0, 0.0, SCALE.pivot_z]) - pose[:3, 3]
        assert np.allclose(forward, to_pivot / np.linalg.norm(to_pivot), atol=1e-9)


def test_dolly_zoom_keeps_the_subject_size():
    path = make_path("dolly_zoom", scale=SCALE)
    sizes = [s.focal_scale / (SCALE.pivot_z - s.z) for s in map(path.state, np.linspace(0, 1, 11))]
    assert np.allclose(sizes, sizes[0])
    assert path.state(1.0).focal_scale > 1.2


def test_spin_reaches_a_full_turn():
    assert math.isclose(abs(make_path("spin_cw", scale=SCALE, intensity=12).state(1.0).rz_deg), 360.0)


def test_aliases_and_unknown_names():
    for alias, target in ALIASES.items():
        assert get_motion(alias).name == target
    assert get_motion("Zoom In").name == "zoom_in"
    with pytest.raises(InputError) as err:
        get_motion("wobble")
    assert "zoom_in" in str(err.value) and "orbit_left" in str(err.value)


@pytest.mark.parametrize("ext", ["json", "toml", "yaml"])
def test_keyframe_files(tmp_path, ext):
    keys = [{"t": 0.0}, {"t": 0.5, "x": 0.1, "ry": 4.0}, {"t": 1.0, "x": 0.0, "z": 0.2, "fov": 40.0}]
    path = tmp_path / f"path.{ext}"
    if ext == "json":
        path.write_text(json.dumps({"keyframes": keys}))
    elif ext == "toml":
        path.write_text("".join("[[keyframes]]\n" + "".join(f"{k} = {v}\n" for k, v in key.items()) for key in keys))
    else:
        import yaml

        path.write_text(yaml.safe_dump({"keyframes": keys}))
    cam = make_path(str(path), scale=SceneScale(near_z=2.0, pivot_z=3.0), base_fov_deg=55.0)
    mid = cam.state(0.5)
    assert math.isclose(mid.x, 0.2, abs_tol=1e-9)  # translations are in units of the near depth
    assert math.isclose(mid.ry_deg, 4.0, abs_tol=1e-9)
    end = cam.state(1.0)
    assert math.isclose(end.z, 0.4, abs_tol=1e-9)
    assert math.isclose(end.focal_scale, math.tan(math.radians(27.5)) / math.tan(math.radians(20.0)))
    values = _samples(cam)
    assert (np.abs(np.diff(values, n=2, axis=0)).max(axis=0) < 1e-2).all()


def test_a_value_first_given_on_a_later_key_starts_from_the_rest_pose(tmp_path):
    # fov given only on the last key held 30 degrees from frame 0 (the mean of the keys that set it): no zoom
    path = tmp_path / "zoom.toml"
    path.write_text("[[keyframes]]\nt = 0.0\n[[keyframes]]\nt = 0.5\n[[keyframes]]\nt = 1.0\nfov = 30\nx = 0.05\nrz = 6\n")
    cam = make_path(str(path), scale=SCALE, base_fov_deg=55.0)
    given = tmp_path / "given.toml"  # the same path with the defaults written out on the first key
    given.write_text("[[keyframes]]\nt = 0.0\nfov = 55\nx = 0\nrz = 0\n[[keyframes]]\nt = 0.5\n"
                     "[[keyframes]]\nt = 1.0\nfov = 30\nx = 0.05\nrz = 6\n")  # fmt: skip
    np.testing.assert_allclose(_samples(cam), _samples(make_path(str(given), scale=SCALE, base_fov_deg=55.0)))
    start, end = cam.state(0.0), cam.state(1.0)
    assert start.focal_scale == 1.0 and start.x == 0.0 and start.rz_deg == 0.0
    assert math.isclose(end.focal_scale, math.tan(math.radians(27.5)) / math.tan(math.radians(15.0)))  # 1.943
    assert end.x == pytest.approx(0.05) and end.rz_deg == pytest.approx(6.0)
    assert cam.state(0.5).focal_scale == 1.0 and 1.0 < cam.state(0.75).focal_scale < end.focal_scale  # held, then zooms


def test_keyframe_values_never_go_beyond_their_keys(tmp_path):
    # the interpolating spline overshot: fov keys 120, 165, 100, 100 reached 170.7 degrees and the path was
    # refused; fov 55, 5, 60, 60 swung out to 155
    path = tmp_path / "fov.json"
    for fovs, times in (((120, 165, 100, 100), (0, 0.45, 0.55, 1)), ((55, 5, 60, 60), (0, 0.1, 0.2, 1))):
        path.write_text(json.dumps({"keyframes": [{"t": t, "fov": f, "x": f / 1000} for t, f in zip(times, fovs)]}))
        cam = make_path(str(path), scale=SCALE, base_fov_deg=55.0)
        us = np.linspace(0.0, 1.0, 401)
        fov = [2 * math.degrees(math.atan(math.tan(math.radians(27.5)) / cam.state(u).focal_scale)) for u in us]
        x = [cam.state(u).x for u in us]
        for i in range(len(times) - 1):  # between two keys, each value stays between them
            inside = (us >= times[i]) & (us <= times[i + 1])
            lo, hi = sorted(fovs[i : i + 2])
            assert lo - 1e-6 <= min(np.array(fov)[inside]) and max(np.array(fov)[inside]) <= hi + 1e-6
            xs = np.array(x)[inside] / SCALE.near_z
            assert lo / 1000 - 1e-9 <= xs.min() and xs.max() <= hi / 1000 + 1e-9
        assert np.abs(np.diff(fov, n=2)).max() < 1.0  # and it stays smooth


def test_intensity_scales_a_keyframe_paths_moves_but_not_its_fov(tmp_path):
    # a path file moved the same at any intensity (--motion path.toml --intensity 2 did nothing)
    path = tmp_path / "list.yaml"
    path.write_text("- {t: 0}\n- {t: 1, x: 0.05, y: -0.02, z: 0.1, rx: 1, ry: 2, rz: 3, fov: 40}\n")
    one, two = (make_path(str(path), scale=SCALE, intensity=k).state(1.0) for k in (1.0, 2.0))
    assert one.x == pytest.approx(0.05) and two.x == pytest.approx(0.1)
    np.testing.assert_allclose(_vector(two)[:6], 2 * _vector(one)[:6])
    assert two.focal_scale == one.focal_scale
    assert _vector(make_path(str(path), scale=SCALE, intensity=0.0).state(1.0))[:6].tolist() == [0.0] * 6


def test_bad_keyframe_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"keyframes": [{"t": 0.5}, {"t": 0.2}]}')
    with pytest.raises(InputError, match="increase"):
        make_path(str(bad), scale=SCALE)
    bad.write_text('{"keyframes": [{"t": 0, "x": "far"}]}')
    with pytest.raises(InputError, match="not a number"):
        make_path(str(bad), scale=SCALE)
    bad.write_text("{not json")
    with pytest.raises(InputError, match="malformed"):
        make_path(str(bad), scale=SCALE)
    with pytest.raises(InputError, match="not found"):
        make_path(str(tmp_path / "missing.toml"), scale=SCALE)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("t.json", '{"keyframes": [{"t": -1}, {"t": 2}]}', "t -1 is outside 0..1"),
        ("mixed.json", '{"keyframes": [{"t": 0}, {"time_s": 2}]}', "not both"),
        ("huge.json", '{"keyframes": [{"t": 0}, {"t": 1, "x": 1e308}]}', "out of range"),
        ("fov.json", '{"keyframes": [{"t": 0}, {"t": 1, "fov": 200}]}', "keyframe 1 fov must be within 1..170"),
        ("bytes.toml", b"\xff\xfe", "not UTF-8"),
        ("multi.yaml", "keyframes:\n  - {t: 0\n", "malformed"),
    ],
)
def test_more_bad_keyframe_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    with pytest.raises(InputError, match=None) as info:
        make_path(str(path), scale=SCALE)
    assert message in str(info.value) and "\n" not in str(info.value)
    folder = tmp_path / "folder.json"
    folder.mkdir()
    with pytest.raises(InputError, match="is a directory"):
        make_path(str(folder), scale=SCALE)
