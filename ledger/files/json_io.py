"""The whole ledger as one JSON document: credits with their entries, checkout checks and reminder log, and settings.

Export then import into an empty ledger gives back the same ledger (ids, timestamps and all).
Importing into a ledger that already holds credits needs `merge=True` and adds only the credits
it does not have: a credit's identity is its stored random `uid`, which no edit changes and no two
credits share. (Format 1 files carry no uid; their credits are recognised by creation moment.)
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any, TextIO

from ledger.errors import LedgerError
from ledger.files.bulk import (
    ImportReport,
    backup_before_import,
    categories_from_text,
    collector_paused,
    credit_count,
    credit_row,
    insert_rows,
    next_credit_id,
    terms_by_use_from_text,
)
from ledger.files.json_checks import (
    FORMAT,
    FORMAT_VERSION,
    IncomingCredit,
    JsonImportError,
    LedgerDocument,
    read_document,
)
from ledger.files.json_codes import (
    DESCRIPTOR,
    SEALED_FIELD,
    CodeFieldError,
    CodeOpener,
    CodeSealer,
    ExportCodes,
    ImportCodes,
)
from ledger.money import from_minor
from ledger.storage.settings import load_settings, save_settings
from ledger.storage.store import Ledger
from ledger.validation import PLAIN_CHECKS, text
from ledger.vault.codes import sealed_code
from ledger.vault.ledger_key import VaultKey, VaultLocked

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "ExportCodes",
    "ImportCodes",
    "JsonImportError",
    "export_json",
    "import_json",
    "ledger_document",
]


def _rows(ledger: Ledger, sql: str) -> list[tuple[Any, ...]]:
    with ledger.query() as connection:
        return list(connection.execute(sql).fetchall())


def ledger_document(ledger: Ledger, codes: ExportCodes | None = None) -> dict[str, Any]:
    """The whole ledger as plain JSON values, in id order; stored text (dates, timestamps) is kept as is.

    Claim codes are left out, unless `codes` says to seal them under the passphrase chosen for the export.
    """
    entries: dict[int, list[dict[str, Any]]] = {}
    checks: dict[int, list[dict[str, Any]]] = {}
    reminders: dict[int, list[dict[str, Any]]] = {}
    credits = _rows(
        ledger,
        "SELECT id, merchant, region, source, title, currency, amount_minor, received_on, expires_on, reference,"
        " terms, terms_url, categories, claim_code_sealed, notes, archived, reminders_muted, snoozed_until,"
        " created_at, updated_at, uid, terms_by_use FROM credit ORDER BY id",
    )
    currency_of = {row[0]: row[5] for row in credits}
    for credit_id, kind, minor, on, note, created in _rows(
        ledger, "SELECT credit_id, kind, amount_minor, occurred_on, note, created_at FROM entry ORDER BY id"
    ):
        amount = str(from_minor(minor, currency_of[credit_id]))
        entries.setdefault(credit_id, []).append(
            {"kind": kind, "amount": amount, "on": on, "note": note, "created_at": created}
        )
    for credit_id, use, outcome, observed, note in _rows(
        ledger, "SELECT credit_id, use, outcome, observed_at, note FROM checkout_check ORDER BY id"
    ):
        checks.setdefault(credit_id, []).append({"use": use, "outcome": outcome, "observed_at": observed, "note": note})
    for credit_id, lead_days, expires_on, sent_at, channel in _rows(
        ledger, "SELECT credit_id, lead_days, expires_on, sent_at, channel FROM reminder_sent ORDER BY id"
    ):
        reminders.setdefault(credit_id, []).append(
            {"lead_days": lead_days, "expires_on": expires_on, "sent_at": sent_at, "channel": channel}
        )
    settings = asdict(load_settings(ledger))
    sealer = CodeSealer(codes) if codes is not None else None
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "settings": {key: list(value) if isinstance(value, tuple) else value for key, value in settings.items()},
        "credits": [
            {
                "id": row[0],
                "uid": row[20],
                "merchant": row[1],
                "region": row[2],
                "source": row[3],
                "title": row[4],
                "currency": row[5],
                "amount": str(from_minor(row[6], row[5])),
                "received_on": row[7],
                "expires_on": row[8],
                "reference": row[9],
                "terms": row[10],
                "terms_url": row[11],
                "categories": categories_from_text(row[12]),
                # Format 2 grew this field later: a file without it means nothing was recorded.
                "terms_by_use": terms_by_use_from_text(row[21]),
                "notes": row[14],
                "archived": bool(row[15]),
                "reminders_muted": bool(row[16]),
                "snoozed_until": row[17],
                "created_at": row[18],
                "updated_at": row[19],
                "entries": entries.get(row[0], []),
                "checks": checks.get(row[0], []),
                "reminders": reminders.get(row[0], []),
            }
            for row in credits
        ],
    }
    if sealer is not None:
        for item, row in zip(document["credits"], credits, strict=True):
            if row[13] is not None:
                item[SEALED_FIELD] = sealer.sealed(bytes(row[13]), row[20])
        document[DESCRIPTOR] = sealer.descriptor()
    return document


def export_json(ledger: Ledger, out: TextIO, codes: ExportCodes | None = None) -> int:
    """Write the whole ledger as JSON (claim codes only with `codes`, sealed); returns how many credits were written."""
    document = ledger_document(ledger, codes)
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return len(document["credits"])


def _known(ledger: Ledger, version: int) -> set[str]:
    """What identifies the ledger's credits to a document of this format version."""
    column = "uid" if version >= 2 else "created_at"
    return {str(row[0]) for row in _rows(ledger, f"SELECT {column} FROM credit")}


def import_json(
    ledger: Ledger,
    data: bytes,
    now: datetime,
    *,
    merge: bool = False,
    dry_run: bool = False,
    codes: ImportCodes | None = None,
) -> ImportReport:
    """Import a JSON export all or nothing; into a ledger with credits only with `merge`, never duplicating one.

    Claim codes in the file are stored sealed under this ledger's key; `codes` says how to get the file's
    passphrase and that key (asked only when there are codes). A dry run opens no code.
    """
    with collector_paused():
        document = read_document(data, PLAIN_CHECKS.remembering(), now.date())
        with ledger.query() as connection:
            held = credit_count(connection)
        if held and not merge:
            raise LedgerError(
                f"the ledger already holds {held} credit{'s' if held != 1 else ''}; import with --merge to add "
                "only the credits it does not have yet"
            )
        known = _known(ledger, document.version) if held else set()
        legacy = document.version < 2
        fresh = [credit for credit in document.credits if (credit.created_at if legacy else credit.uid) not in known]
        skipped = len(document.credits) - len(fresh)
        if dry_run or (held and not fresh):
            return ImportReport(format="json", added=len(fresh), skipped=skipped, dry_run=dry_run)
        sealed = _ledger_codes(document, fresh, codes)
        backup = backup_before_import(ledger, now)
        _write(ledger, fresh, sealed, keep_ids=not held)
        if not held:
            # Settings were checked with everything else; a merge keeps this ledger's own settings.
            save_settings(ledger, document.settings)
    return ImportReport(format="json", added=len(fresh), skipped=skipped, backup=backup)


def _ledger_codes(
    document: LedgerDocument, fresh: list[IncomingCredit], codes: ImportCodes | None
) -> list[bytes | None]:
    """Each fresh credit's claim code sealed under the ledger's key, before anything is written."""
    opener = CodeOpener(document.code_seal, codes)
    index_of = {credit.uid: index for index, credit in enumerate(document.credits)}
    key: VaultKey | None = None
    sealed: list[bytes | None] = []
    for incoming in fresh:
        where = f"credits[{index_of[incoming.uid]}]"
        code = incoming.credit.claim_code
        if incoming.sealed_code is not None:
            try:
                opened = opener.open(incoming.sealed_code, incoming.uid, f"{where}.{SEALED_FIELD}")
            except CodeFieldError as error:
                raise JsonImportError(error.where, str(error)) from None
            try:
                code = text(opened, "claim code")
            except LedgerError as error:
                raise JsonImportError(f"{where}.{SEALED_FIELD}", str(error)) from None
        if code and key is None:
            if codes is None:
                raise VaultLocked(
                    "the file holds claim codes, and they can only be stored encrypted; nothing was imported"
                )
            key = codes.ledger_key()
        sealed.append(sealed_code(code, incoming.uid, key))
    return sealed


def _write(ledger: Ledger, fresh: list[IncomingCredit], sealed: list[bytes | None], *, keep_ids: bool) -> None:
    """Insert the credits and everything recorded about them in one transaction."""
    credits: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []
    checks: list[tuple[Any, ...]] = []
    reminders: list[tuple[Any, ...]] = []
    with ledger.transaction() as connection:
        next_id = next_credit_id(connection)
        for offset, (incoming, code) in enumerate(zip(fresh, sealed, strict=True)):
            credit_id = incoming.id if keep_ids else next_id + offset
            credits.append(
                credit_row(
                    incoming.credit,
                    credit_id,
                    incoming.uid,
                    incoming.created_at,
                    incoming.updated_at,
                    archived=incoming.archived,
                    reminders_muted=incoming.reminders_muted,
                    snoozed_until=incoming.snoozed_until,
                    claim_code_sealed=code,
                )
            )
            entries.extend((credit_id, *entry) for entry in incoming.entries)
            checks.extend((credit_id, *check) for check in incoming.checks)
            reminders.extend((credit_id, *reminder) for reminder in incoming.reminders)
        insert_rows(connection, credits=credits, entries=entries, checks=checks, reminders=reminders)
