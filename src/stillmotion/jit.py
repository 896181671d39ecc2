"""Start numba's compiler target once per process, without the SciPy import it does not need here.

The first call of any jitted function, even one loaded from numba's cache, initialises numba's CPU
target: it imports numba's implementation modules, and one of them (``numba.np.arraymath``) imports
``scipy.linalg.cython_blas`` only to learn whether ``np.dot`` inside jitted code may call BLAS. Importing
``scipy.linalg`` costs about 0.2 s on the 2-core machine (it pulls in ``numpy.f2py`` through SciPy's array
API layer), a tenth of a whole 832x448 clip's budget, and no kernel of stillmotion calls BLAS.

:func:`start_numba` initialises the target with that one import refused, so numba records "no BLAS"
(``np.dot`` in code compiled later would use numba's own loop), and then lets SciPy be imported
normally again. Call it at the start of the entry points whose whole run is short enough for 0.2 s to
matter (the spine's :func:`stillmotion.animate`); elsewhere the target starts as usual, with the import.
"""

from __future__ import annotations

import sys

_BLAS_MODULE = "scipy.linalg.cython_blas"


def start_numba() -> None:
    """Initialise numba's CPU target now (a no-op once it is initialised), skipping its SciPy BLAS probe."""
    if "numba.np.arraymath" in sys.modules:
        return
    from numba.core.registry import cpu_target

    blocked = _BLAS_MODULE not in sys.modules
    if blocked:
        sys.modules[_BLAS_MODULE] = None  # type: ignore[assignment]  # makes the probe's import fail fast
    try:
        cpu_target.target_context.refresh()
    finally:
        if blocked and sys.modules.get(_BLAS_MODULE, 0) is None:
            del sys.modules[_BLAS_MODULE]
