"""What the benchmarks share: medians of interleaved rounds, timed child processes, a private X display.

The machine a benchmark runs on is rarely quiet, so every comparison interleaves its two sides
round by round (a slow moment slows both) and takes medians. Child processes run with bytecode
caching on, as an installed app does (a checkout run with PYTHONDONTWRITEBYTECODE compiles every
module at every start), after one warm-up run.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a measured child: bytecode cached, private config and data folders, no session bus."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    home = tempfile.mkdtemp(prefix="bench-home-")
    env.update(
        XDG_CONFIG_HOME=f"{home}/config",
        XDG_DATA_HOME=f"{home}/data",
        DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/credit-ledger-bench",
    )
    env.update(extra)
    return env


def run_python(args: Sequence[str], env: dict[str, str] | None = None, cwd: Path = REPO) -> tuple[float, str]:
    """Run `python ARGS` to the end; its wall time in seconds (interpreter start included) and its output."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env or child_env(), capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise RuntimeError(f"python {' '.join(args)[:200]} failed ({result.returncode}): {result.stderr[-2000:]}")
    return elapsed, result.stdout


def interleaved(sides: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run each side once per round, in turn, after one warm-up round; every side's figures."""
    for measure in sides.values():
        measure()
    found: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, measure in sides.items():
            found[name].append(measure())
    return found


def median(values: Sequence[float]) -> float:
    """The median (the figure least moved by a busy machine)."""
    return float(statistics.median(values))


def verdict(name: str, value: float, target: float, unit: str = "x") -> bool:
    """Print one target's line (PASS or FAIL) and say whether it was met."""
    ok = value <= target
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {value:.2f}{unit} (target <= {target:g}{unit})", flush=True)
    return ok


@contextmanager
def x_display() -> Iterator[dict[str, str]]:
    """A private Xvfb display for the window benchmarks (the environment to run on it), else offscreen Qt.

    On Xvfb the window really reaches an X server (xcb), as on a desktop; offscreen is the fallback.
    """
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        print("(no Xvfb: measuring on Qt's offscreen platform)")
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    number = 90 + os.getpid() % 100
    while Path(f"/tmp/.X{number}-lock").exists():
        number += 1
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                break
            time.sleep(0.05)
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": f":{number}"}
    finally:
        server.terminate()
        server.wait(timeout=10)
