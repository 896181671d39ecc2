"""Where the two frames brought to time t disagree strongly, the middle frame takes one of them: a solid
object in one place, not a double exposure."""

from __future__ import annotations

import cv2
import numpy as np

from stillmotion.interpolate.flows import PairFlow
from stillmotion.interpolate.flowsplat import FlowSplatConfig, FlowSplatInterpolator

PAN = (3, 1)  # the background's motion between the frames, px
BOX = 16  # the object's size, px
PLACES = ((20, 40), (84, 56))  # the object's top-left corner (x, y) in frame 0 and in frame 1: 4x its size apart


class _FlowsGiven:
    """A flow backend that returns the flows it was given, whatever the frames."""

    name = "given"
    thread_safe = True

    def __init__(self, fwd, bwd):
        self.flows = (fwd, bwd)

    def estimate_both(self, image0, image1):
        return self.flows


def _scene():
    """A textured background panning by PAN, a small bright textured object jumping between PLACES; the
    flows both ways are the pan everywhere: the object's own motion is missed (as for a small, fast,
    motion-blurred hand, whose flow matched the wall behind it)."""
    rng = np.random.default_rng(5)
    h, w = 112, 144
    big = cv2.GaussianBlur(rng.random((h + 8, w + 8, 3)).astype(np.float32), (0, 0), 1.5) * 0.4 + 0.2
    thing = cv2.GaussianBlur(rng.random((BOX, BOX, 3)).astype(np.float32), (0, 0), 1.0) * 0.3 + np.float32([0.7, 0.5, 0.1])
    backgrounds = [big[4 : 4 + h, 4 : 4 + w], big[4 - PAN[1] : 4 - PAN[1] + h, 4 - PAN[0] : 4 - PAN[0] + w]]
    frames = []
    for bg, (x, y) in zip(backgrounds, PLACES):
        frame = bg.copy()
        frame[y : y + BOX, x : x + BOX] = thing
        frames.append(frame)
    fwd = np.broadcast_to(np.float32(PAN), (h, w, 2)).copy()
    return frames, backgrounds, thing, fwd, -fwd


def _interpolator(fwd, bwd, **config):
    pair_flow = PairFlow("dis")
    pair_flow.backend = _FlowsGiven(fwd, bwd)
    return FlowSplatInterpolator(pair_flow, FlowSplatConfig(**config))


def _opacity(out, background, thing, place):
    """How much of the object is at ``place`` (top-left x, y) in ``out``: the least-squares ``a`` of
    ``out = a * thing + (1 - a) * background`` over the object's box (its 2-px rim left out)."""
    x, y = place
    box = (slice(y + 2, y + BOX - 2), slice(x + 2, x + BOX - 2))
    inner = (slice(2, BOX - 2), slice(2, BOX - 2))
    got, bg, fg = out[box], background[box], thing[inner]
    return float(np.sum((got - bg) * (fg - bg)) / np.sum((fg - bg) ** 2))


def _opacities(out, backgrounds, thing, t):
    """The object's opacity in ``out`` (the frame at time t) at each end of its path: where frame 0 and
    where frame 1 has it, both carried with the pan to time t, against that frame's background there."""
    h, w = out.shape[:2]
    found = []
    for bg, (x, y), s in zip(backgrounds, PLACES, (t, t - 1)):  # frame 1 is carried back by (1 - t) * PAN
        shift = np.float32([[1, 0, s * PAN[0]], [0, 1, s * PAN[1]]])
        moved = cv2.warpAffine(bg, shift, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        found.append(_opacity(out, moved, thing, (x + round(s * PAN[0]), y + round(s * PAN[1]))))
    return found


def test_an_object_whose_flow_failed_is_shown_once_and_solid():
    """The object moved 4x its size and its flow follows the background. Blending the two frames put a
    half-transparent object at each end of its path (opacity ~0.5 at both); now the nearer frame in time
    is taken where they disagree: at t <= 0.5 the object stands solid where frame 0 has it and is gone
    from frame 1's place, at t > 0.5 the other way round."""
    (f0, f1), backgrounds, thing, fwd, bwd = _scene()
    interpolator = _interpolator(fwd, bwd)
    for t, expected in ((0.25, (1, 0)), (0.5, (1, 0)), (0.75, (0, 1))):
        a0, a1 = _opacities(interpolator.interpolate(f0, f1, [t])[0], backgrounds, thing, t)
        assert abs(a0 - expected[0]) < 0.1 and abs(a1 - expected[1]) < 0.1, (t, a0, a1)


def test_an_object_is_never_taken_away_from_both_ends():
    """Now the flows follow the object, but at time t its pixels collide halfway with as well matched
    background pixels and the splatted flows average out: the object is not drawn there. Each frame's
    sample of it at its own end is then the only one: it is not a duplicate (that needs the copy to be
    shown where it belongs), so it is not replaced by the other frame's background at both ends, which
    would make the object vanish; the nearer frame keeps one solid copy (the blend gave two halves)."""
    (f0, f1), backgrounds, thing, fwd, bwd = _scene()
    move = np.float32([PLACES[1][0] - PLACES[0][0], PLACES[1][1] - PLACES[0][1]])
    fwd[PLACES[0][1] : PLACES[0][1] + BOX, PLACES[0][0] : PLACES[0][0] + BOX] = move
    bwd[PLACES[1][1] : PLACES[1][1] + BOX, PLACES[1][0] : PLACES[1][0] + BOX] = -move
    a0, a1 = _opacities(_interpolator(fwd, bwd).interpolate(f0, f1, [0.5])[0], backgrounds, thing, 0.5)
    assert abs(a0 - 1.0) < 0.1 and abs(a1) < 0.1, (a0, a1)
