"""The current time for entry points; tests and simulations can pin it with an environment variable.

The domain itself never reads a clock: `today` and `now` are always passed in.
"""

from __future__ import annotations

import os
from datetime import date, datetime

from ledger.validation import check_day

NOW_ENV = "CREDIT_LEDGER_NOW"


def now() -> datetime:
    """The local time as an aware datetime, or $CREDIT_LEDGER_NOW (ISO 8601) when set.

    Raises ValueError (a LedgerError) when $CREDIT_LEDGER_NOW is no moment or outside the dates the ledger keeps.
    """
    pinned = os.environ.get(NOW_ENV, "").strip()
    if pinned:
        moment = datetime.fromisoformat(pinned)
        # A pinned moment is bounded like every date the ledger keeps: today becomes dates it stores.
        check_day(moment.date(), "moment")
        return moment if moment.tzinfo else moment.astimezone()
    return datetime.now().astimezone()


def today() -> date:
    """The local calendar date, following `now`."""
    return now().date()
