"""The JSON shapes of the command line (DESIGN.md "Command line"); checked from outside, keep them exact."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date
from json.encoder import encode_basestring as encode_string  # what json.dumps uses with ensure_ascii=False
from typing import Any

from ledger.money import from_minor
from ledger.rules.eligibility import (
    Evaluation,
    UseVerdict,
    advice_json,
    eligibility_json,
    verdicts_json,
    verdicts_summary,
)
from ledger.rules.verdict_cache import VerdictCache
from ledger.storage.rows import CheckRecord, EntryRecord
from ledger.storage.store import CreditDetail, CreditSummary, JudgedSummary


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def list_json(listed: Iterable[JudgedSummary], verdicts: VerdictCache) -> list[dict[str, Any]]:
    """The credits as `list --json` prints them, the rules run once per distinct shape of credit.

    Credits alike share one verdict list (see VerdictCache), and so one printed form of it: the JSON of
    each distinct list is built once.
    """
    printed: dict[int, tuple[list[dict[str, str]], dict[str, str]]] = {}
    shown: list[dict[str, Any]] = []
    for summary, credit, checks in listed:
        answers = verdicts.verdicts(credit, balance=summary.balance, checks=checks)
        found = printed.get(id(answers))
        if found is None:
            # Keyed by identity: the cache keeps every list alive, so an id is never reused meanwhile.
            found = printed[id(answers)] = (verdicts_json(answers), verdicts_summary(answers))
        shown.append(summary_json(summary, *found))
    return shown


def list_json_text(listed: Iterable[JudgedSummary], verdicts: VerdictCache) -> str:
    """`list_json` as compact JSON text (no spaces), exactly as `json.dumps` writes it, built faster.

    Most of the text is the credits' verdicts. Credits alike share one verdict list, whose text is
    written once; lists differing only in their reasons (which quote each credit's balance and dates)
    share the text of everything else (`_VerdictTexts`).
    """
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
    texts = _VerdictTexts(encode)
    printed: dict[int, str] = {}
    shown: list[str] = []
    for summary, credit, checks in listed:
        answers = verdicts.verdicts(credit, balance=summary.balance, checks=checks)
        tail = printed.get(id(answers))
        if tail is None:
            # Keyed by identity: the cache keeps every list alive, so an id is never reused meanwhile.
            tail = printed[id(answers)] = texts.tail(answers)
        shown.append(_fields_text(summary) + tail)
    return f"[{','.join(shown)}]"


class _VerdictTexts:
    """The text of a credit's `eligibility` and `verdicts` (the last keys of `summary_json`), from pieces
    written once: each use's verdict and rule, and each list's short form."""

    def __init__(self, encode: Callable[[Any], str]) -> None:
        self.encode = encode
        # Keyed by the members' values: hashing an enum member runs Python code, a string's does not.
        self._heads: dict[tuple[str, str, str], str] = {}
        self._summaries: dict[tuple[tuple[str, str], ...], str] = {}

    def tail(self, answers: list[UseVerdict]) -> str:
        """`,"eligibility":[…],"verdicts":{…}}` for these verdicts, closing the credit's object."""
        items: list[str] = []
        for answer in answers:
            key = (answer.use._value_, answer.verdict._value_, answer.rule)
            head = self._heads.get(key)
            if head is None:
                # `{"use":…,"verdict":…,"rule":…,"reason":` as verdicts_json's object is written.
                shown = {"use": key[0], "verdict": key[1], "rule": key[2], "reason": ""}
                head = self._heads[key] = self.encode(shown).removesuffix('""}')
            items.append(f"{head}{encode_string(answer.reason)}}}")
        uses = tuple((answer.use._value_, answer.verdict._value_) for answer in answers)
        summary = self._summaries.get(uses)
        if summary is None:
            summary = self._summaries[uses] = self.encode(verdicts_summary(answers))
        return f',"eligibility":[{",".join(items)}],"verdicts":{summary}}}'


def _fields_text(summary: CreditSummary) -> str:
    # `summary_json`'s own fields as json.dumps writes them, without the closing brace (the verdicts follow): written
    # directly, as a call of the encoder per credit costs more than the text. Keep the two alike.
    quote = encode_string
    expires_on = "null" if summary.expires_on is None else f'"{summary.expires_on.isoformat()}"'
    days_left = "null" if summary.days_left is None else int(summary.days_left)
    return (
        f'{{"id":{int(summary.id)},"merchant":{quote(summary.merchant)},"region":{quote(summary.region)},'
        f'"source":{quote(summary.source)},"title":{quote(summary.title)},"currency":{quote(summary.currency)},'
        f'"amount":"{summary.amount!s}","balance":"{summary.balance!s}","received_on":"{summary.received_on.isoformat()}",'
        f'"expires_on":{expires_on},"status":{quote(summary.status.value)},"days_left":{days_left},'
        f'"reference":{quote(summary.reference)},"archived":{"true" if summary.archived else "false"}'
    )


def summary_json(summary: CreditSummary, eligibility: list[dict[str, str]], verdicts: dict[str, str]) -> dict[str, Any]:
    """A credit as `list --json` prints it: no entries; verdicts without advice."""
    # `_fields_text` writes the same fields as text: keep the two alike.
    return {
        "id": summary.id,
        "merchant": summary.merchant,
        "region": summary.region,
        "source": summary.source,
        "title": summary.title,
        "currency": summary.currency,
        "amount": str(summary.amount),
        "balance": str(summary.balance),
        "received_on": _iso(summary.received_on),
        "expires_on": _iso(summary.expires_on),
        "status": summary.status.value,
        "days_left": summary.days_left,
        "reference": summary.reference,
        "archived": summary.archived,
        "eligibility": eligibility,
        "verdicts": verdicts,
    }


def entry_json(entry: EntryRecord, currency: str) -> dict[str, Any]:
    """One movement: signed amount as a decimal string."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "amount": str(from_minor(entry.amount_minor, currency)),
        "on": _iso(entry.occurred_on),
        "note": entry.note,
    }


def check_json(check: CheckRecord) -> dict[str, Any]:
    """One checkout observation."""
    return {
        "use": check.use,
        "outcome": check.outcome,
        "observed_at": check.observed_at.isoformat(),
        "note": check.note,
    }


def detail_json(detail: CreditDetail, evaluation: Evaluation) -> dict[str, Any]:
    """A credit as `show --json` prints it, with what it can be used for and advice."""
    credit = detail.credit
    assert credit.id is not None
    return {
        "id": credit.id,
        "merchant": credit.merchant,
        "region": credit.region,
        "source": credit.source,
        "title": credit.title,
        "currency": credit.currency,
        "amount": str(detail.amount),
        "balance": str(detail.balance),
        "received_on": _iso(credit.received_on),
        "expires_on": _iso(credit.expires_on),
        "status": detail.status.value,
        "days_left": detail.days_left,
        "reference": credit.reference,
        "categories": list(credit.categories),
        "terms": credit.terms,
        "terms_url": credit.terms_url,
        # What the credit's own terms say per use, as recorded: {"amazon_gift_cards": "forbid"}; silent uses absent.
        "terms_by_use": dict(credit.terms_by_use),
        "notes": credit.notes,
        # The code itself is printed only by `show --reveal-code`; it is kept encrypted.
        "has_claim_code": credit.claim_code_sealed is not None,
        "archived": credit.archived,
        "entries": [entry_json(entry, credit.currency) for entry in detail.entries],
        "checks": [check_json(check) for check in detail.checks],
        "eligibility": eligibility_json(evaluation),
        "advice": advice_json(evaluation),
        "forfeited": None if evaluation.forfeited is None else str(evaluation.forfeited),
        # The user's own rule files that changed these answers (file names; empty when none did).
        "rules_changed_by": list(evaluation.changed_by),
        # What the answers rest on, in words: whose rules for which country, or that none are known.
        "rules_basis": evaluation.basis,
    }
