"""The project's fixed vocabularies (DESIGN.md): sources, uses, verdicts, statuses."""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    """Where a credit came from; each source has its own usage rules."""

    GIFT_CARD = "gift_card"
    REFUND = "refund"
    RETURN_CREDIT = "return_credit"
    PROMOTIONAL = "promotional"
    REWARDS = "rewards"
    OTHER = "other"


class Use(StrEnum):
    """Something a person may want to do with a credit."""

    GENERAL_PURCHASES = "general_purchases"
    AMAZON_GIFT_CARDS = "amazon_gift_cards"
    THIRD_PARTY_GIFT_CARDS = "third_party_gift_cards"
    TRANSFER = "transfer"
    CASH_OUT = "cash_out"


# The uses a checkout can offer or refuse; transfers and cash-outs never reach a checkout.
CHECKOUT_USES = (Use.GENERAL_PURCHASES, Use.AMAZON_GIFT_CARDS, Use.THIRD_PARTY_GIFT_CARDS)


class TermsSay(StrEnum):
    """What a credit's own terms say about a use, as the user read them (the guide: they are the final word)."""

    ALLOW = "allow"
    FORBID = "forbid"
    SILENT = "silent"  # the terms do not say, or nobody has read them yet: nothing is recorded


class Verdict(StrEnum):
    """How sure the app is that a use is allowed, most permissive first."""

    YES = "yes"
    LIKELY = "likely"
    CHECK_TERMS = "check_terms"
    UNLIKELY = "unlikely"
    NO = "no"


class Status(StrEnum):
    """Where a credit stands today."""

    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    USED = "used"
    ARCHIVED = "archived"


class EntryKind(StrEnum):
    """A movement on a credit's ledger; the balance is the sum of them."""

    ISSUE = "issue"
    SPEND = "spend"
    REFUND = "refund"
    ADJUST = "adjust"
    FORFEIT = "forfeit"


class Outcome(StrEnum):
    """What the user saw at checkout when trying a use (the guide's steps 4 to 6)."""

    OFFERED = "offered"
    NOT_OFFERED = "not_offered"
    GRAYED_OUT = "grayed_out"


def plain_upper(code: str) -> str:
    """The code upper-cased if it is plain ASCII, else unchanged, so a check against ASCII codes refuses it.

    `str.upper` maps some other letters onto ASCII ones ('ı' to 'I', 'ſ' to 'S'): "ıls" would become ILS.
    """
    return code.upper() if code.isascii() else code


def plain_lower(word: str) -> str:
    """The word lower-cased if it is plain ASCII, else unchanged (`str.lower` maps the Kelvin sign 'K' to 'k')."""
    return word.lower() if word.isascii() else word
