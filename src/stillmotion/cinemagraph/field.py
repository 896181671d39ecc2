"""The static Eulerian motion field M of a cinemagraph (pixels per frame), built from hints or presets.

Pipeline (each step a small pure function):

1. a velocity in pixels per second over the whole photo: Gaussian-weighted interpolation of the arrow
   hints (:func:`interpolate_hints`), or a material's default direction bent by smooth turbulence
   (:func:`material_velocity`), or a field transferred from a video (:mod:`.transfer`);
2. edge-aware smoothing guided by the photo, restricted to the moving region (:func:`smooth_in_region`),
   so motion does not leak across image edges;
3. near the region's border, flow that nearly runs along it is turned parallel to it (:func:`along_banks`);
   then a smooth fade to zero at the moving region's border (:func:`border_fade`; the photo's own edges are not
   a border: water may flow out of the frame) and at anchors (:func:`anchor_falloff`);
4. division by the frame rate and the ``speed`` factor: pixels per frame.

Outside the moving region (the mask minus the frozen areas) M is exactly zero, except on small still islands
enclosed by it (rocks in a stream), under which the material keeps flowing; the renderer never changes
their pixels.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import InputError
from ..imageops import shrunk_size
from .hints import MotionHints
from .materials import Material

log = logging.getLogger(__name__)

#: the smooth velocity fields are computed on a grid of at most this many pixels on the long side
_COARSE_SIDE = 256
#: the edge-aware smoothing of the field runs on a copy at most this many pixels on its long side
_SMOOTH_SIDE = 1024
#: largest ``speed`` factor: 20 times the fastest preset (waterfall) crosses a photo in under a second
MAX_SPEED = 20.0


@dataclass(frozen=True)
class FieldOptions:
    """How hints become a dense field. Lengths are fractions of the photo's diagonal."""

    #: width of the Gaussian that spreads each arrow
    hint_sigma_diag: float = 0.12
    #: fade to zero over this distance inside the region's border
    fade_diag: float = 0.01
    #: still areas enclosed by the region up to this fraction of its area are islands, not borders
    islands_max_fraction: float = 0.02
    #: within this distance of the region's border, flow that runs at most ``bank_angle_deg`` off the
    #: border is turned parallel to it (see :func:`along_banks`)
    bank_diag: float = 0.03
    bank_angle_deg: float = 50.0
    #: radius of the zero-motion zone around an anchor
    anchor_radius_diag: float = 0.04
    #: guided-filter radius for the edge-aware smoothing (0 disables it)
    smooth_radius_diag: float = 0.01
    #: guided-filter regularisation (image in [0, 1]); smaller follows the photo's edges more closely
    #: (much smaller is numerically unstable with a colour guide in float32)
    smooth_eps: float = 1e-2
    #: seed of the turbulence of material presets (deterministic output)
    seed: int = 0


def diagonal(shape: tuple[int, ...]) -> float:
    return math.hypot(shape[0], shape[1])


def _coarse_grid(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, float]:
    """Pixel-centre coordinates (in full-resolution pixels) of a coarse grid covering ``shape``."""
    h, w = shape
    (cw, ch), scale = shrunk_size(shape, _COARSE_SIDE, min_side=2)
    ys = (np.arange(ch, dtype=np.float64) + 0.5) * (h / ch) - 0.5
    xs = (np.arange(cw, dtype=np.float64) + 0.5) * (w / cw) - 0.5
    return ys, xs, scale


def _upsample(coarse: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    return cv2.resize(coarse.astype(np.float32), (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)


def interpolate_hints(shape: tuple[int, int], hints: MotionHints, *, sigma_px: float, ridge: float = 1e-2) -> np.ndarray:
    """Dense velocity (H, W, 2) from arrows that passes through every arrow.

    First the Gaussian-weighted mean of the arrows (normalised weights, so far from every arrow the nearest
    ones still decide: no decay to zero; the fade belongs to the region's border and to anchors). Where
    arrows are closer than about ``sigma_px`` that mean blurs them together (on the mountain stream it made
    the slow far water twice as fast as its arrow said, so that foam from the near water was carried up
    there at nearly its own scale); so what it misses at the arrows is added back by Gaussian radial basis
    functions of the same width (a linear solve, ``ridge`` keeping near-coincident arrows tame). The
    result is clipped to the fastest arrow's speed.
    """
    if not hints.hints:
        return np.zeros((*shape, 2), np.float32)
    ys, xs, _ = _coarse_grid(shape)
    points = np.array([[h.y, h.x] for h in hints.hints], np.float64)
    vec = np.array([[h.dx, h.dy] for h in hints.hints], np.float64)

    def mean_of_arrows(d2: np.ndarray) -> np.ndarray:  # d2 (..., n): squared distances to the arrows
        logw = -(d2 - d2.min(axis=-1, keepdims=True)) / (2.0 * sigma_px**2)  # stable far from every arrow
        weights = np.exp(logw)
        return (weights @ vec) / weights.sum(axis=-1, keepdims=True)

    d2 = (ys[:, None, None] - points[:, 0]) ** 2 + (xs[None, :, None] - points[:, 1]) ** 2  # (ch, cw, n)
    between = ((points[:, None] - points[None]) ** 2).sum(axis=2)  # (n, n)
    kernel = np.exp(-between / (2.0 * sigma_px**2))
    missed = vec - mean_of_arrows(between)
    coef = np.linalg.solve(kernel + ridge * np.eye(len(points)), missed)
    coarse = mean_of_arrows(d2) + np.exp(-d2 / (2.0 * sigma_px**2)) @ coef
    fastest = np.hypot(vec[:, 0], vec[:, 1]).max()
    speed = np.hypot(coarse[..., 0], coarse[..., 1])
    coarse *= (np.minimum(speed, fastest) / np.maximum(speed, 1e-12))[..., None]
    return _upsample(coarse, shape)


def material_velocity(shape: tuple[int, int], material: Material, *, seed: int = 0) -> np.ndarray:
    """A material's default velocity (H, W, 2) in pixels per second, with smooth turbulence."""
    speed = material.speed_diag_per_s * diagonal(shape)
    base = np.array(material.direction, np.float64)
    base = base / max(np.linalg.norm(base), 1e-12)
    angle = smooth_noise(shape, scale_px=material.turbulence_scale * diagonal(shape), seed=seed)
    angle = np.radians(material.turbulence_deg) * angle
    gain = 1.0 + 0.2 * smooth_noise(shape, scale_px=material.turbulence_scale * diagonal(shape), seed=seed + 1)
    cos, sin = np.cos(angle), np.sin(angle)
    vx = (base[0] * cos - base[1] * sin) * speed * gain
    vy = (base[0] * sin + base[1] * cos) * speed * gain
    return np.dstack([vx, vy]).astype(np.float32)


def smooth_noise(shape: tuple[int, int], *, scale_px: float, seed: int) -> np.ndarray:
    """Deterministic smooth noise (H, W) in about [-1, 1] with features of ``scale_px`` pixels."""
    h, w = shape
    rng = np.random.default_rng(seed)
    gh, gw = max(2, int(math.ceil(h / max(scale_px, 1.0))) + 2), max(2, int(math.ceil(w / max(scale_px, 1.0))) + 2)
    grid = rng.standard_normal((gh, gw)).astype(np.float32)
    noise = cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(noise / 1.5, -1.0, 1.0)


def smooth_in_region(
    velocity: np.ndarray, region: np.ndarray, guide: np.ndarray, *, radius_px: int, eps: float
) -> np.ndarray:
    """Edge-aware smoothing of ``velocity`` inside ``region``, guided by the photo ``guide``.

    A normalised guided filter: filter(v * r) / filter(r), so values outside the region never leak in
    and the result follows the photo's edges. Zero outside the region.
    """
    out = np.zeros_like(velocity, dtype=np.float32)
    box = region_bbox(region, margin=2 * radius_px + 2)
    if box is None:
        return out
    y0, y1, x0, x1 = box
    r = region[y0:y1, x0:x1].astype(np.float32)
    v = velocity[y0:y1, x0:x1].astype(np.float32)
    if radius_px < 1:
        out[y0:y1, x0:x1] = v * r[:, :, None]
        return out
    g = np.ascontiguousarray(guide[y0:y1, x0:x1], dtype=np.float32)
    # the field is smooth: filter a copy of at most _SMOOTH_SIDE pixels on its long side
    bh, bw = r.shape
    size, scale = shrunk_size(r.shape, _SMOOTH_SIDE, min_side=2)
    if scale < 1.0:
        g_s, r_s = (cv2.resize(a, size, interpolation=cv2.INTER_AREA) for a in (g, r))
        vr_s = cv2.resize(v * r[:, :, None], size, interpolation=cv2.INTER_AREA)
    else:
        g_s, r_s, vr_s = g, r, v * r[:, :, None]
    rad = max(1, round(radius_px * scale))
    num = np.dstack([cv2.ximgproc.guidedFilter(g_s, np.ascontiguousarray(vr_s[:, :, c]), rad, eps) for c in range(2)])
    den = cv2.ximgproc.guidedFilter(g_s, r_s, rad, eps)
    if scale < 1.0:
        num = cv2.resize(num, (bw, bh), interpolation=cv2.INTER_LINEAR)
        den = cv2.resize(den, (bw, bh), interpolation=cv2.INTER_LINEAR)
    # where the filtered weight collapses (thin slivers of region), keep the unsmoothed value
    ok = den > 0.05
    smooth = np.where(ok[:, :, None], num / np.maximum(den, 0.05)[:, :, None], v)
    out[y0:y1, x0:x1] = smooth * r[:, :, None]
    return out


def region_bbox(region: np.ndarray, *, margin: int = 0) -> tuple[int, int, int, int] | None:
    """``(y0, y1, x0, x1)`` of the region's bounding box grown by ``margin`` and clipped, or None."""
    rows = np.flatnonzero(region.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(region.any(axis=0))
    h, w = region.shape
    return (
        max(0, int(rows[0]) - margin), min(h, int(rows[-1]) + 1 + margin),
        max(0, int(cols[0]) - margin), min(w, int(cols[-1]) + 1 + margin),
    )  # fmt: skip


def islands(region: np.ndarray, *, max_fraction: float) -> np.ndarray:
    """Small still areas enclosed by the region (rocks in a stream): components of ``~region`` that do not
    touch the photo's edge and are at most ``max_fraction`` of the region's area."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats((~region).astype(np.uint8), connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    keep = stats[:, cv2.CC_STAT_AREA] <= max_fraction * max(1, int(region.sum()))
    keep[edge] = False
    keep[0] = False
    return keep[labels]


def _smoothstep(s: np.ndarray) -> np.ndarray:
    return s * s * (3.0 - 2.0 * s)


def _distance_inside(region: np.ndarray, reach_px: float) -> np.ndarray:
    """Distance (pixels, float32) of each region pixel to the region's border, measured up to about
    ``reach_px``; the photo's own edges are not a border (the region is extended beyond them first)."""
    pad = int(math.ceil(reach_px)) + 1
    padded = cv2.copyMakeBorder(region.astype(np.uint8), pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    return cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)[pad:-pad, pad:-pad]


def border_fade(region: np.ndarray, *, fade_px: float) -> np.ndarray:
    """Weight (H, W) float32: 0 outside the region, rising smoothly to 1 at ``fade_px`` inside its border.

    The photo's own edges are not a border (the region is extended beyond them before measuring).
    """
    if fade_px <= 0:
        return region.astype(np.float32)
    s = np.clip((_distance_inside(region, fade_px) - 0.5) / fade_px, 0.0, 1.0)  # the first pixel inside is at 1
    return _smoothstep(s).astype(np.float32) * region


def along_banks(velocity: np.ndarray, region: np.ndarray, *, band_px: float, max_angle_deg: float) -> np.ndarray:
    """Turn flow near the region's border parallel to it where it already runs nearly along it.

    Water runs along a bank. A field interpolated from a few arrows crosses the banks at a slant: the
    material next to a bank then either pulls away from it (nothing flows in from the still bank, so the
    loop stretches the texture there into streaks) or runs into it. Within ``band_px`` of the border (the
    photo's own edges are not a border), where the flow is at most ``max_angle_deg`` off the border's
    direction, its component across the border is removed, fully at the border and fading out across the
    band, and its speed kept. Flow that meets the border steeply (an inlet or outlet where the mask cuts
    the stream) is left as it is.
    """
    if band_px <= 0 or max_angle_deg <= 0:
        return velocity
    # the band and the border's direction vary slowly: measured on a coarse copy
    h, w = region.shape
    ys, xs, scale = _coarse_grid((h, w))
    coarse = cv2.resize(region.astype(np.float32), (len(xs), len(ys)), interpolation=cv2.INTER_AREA) >= 0.5
    band = max(band_px * scale, 1.0)
    near = np.clip(1.0 - _distance_inside(coarse, band) / band, 0.0, 1.0)
    # the border's inward normal: the gradient of the region blurred over the band (replicated beyond the
    # photo's edges, which are not a border)
    soft = cv2.GaussianBlur(coarse.astype(np.float32), (0, 0), max(band / 3.0, 1.0), borderType=cv2.BORDER_REPLICATE)
    gy, gx = np.gradient(soft)
    norm = np.hypot(gx, gy)
    nx, ny = gx / np.maximum(norm, 1e-12), gy / np.maximum(norm, 1e-12)
    weight = _upsample(_smoothstep(near) * (norm > 1e-6), (h, w)) * region
    nx, ny = _upsample(nx, (h, w)), _upsample(ny, (h, w))
    if not weight.any():
        return velocity
    vx, vy = velocity[:, :, 0], velocity[:, :, 1]
    speed = np.hypot(vx, vy)
    across = vx * nx + vy * ny
    off_angle = np.arcsin(np.clip(np.abs(across) / np.maximum(speed, 1e-12), 0.0, 1.0))
    closeness = np.clip(1.0 - off_angle / np.float32(np.radians(max_angle_deg)), 0.0, 1.0)
    amount = weight * np.minimum(1.0, 2.0 * closeness)
    tx, ty = vx - amount * across * nx, vy - amount * across * ny
    gain = speed / np.maximum(np.hypot(tx, ty), 1e-12)
    return np.dstack([tx * gain, ty * gain]).astype(np.float32)


def anchor_falloff(shape: tuple[int, int], hints: MotionHints, *, radius_px: float) -> np.ndarray:
    """Weight (H, W): exactly 0 at each anchor, ``1 - exp(-d^2 / 2r^2)`` around it, 1 without anchors."""
    if not hints.anchors:
        return np.ones(shape, np.float32)
    h, w = shape
    ys = np.arange(h, dtype=np.float32)[:, None]
    xs = np.arange(w, dtype=np.float32)[None, :]
    d2 = np.full(shape, np.inf, np.float32)
    for a in hints.anchors:
        d2 = np.minimum(d2, (ys - np.float32(a.y)) ** 2 + (xs - np.float32(a.x)) ** 2)
    weight = 1.0 - np.exp(-d2 / np.float32(2.0 * radius_px**2))
    for a in hints.anchors:  # exactly zero on the anchor pixel(s), whatever the rounding
        weight[int(round(a.y)), int(round(a.x))] = 0.0
    return weight.astype(np.float32)


def from_preset(hints: MotionHints, velocity: np.ndarray | None = None) -> bool:
    """Whether :func:`build_field` takes its velocity from the material preset (neither a video's
    ``velocity`` nor arrow ``hints`` given): only such a field's speed is fitted to the loop (:mod:`.pace`)."""
    return velocity is None and not hints.hints


def build_field(
    image: np.ndarray,
    region: np.ndarray,
    *,
    fps: float,
    hints: MotionHints = MotionHints(),
    material: Material | None = None,
    velocity: np.ndarray | None = None,
    speed: float = 1.0,
    options: FieldOptions = FieldOptions(),
) -> np.ndarray:
    """The Eulerian motion field M (H, W, 2) float32 in pixels per frame at ``fps``.

    ``region`` (bool H x W) is where things move (the mask minus frozen areas). The field is also
    defined on small islands enclosed by the region (:func:`islands`), so material passes under them;
    it is zero everywhere else. The velocity comes from
    ``velocity`` (px/s, e.g. transferred from a video) if given, else from the arrow ``hints``, else from the
    ``material`` preset. A material also bends the field with its turbulence and sets the border fade.
    ``speed`` (0 .. ``MAX_SPEED``) multiplies it; hints must lie in the photo (their length is checked
    against the photo as the user gave it, before any downscale or crop: :meth:`~.hints.MotionHints.check_fits`).
    """
    h, w = image.shape[:2]
    if region.shape != (h, w):
        raise InputError(f"moving region is {region.shape[1]}x{region.shape[0]}, the photo is {w}x{h}")
    if fps <= 0 or not math.isfinite(fps):
        raise InputError(f"fps must be positive, got {fps}")
    check_speed(speed)
    hints.check_inside(w, h)  # arrow lengths are checked on the photo as given (make_loop, FlowSpec)
    region = region.astype(bool)
    if not region.any():
        raise InputError("the moving region is empty (mask empty, or all of it frozen)")
    diag = diagonal((h, w))
    if velocity is not None:  # (the order of from_preset)
        vel = velocity.astype(np.float32)
        source = "video"
    elif hints.hints:
        vel = interpolate_hints((h, w), hints, sigma_px=options.hint_sigma_diag * diag)
        source = f"{len(hints.hints)} hint(s)"
        if material is not None and material.turbulence_deg > 0:
            vel = _bend(vel, material, seed=options.seed)
    elif material is not None:
        vel = material_velocity((h, w), material, seed=options.seed)
        source = f"material {material.name}"
    else:
        raise InputError("no motion given: use --hint/--hints, --material or --motion-from")
    fade_diag = material.fade_diag if material is not None else options.fade_diag
    # small still islands (rocks in a stream) do not stop the flow: it passes under them, as under a stone
    # lying on the water; the renderer never moves or overwrites their pixels (they are not in the region)
    support = region | islands(region, max_fraction=options.islands_max_fraction)
    vel = smooth_in_region(
        vel, support, image, radius_px=int(round(options.smooth_radius_diag * diag)), eps=options.smooth_eps
    )
    vel = along_banks(vel, support, band_px=options.bank_diag * diag, max_angle_deg=options.bank_angle_deg)
    weight = border_fade(support, fade_px=fade_diag * diag)
    weight *= anchor_falloff((h, w), hints, radius_px=options.anchor_radius_diag * diag)
    field = vel * (weight * np.float32(speed / fps))[:, :, None]
    field[~support] = 0.0
    peak = float(np.sqrt((field**2).sum(axis=2)).max())
    log.info("motion field from %s: up to %.2f px/frame over %.0f%% of the photo", source, peak, 100 * region.mean())
    return np.ascontiguousarray(field, dtype=np.float32)


def check_speed(speed: float, *, name: str = "speed") -> None:
    """Raise :class:`InputError` unless ``speed`` is a factor in 0 .. ``MAX_SPEED`` (``name``: the option's)."""
    if not (math.isfinite(speed) and 0.0 <= speed <= MAX_SPEED):
        raise InputError(f"{name} must be a factor in 0..{MAX_SPEED:g}, got {speed:g}")


def _bend(velocity: np.ndarray, material: Material, *, seed: int) -> np.ndarray:
    """Rotate a velocity field by a material's smooth turbulence angle."""
    shape = velocity.shape[:2]
    angle = np.radians(material.turbulence_deg) * smooth_noise(
        shape, scale_px=material.turbulence_scale * diagonal(shape), seed=seed
    )
    cos, sin = np.cos(angle), np.sin(angle)
    vx, vy = velocity[:, :, 0], velocity[:, :, 1]
    return np.dstack([vx * cos - vy * sin, vx * sin + vy * cos]).astype(np.float32)
