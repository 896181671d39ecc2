"""Start numba's compiler target once per process, without the SciPy import it does not need here.

The first call of any jitted function, even one loaded from numba's cache, initialises numba's CPU
target: it imports numba's implementation modules, and one of them (``numba.np.arraymath``) imports
``scipy.linalg.cython_blas`` only to learn whether ``np.dot`` inside jitted code may call BLAS. Importing
``scipy.linalg`` costs about 0.2 s on the 2-core machine (it pulls in ``numpy.f2py`` through SciPy's array
API layer), a tenth of a whole 832x448 clip's budget, and no kernel of stillmotion calls BLAS.

:func:`start_numba` initialises the target with that probe answering "no BLAS" (``np.dot`` in code
compiled later uses numba's own loop) unless SciPy's BLAS is loaded already. The probe is answered by
swapping numba's ``ensure_blas`` for the duration of the start, not by hiding SciPy from the import
system, so another thread may import SciPy meanwhile. Call it at the start of the entry points whose
whole run is short enough for 0.2 s to matter (the spine's :func:`stillmotion.animate`); elsewhere the
target starts as usual, with the import.
"""

from __future__ import annotations

import sys

_BLAS_MODULE = "scipy.linalg.cython_blas"


def start_numba() -> None:
    """Initialise numba's CPU target now (a no-op once it is initialised), skipping its SciPy BLAS probe."""
    if "numba.np.arraymath" in sys.modules:
        return
    from numba.core.registry import cpu_target
    from numba.np import linalg

    probe = linalg.ensure_blas
    if _BLAS_MODULE not in sys.modules:
        linalg.ensure_blas = _no_blas  # numba.np.arraymath imports it by name and calls it once, at import
    try:
        cpu_target.target_context.refresh()
    finally:
        linalg.ensure_blas = probe
        arraymath = sys.modules.get("numba.np.arraymath")
        if arraymath is not None and getattr(arraymath, "ensure_blas", None) is _no_blas:
            arraymath.ensure_blas = probe


def _no_blas() -> None:
    raise ImportError("BLAS probe skipped: no stillmotion kernel calls BLAS")


def cache_is_warm(*dispatchers) -> bool:
    """Whether numba's on-disk cache already holds these jitted functions (so their first call loads
    rather than compiles them): each has a cache index that numba itself takes as fresh for the source
    as it is now (recent numba compares a hash of the source's content, older numba its modification
    time; comparing file times here said "compiling" on every run after a checkout touched the sources).
    Uses numba's internals: if they change, the answer is True and nothing is said."""
    for dispatcher in dispatchers:
        try:
            if not dispatcher._cache._cache_file._load_index():
                return False
        except (AttributeError, OSError, TypeError, ValueError, EOFError):
            continue
    return True


def preload_cached(*dispatchers) -> None:
    """Load the machine code that numba's on-disk cache holds for these jitted functions now, every
    signature cached for this machine, so that their first calls find it loaded. Loading takes 5-10 ms a
    function; a short run spends ~0.1 s of its critical path on it, which a thread can take instead
    while the main one does other work. Nothing is compiled: a function not cached yet (a fresh install)
    compiles at its first call, as usual. Uses numba's cache index (internals that may change: then
    nothing is preloaded)."""
    for dispatcher in dispatchers:
        try:
            magic = dispatcher.targetctx.codegen().magic_tuple()
            signatures = [key[0] for key in dispatcher._cache._cache_file._load_index() if key[1] == magic]
        except (AttributeError, OSError, TypeError, ValueError):
            continue
        for signature in signatures:
            if signature not in dispatcher.overloads:
                dispatcher.compile(signature)
