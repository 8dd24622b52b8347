"""Training time: cold (empty cache) and warm (same data, cache kept), printed and saved.

Run with `make bench-train` (or as part of `make bench`). It trains into a temporary folder and
never touches models/. Each training first takes the training lock, so it neither shares the
cores with another training nor counts the time spent waiting for one.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = Path(sys.executable).parent / "rasa"
TRAIN_LOCK = Path(os.environ.get("TRAIN_LOCK", "/tmp/coach-train.lock"))


def train(out: Path, cache: Path) -> float:
    env = dict(os.environ, RASA_CACHE_DIRECTORY=str(cache), RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    with open(TRAIN_LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the same lock `flock` takes in `make train`
        started = time.perf_counter()
        # A fresh --out folder has no earlier model to compare with, so Rasa trains, reusing
        # whatever its cache holds (--force would skip the cache too).
        subprocess.run(
            [str(RASA), "train", "--out", str(out)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - started


def measure() -> dict:
    """Trains twice into a temporary folder: with an empty cache, then with the cache kept."""
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        cold = train(work_dir / "cold", work_dir / "cache")
        warm = train(work_dir / "warm", work_dir / "cache")
    print(f"training: cold {cold:.1f} s, with the cache {warm:.1f} s ({os.cpu_count()} cores)")
    return {"cold_training_s": round(cold, 1), "warm_training_s": round(warm, 1), "cores": os.cpu_count()}


def main() -> int:
    from launch import save  # bench/ is on the path when this file runs as a script

    save("training", measure())
    return 0


if __name__ == "__main__":
    sys.exit(main())
