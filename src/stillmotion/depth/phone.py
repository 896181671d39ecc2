"""Depth that phone cameras embed in their photos: the ``phone`` backend.

Formats read (all parsed here from the published layouts; nothing is guessed from file names):

- **Android GDepth** (Google "depthmap" XMP, Camera app portrait/lens-blur JPEGs): the XMP (standard plus
  extended XMP chunks in APP1 segments) holds ``GDepth:Format`` (``RangeInverse`` or ``RangeLinear``),
  ``GDepth:Near``, ``GDepth:Far``, ``GDepth:Mime`` and ``GDepth:Data``, the base64 of a PNG/JPEG whose
  normalised value ``d`` gives ``z = far*near / (far - d*(far - near))`` (RangeInverse) or
  ``z = near + d*(far - near)`` (RangeLinear).
- **Dynamic Depth 1.0** (Android): the XMP's ``Container:Directory`` lists ``Container:Item`` s (Mime,
  Length, Padding, DataURI, Semantic); every item after the primary image is appended after the JPEG in
  that order. The depth item is the one ``DepthMap:DepthURI`` names (else the one with semantic
  ``Depth``), decoded with the ``DepthMap:`` Format/Near/Far as above.
- **Apple JPEG**: the disparity map is a secondary image of the Multi-Picture Format index (APP2 ``MPF``),
  marked by Apple's depth XMP (``depthData`` / ``apdi`` namespaces, not the portrait matte); its stored
  integers map linearly onto ``apdi:FloatMinValue``..``FloatMaxValue`` (disparity in 1/m, already inverse
  depth, or depth in m, inverted).
- **Apple / HEIF**: depth auxiliary images exposed by pillow-heif (``info["depth_images"]``), with the
  ISO 23008-12 depth representation when present: type 0 uniform inverse Z and type 2 uniform Z between
  ``z_near`` and ``z_far``, type 1 uniform disparity between ``d_min`` and ``d_max``.

The map is returned as inverse depth (``1/z`` in the file's units when near/far are known), turned by
the photo's EXIF orientation and resampled to the photo's size. A corrupt or inconsistent block is logged
as a warning and skipped: never a crash.
"""

from __future__ import annotations

import base64
import functools
import io
import logging
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..errors import InputError
from ..types import Depth, DepthKind

log = logging.getLogger(__name__)

_XMP_STD = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_EXT = b"http://ns.adobe.com/xmp/extension/\x00"


@dataclass(frozen=True)
class EmbeddedDepth:
    """A depth map found in a photo file: ``inverse`` (H, W) float32 (larger = nearer) and where it came from."""

    inverse: np.ndarray
    source: str


# ---------------------------------------------------------------- JPEG structure

def _jpeg_segments(data: bytes, start: int = 0):
    """(marker, payload, payload_offset) of the APPn/COM segments of the JPEG starting at ``start``."""
    if data[start : start + 2] != b"\xff\xd8":
        return
    pos = start + 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD9, 0xDA):  # end of image or start of scan: no more metadata
            return
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise ValueError(f"JPEG segment at byte {pos} runs past the end of the file")
        yield marker, data[pos + 4 : pos + 2 + length], pos + 4
        pos += 2 + length


def _xmp_text(data: bytes, start: int = 0) -> str:
    """Standard XMP plus the reassembled extended XMP of the JPEG at ``start``."""
    standard, chunks = [], {}
    for marker, payload, _ in _jpeg_segments(data, start):
        if marker != 0xE1:
            continue
        if payload.startswith(_XMP_STD):
            standard.append(payload[len(_XMP_STD) :].decode("utf-8", "replace"))
        elif payload.startswith(_XMP_EXT):
            body = payload[len(_XMP_EXT) :]
            guid, (total, offset) = body[:32], struct.unpack(">II", body[32:40])
            chunks.setdefault(guid, {})[offset] = (total, body[40:])
    extended = []
    for parts in chunks.values():
        total = next(iter(parts.values()))[0]
        joined = b"".join(chunk for _, (_, chunk) in sorted(parts.items()))
        if len(joined) != total:
            log.warning("phone depth: extended XMP is incomplete (%d of %d bytes)", len(joined), total)
        extended.append(joined.decode("utf-8", "replace"))
    return "\n".join(standard + extended)


def _attr(xmp: str, name: str) -> str | None:
    """An XMP property written as attribute ``name="v"`` or element ``<name>v</name>``."""
    match = re.search(rf'{re.escape(name)}\s*=\s*"([^"]*)"', xmp) or re.search(
        rf"<{re.escape(name)}>([^<]*)</{re.escape(name)}>", xmp, flags=re.S
    )
    return match.group(1).strip() if match else None


def _decode_image(blob: bytes) -> np.ndarray:
    array = cv2.imdecode(np.frombuffer(blob, np.uint8), cv2.IMREAD_UNCHANGED | cv2.IMREAD_ANYDEPTH)
    if array is None:
        raise ValueError("the embedded depth image does not decode")
    if array.ndim == 3:
        array = array[:, :, 0]
    return array


def _range_to_inverse(array: np.ndarray, fmt: str | None, near: float | None, far: float | None) -> np.ndarray:
    """Normalised Android depth values -> inverse depth (1/z)."""
    d = array.astype(np.float64) / float(np.iinfo(array.dtype).max if array.dtype.kind == "u" else max(array.max(), 1))
    if near is None or far is None or not (0 < near < far) or not np.isfinite([near, far]).all():
        log.warning("phone depth: near/far missing or invalid (%s, %s); using relative values", near, far)
        # in both formats d = 0 is the nearest: 1/z falls linearly with d (RangeInverse) or as 1/(1 + d)
        return (1.0 - d if (fmt or "RangeInverse") == "RangeInverse" else 1.0 / (1.0 + d)).astype(np.float32)
    if fmt in (None, "RangeInverse"):
        z = far * near / (far - d * (far - near))
    elif fmt == "RangeLinear":
        z = near + d * (far - near)
    else:
        raise ValueError(f"unknown depth format {fmt!r}")
    return (1.0 / z).astype(np.float32)


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


# ---------------------------------------------------------------- formats

def _gdepth(data: bytes, xmp: str) -> EmbeddedDepth | None:
    payload = _attr(xmp, "GDepth:Data")
    if not payload:
        return None
    blob = base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
    array = _decode_image(blob)
    inverse = _range_to_inverse(array, _attr(xmp, "GDepth:Format"), _float(_attr(xmp, "GDepth:Near")),
                                _float(_attr(xmp, "GDepth:Far")))
    return EmbeddedDepth(inverse, "Android GDepth XMP")


def _dynamic_depth(data: bytes, xmp: str) -> EmbeddedDepth | None:
    # XMP prefixes are the writer's choice: Dynamic Depth writes Container:Item / Item:Mime, motion photos
    # GContainer:Item / GContainerItem:Mime
    items = re.findall(r"<\w*Container:Item\b([^>]*?)/?>", xmp, flags=re.S)
    if not items or "DepthMap" not in xmp:
        return None
    parsed = [{k: v for k, v in re.findall(r'\w*Item:(\w+)\s*=\s*"([^"]*)"', item)} for item in items]
    appended = parsed[1:]  # the first item is the primary image itself
    lengths = [int(it.get("Length", "0")) + int(it.get("Padding", "0")) for it in appended]
    if any(n <= 0 for n in lengths):
        raise ValueError("a Container:Item after the primary image has no Length")
    start = len(data) - sum(lengths)
    if start <= 0:
        raise ValueError("Container:Item lengths exceed the file size")
    depth_uri = _attr(xmp, "DepthMap:DepthURI")
    offsets = np.cumsum([start, *lengths[:-1]])
    chosen = None
    for item, offset in zip(appended, offsets):
        if (depth_uri and item.get("DataURI") == depth_uri) or (not depth_uri and item.get("Semantic", "").lower() == "depth"):
            chosen = (item, int(offset))
            break
    if chosen is None:
        raise ValueError("no Container:Item is the depth map")
    item, offset = chosen
    blob = data[offset : offset + int(item["Length"])]
    array = _decode_image(blob)
    inverse = _range_to_inverse(array, _attr(xmp, "DepthMap:Format"), _float(_attr(xmp, "DepthMap:Near")),
                                _float(_attr(xmp, "DepthMap:Far")))
    return EmbeddedDepth(inverse, "Android Dynamic Depth")


def _mpf_images(data: bytes) -> list[tuple[int, int]]:
    """(offset, size) of the secondary images listed by the primary JPEG's MPF index."""
    for marker, payload, payload_at in _jpeg_segments(data):
        if marker != 0xE2 or not payload.startswith(b"MPF\x00"):
            continue
        base = payload_at + 4  # offsets count from the TIFF header right after "MPF\0"
        tiff = payload[4:]
        endian = {b"II": "<", b"MM": ">"}.get(tiff[:2])
        if endian is None:
            raise ValueError("MPF index has no TIFF byte-order mark")
        (ifd,) = struct.unpack(endian + "I", tiff[4:8])
        (count,) = struct.unpack(endian + "H", tiff[ifd : ifd + 2])
        for i in range(count):
            tag, typ, n, value = struct.unpack(endian + "HHII", tiff[ifd + 2 + 12 * i : ifd + 14 + 12 * i])
            if tag == 0xB002:  # MPEntry: 16 bytes per image
                entries = []
                for k in range(n // 16):
                    _attr_, size, offset, _d1, _d2 = struct.unpack(endian + "IIIHH", tiff[value + 16 * k : value + 16 * k + 16])
                    if k > 0:
                        entries.append((base + offset, size))
                return entries
    return []


def _apple_mpf(data: bytes) -> EmbeddedDepth | None:
    for offset, size in _mpf_images(data):
        if offset + size > len(data) or data[offset : offset + 2] != b"\xff\xd8":
            raise ValueError("an MPF entry points outside the file or not at a JPEG")
        xmp = _xmp_text(data, offset)
        if "portraiteffectsmatte" in xmp.lower() or "hdrgainmap" in xmp.lower():
            continue
        if "depthData" in xmp or "disparity" in xmp.lower():
            raw = _decode_image(data[offset : offset + size])
            kind = (_attr(xmp, "apdi:AuxiliaryImageType") or "").lower()
            is_depth = "depth" in kind and "disparity" not in xmp.lower()
            name = "Apple MPF depth" if is_depth else "Apple MPF disparity"
            return EmbeddedDepth(_apple_to_inverse(raw, xmp, is_depth=is_depth), name)
    return None


def _apple_to_inverse(raw: np.ndarray, xmp: str, *, is_depth: bool) -> np.ndarray:
    """Apple's stored auxiliary image -> inverse depth. Its XMP says which stored integers
    (``apdi:IntMinValue``/``IntMaxValue``) stand for which values (``FloatMinValue``/``FloatMaxValue``:
    disparity in 1/m, or depth in m); without them the values are relative (larger = nearer for disparity,
    farther for depth)."""
    values = raw.astype(np.float64)
    lo_f, hi_f = _float(_attr(xmp, "apdi:FloatMinValue")), _float(_attr(xmp, "apdi:FloatMaxValue"))
    lo_i, hi_i = _float(_attr(xmp, "apdi:IntMinValue")), _float(_attr(xmp, "apdi:IntMaxValue"))
    top = float(np.iinfo(raw.dtype).max) if raw.dtype.kind == "u" else max(float(values.max()), 1.0)
    lo_i, hi_i = (0.0, top) if lo_i is None or hi_i is None or hi_i <= lo_i else (lo_i, hi_i)
    if lo_f is not None and hi_f is not None and np.isfinite([lo_f, hi_f]).all() and hi_f > lo_f:
        values = lo_f + (values - lo_i) / (hi_i - lo_i) * (hi_f - lo_f)
        if is_depth:
            values = 1.0 / np.maximum(values, 1e-3 * max(hi_f, 1e-6))  # metres -> 1/m, no division by 0
    else:
        d = np.clip((values - lo_i) / (hi_i - lo_i), 0.0, 1.0)
        values = 1.0 / (1.0 + d) if is_depth else d  # relative: d = 0 is the nearest depth, the farthest disparity
    return values.astype(np.float32)


def _heif(path: Path) -> EmbeddedDepth | None:
    try:
        import pillow_heif
    except ImportError:  # pragma: no cover - a core dependency
        return None
    if not pillow_heif.is_supported(str(path)):
        return None
    heif = pillow_heif.open_heif(str(path), convert_hdr_to_8bit=False)
    for depth_image in heif.info.get("depth_images", []):
        array = np.asarray(depth_image.to_pillow()).astype(np.float32)
        if array.ndim == 3:
            array = array[:, :, 0]
        meta = depth_image.info.get("metadata", {}) or {}
        return EmbeddedDepth(heif_depth_to_inverse(array, meta), "HEIF depth image")
    return None


def heif_depth_to_inverse(array: np.ndarray, meta: dict) -> np.ndarray:
    """ISO 23008-12 depth representation -> inverse depth. ``representation_type`` 0 = uniform inverse
    Z, 1 = uniform disparity, 2 = uniform Z, 3 = non-uniform; ``d_min``/``d_max`` the range when given."""
    top = float(np.iinfo(np.uint16).max if array.max() > 255 else 255)
    d = np.clip(array / top, 0.0, 1.0)
    kind = int(meta.get("representation_type", 1))

    def span(low, high):
        ok = low is not None and high is not None and np.isfinite([low, high]).all() and 0 <= low < high
        return (float(low), float(high)) if ok else None

    d_range = span(meta.get("d_min"), meta.get("d_max"))
    z_range = span(meta.get("z_near"), meta.get("z_far")) or d_range  # some writers put Z in d_min/d_max
    if kind == 0 and z_range and z_range[0] > 0:  # uniform inverse Z: sample 0 is 1/z_far, the top 1/z_near
        near, far = z_range
        values = 1.0 / far + d * (1.0 / near - 1.0 / far)
    elif kind == 2:  # uniform Z: sample 0 is z_near, the top z_far
        values = 1.0 / np.maximum(z_range[0] + d * (z_range[1] - z_range[0]), 1e-6) if z_range else 1.0 / (1.0 + d)
    elif kind == 1 and d_range:  # uniform disparity
        values = d_range[0] + d * (d_range[1] - d_range[0])
    else:  # relative (no range given, or 3: non-uniform)
        values = d
    return np.asarray(values, np.float32)


# ---------------------------------------------------------------- public

def find_phone_depth(source: str | os.PathLike) -> EmbeddedDepth | None:
    """The depth embedded in ``source``, or None. Corrupt blocks are warned about and skipped. The answer
    for an unchanged file is remembered: ``auto`` asks first whether there is depth, then reads it, and
    a corrupt block was parsed, and warned about, twice."""
    path = Path(source)
    try:
        stamp = path.stat().st_mtime_ns, path.stat().st_size
    except OSError:  # the read below says why
        stamp = (0, -1)
    found = _find_phone_depth(str(path.resolve()), *stamp)
    return None if found is None else EmbeddedDepth(found.inverse.copy(), found.source)  # the cache's own stays


@functools.lru_cache(maxsize=4)
def _find_phone_depth(source: str, _mtime_ns: int, _size: int) -> EmbeddedDepth | None:
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.warning("phone depth: cannot read %s (%s)", path, exc)
        return None
    readers = []
    if data[:2] == b"\xff\xd8":
        try:
            xmp = _xmp_text(data)
        except (ValueError, struct.error) as exc:
            log.warning("phone depth: %s has a corrupt JPEG header (%s)", path.name, exc)
            xmp = ""
        readers = [("Dynamic Depth", lambda: _dynamic_depth(data, xmp)), ("GDepth", lambda: _gdepth(data, xmp)),
                   ("Apple MPF", lambda: _apple_mpf(data))]
    elif data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypavif"):
        readers = [("HEIF", lambda: _heif(path))]
    for name, read in readers:
        try:
            found = read()
        except Exception as exc:  # noqa: BLE001 - a corrupt block must never crash: warn and go on
            log.warning("phone depth: the %s block of %s is corrupt (%s); ignored", name, path.name, exc)
            continue
        if found is None:
            continue
        bad = ~np.isfinite(found.inverse)
        if bad.all() or float(np.nanmax(found.inverse) - np.nanmin(found.inverse)) <= 0:
            log.warning("phone depth: the %s map of %s is empty or constant; ignored", found.source, path.name)
            continue
        return found
    return None


def has_phone_depth(source: str | os.PathLike) -> bool:
    """Whether ``source`` embeds a usable depth map."""
    return find_phone_depth(source) is not None


def _exif_orientation(path: Path) -> int:
    try:
        from PIL import Image

        with Image.open(path) as im:
            return int(im.getexif().get(0x0112, 1))
    except Exception:  # noqa: BLE001 - no EXIF: upright
        return 1


def _orient(array: np.ndarray, orientation: int) -> np.ndarray:
    """Apply an EXIF orientation (1..8) the way the photo reader does."""
    ops = {2: lambda a: a[:, ::-1], 3: lambda a: a[::-1, ::-1], 4: lambda a: a[::-1], 5: lambda a: a.T,
           6: lambda a: np.rot90(a, -1), 7: lambda a: a[::-1, ::-1].T, 8: lambda a: np.rot90(a, 1)}
    return np.ascontiguousarray(ops.get(orientation, lambda a: a)(array))


class PhoneDepth:
    """The ``phone`` backend: reads the depth embedded in ``source`` (the photo's file)."""

    def __init__(self, *, source: str | os.PathLike | None = None) -> None:
        if source is None:
            raise InputError("the phone depth backend needs the photo's file (source=...)")
        self.source = Path(source)

    def __call__(self, image: np.ndarray) -> Depth:
        found = find_phone_depth(self.source)
        if found is None:
            raise InputError(f"{self.source} holds no embedded depth map (GDepth, Dynamic Depth, Apple MPF or HEIF)")
        inverse = _orient(found.inverse, _exif_orientation(self.source))
        H, W = image.shape[:2]
        h, w = inverse.shape
        if abs(h / w - H / W) > 0.02:
            raise InputError(f"the embedded depth map is {w}x{h}, the photo {W}x{H}: the aspect ratios differ")
        valid = np.isfinite(inverse)
        inverse = np.where(valid, inverse, 0.0).astype(np.float32)
        if (h, w) != (H, W):
            inverse = cv2.resize(inverse, (W, H), interpolation=cv2.INTER_LINEAR)
            valid = cv2.resize(valid.astype(np.uint8), (W, H), interpolation=cv2.INTER_NEAREST) > 0
        log.info("phone depth: %s (%dx%d)", found.source, w, h)
        return Depth(inverse, DepthKind.INVERSE, None if valid.all() else valid)
