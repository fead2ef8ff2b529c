"""At a large scale on a laptop screen (QT_SCALE_FACTOR=2 on 1366x768: room for 683x384), every dialog fits the
screen, and each of its controls can be seen or scrolled to (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO
from ui.window.column_fit import TITLE_FLOOR

LAPTOP = {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96}


@pytest.fixture(scope="module")
def dialogs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    """Every dialog opened by tests/dialogs_at_scale.py at scale 2 on the laptop's screen."""
    folder = tmp_path_factory.mktemp("scale")
    screen = folder / "screen.json"
    screen.write_text(json.dumps({"screens": [{**LAPTOP, "dpr": 1}]}), encoding="utf-8")
    environment = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": f"offscreen:configfile={screen}"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.dialogs_at_scale", str(folder)],
        cwd=REPO, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {found["dialog"]: found for found in json.loads(done.stdout.strip().splitlines()[-1])}


NAMES = ["add", "edit", "spend", "passphrase", "settings", "plan", "import", "backups"]


@pytest.mark.parametrize("name", NAMES)
def test_each_dialog_fits_the_screen_at_scale_two(dialogs: dict[str, dict[str, object]], name: str) -> None:
    found = dialogs[name]
    _x, _y, width, height = found["frame"]  # type: ignore[misc]
    _left, _top, room_width, room_height = found["room"]  # type: ignore[misc]
    assert (room_width, room_height) == (683, 384)
    assert width <= room_width and height <= room_height, found
    assert found["out_of_sight"] == [], found


def test_the_main_window_fits_the_laptop_screen_at_scale_two_and_its_panel_scrolls(
    dialogs: dict[str, dict[str, object]],
) -> None:
    found = dialogs["window"]
    _x, _y, width, height = found["frame"]  # type: ignore[misc]
    _left, _top, room_width, room_height = found["room"]  # type: ignore[misc]
    assert width <= room_width and height <= room_height, found
    # Each control of the detail panel can be scrolled to: the panel scrolls rather than cutting its end off.
    assert found["out_of_sight"] == [], found
    assert found["panel_scrolls"] is True


def test_the_title_column_keeps_its_room_at_scale_two_and_the_others_shrink_to_their_contents(
    dialogs: dict[str, dict[str, object]],
) -> None:
    columns = {found["column"]: found for found in dialogs["window"]["columns"]}  # type: ignore[union-attr]
    title = columns.pop("Title")
    assert title["stretches"] is True
    # Too narrow for every column: the others shrink to their contents, then the status folds (it is in the panel).
    assert title["width"] >= TITLE_FLOOR, (title, columns)
    assert {"Balance", "Expires"} <= set(columns), columns
    for name, found in columns.items():
        assert found["width"] <= found["content"], (name, found)
