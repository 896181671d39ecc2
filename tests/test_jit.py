"""numba's target starts without the SciPy BLAS probe, and SciPy still imports meanwhile and afterwards."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CODE = """
import sys
import numpy as np
from numba import njit
from stillmotion.jit import start_numba

start_numba()
probed = 'scipy.linalg' in sys.modules

@njit
def total(a):
    s = 0.0
    for v in a:
        s += v
    return s

@njit
def dot(a, b):
    return np.dot(a, b)  # compiled after the start: numba's own loop, no BLAS

value = total(np.arange(4.0)) + dot(np.ones(3), np.ones(3))
import scipy.linalg.cython_blas  # refused only while the target started
sys.exit(0 if (not probed and value == 9.0) else 1)
"""


def test_numba_starts_without_scipy_and_still_compiles_and_scipy_imports_later():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


WHILE_STARTING = """
import sys
from numba.core.registry import cpu_target
from stillmotion.jit import start_numba

context = cpu_target.target_context
refresh = context.refresh
imported = []

def refresh_while_another_thread_imports_scipy():
    import scipy.linalg.cython_blas  # what the estimator's thread may do during the start
    imported.append(True)
    refresh()

context.refresh = refresh_while_another_thread_imports_scipy
start_numba()
sys.exit(0 if imported else 1)
"""


def test_scipy_imports_while_numba_starts():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, "-c", WHILE_STARTING], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


PARSE_ONLY = """
import sys
from stillmotion.cli import build_parser
from stillmotion.cli.animate import config_from_args

config_from_args(build_parser("animate").parse_args(["animate", "p.jpg", "-o", "o.mp4", "--grade", "film"]))
sys.exit(1 if "numba" in sys.modules else 0)
"""


def test_parsing_animate_and_its_grade_leaves_numba_to_the_worker_thread():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, "-c", PARSE_ONLY], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr or "numba was imported while parsing"


def test_cache_is_warm_tells_a_compiled_kernel_from_one_to_compile(tmp_path, monkeypatch):
    import importlib
    import time

    from stillmotion.jit import cache_is_warm

    source = tmp_path / "warm_kernel_mod.py"
    source.write_text("import numba\n\n@numba.njit(cache=True)\ndef twice(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("warm_kernel_mod")
    assert not cache_is_warm(module.twice)  # never compiled: its first call will compile
    assert module.twice(3) == 6
    assert cache_is_warm(module.twice)  # now in numba's cache beside the source
    # a source touched but not changed (a checkout): the answer is numba's own (recent numba hashes the
    # content and loads the cache; older numba compares times and compiles)
    later = time.time() + 10
    os.utime(source, (later, later))
    module = importlib.reload(module)
    warm = cache_is_warm(module.twice)
    assert module.twice(3) == 6
    assert warm == bool(module.twice._cache_hits)
    # an edited source: numba compiles again
    source.write_text(source.read_text() + "# edited\n")
    module = importlib.reload(module)
    assert not cache_is_warm(module.twice)


PRELOAD = """
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import preload_kernel_mod as mod
from stillmotion.jit import preload_cached

preload_cached(mod.twice, mod.fresh)
loaded = sum(mod.twice.stats.cache_hits.values()), sum(mod.twice.stats.cache_misses.values()), len(mod.twice.overloads)
assert len(mod.fresh.overloads) == 0, "a kernel not in the cache must not be compiled by the preload"
assert mod.twice(np.arange(3.0))[2] == 4.0 and mod.twice(np.arange(3, dtype=np.int64))[2] == 4
print(repr((loaded, len(mod.twice.overloads))))
"""


def test_preload_loads_every_cached_signature_without_compiling_or_calling(tmp_path):
    """The kernels a shot will call are loaded from numba's cache on a thread ahead of their first call:
    every signature the cache holds, none compiled, and a kernel that is not cached is left alone."""
    import ast

    (tmp_path / "preload_kernel_mod.py").write_text(
        "import numba\n\n@numba.njit(cache=True)\ndef twice(x):\n    return 2 * x\n\n"
        "@numba.njit(cache=True)\ndef fresh(x):\n    return x + 1\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    fill = "import sys, numpy as np; sys.path.insert(0, sys.argv[1]); import preload_kernel_mod as m; " \
           "m.twice(np.ones(2)); m.twice(np.ones(2, np.int64))"  # fmt: skip
    subprocess.run([sys.executable, "-c", fill, str(tmp_path)], env=env, check=True)  # two signatures cached
    done = subprocess.run([sys.executable, "-c", PRELOAD, str(tmp_path)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (hits, misses, loaded), after_calls = ast.literal_eval(done.stdout.strip())
    assert loaded == 2 and hits == 2 and misses == 0  # both loaded from the cache, nothing compiled
    assert after_calls == 2  # the calls found them: no new overload


def test_animate_preloads_kernels_that_exist(monkeypatch):
    """The kernels animate preloads are named one by one: a renamed kernel must fail here, not silently
    drop out of the preload (which only logs at debug level)."""
    from numba.core.dispatcher import Dispatcher

    import stillmotion.api as api
    import stillmotion.jit as jit

    seen = []
    monkeypatch.setattr(jit, "preload_cached", lambda *kernels: seen.extend(kernels))
    api._preload_kernels()
    assert len(seen) >= 10 and all(isinstance(kernel, Dispatcher) for kernel in seen)
