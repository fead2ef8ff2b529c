"""Reading a JSON ledger document and checking every value before anything is written.

A refusal names the value by its path in the document (`credits[3].entries[1].amount`), so a
person can find it in the file. Credits go through the same checks as `Ledger.add_credit`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from ledger.errors import LedgerError
from ledger.files.bulk import new_uids, timestamp_text
from ledger.files.json_codes import DESCRIPTOR, CodeFieldError, read_descriptor, read_sealed
from ledger.money import from_minor, parse_amount, plain_decimal, to_minor
from ledger.storage.settings import MAX_LEAD_DAYS, Settings, validated
from ledger.validation import (
    MAX_FILE_ID,
    MAX_TEXT,
    CheckedCredit,
    CreditFieldError,
    FieldChecks,
    check_credit_fields,
    check_moment,
    check_money_moved,
    parse_day,
)
from ledger.vault.sealing import ExportSeal
from ledger.vocab import CHECKOUT_USES, EntryKind, Outcome

FORMAT = "credit-ledger"
# 1: a credit's identity was a hash of its created_at (two credits created in one second collided).
# 2: every credit carries its stored random `uid`, its identity for merges.
FORMAT_VERSION = 2
UID_PATTERN = re.compile(r"[0-9A-Za-z_-]{8,64}")
# Dates in the file may be "today" somewhere east of here (up to UTC+14): a day's grace for time zones.
FUTURE_GRACE = timedelta(days=1)

# The sign each kind of movement must have: +1 positive, -1 negative, 0 either (never zero).
ENTRY_SIGNS = {
    EntryKind.ISSUE.value: 1,
    EntryKind.SPEND.value: -1,
    EntryKind.REFUND.value: 1,
    EntryKind.ADJUST.value: 0,
    EntryKind.FORFEIT.value: -1,
}


class JsonImportError(LedgerError):
    """A JSON file refused; nothing was written. `where` is the path of the bad value in the document."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


@dataclass(frozen=True)
class IncomingCredit:
    """One checked credit from a document, its rows ready to store (timestamps as stored text)."""

    id: int
    uid: str
    credit: CheckedCredit
    archived: bool
    reminders_muted: bool
    snoozed_until: date | None
    created_at: str
    updated_at: str
    entries: list[tuple[str, int, str, str, str]]  # kind, amount_minor, on, note, created_at
    checks: list[tuple[str, str, str, str]]  # use, outcome, observed_at, note
    reminders: list[tuple[int, str, str, str]]  # lead_days, expires_on, sent_at, channel
    # Its claim code as the file has it sealed under the export's passphrase (ledger.files.json_codes); a plain
    # code from an export written before the vault is in `credit.claim_code`.
    sealed_code: bytes | None = None


@dataclass(frozen=True)
class LedgerDocument:
    """A checked document: its settings and its credits in file order.

    `version` 1 documents carry no stored uid: their credits get fresh uids, and a merge can only
    recognise them by `created_at`.
    """

    settings: Settings
    credits: list[IncomingCredit]
    version: int = FORMAT_VERSION
    # How the file's claim codes were sealed (None when it carries none sealed).
    code_seal: ExportSeal | None = None


def _article(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _field(obj: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
    if key not in obj or obj[key] is None:
        if default is ...:
            raise JsonImportError(f"{where}.{key}", "is missing")
        return default
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise JsonImportError(f"{where}.{key}", f"should be {_JSON_NAMES.get(names, names)}, not {value!r:.40}")
    return value


_JSON_NAMES = {"str": "text", "int": "a whole number", "bool": "true or false", "list": "a list", "dict": "an object"}


def _day(obj: dict[str, Any], key: str, where: str, required: bool = True) -> date | None:
    text = _field(obj, key, where, str, ... if required else None)
    if text is None:
        return None
    try:
        return parse_day(text)
    except LedgerError as error:
        raise JsonImportError(f"{where}.{key}", str(error)) from None


def _moment(obj: dict[str, Any], key: str, where: str) -> str:
    text = _field(obj, key, where, str)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise JsonImportError(f"{where}.{key}", f"{text!r:.40} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise JsonImportError(f"{where}.{key}", f"{text!r:.40} has no time zone; timestamps are stored in UTC")
    try:
        return timestamp_text(check_moment(moment))
    except LedgerError as error:
        raise JsonImportError(f"{where}.{key}", str(error)) from None


def _text(obj: dict[str, Any], key: str, where: str, checks: FieldChecks, multiline: bool = False) -> str:
    # `multiline`: a note of an entry or a checkout observation, which the ledger keeps with its line breaks.
    try:
        return checks.text(_field(obj, key, where, str, ""), key.replace("_", " "), MAX_TEXT, multiline=multiline)
    except JsonImportError:
        raise
    except LedgerError as error:
        raise JsonImportError(f"{where}.{key}", str(error)) from None


def _credit(obj: dict[str, Any], where: str, latest: date, checks: FieldChecks) -> CheckedCredit:
    received_on = _day(obj, "received_on", where)
    assert received_on is not None
    categories = _field(obj, "categories", where, list, [])
    if not all(isinstance(item, str) for item in categories):
        raise JsonImportError(f"{where}.categories", "should be a list of texts")
    # Optional: exports written before it was recorded have none, and mean nothing was recorded.
    terms_by_use = _field(obj, "terms_by_use", where, dict, {})
    if not all(isinstance(value, str) for value in terms_by_use.values()):
        raise JsonImportError(
            f"{where}.terms_by_use", 'should map each use to "allow", "forbid" or "silent", written as text'
        )
    try:
        return check_credit_fields(
            source=_field(obj, "source", where, str),
            currency=_field(obj, "currency", where, str),
            amount=_field(obj, "amount", where, str),
            merchant=_field(obj, "merchant", where, str, "Amazon"),
            region=_field(obj, "region", where, str, "US"),
            title=_field(obj, "title", where, str, ""),
            received_on=received_on,
            expires_on=_day(obj, "expires_on", where, required=False),
            reference=_field(obj, "reference", where, str, ""),
            categories=tuple(categories),
            terms=_field(obj, "terms", where, str, ""),
            terms_url=_field(obj, "terms_url", where, str, ""),
            claim_code=_field(obj, "claim_code", where, str, ""),
            notes=_field(obj, "notes", where, str, ""),
            today=latest,
            checks=checks,
            terms_by_use=terms_by_use,
        )
    except CreditFieldError as error:
        raise JsonImportError(f"{where}.{error.field}", str(error)) from None


def _entries(
    items: list[Any], where: str, credit: CheckedCredit, latest: date, checks: FieldChecks
) -> list[tuple[str, int, str, str, str]]:
    """The credit's movements, refusing a ledger that does not add up.

    Exactly one issue entry, equal to the credit's amount; no entry before the credit was received
    or in the future; the balance never below zero along the entries in file order.
    """
    currency = credit.currency
    rows = []
    balance = 0
    moved = 0
    issued: int | None = None
    for index, item in enumerate(items):
        at = f"{where}.entries[{index}]"
        entry = _object(item, at)
        kind = _field(entry, "kind", at, str)
        if kind not in ENTRY_SIGNS:
            raise JsonImportError(f"{at}.kind", f"unknown kind {kind!r:.40}: expected one of {', '.join(ENTRY_SIGNS)}")
        text = _field(entry, "amount", at, str)
        value = plain_decimal(text)
        if value is None:
            raise JsonImportError(f"{at}.amount", f"{text!r:.40} is not an amount: write it like -12.50")
        try:
            minor = to_minor(parse_amount(abs(value), currency), currency) * (1 if value > 0 else -1)
            moved += abs(minor)
            check_money_moved(moved, currency)
        except LedgerError as error:
            raise JsonImportError(f"{at}.amount", str(error)) from None
        sign = ENTRY_SIGNS[kind]
        if sign and minor * sign < 0:
            raise JsonImportError(f"{at}.amount", f"{_article(kind)} must be {'positive' if sign > 0 else 'negative'}")
        if kind == EntryKind.ISSUE.value:
            if issued is not None:
                raise JsonImportError(at, f"a second issue entry (entries[{issued}]); a credit is issued once")
            if minor != credit.amount_minor:
                amount = from_minor(credit.amount_minor, currency)
                raise JsonImportError(f"{at}.amount", f"the issue entry must equal the credit's amount ({amount})")
            issued = index
        balance += minor
        if balance < 0:
            raise JsonImportError(at, "this entry takes the balance below zero")
        on = _day(entry, "on", at)
        assert on is not None
        if on < credit.received_on:
            raise JsonImportError(f"{at}.on", f"{on} is before the credit was received ({credit.received_on})")
        if on > latest:
            raise JsonImportError(f"{at}.on", f"{on} is in the future")
        note = _text(entry, "note", at, checks, multiline=True)
        rows.append((kind, minor, on.isoformat(), note, _moment(entry, "created_at", at)))
    if issued is None:
        raise JsonImportError(f"{where}.entries", "has no issue entry; every credit has one, equal to its amount")
    return rows


def _choice(obj: dict[str, Any], key: str, where: str, allowed: list[str]) -> str:
    value = _field(obj, key, where, str)
    if value not in allowed:
        raise JsonImportError(f"{where}.{key}", f"unknown {key} {value!r:.40}: expected one of {', '.join(allowed)}")
    return str(value)


def _checks(items: list[Any], where: str, checks: FieldChecks) -> list[tuple[str, str, str, str]]:
    rows = []
    for index, item in enumerate(items):
        at = f"{where}.checks[{index}]"
        check = _object(item, at)
        rows.append(
            (
                _choice(check, "use", at, [use.value for use in CHECKOUT_USES]),
                _choice(check, "outcome", at, [outcome.value for outcome in Outcome]),
                _moment(check, "observed_at", at),
                _text(check, "note", at, checks, multiline=True),
            )
        )
    return rows


def _reminders(items: list[Any], where: str, checks: FieldChecks) -> list[tuple[int, str, str, str]]:
    rows = []
    seen: set[tuple[int, str]] = set()
    for index, item in enumerate(items):
        at = f"{where}.reminders[{index}]"
        reminder = _object(item, at)
        lead_days = _field(reminder, "lead_days", at, int)
        if not 0 <= lead_days <= MAX_LEAD_DAYS:
            raise JsonImportError(f"{at}.lead_days", f"should be between 0 and {MAX_LEAD_DAYS}")
        expires_on = _day(reminder, "expires_on", at)
        assert expires_on is not None
        if (lead_days, expires_on.isoformat()) in seen:
            raise JsonImportError(at, "the same reminder is listed twice")
        seen.add((lead_days, expires_on.isoformat()))
        rows.append(
            (
                lead_days,
                expires_on.isoformat(),
                _moment(reminder, "sent_at", at),
                _text(reminder, "channel", at, checks),
            )
        )
    return rows


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise JsonImportError(where, f"should be an object, not {type(value).__name__}")
    return value


def _settings(value: Any) -> Settings:
    obj = _object(value, "settings")
    defaults = Settings()
    known: dict[str, Any] = {}
    for setting in fields(Settings):
        default = getattr(defaults, setting.name)
        if isinstance(default, tuple):
            items = _field(obj, setting.name, "settings", list, list(default))
            if not all(isinstance(item, int) and not isinstance(item, bool) for item in items):
                raise JsonImportError(f"settings.{setting.name}", "should be a list of whole numbers")
            known[setting.name] = tuple(items)
        else:
            known[setting.name] = _field(obj, setting.name, "settings", type(default), default)
    try:
        return validated(replace(defaults, **known))
    except LedgerError as error:
        raise JsonImportError("settings", str(error)) from None


def parse_document(data: bytes) -> dict[str, Any]:
    """The JSON object in a file's bytes, refusing anything that is not a Credit Ledger export this app can read."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise JsonImportError("", "the file is empty")
    try:
        loaded = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise JsonImportError("", "the file is not UTF-8 text, so it is not a Credit Ledger JSON export") from None
    except json.JSONDecodeError as error:
        raise JsonImportError(
            "", f"the file is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise JsonImportError("", "the file is nested too deeply to be a Credit Ledger export") from None
    except ValueError:
        # Python refuses to read a whole number of more than 4,300 digits (a guard against slow parsing).
        raise JsonImportError("", "the file holds a number too long to be a Credit Ledger export") from None
    if not isinstance(loaded, dict) or loaded.get("format") != FORMAT:
        raise JsonImportError("", f'the file is not a Credit Ledger export (it has no "format": "{FORMAT}")')
    version = loaded.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise JsonImportError("version", "should be a whole number, 1 or more")
    if version > FORMAT_VERSION:
        raise JsonImportError(
            "", f"the file was written by a newer Credit Ledger (format {version}); update the app to import it"
        )
    return loaded


def _uid(obj: dict[str, Any], where: str, version: int, fresh: str) -> str:
    """The credit's stored uid; a fresh one when the file has none (format 1, or written by hand)."""
    value = obj.get("uid") if version >= 2 else None
    if value is None:
        return fresh
    if not isinstance(value, str) or not UID_PATTERN.fullmatch(value):
        raise JsonImportError(f"{where}.uid", f"{value!r:.40} is not a credit uid (8 to 64 letters, digits, - or _)")
    return value


def read_document(data: bytes, checks: FieldChecks, today: date) -> LedgerDocument:
    """Check a whole JSON export as of `today`; raises JsonImportError naming the first bad value."""
    loaded = parse_document(data)
    version = int(loaded["version"])
    latest = today + FUTURE_GRACE
    credits_value = _field(loaded, "credits", "", list)
    credits: list[IncomingCredit] = []
    ids: dict[int, int] = {}
    uids: dict[str, int] = {}
    fresh_uids = new_uids(len(credits_value))
    for index, item in enumerate(credits_value):
        where = f"credits[{index}]"
        obj = _object(item, where)
        credit_id = _field(obj, "id", where, int)
        if not 1 <= credit_id <= MAX_FILE_ID:
            raise JsonImportError(f"{where}.id", f"should be a whole number from 1 to {MAX_FILE_ID}")
        if credit_id in ids:
            raise JsonImportError(f"{where}.id", f"credits[{ids[credit_id]}] has the same id")
        ids[credit_id] = index
        uid = _uid(obj, where, version, fresh_uids[index])
        if uid in uids:
            raise JsonImportError(f"{where}.uid", f"is the same credit as credits[{uids[uid]}] (the same uid)")
        uids[uid] = index
        credit = _credit(obj, where, latest, checks)
        sealed = _sealed_code(obj, where, credit)
        created_at = _moment(obj, "created_at", where)
        credits.append(
            IncomingCredit(
                id=credit_id,
                uid=uid,
                credit=credit,
                archived=_field(obj, "archived", where, bool, False),
                reminders_muted=_field(obj, "reminders_muted", where, bool, False),
                snoozed_until=_day(obj, "snoozed_until", where, required=False),
                created_at=created_at,
                updated_at=_moment(obj, "updated_at", where),
                entries=_entries(_field(obj, "entries", where, list, []), where, credit, latest, checks),
                checks=_checks(_field(obj, "checks", where, list, []), where, checks),
                reminders=_reminders(_field(obj, "reminders", where, list, []), where, checks),
                sealed_code=sealed,
            )
        )
    settings = _settings(loaded.get("settings", {}))
    return LedgerDocument(settings=settings, credits=credits, version=version, code_seal=_code_seal(loaded))


def _sealed_code(obj: dict[str, Any], where: str, credit: CheckedCredit) -> bytes | None:
    try:
        sealed = read_sealed(obj, where)
    except CodeFieldError as error:
        raise JsonImportError(error.where, str(error)) from None
    if sealed is not None and credit.claim_code:
        raise JsonImportError(f"{where}.claim_code", "is given twice, sealed and plain: keep one")
    return sealed


def _code_seal(loaded: dict[str, Any]) -> ExportSeal | None:
    if loaded.get(DESCRIPTOR) is None:
        return None
    try:
        return read_descriptor(loaded[DESCRIPTOR])
    except CodeFieldError as error:
        raise JsonImportError(error.where, str(error)) from None
