"""A writer killed at random moments never corrupts the ledger nor loses a write it reported committed."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from ledger.storage.store import Ledger
from tests.conftest import REPO

WRITER = """
import sys
from datetime import date
from ledger.storage.store import Ledger, NewCredit
book = Ledger.open(sys.argv[1])
round_no = sys.argv[2]
n = 0
while True:
    n += 1
    credit_id = book.add_credit(
        NewCredit(source="refund", currency="USD", amount="1.25", reference=f"{round_no}-{n}"), date(2026, 1, 1)
    )
    book.spend(credit_id, "0.25", date(2026, 1, 1))
    print(credit_id, flush=True)
"""

KILLS = 24


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_committed_write(ledger_path: Path) -> None:
    Ledger.open(ledger_path).close()
    chance = random.Random(20261126)
    reported: list[int] = []
    for round_no in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(ledger_path), str(round_no)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Kill only once the writer has reported its first commit (start-up time varies with the machine's load),
        # then at a random moment while it keeps writing.
        assert child.stdout is not None
        first = child.stdout.readline()
        time.sleep(chance.uniform(0.0, 0.4))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err
        assert first, f"the writer never committed: {err}"
        reported += [int(line) for line in (first + out).split()]

    con = sqlite3.connect(ledger_path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    book = Ledger.open(ledger_path)
    try:
        present = {summary.id: summary for summary in book.summaries(date(2026, 1, 1))}
        missing = [credit_id for credit_id in reported if credit_id not in present]
        assert missing == []
        assert all(str(present[credit_id].balance) == "1.00" for credit_id in reported)
    finally:
        book.close()
