"""The command line as whole processes, against `python -c pass`, and `list --json` at 10,000 credits (issue 11).

Run: `python -m bench.bench_cli [ROUNDS]`. Every command is a fresh `python main.py ...` process
(interpreter start, imports, the command, the daily backup check), interleaved round by round with
`python -c pass`; the figures are medians. Targets: `--help` at most 3x `python -c pass`;
`show ID --json`, `add` and `spend` at most 6x; `list --json` at 10,000 credits at most 1 s.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from bench.measure import REPO, child_env, interleaved, median, run_python, verdict

ROUNDS = 9
LIST_ROUNDS = 3
LIST_CREDITS = 10_000


def main(argv: list[str]) -> int:
    """Time each command against `python -c pass`, print the medians and ratios, judge the targets."""
    rounds = int(argv[0]) if argv and argv[0].isdigit() else ROUNDS
    from bench.bench_window import build_ledger

    folder = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    try:
        small = folder / "small" / "ledger.sqlite3"
        small.parent.mkdir()
        big = folder / "big" / "ledger.sqlite3"
        big.parent.mkdir()
        build_ledger(big, LIST_CREDITS)
        env = child_env()
        main_py = str(REPO / "main.py")

        def command(path: Path, *args: str) -> float:
            return run_python([main_py, "--db", str(path), *args], env)[0]

        # The ledger exists (with a credit to show and spend from) and today's backup is taken: neither is timed.
        command(small, "add", "--source", "gift_card", "--amount", "500", "--currency", "USD")
        command(big, "list")
        sides = {
            "python -c pass": lambda: run_python(["-c", "pass"], env)[0],
            "--help": lambda: run_python([main_py, "--help"], env)[0],
            "show 1 --json": lambda: command(small, "show", "1", "--json"),
            "add": lambda: command(small, "add", "--source", "refund", "--amount", "12.50", "--currency", "EUR"),
            "spend 1 0.01": lambda: command(small, "spend", "1", "0.01"),
        }
        figures = interleaved(sides, rounds)
        listing = interleaved({"list --json": lambda: command(big, "list", "--json")}, LIST_ROUNDS)["list --json"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    baseline = median(figures["python -c pass"])
    print(f"medians of {rounds} interleaved rounds (each a whole process)")
    for name, values in figures.items():
        print(f"  {name:<16} {median(values) * 1000:8.0f} ms  {median(values) / baseline:5.2f}x")
    print(f"  list --json at {LIST_CREDITS:,} credits: {median(listing):.2f} s (median of {LIST_ROUNDS})")
    print()
    results = [verdict("--help / python -c pass", median(figures["--help"]) / baseline, 3)]
    for name in ("show 1 --json", "add", "spend 1 0.01"):
        results.append(verdict(f"{name} / python -c pass", median(figures[name]) / baseline, 6))
    results.append(verdict(f"list --json at {LIST_CREDITS:,} credits", median(listing), 1, " s"))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
