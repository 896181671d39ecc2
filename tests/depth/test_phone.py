"""Phone depth: the tests build each format themselves, following the published layouts."""

from __future__ import annotations

import base64
import struct
import uuid

import cv2
import numpy as np
import pytest

from stillmotion import depth as depth_stage
from stillmotion.depth.phone import find_phone_depth, heif_depth_to_inverse
from stillmotion.errors import InputError

H, W = 60, 80
NEAR, FAR = 0.5, 4.0


def _photo_jpeg() -> bytes:
    rng = np.random.default_rng(0)
    ok, buf = cv2.imencode(".jpg", (rng.random((H, W, 3)) * 255).astype(np.uint8))
    return buf.tobytes()


def _true_z() -> np.ndarray:
    """A ramp from 0.6 m (left) to 3.5 m (right)."""
    return np.linspace(0.6, 3.5, W, dtype=np.float64)[None, :].repeat(H, 0)


def _encode_range_inverse(z: np.ndarray, dtype=np.uint16) -> np.ndarray:
    d = (FAR * (z - NEAR)) / (z * (FAR - NEAR))  # inverse of z = far*near / (far - d*(far - near))
    return np.round(d * np.iinfo(dtype).max).astype(dtype)


def _app1(payload: bytes) -> bytes:
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def _insert_after_soi(jpeg: bytes, segments: bytes) -> bytes:
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + segments + jpeg[2:]


def _xmp_packet(body: str) -> str:
    return ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f"{body}</rdf:RDF></x:xmpmeta>")


def gdepth_jpeg(fmt="RangeInverse", corrupt=False) -> bytes:
    z = _true_z()
    if fmt == "RangeInverse":
        stored = _encode_range_inverse(z)
    else:
        stored = np.round((z - NEAR) / (FAR - NEAR) * 65535).astype(np.uint16)
    png = cv2.imencode(".png", stored)[1].tobytes()
    data = base64.b64encode(png).decode()
    if corrupt:
        data = data[: len(data) // 2] + "!!!"
    guid = uuid.uuid4().hex.upper()
    standard = _xmp_packet(
        '<rdf:Description rdf:about="" xmlns:GDepth="http://ns.google.com/photos/1.0/depthmap/" '
        f'xmlns:xmpNote="http://ns.adobe.com/xmp/note/" GDepth:Format="{fmt}" GDepth:Near="{NEAR}" '
        f'GDepth:Far="{FAR}" GDepth:Mime="image/png" xmpNote:HasExtendedXMP="{guid}"/>'
    ).encode()
    extended = _xmp_packet(
        '<rdf:Description rdf:about="" xmlns:GDepth="http://ns.google.com/photos/1.0/depthmap/" '
        f'GDepth:Data="{data}"/>'
    ).encode()
    segments = _app1(b"http://ns.adobe.com/xap/1.0/\x00" + standard)
    chunk = 40000  # extended XMP is split into chunks of < 64 kB, each with GUID, full length and offset
    for offset in range(0, len(extended), chunk):
        part = extended[offset : offset + chunk]
        segments += _app1(b"http://ns.adobe.com/xmp/extension/\x00" + guid.encode()
                          + struct.pack(">II", len(extended), offset) + part)
    return _insert_after_soi(_photo_jpeg(), segments)


def dynamic_depth_jpeg(truncate=False, container="Container", item="Item") -> bytes:
    """``container``/``item``: the XMP prefixes (Dynamic Depth's own, or a motion photo's GContainer)."""
    stored = _encode_range_inverse(_true_z())
    depth_png = cv2.imencode(".png", stored)[1].tobytes()
    confidence_png = cv2.imencode(".png", np.full((H, W), 255, np.uint8))[1].tobytes()
    xmp = _xmp_packet(
        '<rdf:Description rdf:about="" xmlns:Device="http://ns.google.com/photos/dd/1.0/device/" '
        f'xmlns:{container}="http://ns.google.com/photos/dd/1.0/container/" '
        f'xmlns:{item}="http://ns.google.com/photos/dd/1.0/item/" '
        'xmlns:DepthMap="http://ns.google.com/photos/dd/1.0/depthmap/">'
        f"<Device:Container><{container}:Directory><rdf:Seq>"
        f'<rdf:li rdf:parseType="Resource"><{container}:Item {item}:Mime="image/jpeg" {item}:Semantic="Primary"/></rdf:li>'
        f'<rdf:li rdf:parseType="Resource"><{container}:Item {item}:Mime="image/png" {item}:Semantic="Depth" '
        f'{item}:Length="{len(depth_png)}" {item}:DataURI="android/depthmap"/></rdf:li>'
        f'<rdf:li rdf:parseType="Resource"><{container}:Item {item}:Mime="image/png" {item}:Semantic="Depth" '
        f'{item}:Length="{len(confidence_png)}" {item}:DataURI="android/confidencemap"/></rdf:li>'
        f"</rdf:Seq></{container}:Directory></Device:Container>"
        f'<DepthMap:DepthMap DepthMap:Format="RangeInverse" DepthMap:Near="{NEAR}" DepthMap:Far="{FAR}" '
        'DepthMap:Units="Meters" DepthMap:DepthURI="android/depthmap" DepthMap:ConfidenceURI="android/confidencemap" '
        'DepthMap:ItemSemantic="Depth"/>'
        "</rdf:Description>"
    ).encode()
    data = _insert_after_soi(_photo_jpeg(), _app1(b"http://ns.adobe.com/xap/1.0/\x00" + xmp)) + depth_png + confidence_png
    return data[:-len(confidence_png) - 30] if truncate else data


def apple_mpf_jpeg(bad_offset=False) -> bytes:
    """Primary JPEG with an MPF index (APP2) whose second entry is a disparity JPEG with Apple's XMP."""
    disparity = np.round(255 * (1 / _true_z() - 1 / 3.5) / (1 / 0.6 - 1 / 3.5)).astype(np.uint8)
    xmp = _xmp_packet(
        '<rdf:Description rdf:about="" xmlns:apdi="http://ns.apple.com/pixeldatainfo/1.0/" '
        'xmlns:depthData="http://ns.apple.com/depthData/1.0/" apdi:NativeFormat="1751411059" '
        'depthData:Filtered="1" depthData:Quality="1"/>'
    ).encode()
    second = _insert_after_soi(cv2.imencode(".jpg", disparity, [cv2.IMWRITE_JPEG_QUALITY, 100])[1].tobytes(),
                               _app1(b"http://ns.adobe.com/xap/1.0/\x00" + xmp))
    primary = _photo_jpeg()
    # MPF APP2: "MPF\0" + TIFF header (II) + IFD with MPFVersion, NumberOfImages, MPEntry; then 2 entries.
    ifd_offset, n_tags = 8, 3
    entries_at = ifd_offset + 2 + 12 * n_tags + 4
    mpf_len = 4 + entries_at + 32  # payload length
    segment_len = 2 + 2 + mpf_len
    tiff_start = 2 + 4 + 4  # SOI + APP2 marker/length + "MPF\0": position of the TIFF header in the file
    second_offset = len(primary) + segment_len - tiff_start
    if bad_offset:
        second_offset += 10_000_000
    tiff = b"II*\x00" + struct.pack("<I", ifd_offset) + struct.pack("<H", n_tags)
    tiff += struct.pack("<HHI4s", 0xB000, 7, 4, b"0100")
    tiff += struct.pack("<HHII", 0xB001, 4, 1, 2)
    tiff += struct.pack("<HHII", 0xB002, 7, 32, entries_at)
    tiff += struct.pack("<I", 0)
    tiff += struct.pack("<IIIHH", 0x030000, len(primary) + segment_len, 0, 0, 0)
    tiff += struct.pack("<IIIHH", 0x000000, len(second), second_offset, 0, 0)
    app2 = b"\xff\xe2" + struct.pack(">H", 2 + 4 + len(tiff)) + b"MPF\x00" + tiff
    assert len(app2) == segment_len
    return primary[:2] + app2 + primary[2:] + second


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("fmt", ["RangeInverse", "RangeLinear"])
def test_gdepth_round_trip(tmp_path, fmt):
    found = find_phone_depth(_write(tmp_path, "p.jpg", gdepth_jpeg(fmt)))
    assert found is not None and "GDepth" in found.source
    np.testing.assert_allclose(1.0 / found.inverse, _true_z(), rtol=2e-3)


def test_dynamic_depth_round_trip(tmp_path):
    found = find_phone_depth(_write(tmp_path, "dd.jpg", dynamic_depth_jpeg()))
    assert found is not None and "Dynamic Depth" in found.source
    np.testing.assert_allclose(1.0 / found.inverse, _true_z(), rtol=2e-3)


def test_apple_mpf_disparity(tmp_path):
    found = find_phone_depth(_write(tmp_path, "apple.jpg", apple_mpf_jpeg()))
    assert found is not None and "Apple" in found.source
    # disparity: near (left) is larger than far (right), and it is monotonic along the ramp
    row = found.inverse[30]
    assert row[0] > row[-1] and np.all(np.diff(row.astype(np.float64)) <= 2)


def test_auto_uses_the_phone_depth_and_reports_it(tmp_path, caplog):
    path = _write(tmp_path, "p.jpg", gdepth_jpeg())
    caplog.set_level("INFO")
    assert depth_stage.resolve_backend("auto", source=path) == "phone"
    image = np.zeros((H * 2, W * 2, 3), np.float32)  # the photo may be larger than the depth map
    depth = depth_stage.estimate(image, backend="auto", source=path)
    assert depth.shape == (H * 2, W * 2)
    assert depth.values[:, 0].mean() > depth.values[:, -1].mean()
    assert "phone" in caplog.text


@pytest.mark.parametrize("builder", [lambda: gdepth_jpeg(corrupt=True), lambda: dynamic_depth_jpeg(truncate=True),
                                     lambda: apple_mpf_jpeg(bad_offset=True)])
def test_corrupt_blocks_warn_and_fall_back(tmp_path, builder, caplog):
    path = _write(tmp_path, "bad.jpg", builder())
    caplog.set_level("WARNING")
    assert find_phone_depth(path) is None
    assert "corrupt" in caplog.text or "ignored" in caplog.text
    assert depth_stage.resolve_backend("auto", source=path) == "classical"
    with pytest.raises(InputError, match="no embedded depth"):
        depth_stage.estimate(np.zeros((H, W, 3), np.float32), backend="phone", source=path)


def test_wrong_aspect_is_refused(tmp_path):
    path = _write(tmp_path, "p.jpg", gdepth_jpeg())
    with pytest.raises(InputError, match="aspect"):
        depth_stage.estimate(np.zeros((100, 100, 3), np.float32), backend="phone", source=path)


def test_heif_depth_representations():
    d = np.array([[0, 255]], np.float32)
    disparity = heif_depth_to_inverse(d, {"representation_type": 1, "d_min": 0.5, "d_max": 2.0})
    np.testing.assert_allclose(disparity, [[0.5, 2.0]])
    z = heif_depth_to_inverse(d, {"representation_type": 2, "d_min": 1.0, "d_max": 4.0})
    np.testing.assert_allclose(z, [[1.0, 0.25]])


def test_cli_auto_uses_phone_depth(tmp_path, caplog):
    from stillmotion.cli import main

    photo = _write(tmp_path, "portrait.jpg", dynamic_depth_jpeg())
    out = tmp_path / "d.npy"
    caplog.set_level("INFO")
    assert main(["depth", str(photo), "-o", str(out)]) == 0
    values = np.load(out)
    assert values.shape == (H, W)
    np.testing.assert_allclose(1.0 / values, _true_z(), rtol=5e-3)
    assert "phone backend (auto)" in caplog.text


def test_animate_uses_embedded_phone_depth_by_default(tmp_path, monkeypatch):
    import stillmotion.api as api

    photo = _write(tmp_path, "portrait.jpg", gdepth_jpeg())
    seen = {}

    def fake_plan(image, depth, cfg, **_):
        seen["depth"] = depth
        raise RuntimeError("stop after planning")

    monkeypatch.setattr(api, "_plan", fake_plan)
    with pytest.raises(RuntimeError, match="stop after planning"):
        api.animate(photo, tmp_path / "out.mp4", config=api.AnimateConfig(depth_protect="none"))
    np.testing.assert_allclose(1.0 / seen["depth"].values, _true_z(), rtol=5e-3)


def test_heif_depth_uses_z_near_and_z_far():
    # left 1 m, right 10 m: sample 0 is the near end for uniform Z, the far end for uniform inverse Z
    z = heif_depth_to_inverse(np.array([[0, 255]], np.float32), {"representation_type": 2, "z_near": 1.0, "z_far": 10.0})
    np.testing.assert_allclose(z, [[1.0, 0.1]], rtol=1e-6)  # was 1e6 on the near side, 1 on the far one
    inv = heif_depth_to_inverse(np.array([[255, 0]], np.float32), {"representation_type": 0, "z_near": 1.0, "z_far": 10.0})
    np.testing.assert_allclose(inv, [[1.0, 0.1]], rtol=1e-6)  # the far side was 0: infinitely far


def test_apple_stored_range_and_depth_maps(tmp_path):
    from stillmotion.depth.phone import _apple_to_inverse

    raw = np.array([[255, 0]], np.uint8)
    xmp = 'apdi:FloatMinValue="0.1" apdi:FloatMaxValue="1.0" apdi:IntMinValue="0" apdi:IntMaxValue="255"'
    np.testing.assert_allclose(_apple_to_inverse(raw, xmp, is_depth=False), [[1.0, 0.1]], rtol=1e-6)
    depth_xmp = 'apdi:FloatMinValue="1.0" apdi:FloatMaxValue="10.0" apdi:IntMinValue="0" apdi:IntMaxValue="255"'
    np.testing.assert_allclose(_apple_to_inverse(raw[:, ::-1], depth_xmp, is_depth=True), [[1.0, 0.1]], rtol=1e-6)
    relative = _apple_to_inverse(np.array([[0, 255]], np.uint8), "", is_depth=True)
    assert relative[0, 0] > relative[0, 1] > 0  # near stays nearer, nothing at 1e6 or 0


def test_gdepth_without_near_far_keeps_near_bright(tmp_path, caplog):
    from stillmotion.depth.phone import _range_to_inverse

    stored = np.array([[0, 65535]], np.uint16)  # d = 0 is the nearest in both formats
    for fmt in ("RangeInverse", "RangeLinear"):
        q = _range_to_inverse(stored, fmt, None, None)
        assert q[0, 0] > q[0, 1], fmt


def test_dynamic_depth_with_another_xmp_prefix(tmp_path):
    data = dynamic_depth_jpeg(container="GContainer", item="GContainerItem")
    assert b"<GContainer:Item" in data and b"GContainerItem:Length" in data
    found = find_phone_depth(_write(tmp_path, "gc.jpg", data))
    assert found is not None
    np.testing.assert_allclose(1.0 / found.inverse, _true_z(), rtol=2e-3)


def test_story_scenes_and_view_use_embedded_phone_depth(tmp_path, monkeypatch):
    # both took the classical estimate although animate used the phone's depth
    import stillmotion.api as api
    from stillmotion.cli import main

    photo = _write(tmp_path, "portrait.jpg", gdepth_jpeg())
    seen = []
    real_plan = api.plan

    def spy(image, depth, cfg, **kwargs):
        seen.append(depth)
        return real_plan(image, depth, cfg, **kwargs)

    monkeypatch.setattr(api, "plan", spy)
    story = tmp_path / "s.yaml"
    story.write_text("fps: 8\nsize: 64x48\nscenes:\n  - {image: portrait.jpg, duration: 0.25, motion: pan_right}\n")
    assert main(["story", str(story), "-o", str(tmp_path / "film") + "/", "--quiet"]) == 0
    np.testing.assert_allclose(1.0 / seen[0].values, _true_z(), rtol=5e-3)

    import stillmotion.cli.view as view

    loaded = []
    real_load = view.load_depth
    monkeypatch.setattr(view, "load_depth", lambda *a, **k: loaded.append(real_load(*a, **k)) or loaded[-1])
    assert main(["view", str(photo), "-o", str(tmp_path / "v.png"), "--move", "0.02,0,0", "--quiet"]) == 0
    np.testing.assert_allclose(1.0 / loaded[0].values, _true_z(), rtol=5e-3)


def test_a_model_that_is_not_there_is_an_error_not_the_classical_estimate(tmp_path):
    with pytest.raises(InputError, match="no local depth model"):
        depth_stage.resolve_backend("auto", model=str(tmp_path / "nope"))


def test_a_corrupt_block_is_warned_about_once_per_run(tmp_path, caplog):
    # auto asks whether there is depth, then the backend reads it: the warning came twice
    from stillmotion.cli import main

    path = _write(tmp_path, "bad.jpg", gdepth_jpeg(corrupt=True))
    caplog.set_level("WARNING")
    assert main(["depth", str(path), "-o", str(tmp_path / "d.npy"), "--quiet"]) == 0
    assert caplog.text.count("is corrupt") == 1
