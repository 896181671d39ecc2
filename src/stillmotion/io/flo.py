"""Middlebury ``.flo`` optical flow files.

Layout (little-endian): float32 magic ``202021.25``, int32 width, int32 height, then ``height * width * 2``
float32 values, ``u, v`` interleaved, row-major. ``u`` is +x (right), ``v`` is +y (down), in pixels, and
the flow is forward: ``I1(x + flow(x)) ~ I0(x)`` (see :mod:`stillmotion.types`). Components larger than
``1e9`` in magnitude mark unknown flow in ground-truth files.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import InputError, OutputError
from .atomic import atomic_output

FLO_MAGIC = 202021.25
#: Refuse headers claiming more than this many pixels (a corrupt header, not a real flow field).
MAX_FLO_PIXELS = 200_000_000
UNKNOWN_FLOW_THRESHOLD = 1e9


def read_flo(path: str | os.PathLike) -> np.ndarray:
    """Read a ``.flo`` file as float32 (H, W, 2); raises :class:`InputError` for a missing or corrupt file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"flow file not found: {path}")
    data = path.read_bytes()
    if len(data) < 12:
        raise InputError(f"corrupt .flo file {path}: {len(data)} bytes, shorter than its 12-byte header")
    magic = np.frombuffer(data, dtype="<f4", count=1)[0]
    if magic != np.float32(FLO_MAGIC):
        raise InputError(f"corrupt .flo file {path}: magic number is {float(magic):g}, expected {FLO_MAGIC} "
                         "(is it a .flo file?)")  # fmt: skip
    width, height = (int(v) for v in np.frombuffer(data, dtype="<i4", count=2, offset=4))
    if width <= 0 or height <= 0 or width * height > MAX_FLO_PIXELS:
        raise InputError(f"corrupt .flo file {path}: header says {width}x{height}")
    expected = 12 + width * height * 2 * 4
    if len(data) != expected:
        raise InputError(
            f"corrupt .flo file {path}: {width}x{height} needs {expected} bytes, the file has {len(data)}"
        )
    flow = np.frombuffer(data, dtype="<f4", offset=12).reshape(height, width, 2)
    return flow.astype(np.float32)


def write_flo(path: str | os.PathLike, flow: np.ndarray, *, inputs: tuple = ()) -> None:
    """Write float (H, W, 2) ``flow`` to ``path`` as ``.flo``, atomically (temporary name, then rename).
    ``path`` must end in ``.flo``."""
    if Path(path).suffix.lower() != ".flo":  # .flo data under a .png name was written
        raise OutputError(f"a flow file must end in .flo, got {path}")
    flow = np.asarray(flow)
    if flow.ndim != 3 or flow.shape[2] != 2 or flow.shape[0] == 0 or flow.shape[1] == 0:
        raise OutputError(f"flow must be (H, W, 2), got shape {flow.shape}")
    height, width = flow.shape[:2]
    header = np.array([FLO_MAGIC], dtype="<f4").tobytes() + np.array([width, height], dtype="<i4").tobytes()
    with atomic_output(path, inputs=inputs) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(header)
            fh.write(np.ascontiguousarray(flow, dtype="<f4").tobytes())


def unknown_flow_mask(flow: np.ndarray) -> np.ndarray:
    """Bool (H, W): pixels whose flow is marked unknown (|component| > 1e9) or is not finite."""
    return ~np.isfinite(flow).all(axis=2) | (np.abs(flow) > UNKNOWN_FLOW_THRESHOLD).any(axis=2)
