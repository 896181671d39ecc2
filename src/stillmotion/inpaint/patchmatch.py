"""Numba kernels of the patch backend: a PatchMatch nearest-neighbour field ranked by cosine similarity
of patch embeddings, and the voting step that turns the field back into pixels.

Pure array functions. Conventions:

- ``nnf`` int32 (H, W, 2): for each target patch centre, the (y, x) centre of its source patch.
- ``cost`` float32 (H, W): ``1 - cosine similarity`` of the two patch embeddings (0 = identical).
- ``weight`` float32 (H, W): how much each target pixel counts in the embedding (0 = ignore: excluded
  foreground or outside the context).
- ``src_ok`` bool (H, W): the patch centred there lies inside the image and holds only known, allowed
  pixels. ``src_depth`` float32 (H, W) is the nearest inverse depth inside that patch, ``tgt_limit`` the
  largest inverse depth a target may copy from (depth-aware mode; +inf and 0 otherwise).

Random numbers come from a hash of (seed, iteration, pixel), so results do not depend on thread timing.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

BIG_COST = np.float32(4.0)


@nb.njit(cache=True, inline="always")
def _hash(a, b, c, d):
    h = np.uint32(2166136261)
    for v in (a, b, c, d):
        h = np.uint32((h ^ np.uint32(v & 0xFFFFFFFF)) * np.uint32(16777619))
        h ^= h >> np.uint32(13)
        h = np.uint32(h * np.uint32(0x5BD1E995))
        h ^= h >> np.uint32(15)
    return h


@nb.njit(cache=True, fastmath=True, inline="always")
def _target_norm(sq, weight, ty, tx, radius, stride):
    """Squared weighted norm of the target patch's embedding (constant over all its candidates)."""
    height, width = weight.shape
    na = 0.0
    for dy in range(-radius, radius + 1, stride):
        y = ty + dy
        if y < 0 or y >= height:
            continue
        for dx in range(-radius, radius + 1, stride):
            x = tx + dx
            if x < 0 or x >= width:
                continue
            na += weight[y, x] * sq[y, x]
    return na


@nb.njit(cache=True, fastmath=True, inline="always")
def _cosine_cost(feat, sq, weight, ty, tx, sy, sx, radius, stride, bias2, na):
    """``1 - cos`` of the target patch at (ty, tx) and the source patch at (sy, sx); ``sq`` holds each
    pixel's squared embedding norm (bias included) and ``na`` the target's weighted squared norm."""
    height, width, channels = feat.shape
    dot = 0.0
    nb_ = 0.0
    for dy in range(-radius, radius + 1, stride):
        y = ty + dy
        if y < 0 or y >= height:
            continue
        for dx in range(-radius, radius + 1, stride):
            x = tx + dx
            if x < 0 or x >= width:
                continue
            w = weight[y, x]
            if w == 0.0:
                continue
            acc = bias2
            for c in range(channels):
                acc += feat[y, x, c] * feat[sy + dy, sx + dx, c]
            dot += w * acc
            nb_ += w * sq[sy + dy, sx + dx]
    if na <= 0.0 or nb_ <= 0.0:
        return BIG_COST
    return np.float32(1.0 - dot / math.sqrt(na * nb_))


def squared_norms(feat: np.ndarray, bias: float) -> np.ndarray:
    """Per-pixel squared norm of the embedding, the constant ``bias`` component included."""
    return np.ascontiguousarray(np.einsum("ijk,ijk->ij", feat, feat) + np.float32(bias * bias), dtype=np.float32)


@nb.njit(cache=True, inline="always")
def _allowed(src_ok, src_depth, sy, sx, limit, ty, tx, reach):
    height, width = src_ok.shape
    if sy < 0 or sy >= height or sx < 0 or sx >= width:
        return False
    if reach > 0 and (abs(sy - ty) > reach or abs(sx - tx) > reach):
        return False
    return src_ok[sy, sx] and src_depth[sy, sx] <= limit


@nb.njit(cache=True)
def _cost_of_field(feat, sq, weight, is_target, src_ok, src_depth, tgt_limit, nnf, radius, stride, bias2, reach):
    height, width = is_target.shape
    cost = np.full((height, width), BIG_COST, np.float32)
    for y in range(height):
        for x in range(width):
            if not is_target[y, x]:
                continue
            sy = nnf[y, x, 0]
            sx = nnf[y, x, 1]
            if _allowed(src_ok, src_depth, sy, sx, tgt_limit[y, x], y, x, reach):
                na = _target_norm(sq, weight, y, x, radius, stride)
                cost[y, x] = _cosine_cost(feat, sq, weight, y, x, sy, sx, radius, stride, bias2, na)
    return cost


def field_cost(feat, weight, is_target, src_ok, src_depth, tgt_limit, nnf, *, radius, stride, bias, reach=0):
    return _cost_of_field(
        feat, squared_norms(feat, bias), weight, is_target, src_ok, src_depth, tgt_limit, nnf, radius, stride,
        np.float32(bias * bias), int(reach),
    )


@nb.njit(cache=True)
def _search(feat, sq, weight, is_target, src_ok, src_depth, tgt_limit, nnf, cost, radius, stride, bias2,
            iterations, search_radius, seed, blocks, reach):
    height, width = is_target.shape
    rows = (height + blocks - 1) // blocks
    for it in range(iterations):
        snapshot = nnf.copy()
        reverse = (it % 2) == 1
        step = 1 if reverse else -1  # direction of the already-visited neighbours
        for b in range(blocks):
            y0 = b * rows
            y1 = min(height, y0 + rows)
            for yi in range(y1 - y0):
                y = (y1 - 1 - yi) if reverse else (y0 + yi)
                for xi in range(width):
                    x = (width - 1 - xi) if reverse else xi
                    if not is_target[y, x]:
                        continue
                    limit = tgt_limit[y, x]
                    na = _target_norm(sq, weight, y, x, radius, stride)
                    by = nnf[y, x, 0]
                    bx = nnf[y, x, 1]
                    bc = cost[y, x]
                    # propagation from the horizontal and vertical neighbours already visited
                    nx = x + step
                    if 0 <= nx < width and is_target[y, nx]:
                        sy = nnf[y, nx, 0]
                        sx = nnf[y, nx, 1] - step
                        if _allowed(src_ok, src_depth, sy, sx, limit, y, x, reach):
                            c = _cosine_cost(feat, sq, weight, y, x, sy, sx, radius, stride, bias2, na)
                            if c < bc:
                                bc = c
                                by = sy
                                bx = sx
                    ny = y + step
                    if 0 <= ny < height and is_target[ny, x]:
                        if y0 <= ny < y1:
                            sy = nnf[ny, x, 0] - step
                            sx = nnf[ny, x, 1]
                        else:
                            sy = snapshot[ny, x, 0] - step
                            sx = snapshot[ny, x, 1]
                        if _allowed(src_ok, src_depth, sy, sx, limit, y, x, reach):
                            c = _cosine_cost(feat, sq, weight, y, x, sy, sx, radius, stride, bias2, na)
                            if c < bc:
                                bc = c
                                by = sy
                                bx = sx
                    # random search in shrinking windows around the best so far
                    rad = search_radius
                    k = 0
                    while rad >= 1:
                        h = _hash(seed, it * 64 + k, y, x)
                        sy = by + np.int32(h % np.uint32(2 * rad + 1)) - rad
                        sx = bx + np.int32((h >> np.uint32(16)) % np.uint32(2 * rad + 1)) - rad
                        if _allowed(src_ok, src_depth, sy, sx, limit, y, x, reach):
                            c = _cosine_cost(feat, sq, weight, y, x, sy, sx, radius, stride, bias2, na)
                            if c < bc:
                                bc = c
                                by = sy
                                bx = sx
                        rad //= 2
                        k += 1
                    nnf[y, x, 0] = by
                    nnf[y, x, 1] = bx
                    cost[y, x] = bc


def search(feat, weight, is_target, src_ok, src_depth, tgt_limit, nnf, cost, *, radius, stride, bias,
           iterations, search_radius, seed=0, blocks=8, reach=0):
    """Improve ``nnf``/``cost`` in place by PatchMatch propagation and random search."""
    _search(feat, squared_norms(feat, bias), weight, is_target, src_ok, src_depth, tgt_limit, nnf, cost, radius, stride,
            np.float32(bias * bias), iterations, max(1, int(search_radius)), seed, blocks, int(reach))


@nb.njit(cache=True)
def random_field(is_target, sources, tgt_limit, src_depth, seed, src_ok, reach):
    """A field pointing every target at a pseudo-random allowed source centre (from ``sources``, N x 2;
    with ``reach`` > 0, from the allowed centres within ``reach`` pixels of the target, where there are)."""
    height, width = is_target.shape
    nnf = np.zeros((height, width, 2), np.int32)
    n = sources.shape[0]
    for y in range(height):
        for x in range(width):
            if not is_target[y, x]:
                continue
            by = sources[0, 0]
            bx = sources[0, 1]
            found = False
            if reach > 0:
                for k in range(32):
                    h = _hash(seed, 100 + k, y, x)
                    sy = y + np.int32(h % np.uint32(2 * reach + 1)) - reach
                    sx = x + np.int32((h >> np.uint32(16)) % np.uint32(2 * reach + 1)) - reach
                    if _allowed(src_ok, src_depth, sy, sx, tgt_limit[y, x], y, x, reach):
                        by = sy
                        bx = sx
                        found = True
                        break
            if not found:
                for k in range(8):
                    i = np.int64(_hash(seed, k, y, x) % np.uint32(n))
                    by = sources[i, 0]
                    bx = sources[i, 1]
                    if src_depth[by, bx] <= tgt_limit[y, x]:
                        break
            nnf[y, x, 0] = by
            nnf[y, x, 1] = bx
    return nnf


@nb.njit(cache=True, fastmath=True)
def _vote(image, hole, is_target, nnf, weights, radius, step, out):
    height, width = hole.shape
    channels = image.shape[2]
    for y in range(height):
        acc = np.zeros(channels, np.float64)
        for x in range(width):
            if not hole[y, x]:
                continue
            wsum = 0.0
            for ch in range(channels):
                acc[ch] = 0.0
            for dy in range(-radius, radius + 1, step):
                ty = y + dy
                if ty < 0 or ty >= height:
                    continue
                for dx in range(-radius, radius + 1, step):
                    tx = x + dx
                    if tx < 0 or tx >= width:
                        continue
                    w = weights[ty, tx]
                    if w <= 0.0:
                        continue
                    sy = nnf[ty, tx, 0] - dy
                    sx = nnf[ty, tx, 1] - dx
                    for ch in range(channels):
                        acc[ch] += w * image[sy, sx, ch]
                    wsum += w
            if wsum > 0.0:
                for ch in range(channels):
                    out[y, x, ch] = acc[ch] / wsum


def vote(image, hole, is_target, nnf, cost, *, radius, spread, step=1):
    """New values for the hole pixels: the average of what every overlapping patch's source says,
    weighted by ``exp(-cost / (spread * q))``, q the 75th percentile of the costs (Wexler et al.).
    ``step`` 2 takes every other overlapping patch in each direction (a quarter of the work, for fields
    upsampled from a coarser level, whose neighbouring patches agree anyway).
    Pixels no patch covers keep their value."""
    usable = is_target & (cost < BIG_COST)
    scale = float(np.percentile(cost[usable], 75)) * spread if usable.any() else 1.0
    weights = np.where(usable, np.exp(-cost / max(scale, 1e-9)), 0.0).astype(np.float32)
    out = image.copy()
    _vote(image, hole, is_target, nnf, weights, radius, step, out)
    return out


@nb.njit(cache=True)
def upsample_field(nnf, height, width):
    """Double a field to (height, width): a fine pixel takes its parent's source, doubled, plus its own
    offset inside the parent."""
    hc, wc = nnf.shape[0], nnf.shape[1]
    out = np.empty((height, width, 2), np.int32)
    for y in range(height):
        cy = min(y // 2, hc - 1)
        for x in range(width):
            cx = min(x // 2, wc - 1)
            out[y, x, 0] = min(max(nnf[cy, cx, 0] * 2 + (y - 2 * cy), 0), height - 1)
            out[y, x, 1] = min(max(nnf[cy, cx, 1] * 2 + (x - 2 * cx), 0), width - 1)
    return out


@nb.njit(cache=True)
def upsample_cost(cost, nnf, is_target, src_ok, src_depth, tgt_limit, reach):
    """The coarse costs carried to an upsampled field (BIG_COST where its source is not allowed here)."""
    height, width = is_target.shape
    hc, wc = cost.shape
    out = np.full((height, width), BIG_COST, np.float32)
    for y in range(height):
        for x in range(width):
            if is_target[y, x] and _allowed(src_ok, src_depth, nnf[y, x, 0], nnf[y, x, 1], tgt_limit[y, x], y, x, reach):
                out[y, x] = cost[min(y // 2, hc - 1), min(x // 2, wc - 1)]
    return out
