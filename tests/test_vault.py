"""Claim codes kept like money: sealed at rest, in backups and exports; revealed only with the ledger's key."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.errors import LedgerError
from ledger.files.formats import export_text
from ledger.files.json_codes import ExportCodes, ImportCodes
from ledger.files.json_io import import_json
from ledger.storage.backup import list_backups, make_backup
from ledger.storage.db import create_ledger_engine
from ledger.storage.editing import snapshot_credit, update_credit
from ledger.storage.restore import restore_backup
from ledger.storage.schema import alembic_config
from ledger.storage.store import Ledger, NewCredit
from ledger.vault import keepers
from ledger.vault.codes import reveal_code
from ledger.vault.ledger_key import (
    Ask,
    Keeper,
    VaultKey,
    VaultLocked,
    key_for_sealing,
    never_ask,
    unlock,
    vault_row,
)
from ledger.vault.sealing import VaultError, WrongPassphrase, new_key, new_key_id
from tests.conftest import CliRunner, ledger_rows
from tests.keyring_fixtures import MemoryKeyring, use_no_keyring

TODAY = date(2025, 3, 10)
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
CODE = "GIFT-7Q4K-ZX9P-2MWL"
PASSPHRASE = "correct horse battery"
CARD = NewCredit(source="gift_card", currency="USD", amount="50", title="Birthday card", received_on=TODAY)


def answers(*given: str | None) -> tuple[list[Ask], object]:
    """An asker that gives these answers in turn, and the questions it was asked."""
    asked: list[Ask] = []
    left = list(given)

    def ask(question: Ask) -> str | None:
        asked.append(question)
        return left.pop(0) if left else None

    return asked, ask


def add_with_code(ledger: Ledger, code: str = CODE, ask: object = never_ask) -> int:
    key = key_for_sealing(ledger, ask)  # type: ignore[arg-type]
    return ledger.add_credit(replace(CARD, claim_code=code), TODAY, key)


def files_holding(folder: Path, secret: str) -> list[str]:
    """Every file under `folder` whose bytes contain the secret (as UTF-8 or UTF-16), by name."""
    needles = (secret.encode("utf-8"), secret.encode("utf-16-le"))
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in needles)
    )


# --- sealing and revealing ----------------------------------------------------------------------


def test_a_claim_code_is_stored_sealed_and_the_ledgers_key_from_the_keyring_reveals_it(
    ledger: Ledger, ledger_path: Path, memory_keyring: MemoryKeyring
) -> None:
    credit_id = add_with_code(ledger)
    row = vault_row(ledger)
    assert row is not None and row.keeper is Keeper.KEYRING and row.wrapped_key is None
    assert (keepers.SERVICE, row.key_id) in memory_keyring.secrets
    assert reveal_code(ledger, credit_id, unlock(ledger, never_ask)) == CODE
    stored = ledger.detail(credit_id, TODAY).credit.claim_code_sealed
    assert stored is not None and stored[0] == 1 and CODE.encode() not in stored
    assert files_holding(ledger_path.parent, CODE) == []


def test_a_sealed_code_copied_onto_another_credit_does_not_open(ledger: Ledger) -> None:
    first = add_with_code(ledger, "FIRST-CODE")
    second = ledger.add_credit(CARD, TODAY)
    with ledger.writing() as session:
        session.connection().exec_driver_sql(
            "UPDATE credit SET claim_code_sealed = (SELECT claim_code_sealed FROM credit WHERE id = ?) WHERE id = ?",
            (first, second),
        )
    with pytest.raises(VaultError, match="does not open"):
        reveal_code(ledger, second, unlock(ledger, never_ask))


@settings(max_examples=60, deadline=None)
@given(code=st.text(min_size=1, max_size=200), uid=st.text(min_size=8, max_size=64))
def test_any_code_seals_and_opens_for_its_credit_only(code: str, uid: str) -> None:
    key = VaultKey(new_key_id(), new_key())
    try:
        sealed = key.seal_code(code, uid)
    except UnicodeEncodeError:
        return  # a lone surrogate: validation never lets one through (tests/test_input_bounds.py)
    assert key.open_code(sealed, uid) == code
    assert len({sealed, key.seal_code(code, uid)}) == 2  # a fresh nonce every time
    with pytest.raises(VaultError):
        key.open_code(sealed, uid + "x")
    with pytest.raises(VaultError):
        VaultKey(key.key_id, new_key()).open_code(sealed, uid)


def test_a_code_is_never_stored_without_a_key(ledger: Ledger, ledger_path: Path) -> None:
    before = ledger_rows(ledger_path)
    with pytest.raises(VaultLocked, match="only be stored encrypted"):
        ledger.add_credit(replace(CARD, claim_code=CODE), TODAY)
    assert ledger_rows(ledger_path) == before


def test_an_edit_keeps_the_stored_code_and_removing_it_is_explicit(ledger: Ledger) -> None:
    credit_id = add_with_code(ledger)
    update_credit(ledger, credit_id, replace(CARD, title="Renamed"), TODAY)
    assert reveal_code(ledger, credit_id, unlock(ledger, never_ask)) == CODE
    update_credit(ledger, credit_id, replace(CARD, claim_code="NEW-CODE"), TODAY, unlock(ledger, never_ask))
    assert reveal_code(ledger, credit_id, unlock(ledger, never_ask)) == "NEW-CODE"
    update_credit(ledger, credit_id, replace(CARD, claim_code=""), TODAY)
    assert reveal_code(ledger, credit_id, unlock(ledger, never_ask)) is None


def test_a_deleted_credit_comes_back_with_its_code(ledger: Ledger) -> None:
    from ledger.storage.editing import restore_credit

    credit_id = add_with_code(ledger)
    snapshot = snapshot_credit(ledger, credit_id)
    ledger.delete(credit_id)
    back = restore_credit(ledger, snapshot)
    assert reveal_code(ledger, back.credit_id, unlock(ledger, never_ask)) == CODE


# --- the passphrase path ----------------------------------------------------------------------


def test_without_a_keyring_a_chosen_passphrase_protects_the_codes_and_a_wrong_one_reveals_nothing(
    ledger: Ledger, ledger_path: Path
) -> None:
    use_no_keyring()
    asked, ask = answers(PASSPHRASE)
    credit_id = add_with_code(ledger, ask=ask)
    assert [question.new for question in asked] == [True]
    row = vault_row(ledger)
    assert row is not None and row.keeper is Keeper.PASSPHRASE and row.wrapped_key is not None
    with pytest.raises(WrongPassphrase, match="does not unlock the claim codes; nothing was revealed"):
        unlock(ledger, answers("wrong horse battery")[1])  # type: ignore[arg-type]
    with pytest.raises(VaultLocked, match="no passphrase given"):
        unlock(ledger, never_ask)
    key = unlock(ledger, answers(PASSPHRASE)[1])  # type: ignore[arg-type]
    assert reveal_code(ledger, credit_id, key) == CODE
    assert files_holding(ledger_path.parent, CODE) == []


def test_without_a_keyring_or_a_passphrase_no_code_is_saved(ledger: Ledger, ledger_path: Path) -> None:
    use_no_keyring()
    before = ledger_rows(ledger_path)
    with pytest.raises(VaultLocked, match="no passphrase was chosen; nothing was saved"):
        key_for_sealing(ledger, never_ask)
    with pytest.raises(VaultError, match="at least 8 characters"):
        key_for_sealing(ledger, answers("short")[1])  # type: ignore[arg-type]
    assert ledger_rows(ledger_path) == before


# --- a real Secret Service ---------------------------------------------------------------------


def test_the_key_lives_in_a_real_secret_service_and_unlocks_the_codes_after_a_reopen(
    secret_service: object, ledger_path: Path
) -> None:
    from keyring.backends import SecretService

    ledger = Ledger.open(ledger_path)
    try:
        credit_id = add_with_code(ledger)
        row = vault_row(ledger)
        assert row is not None and row.keeper is Keeper.KEYRING
    finally:
        ledger.close()
    # What gnome-keyring holds, read back by a new connection to it.
    assert SecretService.Keyring().get_password(keepers.SERVICE, row.key_id) is not None
    again = Ledger.open(ledger_path)
    try:
        assert reveal_code(again, credit_id, unlock(again, never_ask)) == CODE
    finally:
        again.close()
    assert files_holding(ledger_path.parent, CODE) == []


# --- upgrading plain codes (revision 0006) ------------------------------------------------------


def make_plain_code_ledger(path: Path, codes: dict[int, str]) -> None:
    """A ledger as revision 0005 wrote it, with these plain claim codes, and a backup of it (plain too)."""
    engine = create_ledger_engine(path)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        for credit_id, code in codes.items():
            connection.exec_driver_sql(
                "INSERT INTO credit (id, uid, merchant, region, source, title, currency, amount_minor, received_on,"
                " reference, terms, terms_url, categories, claim_code, notes, archived, reminders_muted, created_at,"
                " updated_at) VALUES (?, ?, 'Amazon', 'US', 'gift_card', ?, 'USD', 2500, '2025-01-01', '', '', '',"
                " '[]', ?, '', 0, 0, '2025-01-01T00:00:00.000000+00:00', '2025-01-01T00:00:00.000000+00:00')",
                (credit_id, f"uid-{credit_id:028d}", f"card {credit_id}", code),
            )
            connection.exec_driver_sql(
                "INSERT INTO entry (credit_id, kind, amount_minor, occurred_on, note, created_at)"
                " VALUES (?, 'issue', 2500, '2025-01-01', '', '2025-01-01T00:00:00+00:00')",
                (credit_id,),
            )
    engine.dispose()
    make_backup(path, "daily", NOW)


def test_an_upgrade_seals_plain_codes_in_the_ledger_its_log_and_every_backup(
    ledger_path: Path, memory_keyring: MemoryKeyring
) -> None:
    make_plain_code_ledger(ledger_path, {1: CODE, 2: "OTHER-CODE-55", 3: ""})
    assert files_holding(ledger_path.parent, CODE) != []  # the test's premise: plain before
    ledger = Ledger.open(ledger_path)
    try:
        key = unlock(ledger, never_ask)
        assert [reveal_code(ledger, n, key) for n in (1, 2, 3)] == [CODE, "OTHER-CODE-55", None]
        assert vault_row(ledger) is not None and memory_keyring.secrets
        assert files_holding(ledger_path.parent, CODE) == []  # the ledger, its -wal, every backup
        assert {info.reason for info in list_backups(ledger_path)} == {"daily", "before-0006"}
        # A backup holds the ledger's key id and opens with it once restored.
        restore_backup(ledger_path, list_backups(ledger_path)[-1].path, NOW, keep=10)
        ledger.acknowledge_changes()
        assert reveal_code(ledger, 1, unlock(ledger, never_ask)) == CODE
    finally:
        ledger.close()
    assert files_holding(ledger_path.parent, CODE) == []


def test_an_upgrade_without_a_keyring_keeps_the_key_outside_the_ledger_until_a_passphrase_is_chosen(
    ledger_path: Path, isolated_home: Path
) -> None:
    use_no_keyring()
    make_plain_code_ledger(ledger_path, {1: CODE})
    ledger = Ledger.open(ledger_path)
    try:
        row = vault_row(ledger)
        assert row is not None and row.keeper is Keeper.KEY_FILE
        waiting = keepers.key_file(row.key_id)
        assert waiting.is_file() and ledger_path.parent not in waiting.parents
        assert oct(waiting.stat().st_mode & 0o777) == "0o600"
        assert files_holding(ledger_path.parent, CODE) == []
        # The next unlock asks for a passphrase to protect the key, then deletes the file.
        asked, ask = answers(PASSPHRASE)
        assert reveal_code(ledger, 1, unlock(ledger, ask)) == CODE  # type: ignore[arg-type]
        assert [question.new for question in asked] == [True]
        assert not waiting.exists()
        assert vault_row(ledger).keeper is Keeper.PASSPHRASE  # type: ignore[union-attr]
        assert reveal_code(ledger, 1, unlock(ledger, answers(PASSPHRASE)[1])) == CODE  # type: ignore[arg-type]
    finally:
        ledger.close()


def test_a_key_waiting_in_its_file_moves_into_the_keyring_once_one_answers(ledger_path: Path) -> None:
    import keyring

    use_no_keyring()
    make_plain_code_ledger(ledger_path, {1: CODE})
    ledger = Ledger.open(ledger_path)
    try:
        row = vault_row(ledger)
        assert row is not None
        keyring.set_keyring(memory := MemoryKeyring())
        assert reveal_code(ledger, 1, unlock(ledger, never_ask)) == CODE
        assert vault_row(ledger).keeper is Keeper.KEYRING  # type: ignore[union-attr]
        assert (keepers.SERVICE, row.key_id) in memory.secrets and not keepers.key_file(row.key_id).exists()
    finally:
        ledger.close()


# --- exports and imports -------------------------------------------------------------------------


def test_csv_and_calendar_exports_never_carry_codes_and_json_only_sealed(ledger: Ledger, tmp_path: Path) -> None:
    credit_id = add_with_code(ledger)
    ledger.add_credit(replace(CARD, expires_on=date(2025, 12, 31)), TODAY)
    texts = {fmt: export_text(ledger, fmt, NOW, everything=True)[0] for fmt in ("csv", "json", "ics")}
    codes = ExportCodes(PASSPHRASE, lambda: unlock(ledger, never_ask))
    texts["json-with-codes"] = export_text(ledger, "json", NOW, codes=codes)[0]
    assert [fmt for fmt, text in texts.items() if CODE in text] == []
    assert "claim_code" not in texts["json"]
    sealed = json.loads(texts["json-with-codes"])
    assert sealed["claim_codes"]["kdf"] == "scrypt" and "claim_code_sealed" in sealed["credits"][credit_id - 1]


def test_a_json_export_with_codes_imports_back_with_its_passphrase_only(tmp_path: Path) -> None:
    source = Ledger.open(tmp_path / "source.sqlite3")
    try:
        credit_id = add_with_code(source)
        text, _ = export_text(source, "json", NOW, codes=ExportCodes(PASSPHRASE, lambda: unlock(source, never_ask)))
    finally:
        source.close()
    target_path = tmp_path / "target.sqlite3"
    target = Ledger.open(target_path)
    try:
        before = ledger_rows(target_path)
        wrong = ImportCodes(lambda: "not the passphrase", lambda: key_for_sealing(target, never_ask))
        with pytest.raises(WrongPassphrase, match="does not open the claim codes in this file; nothing was imported"):
            import_json(target, text.encode(), NOW, codes=wrong)
        with pytest.raises(VaultLocked, match="none was given; nothing was imported"):
            import_json(target, text.encode(), NOW, codes=ImportCodes(lambda: None, lambda: unlock(target, never_ask)))
        assert ledger_rows(target_path) == before
        right = ImportCodes(lambda: PASSPHRASE, lambda: key_for_sealing(target, never_ask))
        assert import_json(target, text.encode(), NOW, codes=right).added == 1
        assert reveal_code(target, credit_id, unlock(target, never_ask)) == CODE
    finally:
        target.close()


def test_a_plain_code_from_an_export_made_before_the_vault_is_sealed_on_import(ledger: Ledger, tmp_path: Path) -> None:
    source = Ledger.open(tmp_path / "other.sqlite3")
    try:
        source.add_credit(CARD, TODAY)
        document = json.loads(export_text(source, "json", NOW)[0])
    finally:
        source.close()
    document["credits"][0]["claim_code"] = CODE
    codes = ImportCodes(lambda: None, lambda: key_for_sealing(ledger, never_ask))
    import_json(ledger, json.dumps(document).encode(), NOW, codes=codes)
    assert reveal_code(ledger, 1, unlock(ledger, never_ask)) == CODE
    third = Ledger.open(tmp_path / "third.sqlite3")
    try:
        with pytest.raises(LedgerError, match="can only be stored encrypted"):
            import_json(third, json.dumps(document).encode(), NOW)
    finally:
        third.close()


# --- the command line ---------------------------------------------------------------------------


def test_show_reveals_the_code_only_when_asked(cli: CliRunner, ledger_path: Path) -> None:
    ledger = Ledger.open(ledger_path)
    credit_id = add_with_code(ledger)
    ledger.close()
    plain = cli("show", str(credit_id))
    assert plain.code == 0 and CODE not in plain.out and "kept encrypted" in plain.out
    shown = cli("show", str(credit_id), "--json")
    assert json.loads(shown.out)["has_claim_code"] is True and CODE not in shown.out
    revealed = cli("show", str(credit_id), "--reveal-code", "--json")
    assert revealed.code == 0 and json.loads(revealed.out)["claim_code"] == CODE
    assert f"Claim code: {CODE}" in cli("show", str(credit_id), "--reveal-code").out


def test_show_asks_for_the_passphrase_and_a_wrong_one_exits_2_revealing_nothing(
    cli: CliRunner, ledger_path: Path
) -> None:
    use_no_keyring()
    ledger = Ledger.open(ledger_path)
    credit_id = add_with_code(ledger, ask=answers(PASSPHRASE)[1])
    ledger.close()
    wrong = cli("show", str(credit_id), "--reveal-code", stdin="wrong horse battery\n")
    assert (wrong.code, wrong.out) == (2, "")
    assert wrong.err == (
        "credit-ledger: error: that passphrase does not unlock the claim codes; nothing was revealed\n"
    )
    right = cli("show", str(credit_id), "--reveal-code", stdin=f"{PASSPHRASE}\n")
    assert right.code == 0 and f"Claim code: {CODE}" in right.out


def test_export_leaves_codes_out_unless_asked_and_import_restores_them(
    cli: CliRunner, ledger_path: Path, tmp_path: Path
) -> None:
    ledger = Ledger.open(ledger_path)
    credit_id = add_with_code(ledger)
    ledger.close()
    without = cli("export", "-o", str(tmp_path / "without.json"))
    assert without.code == 0 and "1 claim code left out; add --with-codes" in without.err
    refused = cli("export", "--format", "csv", "--with-codes")
    assert refused.code == 2 and "only into JSON exports" in refused.err
    with_codes = cli("export", "-o", str(tmp_path / "with.json"), "--with-codes", stdin=f"{PASSPHRASE}\n")
    assert with_codes.code == 0, with_codes.err
    other = tmp_path / "elsewhere" / "ledger.sqlite3"
    other.parent.mkdir()
    imported = cli("import", str(tmp_path / "with.json"), db=other, stdin=f"{PASSPHRASE}\n")
    assert imported.code == 0, imported.err
    assert f"Claim code: {CODE}" in cli("show", str(credit_id), "--reveal-code", db=other).out
    assert files_holding(tmp_path, CODE) == []


def test_commands_that_need_no_code_load_no_cryptography_or_keyring(ledger_path: Path) -> None:
    ledger = Ledger.open(ledger_path)
    add_with_code(ledger)
    ledger.close()
    code = (
        "import sys, io, contextlib, main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    for args in (['list'], ['show', '1'], ['export', '--format', 'csv']):\n"
        f"        assert main.main(['--db', {str(ledger_path)!r}, *args]) == 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'cryptography', 'keyring', 'secretstorage'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).parent.parent, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
