"""Layout carried in from the frame's borders: what an object touches decides how far it is.

The scene layout (:mod:`.layout`: a ground plane nearer row by row, far above the horizon) is a fair
guess on the frame's borders, where the picture mostly shows background, ground and sky (the boundary
prior of saliency methods), but inside the frame objects break it: a motorbike stands in front of the
wall behind it, a cone in front of the trellis. So the layout is kept only on the borders (and wherever
the caller knows better, e.g. detected people) and interpolated inwards edge-aware, as in Grady's random
walker (2006): each pixel's inverse depth is what a random walk from it meets, on average, when it first
reaches a held pixel, walking easily within a region of one colour and hardly across colour edges. A
homogeneous picture gets a linear row ramp back exactly (it is harmonic; the ground ramp's bend at the
horizon is rounded off); an object enclosed by strong edges takes the depth of what it is connected to:
the ground it stands on, or the background that surrounds it.

Known failure, which is why the caller uses only part of it and only to bring things forward: a subject
that fills the frame and touches its top (a close-up face, a cup seen from above) is connected to the
"far" top border, and small enclosed parts (eyes) take the average of their surroundings.

Held anchors (detected people) are a wall of near values: where the colour edge between a person and what
stands behind them is faint (a dark hat before a dark hill), the walk crosses it easily and the person's
depth spreads far into the background, fading towards the borders (a halo). So the caller can say where
the held objects end (``seal``: the objects as segmented, and what is surely not them): the walk does not
step from one to the other.

Solved as one linear system (the graph Laplacian with colour affinities
``exp(-beta * |dLab|^2 / mean |dLab|^2)``, fixed values on the borders) on a copy of at most
``solve_size`` pixels on the long side, then resized back. On a 4-connected grid the system is block
tridiagonal: one block per column of the short side, joined to the next column by a diagonal block, so
block elimination (the block Thomas algorithm; stable for a symmetric positive definite system) solves it
exactly with NumPy's dense LAPACK routines, in the time a sparse solver takes, without SciPy's sparse
modules, whose import alone took 0.25 s of a 2-3 s clip.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..imageops import shrunk_size
#: Floor of the colour affinity, so that regions fully enclosed by edges are still connected.
_MIN_AFFINITY = 1e-4


def border_layout(
    image: np.ndarray,
    layout: np.ndarray,
    *,
    anchors: np.ndarray | None = None,
    seal: tuple[np.ndarray, np.ndarray] | None = None,
    beta: float = 1.0,
    solve_size: int = 160,
) -> np.ndarray:
    """Inverse depth (H, W) float32: ``layout`` (H, W) kept on the four borders of the float32 RGB ``image``
    (H, W, 3), ``anchors`` (H, W; NaN = free) held where given (they win over the border), and
    everything else interpolated edge-aware. ``seal`` = (inside, outside), two bool (H, W) masks: the walk
    does not step between them (the outline of what the anchors hold is a depth edge)."""
    h, w = layout.shape
    size, _ = shrunk_size(layout.shape, solve_size, min_side=4)
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    values = cv2.resize(layout.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    fixed = np.zeros(values.shape, bool)
    fixed[[0, -1], :] = True
    fixed[:, [0, -1]] = True
    known = np.zeros(values.shape, bool)
    if anchors is not None:
        held = cv2.resize(anchors.astype(np.float32), size, interpolation=cv2.INTER_NEAREST)
        known = np.isfinite(held)
        values[known] = held[known]
        fixed |= known
    sealed = None
    if seal is not None:
        inside, outside = (cv2.resize(m.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.5 for m in seal)
        inside |= known  # a held pixel that the resizing moved past the outline is still held
        sealed = (inside, outside & ~inside)
    solved = _harmonic(small, values, fixed, sealed=sealed, beta=beta)
    return cv2.resize(solved, (w, h), interpolation=cv2.INTER_LINEAR)


def _harmonic(
    image: np.ndarray,
    values: np.ndarray,
    fixed: np.ndarray,
    *,
    sealed: tuple[np.ndarray, np.ndarray] | None = None,
    beta: float,
) -> np.ndarray:
    """Solve ``L u = 0`` on the free pixels with ``u = values`` on the ``fixed`` ones (4-connected graph).
    ``sealed`` = (a, b), two bool masks: neighbours one in ``a`` and the other in ``b`` are joined only by
    the affinity's floor."""
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2Lab)
    across = (lab[:, :-1] - lab[:, 1:]) ** 2  # between horizontal neighbours
    down = (lab[:-1] - lab[1:]) ** 2  # between vertical neighbours
    d2_across, d2_down = across.sum(axis=-1), down.sum(axis=-1)
    mean = max(float((d2_across.sum() + d2_down.sum()) / (d2_across.size + d2_down.size)), 1e-9)
    w_across = np.exp(-beta * d2_across.astype(np.float64) / mean) + _MIN_AFFINITY
    w_down = np.exp(-beta * d2_down.astype(np.float64) / mean) + _MIN_AFFINITY
    if sealed is not None:
        a, b = sealed
        w_across = np.where((a[:, :-1] & b[:, 1:]) | (b[:, :-1] & a[:, 1:]), _MIN_AFFINITY, w_across)
        w_down = np.where((a[:-1] & b[1:]) | (b[:-1] & a[1:]), _MIN_AFFINITY, w_down)
    if values.shape[0] > values.shape[1]:  # blocks along the short side
        return _solve_grid(w_down.T, w_across.T, values.T, fixed.T).T
    return _solve_grid(w_across, w_down, values, fixed)


def _solve_grid(w_across: np.ndarray, w_down: np.ndarray, values: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """The harmonic values on an (h, w) grid with edge weights ``w_across`` (h, w - 1) and ``w_down``
    (h - 1, w), ``values`` held where ``fixed``: block tridiagonal elimination, one h x h block a column.

    Each free pixel's row: its degree on the diagonal, minus each free neighbour's weight; the weights
    to held neighbours times their values go to the right-hand side. Held pixels are identity rows, so
    the system stays symmetric positive definite."""
    h, w = values.shape
    free = ~fixed
    held = np.where(fixed, values, 0.0).astype(np.float64)
    degree = np.zeros((h, w))
    rhs = np.zeros((h, w))
    for weight, a, b in ((w_across, np.s_[:, :-1], np.s_[:, 1:]), (w_down, np.s_[:-1], np.s_[1:])):
        degree[a] += weight
        degree[b] += weight
        rhs[a] += weight * held[b]
        rhs[b] += weight * held[a]
    rhs = np.where(fixed, values, rhs)
    diagonal = np.where(fixed, 1.0, degree)
    vertical = np.where(free[:-1] & free[1:], -w_down, 0.0)  # couplings within a column
    horizontal = np.where(free[:, :-1] & free[:, 1:], -w_across, 0.0)  # column i to column i + 1 (diagonal)
    steps = np.arange(h - 1)
    inverses = np.empty((w, h, h))
    reduced = np.empty((h, w))
    for i in range(w):
        block = np.diag(diagonal[:, i])
        block[steps, steps + 1] = block[steps + 1, steps] = vertical[:, i]
        r = rhs[:, i].copy()
        if i > 0:  # eliminate column i - 1: D_i - C D'^-1 C and r_i - C D'^-1 r'
            c = horizontal[:, i - 1]
            block -= inverses[i - 1] * c[:, None] * c[None, :]
            r -= c * (inverses[i - 1] @ reduced[:, i - 1])
        inverses[i] = np.linalg.inv(block)
        reduced[:, i] = r
    out = np.empty((h, w))
    out[:, -1] = inverses[-1] @ reduced[:, -1]
    for i in range(w - 2, -1, -1):
        out[:, i] = inverses[i] @ (reduced[:, i] - horizontal[:, i] * out[:, i + 1])
    return out.astype(np.float32)
