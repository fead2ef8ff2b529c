"""Run every benchmark: each `bench/bench_*.py` as `python -m bench.NAME`, one after another."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run each benchmark module in its own process; the exit code is the worst of theirs."""
    worst = 0
    for module in sorted(HERE.glob("bench_*.py")):
        print(f"== {module.stem} ==", flush=True)
        result = subprocess.run([sys.executable, "-m", f"bench.{module.stem}"], cwd=HERE.parent, check=False)
        worst = max(worst, result.returncode)
    return worst


if __name__ == "__main__":
    sys.exit(main())
