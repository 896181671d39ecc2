"""Deforum's seed behaviours: the seed used for each diffused frame."""

from __future__ import annotations

import random
from collections.abc import Iterator

from ..errors import InputError

SEED_BEHAVIORS = ("iter", "fixed", "random", "ladder", "alternate")
MAX_SEED = 2**32 - 1


def resolve_seed(seed: int | None, rng: random.Random | None = None) -> int:
    """Deforum's ``-1`` (or None) means a random seed."""
    if seed is None or seed == -1:
        return (rng or random.Random()).randint(0, MAX_SEED)
    return int(seed)


def seed_sequence(seed: int, behavior: str = "iter", *, iter_n: int = 1, rng: random.Random | None = None) -> Iterator[int]:
    """Yield the seed of each successive generation, as Deforum's ``next_seed`` does.

    ``iter``: +1 every ``iter_n`` generations; ``fixed``: always the same; ``random``: a new random seed
    each time; ``ladder``: +2, -1, +2, -1, ...; ``alternate``: +1, -1, +1, -1, ...
    """
    if behavior not in SEED_BEHAVIORS:
        raise InputError(f"seed_behavior: expected one of {', '.join(SEED_BEHAVIORS)}, got {behavior!r}")
    if iter_n < 1:
        raise InputError(f"seed_iter_N must be at least 1, got {iter_n}")
    rng = rng or random.Random(seed)
    current, internal = int(seed), 0
    while True:
        yield current
        if behavior == "iter":
            current += 1 if internal % iter_n == 0 else 0
            internal += 1
        elif behavior in ("ladder", "alternate"):
            up = 2 if behavior == "ladder" else 1
            current += up if internal == 0 else -1
            internal = 1 - internal
        elif behavior == "random":
            current = rng.randint(0, MAX_SEED)
        current %= MAX_SEED + 1
