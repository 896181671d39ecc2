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

Solved as one sparse linear system (the graph Laplacian with colour affinities
``exp(-beta * |dLab|^2 / mean |dLab|^2)``, fixed values on the borders) on a copy of at most
``solve_size`` pixels on the long side, then resized back.
"""

from __future__ import annotations

import cv2
import numpy as np
import scipy.sparse as sparse
import scipy.sparse.linalg as sparse_linalg

#: Floor of the colour affinity, so that regions fully enclosed by edges are still connected.
_MIN_AFFINITY = 1e-4


def border_layout(
    image: np.ndarray,
    layout: np.ndarray,
    *,
    anchors: np.ndarray | None = None,
    beta: float = 1.0,
    solve_size: int = 160,
) -> np.ndarray:
    """Inverse depth (H, W) float32: ``layout`` (H, W) kept on the four borders of the float32 RGB ``image``
    (H, W, 3), ``anchors`` (H, W; NaN = free) held where given (they win over the border), and
    everything else interpolated edge-aware."""
    h, w = layout.shape
    f = min(1.0, solve_size / max(h, w))
    size = (max(4, round(w * f)), max(4, round(h * f)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    values = cv2.resize(layout.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    fixed = np.zeros(values.shape, bool)
    fixed[[0, -1], :] = True
    fixed[:, [0, -1]] = True
    if anchors is not None:
        held = cv2.resize(anchors.astype(np.float32), size, interpolation=cv2.INTER_NEAREST)
        known = np.isfinite(held)
        values[known] = held[known]
        fixed |= known
    solved = _harmonic(small, values, fixed, beta=beta)
    return cv2.resize(solved, (w, h), interpolation=cv2.INTER_LINEAR)


def _harmonic(image: np.ndarray, values: np.ndarray, fixed: np.ndarray, *, beta: float) -> np.ndarray:
    """Solve ``L u = 0`` on the free pixels with ``u = values`` on the ``fixed`` ones (4-connected graph)."""
    h, w = values.shape
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2Lab)
    index = np.arange(h * w).reshape(h, w)
    pairs = [(index[:, :-1], index[:, 1:], lab[:, :-1] - lab[:, 1:]), (index[:-1], index[1:], lab[:-1] - lab[1:])]
    i = np.concatenate([a.ravel() for a, _, _ in pairs])
    j = np.concatenate([b.ravel() for _, b, _ in pairs])
    d2 = np.concatenate([(d**2).sum(axis=-1).ravel() for _, _, d in pairs])
    weight = np.exp(-beta * d2 / max(float(d2.mean()), 1e-9)) + _MIN_AFFINITY
    n = h * w
    adjacency = sparse.coo_matrix((weight, (i, j)), shape=(n, n)).tocsr()
    adjacency = adjacency + adjacency.T
    laplacian = (sparse.diags(np.asarray(adjacency.sum(axis=1)).ravel()) - adjacency).tocsr()
    known = fixed.ravel()
    free = ~known
    rhs = -(laplacian[free][:, known] @ values.ravel()[known])
    out = values.ravel().astype(np.float64)
    out[free] = sparse_linalg.spsolve(laplacian[free][:, free].tocsc(), rhs)
    return out.reshape(h, w).astype(np.float32)
