"""The ``raft`` flow backend: loads an original RAFT checkpoint and runs it on the CPU."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from ...errors import InputError, MissingExtraError, ModelNotFoundError
from ...types import Flow, Image
from .. import check_pair

log = logging.getLogger(__name__)

#: where benchmarks/fetch_raft_weights.py puts the checkpoints; searched when no path is given
DEFAULT_CACHE = Path(os.environ.get("STILLMOTION_RAFT_DIR", Path.home() / ".cache" / "stillmotion" / "raft"))
DEFAULT_ITERS = 12


def _torch():
    try:
        import torch
    except ImportError:
        raise MissingExtraError("the raft flow backend", "neural", "torch") from None
    return torch


#: Smallest padded side: the correlation pyramid halves the 1/8-resolution features three times.
MIN_SIDE = 64


def pad_to_multiple_of_8(height: int, width: int, *, centred: bool = True) -> tuple[int, int, int, int]:
    """(left, right, top, bottom) replicate-padding amounts making the size a multiple of 8 and at least
    ``MIN_SIDE``; ``centred`` splits the vertical padding top/bottom as the authors' Sintel evaluation does
    (else all at the bottom)."""
    pad_h = max((-height) % 8, MIN_SIDE - height)
    pad_w = max((-width) % 8, MIN_SIDE - width)
    if centred:
        return pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2
    return pad_w // 2, pad_w - pad_w // 2, 0, pad_h


def load_state_dict(path: Path) -> dict:
    torch = _torch()
    try:
        state = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many kinds for a bad file
        raise InputError(f"cannot read RAFT checkpoint {path}: {type(exc).__name__}: {exc}") from None
    if isinstance(state, dict) and "state_dict" in state:
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise InputError(f"RAFT checkpoint {path} does not hold a state dict")
    return {k.removeprefix("module."): v for k, v in state.items()}


def config_for(state: dict):
    """The RAFT configuration matching a checkpoint's tensor shapes (full or small, any width)."""
    from .model import RaftConfig

    try:
        stem = state["fnet.conv1.weight"].shape[0]
        small = "update_block.mask.0.weight" not in state
        dims = (stem, state["fnet.layer2.1.conv1.weight"].shape[1], state["fnet.conv2.weight"].shape[1])
        feature = state["fnet.conv2.weight"].shape[0]
        hidden = state["update_block.flow_head.conv1.weight"].shape[1]
        context = state["cnet.conv2.weight"].shape[0] - hidden
        corr_ch = state["update_block.encoder.convc1.weight"].shape[1]
    except KeyError as exc:
        raise InputError(f"not a RAFT checkpoint: missing {exc}") from None
    if small:  # bottleneck blocks: layer2.1.conv1 takes the stage width
        dims = (stem, state["fnet.layer2.1.conv1.weight"].shape[1], state["fnet.conv2.weight"].shape[1])
    radius = int(round((np.sqrt(corr_ch / 4) - 1) / 2))
    return RaftConfig(small=small, hidden_dim=hidden, context_dim=context, feature_dim=feature,
                      corr_levels=4, corr_radius=radius, encoder_dims=tuple(int(d) for d in dims))  # fmt: skip


def resolve_weights(weights: str | os.PathLike | None) -> Path:
    if weights is not None:
        path = Path(weights)
        if not path.is_file():
            raise ModelNotFoundError(f"RAFT weights not found: {path}")
        return path
    for name in ("raft-things.pth", "raft-sintel.pth", "raft-small.pth", "raft-kitti.pth"):
        if (DEFAULT_CACHE / name).is_file():
            return DEFAULT_CACHE / name
    raise ModelNotFoundError(
        f"no RAFT weights given and none in {DEFAULT_CACHE}; pass --weights with one of the authors' "
        "checkpoints (raft-things/sintel/kitti/small.pth; benchmarks/fetch_raft_weights.py fetches raft-small, "
        "raft-sintel and raft-kitti into that folder). Nothing is downloaded at run time."
    )


class RaftFlow:
    name = "raft"

    def __init__(self, model, *, iters: int = DEFAULT_ITERS, source: str = "") -> None:
        self.model = model.eval()
        self.iters = int(iters)
        self.source = source

    @classmethod
    def from_checkpoint(cls, weights=None, *, iters: int | None = None) -> RaftFlow:
        _torch()  # a clear MissingExtraError before anything else
        from .model import RAFT

        if iters is not None and iters < 1:
            raise InputError(f"RAFT needs at least 1 iteration, got {iters}")
        path = resolve_weights(weights)
        state = load_state_dict(path)
        model = RAFT(config_for(state))
        missing, unexpected = model.load_state_dict(state, strict=False)
        missing = [k for k in missing if not k.endswith("num_batches_tracked")]
        if missing or unexpected:
            raise InputError(f"RAFT checkpoint {path} does not fit: missing {missing[:3]}, unexpected {unexpected[:3]}")
        log.info("raft: %s (%s model), %d iterations", path, "small" if model.config.small else "full",
                 iters or DEFAULT_ITERS)  # fmt: skip
        return cls(model, iters=iters or DEFAULT_ITERS, source=str(path))

    def estimate(self, image0: Image, image1: Image) -> Flow:
        check_pair(image0, image1)
        torch = _torch()
        import torch.nn.functional as F

        h, w = image0.shape[:2]
        pads = pad_to_multiple_of_8(h, w, centred=True)

        def prep(img):
            u8 = np.clip(img * 255.0 + 0.5, 0, 255).astype(np.uint8)  # the network saw 8-bit frames
            t = torch.from_numpy(u8).permute(2, 0, 1)[None].float()
            return F.pad(t, pads, mode="replicate")

        with torch.inference_mode():
            flow = self.model(prep(image0), prep(image1), iters=self.iters)
        left, _, top, _ = pads
        flow = flow[0, :, top : top + h, left : left + w].permute(1, 2, 0).numpy()
        return np.ascontiguousarray(flow, dtype=np.float32)
