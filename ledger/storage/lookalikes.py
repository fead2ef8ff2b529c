"""What to warn about before a credit is added: a likely duplicate of a stored credit, an expiry already past.

These are warnings, never refusals: the same gift card amount can honestly arrive twice, and an
expired credit may be recorded to keep the history. The window asks "Add anyway?" and the command
line adds and says so on stderr; both ask `add_cautions`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from ledger.validation import checked_credit

if TYPE_CHECKING:
    from ledger.storage.store import Ledger
    from ledger.validation import CheckedCredit, NewCredit


class LookAlike(NamedTuple):
    """A stored credit a new one looks like: enough to name it to the user."""

    id: int
    title: str
    received_on: str


# A title longer than this is cut in a warning, which must stay one readable line.
TITLE_SHOWN = 50


def _shortened(title: str) -> str:
    return title if len(title) <= TITLE_SHOWN else title[: TITLE_SHOWN - 1].rstrip() + "…"


def likely_duplicate(ledger: Ledger, new: CheckedCredit) -> LookAlike | None:
    """The newest stored credit with the same merchant (any case), source, currency and amount, and, when
    the new credit gives a reference (order number), the same reference (any case); None when there is none."""
    sql = (
        "SELECT id, title, received_on FROM credit"
        " WHERE lower(merchant) = lower(:merchant) AND source = :source AND currency = :currency"
        " AND amount_minor = :amount"
    )
    if new.reference:
        sql += " AND lower(reference) = lower(:reference)"
    parameters = {
        "merchant": new.merchant,
        "source": new.source,
        "currency": new.currency,
        "amount": new.amount_minor,
        "reference": new.reference,
    }
    with ledger.query() as connection:
        found = connection.execute(sql + " ORDER BY id DESC LIMIT 1", parameters).fetchone()
    return None if found is None else LookAlike(int(found[0]), str(found[1]), str(found[2])[:10])


def add_cautions(ledger: Ledger, new: NewCredit, today: date) -> list[str]:
    """What the user should hear before `new` is added (it may still be added), in plain words; [] when nothing.

    `new` must be valid (`ledger.validation.credit_fields` passes).
    """
    checked = checked_credit(new, today)
    cautions = []
    twin = likely_duplicate(ledger, checked)
    if twin is not None:
        named = f"“{_shortened(twin.title)}”, " if twin.title else ""
        same = "merchant, source, amount and reference" if checked.reference else "merchant, source and amount"
        cautions.append(
            f"it looks like credit {twin.id} already in the ledger ({named}received {twin.received_on}): "
            f"same {same}"
        )
    if checked.expires_on is not None and checked.expires_on < today:
        cautions.append(f"its expiry date, {checked.expires_on.isoformat()}, is already past: it cannot be spent")
    return cautions
