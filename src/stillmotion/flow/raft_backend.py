"""Registration of the RAFT backend; torch is imported only when the backend is created."""

from __future__ import annotations

from . import FLOW_BACKENDS


@FLOW_BACKENDS.register("raft", "RAFT (Teed & Deng 2020), original checkpoints via weights=PATH (neural extra)")
def _make_raft(*, weights=None, iters: int | None = None):
    from .raft.backend import RaftFlow

    return RaftFlow.from_checkpoint(weights, iters=iters)
