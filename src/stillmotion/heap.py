"""Let the memory a frame frees serve the next frame, instead of fresh pages from the system (glibc).

Each rendered frame allocates a few frame-sized arrays (its image, its inverse depth, masks) and frees
those of the frame before. glibc hands blocks above its mmap threshold (adjusted as the program runs, at
most 32 MB) to the system on free and trims the free top of its heap, so each frame's arrays arrive as
fresh pages: the first write to each 4 kB page faults, and the kernel zeroes it. At 1080p that was about
2,600 faults a frame, 10 ms of system time on the 2-core virtual machine, a sixth of the frame's CPU.

:func:`reuse_freed_memory` raises both thresholds, so freed blocks stay in the heap and the next frame's
arrays reuse them, and keeps one heap for all threads, so that a block freed by one worker serves the
next allocation of any. The process keeps its peak memory mapped instead of returning it as it goes,
so this is for processes whose whole run is ours: the ``stillmotion`` command calls it at start.
"""

from __future__ import annotations

import ctypes
import sys

#: Blocks up to this size come from the heap (a 4K frame's float32 image is 100 MB).
HEAP_BLOCK_BYTES = 256 << 20
#: The heap returns its free top to the system only above this.
KEEP_FREE_BYTES = 1 << 30
#: One heap for every thread: frames are rendered and graded on worker threads, and with an arena per
#: thread (glibc's default) the blocks one thread freed did not serve the others, so each kept its own
#: peak (a graded 1080p run: 1.08-1.24 GB with per-thread arenas, 0.97-1.00 GB with one; no slower).
_ARENAS = 1
_M_TRIM_THRESHOLD = -1  # mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8


def reuse_freed_memory() -> bool:
    """Keep freed blocks for reuse (glibc's ``mallopt``); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return (bool(mallopt(_M_MMAP_THRESHOLD, HEAP_BLOCK_BYTES)) and bool(mallopt(_M_TRIM_THRESHOLD, KEEP_FREE_BYTES))
            and bool(mallopt(_M_ARENA_MAX, _ARENAS)))  # fmt: skip
