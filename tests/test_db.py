"""Opening ledger files: migrations, refusals that leave the file untouched, privacy and pragmas."""

from __future__ import annotations

import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import ledger.storage.models  # noqa: F401 - registers the tables on SQLModel.metadata
from ledger.storage.db import create_ledger_engine, open_database
from ledger.storage.inspection import LedgerFileError
from ledger.storage.paths import backups_dir
from ledger.storage.schema import alembic_config, head_revision
from ledger.storage.store import Ledger, NewCredit
from tests.conftest import file_digest

FIRST_REVISION = "0001"


def make_first_revision_ledger(path: Path) -> None:
    """A ledger as the first release wrote it, with one credit and one spend."""
    engine = create_ledger_engine(path)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, FIRST_REVISION)
        connection.exec_driver_sql(
            "INSERT INTO credit (id, merchant, region, source, title, currency, amount_minor, received_on, "
            "expires_on, reference, terms, terms_url, categories, claim_code, notes, archived, created_at, updated_at)"
            " VALUES (1, 'Amazon', 'US', 'refund', 'Old refund', 'USD', 4000, '2025-01-01', NULL, '', '', '', '[]',"
            " '', '', 0, '2025-01-01T00:00:00.000000+00:00', '2025-01-01T00:00:00.000000+00:00')"
        )
        connection.exec_driver_sql(
            "INSERT INTO entry (credit_id, kind, amount_minor, occurred_on, note, created_at) VALUES"
            " (1, 'issue', 4000, '2025-01-01', '', '2025-01-01T00:00:00+00:00'),"
            " (1, 'spend', -1500, '2025-02-01', '', '2025-02-01T00:00:00+00:00')"
        )
    engine.dispose()


def test_a_fresh_ledger_is_at_the_newest_schema_and_matches_the_models(ledger_path: Path) -> None:
    engine = open_database(ledger_path)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == head_revision()
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_an_upgrade_from_the_first_revision_keeps_the_data_and_backs_up_first(ledger_path: Path) -> None:
    make_first_revision_ledger(ledger_path)
    book = Ledger.open(ledger_path)
    try:
        detail = book.detail(1, date(2026, 1, 1))
        assert str(detail.balance) == "25.00"
        assert detail.credit.reminders_muted is False and detail.checks == []
        book.record_check(1, "amazon_gift_cards", "offered")
    finally:
        book.close()
    copies = list(backups_dir(ledger_path).glob("*.sqlite3"))
    assert len(copies) == 1
    con = sqlite3.connect(copies[0])
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST_REVISION,)
    con.close()


def make_second_revision_ledger(path: Path, count: int) -> None:
    """A ledger as revision 0002 wrote it: `count` credits all created in the same second, each with entries."""
    engine = create_ledger_engine(path)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        for n in range(1, count + 1):
            connection.exec_driver_sql(
                "INSERT INTO credit (id, merchant, region, source, title, currency, amount_minor, received_on,"
                " expires_on, reference, terms, terms_url, categories, claim_code, notes, archived, reminders_muted,"
                " created_at, updated_at) VALUES (?, 'Amazon', 'US', 'refund', ?, 'USD', 1000, '2025-01-01', NULL,"
                " '', '', '', '[]', '', '', 0, 0, '2025-01-01T00:00:00.000000+00:00',"
                " '2025-01-01T00:00:00.000000+00:00')",
                (n, f"credit {n}"),
            )
            connection.exec_driver_sql(
                "INSERT INTO entry (credit_id, kind, amount_minor, occurred_on, note, created_at) VALUES"
                " (?, 'issue', 1000, '2025-01-01', '', '2025-01-01T00:00:00+00:00'),"
                " (?, 'spend', -250, '2025-02-01', '', '2025-02-01T00:00:00+00:00')",
                (n, n),
            )
            connection.exec_driver_sql(
                "INSERT INTO checkout_check (credit_id, use, outcome, observed_at, note) VALUES"
                " (?, 'amazon_gift_cards', 'offered', '2025-01-02T00:00:00+00:00', '')",
                (n,),
            )
    engine.dispose()


def test_an_upgrade_from_0002_keeps_every_credit_and_gives_each_a_distinct_uid(ledger_path: Path) -> None:
    make_second_revision_ledger(ledger_path, 5)
    book = Ledger.open(ledger_path)
    try:
        details = [book.detail(n, date(2026, 1, 1)) for n in range(1, 6)]
        new_id = book.add_credit(NewCredit(source="refund", currency="USD", amount="5"), date(2026, 1, 1))
        new_uid = book.detail(new_id, date(2026, 1, 1)).credit.uid
    finally:
        book.close()
    assert [detail.credit.title for detail in details] == [f"credit {n}" for n in range(1, 6)]
    assert all(str(detail.balance) == "7.50" and len(detail.checks) == 1 for detail in details)
    uids = {detail.credit.uid for detail in details} | {new_uid}
    assert len(uids) == 6 and all(len(uid) == 32 for uid in uids)
    con = sqlite3.connect(ledger_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            con.execute("UPDATE credit SET uid = (SELECT uid FROM credit WHERE id = 1) WHERE id = 2")
    finally:
        con.close()


def test_a_database_from_a_newer_app_is_refused_and_untouched(ledger_path: Path) -> None:
    Ledger.open(ledger_path).close()
    con = sqlite3.connect(ledger_path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = file_digest(ledger_path)
    with pytest.raises(LedgerFileError, match="newer Credit Ledger"):
        Ledger.open(ledger_path)
    assert file_digest(ledger_path) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello, this is a text file\n", "not an SQLite file"),
        (b"SQLite format 3\x00" + b"\xff" * 5000, "cannot be read"),
        (b"\x00\x01\x02garbage" * 1000, "not an SQLite file"),
    ],
)
def test_files_that_are_not_ledgers_are_refused_untouched(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "other.db"
    path.write_bytes(content)
    with pytest.raises(LedgerFileError, match=message):
        Ledger.open(path)
    assert path.read_bytes() == content


def test_another_programs_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "browser-history.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE visits (url TEXT)")
    con.execute("INSERT INTO visits VALUES ('https://example.org')")
    con.commit()
    con.close()
    before = file_digest(path)
    with pytest.raises(LedgerFileError, match="another program"):
        Ledger.open(path)
    assert file_digest(path) == before


def test_a_folder_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LedgerFileError, match="is a folder"):
        Ledger.open(tmp_path)


def test_the_file_and_its_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new-folder" / "ledger.sqlite3"
    book = Ledger.open(path)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="5"), date(2026, 1, 1))
    book.close()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_upgrade_to_0005_keeps_every_credit_with_nothing_recorded_from_its_terms(ledger_path: Path) -> None:
    make_second_revision_ledger(ledger_path, 3)
    book = Ledger.open(ledger_path)
    try:
        details = [book.detail(n, date(2026, 1, 1)) for n in range(1, 4)]
        assert [detail.credit.title for detail in details] == ["credit 1", "credit 2", "credit 3"]
        assert all(detail.credit.terms_by_use == {} and str(detail.balance) == "7.50" for detail in details)
        # Rows written by other means than the app (an older version, raw SQL) get the empty record too.
        with book.writing() as session:
            session.connection().exec_driver_sql(
                "INSERT INTO credit (merchant, region, source, title, currency, amount_minor, received_on, reference,"
                " terms, terms_url, categories, notes, archived, reminders_muted, created_at, updated_at)"
                " VALUES ('Amazon', 'US', 'refund', 'raw', 'USD', 100, '2025-01-01', '', '', '', '[]', '', 0, 0,"
                " '2025-01-01T00:00:00.000000+00:00', '2025-01-01T00:00:00.000000+00:00')"
            )
        assert book.detail(4, date(2026, 1, 1)).credit.terms_by_use == {}
    finally:
        book.close()


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(ledger: Ledger) -> None:
    with ledger.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_the_revisions_listed_for_fast_start_are_alembics_and_hold_the_tables_listed(tmp_path: Path) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from ledger.storage.schema import REVISIONS, TABLES_AT

    script = ScriptDirectory.from_config(alembic_config())
    assert list(REVISIONS) == [revision.revision for revision in reversed(list(script.walk_revisions()))]
    for revision in REVISIONS:
        path = tmp_path / f"at-{revision}.sqlite3"
        engine = create_ledger_engine(path)
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        engine.dispose()
        con = sqlite3.connect(path)
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        con.close()
        assert tables - {"sqlite_sequence"} == TABLES_AT[revision], revision


def test_a_ledger_says_it_is_one_in_its_header(ledger: Ledger, ledger_path: Path) -> None:
    from ledger.storage.schema import LEDGER_APPLICATION_ID

    with ledger.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA application_id").scalar() == LEDGER_APPLICATION_ID


def _foreign_database(path: Path, *statements: str) -> str:
    con = sqlite3.connect(path)
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()
    return file_digest(path)


@pytest.mark.parametrize(
    "statements",
    [
        # Another program that also uses Alembic, at a revision number we use too.
        (
            "CREATE TABLE alembic_version (version_num TEXT)",
            "INSERT INTO alembic_version VALUES ('0001')",
            "CREATE TABLE users (name TEXT)",
        ),
        (
            "CREATE TABLE alembic_version (version_num TEXT)",
            "INSERT INTO alembic_version VALUES ('0003')",
            "CREATE TABLE credit (id INTEGER PRIMARY KEY)",
            "CREATE TABLE entry (id INTEGER PRIMARY KEY)",
        ),
        ("PRAGMA application_id = 1234",),  # an empty file another program has claimed
        ("CREATE VIEW answers AS SELECT 42",),  # only views
        ("PRAGMA user_version = 7",),
    ],
    ids=["alembic-0001", "alembic-0003-partial", "application-id", "only-views", "user-version"],
)
def test_a_foreign_sqlite_file_is_refused_before_anything_writes_to_it(
    tmp_path: Path, statements: tuple[str, ...]
) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    path = folder / "data.sqlite3"
    before = _foreign_database(path, *statements)
    with pytest.raises(LedgerFileError, match="another program"):
        Ledger.open(path)
    assert file_digest(path) == before
    assert sorted(p.name for p in folder.iterdir()) == ["data.sqlite3"]  # no -wal, no backups/ folder


def test_a_ledger_with_an_extra_table_is_not_taken_for_granted(ledger_path: Path) -> None:
    Ledger.open(ledger_path).close()
    before = _foreign_database(ledger_path, "CREATE TABLE stowaway (x)")
    with pytest.raises(LedgerFileError, match="another program"):
        Ledger.open(ledger_path)
    assert file_digest(ledger_path) == before


@pytest.mark.parametrize("name", ["my%20ledger.sqlite3", "what?.sqlite3", "50%.sqlite3", "a#b.sqlite3"])
def test_a_path_is_only_ever_a_path(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "odd%2Fplace?x=1"
    path = folder / name
    book = Ledger.open(path)
    book.add_credit(NewCredit(source="refund", currency="USD", amount="5", title="here"), date(2026, 1, 1))
    book.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name]
    assert sorted(p.name for p in folder.iterdir()) == [name]
    con = sqlite3.connect(path)
    assert con.execute("SELECT title FROM credit").fetchall() == [("here",)]
    con.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_deleted_credit_does_not_linger_in_the_file(ledger: Ledger, ledger_path: Path) -> None:
    secret = "CLAIM-7Q2X-SECRET-CODE"
    credit_id = ledger.add_credit(
        NewCredit(source="gift_card", currency="USD", amount="5", title=secret), date(2026, 1, 1)
    )
    with ledger.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert secret.encode() in ledger_path.read_bytes()
    ledger.delete(credit_id)
    with ledger.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert secret.encode() not in ledger_path.read_bytes()
