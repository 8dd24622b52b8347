"""Training time: cold (empty cache) and warm (same data, cache kept), printed and saved.

Run with `make bench-train`. It trains into a temporary folder and never touches models/.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = Path(sys.executable).parent / "rasa"


def train(out: Path, cache: Path) -> float:
    env = dict(os.environ, RASA_CACHE_DIRECTORY=str(cache), RASA_TELEMETRY_ENABLED="false",
               TF_CPP_MIN_LOG_LEVEL="2")
    started = time.perf_counter()
    # A fresh --out folder has no earlier model to compare with, so Rasa trains, reusing
    # whatever its cache holds (--force would skip the cache too).
    subprocess.run([str(RASA), "train", "--out", str(out)], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        cold = train(work_dir / "cold", work_dir / "cache")
        warm = train(work_dir / "warm", work_dir / "cache")
    figures = {"cold_training_s": round(cold, 1), "warm_training_s": round(warm, 1), "cores": os.cpu_count()}
    print(f"training: cold {cold:.1f} s, with the cache {warm:.1f} s ({os.cpu_count()} cores)")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "training.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
