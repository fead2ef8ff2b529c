"""Planning a purchase over 100,000 credits, beside the plain indexed query it cannot do without (issue 15).

Run: `python -m bench.bench_purchase_plan`. Target: a plan (which credits pay, in what order, and
what would still expire unused) at most 50 ms median at 100,000 credits. The baseline is the bare
sqlite3 query of the first page of usable credits in the purchase's currency, soonest expiry
first, with their balances: the ratio shows what evaluating the rules and planning add.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.bench_planning import COUNT, ROUNDS, TODAY, build_ledger, median_ms  # noqa: E402
from ledger.purchase_candidates import plan_for  # noqa: E402
from ledger.purchase_plan import Purchase  # noqa: E402
from ledger.rules.rulebook import builtin_rulebook  # noqa: E402
from ledger.storage.store import Ledger  # noqa: E402
from ledger.vocab import Use  # noqa: E402

TARGET_MS = 50.0
PURCHASES = {
    "an everyday purchase of $250.00": Purchase(amount_minor=25_000, currency="USD"),
    # No credit may pay for it: the whole currency is read and judged, the worst case.
    "an Amazon gift card of $500.00": Purchase(amount_minor=50_000, currency="USD", use=Use.AMAZON_GIFT_CARDS),
}


def main() -> int:
    """Build the ledger, time the plans and the baseline, print the figures and whether the target was met."""
    rulebook = builtin_rulebook()
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.sqlite3"
        build_ledger(path, COUNT)
        ledger = Ledger.open(path)
        raw = sqlite3.connect(path)

        def plain_query() -> list[tuple[object, ...]]:
            return raw.execute(
                "SELECT c.id, c.expires_on, (SELECT SUM(e.amount_minor) FROM entry e WHERE e.credit_id = c.id) AS b"
                " FROM credit c WHERE c.expires_on >= ? AND c.currency = 'USD' AND c.archived = 0 AND b > 0"
                " ORDER BY c.expires_on, c.id LIMIT 256",
                (TODAY.isoformat(),),
            ).fetchall()

        try:
            sides: dict[str, Callable[[], object]] = {"plain": plain_query}
            for name, purchase in PURCHASES.items():
                sides[name] = lambda purchase=purchase: plan_for(ledger, purchase, TODAY, rulebook)
            medians = median_ms(sides)
            baseline = medians["plain"]
            print(f"credits: {COUNT:,}; plain indexed query of the first page: {baseline:8.2f} ms median of {ROUNDS}")
            for name, purchase in PURCHASES.items():
                plan = plan_for(ledger, purchase, TODAY, rulebook)
                took = medians[name]
                worst = max(worst, took)
                passed_over = sum(skipped.others for skipped in plan.skipped)
                print(
                    f"{name}: {took:8.2f} ms median ({took / baseline:.2f}x the query); "
                    f"{len(plan.payments)} credits pay, {len(plan.skipped)} listed as not used "
                    f"(and {passed_over:,} more like them)"
                )
        finally:
            raw.close()
            ledger.close()
    verdict = "ok" if worst <= TARGET_MS else "MISSED"
    print(f"target: a plan <= {TARGET_MS:.0f} ms median -> {verdict}")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
