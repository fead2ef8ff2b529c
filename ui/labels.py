"""The words the window uses for the ledger's vocabularies, and how each verdict and status looks.

One place for these, so the table, the detail panel, the dialogs and the help say the same thing.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

SOURCE_LABELS: dict[str, str] = {
    "gift_card": "Gift card",
    "refund": "Refund",
    "return_credit": "Return credit",
    "promotional": "Promotional",
    "rewards": "Rewards (points, surveys…)",
    "other": "Other (goodwill, anything else)",
}

# The table's narrow Source column: the first word of each label, without the examples.
SOURCE_SHORT_LABELS: dict[str, str] = {source: label.split(" (")[0] for source, label in SOURCE_LABELS.items()}

STATUS_LABELS: dict[str, str] = {
    "active": "Active",
    "expiring": "Expiring",
    "expired": "Expired",
    "used": "Used",
    "archived": "Archived",
}

USE_LABELS: dict[str, str] = {
    "general_purchases": "Everyday purchases",
    "amazon_gift_cards": "Buying Amazon gift cards",
    "third_party_gift_cards": "Buying other brands' gift cards",
    "transfer": "Giving it to someone else",
    "cash_out": "Turning it into cash",
}

OUTCOME_LABELS: dict[str, str] = {
    "offered": "offered",
    "not_offered": "not offered",
    "grayed_out": "grayed out",
}

ENTRY_LABELS: dict[str, str] = {
    "issue": "Received",
    "spend": "Spent",
    "refund": "Refunded",
    "adjust": "Adjusted",
    "forfeit": "Forfeited",
}


class VerdictLook:
    """How a verdict is shown: a word, an icon file and a colour (never the colour alone)."""

    def __init__(self, label: str, icon: str, color: str) -> None:
        self.label = label
        self.icon = icon
        self.color = QColor(color)


VERDICT_LOOKS: dict[str, VerdictLook] = {
    "yes": VerdictLook("Yes", "verdict-yes.svg", "#1b7f3b"),
    "likely": VerdictLook("Likely", "verdict-likely.svg", "#3f7f1b"),
    "check_terms": VerdictLook("Check the terms", "verdict-check.svg", "#9a6700"),
    "unlikely": VerdictLook("Unlikely", "verdict-unlikely.svg", "#b35900"),
    "no": VerdictLook("No", "verdict-no.svg", "#b3261e"),
}

MUTED = QColor("#8a8f98")
URGENT = QColor("#b3261e")
SOON = QColor("#b35900")
URGENT_WITHIN_DAYS = 7

# What checkout was tried for, as the subject of a sentence ("Amazon gift cards were offered at checkout").
CHECKOUT_SUBJECTS: dict[str, str] = {
    "general_purchases": "Everyday purchases",
    "amazon_gift_cards": "Amazon gift cards",
    "third_party_gift_cards": "Other brands' gift cards",
}


def days_left_text(days: int | None) -> str:
    """Days left in words: 'Today', '1 day', '12 days', 'Expired', 'No expiry'."""
    if days is None:
        return "No expiry"
    if days < 0:
        return "Expired"
    if days == 0:
        return "Today"
    return "1 day" if days == 1 else f"{days} days"


def days_left_color(days: int | None, status: str) -> QColor | None:
    """The colour follows the status, so colour and word never disagree: orange while the credit is
    expiring (within the expiring window), red in its last week, muted once expired, none otherwise."""
    if status == "expired":
        return MUTED
    if status != "expiring" or days is None:
        return None
    return URGENT if days <= URGENT_WITHIN_DAYS else SOON
