"""Contact sheets: a few frames of a shot and its depth map side by side, labelled."""

from __future__ import annotations

import cv2
import numpy as np

LABEL_BAR_PX = 28
GAP_PX = 6


def colourise_depth(inverse_depth: np.ndarray) -> np.ndarray:
    """Inverse depth as a float32 RGB image (robustly normalised, near = bright yellow, far = dark purple)."""
    finite = inverse_depth[np.isfinite(inverse_depth)]
    lo, hi = np.percentile(finite, [1, 99]) if finite.size else (0.0, 1.0)
    norm = np.clip((np.nan_to_num(inverse_depth, nan=lo) - lo) / max(hi - lo, 1e-9), 0, 1)
    bgr = cv2.applyColorMap((norm * 255).astype(np.uint8), cv2.COLORMAP_INFERNO)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0


LABEL_FONT, LABEL_SCALE, LABEL_MARGIN_PX = cv2.FONT_HERSHEY_SIMPLEX, 0.55, 8


def label_width_px(label: str) -> int:
    return cv2.getTextSize(label, LABEL_FONT, LABEL_SCALE, 1)[0][0]


def fit_label(label: str, width: int) -> str:
    """``label``, shortened in the middle with "..." until it fits in a bar ``width`` pixels wide (a long
    file name in the title ran off its tile, up to the next one)."""
    room = width - 2 * LABEL_MARGIN_PX
    if label_width_px(label) <= room:
        return label
    keep = len(label)
    while keep > 0:
        keep -= 1
        head = (keep + 1) // 2
        short = f"{label[:head]}...{label[len(label) - (keep - head):]}"
        if label_width_px(short) <= room:
            return short
    return ""


def _tile(image: np.ndarray, label: str, width: int) -> np.ndarray:
    h, w = image.shape[:2]
    height = max(1, round(h * width / w))
    body = cv2.resize(np.clip(image, 0, 1).astype(np.float32), (width, height), interpolation=cv2.INTER_AREA)
    bar = np.full((LABEL_BAR_PX, width, 3), 0.08, np.float32)
    cv2.putText(bar, fit_label(label, width), (LABEL_MARGIN_PX, LABEL_BAR_PX - 9), LABEL_FONT, LABEL_SCALE,
                (0.95, 0.95, 0.95), 1, cv2.LINE_AA)  # fmt: skip
    return np.vstack([bar, body])


def contact_sheet(tiles: list[tuple[str, np.ndarray]], *, tile_width_px: int = 480, columns: int = 2) -> np.ndarray:
    """Arrange (label, image) tiles in a grid (row-major), each scaled to ``tile_width_px`` wide."""
    if not tiles:
        raise ValueError("a contact sheet needs at least one tile")
    cells = [_tile(img, label, tile_width_px) for label, img in tiles]
    cell_h = max(c.shape[0] for c in cells)
    columns = max(1, min(columns, len(cells)))
    rows = -(-len(cells) // columns)
    sheet = np.full(
        (rows * cell_h + (rows + 1) * GAP_PX, columns * tile_width_px + (columns + 1) * GAP_PX, 3), 0.02, np.float32
    )
    for i, cell in enumerate(cells):
        r, c = divmod(i, columns)
        y = GAP_PX + r * (cell_h + GAP_PX)
        x = GAP_PX + c * (tile_width_px + GAP_PX)
        sheet[y : y + cell.shape[0], x : x + tile_width_px] = cell
    return sheet


def shot_sheet(
    first: np.ndarray, middle: np.ndarray, last: np.ndarray, inverse_depth: np.ndarray, *, frame_count: int,
    title: str = "",
) -> np.ndarray:
    """The preview of a shot: first, middle and last frame plus the depth map, labelled."""
    mid = (frame_count - 1) // 2
    prefix = f"{title}  " if title else ""
    return contact_sheet(
        [
            (f"{prefix}first (frame 0)", first),
            (f"middle (frame {mid})", middle),
            (f"last (frame {frame_count - 1})", last),
            ("depth (near = bright)", colourise_depth(inverse_depth)),
        ]
    )
