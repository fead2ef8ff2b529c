"""What the wheel is built from: every package listed, shipped files found through the package, not the checkout."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ledger.shipped import APP_ID, app_icon, resources_dir, shipped
from tests.conftest import REPO


def test_every_package_of_the_tree_is_in_the_wheel() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    mapped = {folder: name for name, folder in config["package-dir"].items()}
    found = set()
    for top in ("ledger", "ui", "resources"):
        for module in (REPO / top).rglob("*.py"):
            folder = module.parent.relative_to(REPO).as_posix()
            head = folder.split("/")[0]
            name = mapped.get(head, head) + folder[len(head) :].replace("/", ".")
            found.add(name)
    for data_folder in ("icons", "rules", "style"):
        found.add(f"ledger.resources.{data_folder}")
    assert found == set(config["packages"])


def test_the_shipped_files_are_all_there() -> None:
    assert (resources_dir() / "__init__.py").is_file()
    assert sorted(path.name for path in shipped("rules").glob("*.toml")) == ["amazon-us.toml"]
    assert app_icon().read_bytes().startswith(b"<")
    assert shipped(f"{APP_ID}.desktop").is_file() and shipped(f"{APP_ID}.metainfo.xml").is_file()
    assert shipped("style", "app.qss").is_file()


def test_nothing_finds_shipped_files_relative_to_the_checkout() -> None:
    offenders = [
        f"{path.relative_to(REPO)}"
        for top in ("ledger", "ui")
        for path in (REPO / top).rglob("*.py")
        if '/ "resources"' in path.read_text(encoding="utf-8") and path.name != "shipped.py"
    ]
    assert offenders == []


def test_the_desktop_entry_and_metainfo_name_the_app_the_same_way() -> None:
    entry = shipped(f"{APP_ID}.desktop").read_text(encoding="utf-8")
    metainfo = shipped(f"{APP_ID}.metainfo.xml").read_text(encoding="utf-8")
    # On X11 the window's WM_CLASS instance is the command's name; on Wayland its app id is APP_ID.
    assert f"Icon={APP_ID}\n" in entry and "StartupWMClass=credit-ledger\n" in entry
    assert f"<id>{APP_ID}</id>" in metainfo and f'"desktop-id">{APP_ID}.desktop<' in metainfo
    assert Path(app_icon()).stem == APP_ID


def test_a_checkout_uses_its_own_shipped_files() -> None:
    # Even when the virtualenv's editable install maps ledger.resources to another checkout (a worktree).
    assert resources_dir() == REPO / "resources"
