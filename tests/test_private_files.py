"""Files the app writes outside SQLite: private, whole or not at all, never into a link, a pipe or a device."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from ledger.private_files import FileTargetError, staged_file, write_file
from tests.conftest import CliResult, CliRunner, in_time


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry of a folder with its type and size, read without following links."""
    return {path.name: (stat.S_IFMT(path.lstat().st_mode), path.lstat().st_size) for path in folder.iterdir()}


@pytest.fixture
def one_credit(cli: CliRunner) -> None:
    assert cli("add", "--source", "gift_card", "--amount", "25", "--currency", "USD").code == 0


# --- the module -------------------------------------------------------------------------------


def test_a_written_file_is_private_whole_and_leaves_no_staging_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)

    write_file(target, b"new contents")

    assert target.read_bytes() == b"new contents"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(listing(tmp_path)) == ["out.json"]


def test_a_failed_write_removes_its_staging_file_and_keeps_the_old_target(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")

    with pytest.raises(RuntimeError), staged_file(target) as staged:
        staged.file.write(b"half")
        raise RuntimeError("the writer failed half way")

    assert target.read_bytes() == b"old"
    assert sorted(listing(tmp_path)) == ["out.json"]


def test_a_writer_may_fill_the_staging_file_by_its_path(tmp_path: Path) -> None:
    target = tmp_path / "copy.bin"
    with staged_file(target) as staged:
        assert stat.S_IMODE(staged.path.lstat().st_mode) == 0o600 and staged.path.parent == tmp_path
        staged.path.write_bytes(b"written by name")
    assert target.read_bytes() == b"written by name"


def test_a_new_file_never_replaces_anything_not_even_a_dangling_link(tmp_path: Path) -> None:
    taken = tmp_path / "ledger-20250101-000000-daily.sqlite3"
    taken.symlink_to(tmp_path / "victim")

    with pytest.raises(FileTargetError, match="symbolic link"):
        write_file(taken, b"backup", replace=False)
    existing = tmp_path / "existing"
    existing.write_bytes(b"keep")
    with pytest.raises(FileTargetError, match="already exists"):
        write_file(existing, b"backup", replace=False)

    assert taken.is_symlink() and not (tmp_path / "victim").exists()
    assert existing.read_bytes() == b"keep"
    write_file(tmp_path / "free", b"backup", replace=False)
    assert (tmp_path / "free").read_bytes() == b"backup"
    assert sorted(listing(tmp_path)) == sorted([taken.name, "existing", "free"])


# --- export -o --------------------------------------------------------------------------------


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "out.csv")
    return folder / "out.csv"


def _symlink(folder: Path) -> Path:
    (folder / "real.csv").write_text("the real file\n", encoding="utf-8")
    (folder / "out.csv").symlink_to(folder / "real.csv")
    return folder / "out.csv"


def _dangling_symlink(folder: Path) -> Path:
    (folder / "out.csv").symlink_to(folder / "victim.csv")
    return folder / "out.csv"


def _folder(folder: Path) -> Path:
    (folder / "out.csv").mkdir()
    return folder / "out.csv"


def _missing_folder(folder: Path) -> Path:
    return folder / "not here" / "out.csv"


@pytest.mark.usefixtures("one_credit")
@pytest.mark.parametrize(
    ("make_target", "says"),
    [
        (_fifo, "is a named pipe, not a regular file"),
        (_symlink, "is a symbolic link"),
        (_dangling_symlink, "is a symbolic link"),
        (_folder, "is a folder"),
        (_missing_folder, "the folder"),
    ],
    ids=["fifo", "symlink", "dangling symlink", "folder", "missing folder"],
)
def test_export_refuses_a_target_that_is_not_a_regular_file_and_leaves_it_untouched(
    cli: CliRunner, tmp_path: Path, make_target: Callable[[Path], Path], says: str
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = make_target(folder)
    before = listing(folder)

    result = in_time(lambda: cli("export", "-o", str(target)))  # a pipe must not make it wait for a reader

    assert isinstance(result, CliResult)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("credit-ledger: error: ") and says in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert listing(folder) == before


@pytest.mark.usefixtures("one_credit")
def test_export_to_dev_null_leaves_the_device_alone(cli: CliRunner) -> None:
    # Run as root, the old export replaced /dev/null with a regular file.
    result = cli("export", "--format", "csv", "-o", "/dev/null")

    assert result.code == 2 and "/dev/null is a device, not a regular file" in result.err
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


@pytest.mark.usefixtures("one_credit")
def test_export_never_writes_through_a_link_planted_at_a_staging_name(cli: CliRunner, tmp_path: Path) -> None:
    # The old export staged into the fixed name `.out.csv.partial`, following a link planted there.
    folder = tmp_path / "exports"
    folder.mkdir()
    victim = tmp_path / "victim"
    planted = folder / ".out.csv.partial"
    planted.symlink_to(victim)

    result = cli("export", "-o", str(folder / "out.csv"))

    assert result.code == 0
    assert not victim.exists() and planted.is_symlink()
    assert (folder / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert sorted(listing(folder)) == [".out.csv.partial", "out.csv"]


@pytest.mark.usefixtures("one_credit")
def test_export_to_a_dash_prints_to_standard_output(cli: CliRunner, tmp_path: Path) -> None:
    printed = cli("export", "-o", "-")

    assert printed.code == 0
    assert json.loads(printed.out)["credits"][0]["amount"] == "25.00"
    assert printed.out == cli("export").out
    assert cli("export", "--format", "csv", "-o", "-").out == cli("export", "--format", "csv").out
    assert not (tmp_path / "-").exists()
