"""The Qt binding the app installs with survives a long-running session (the window and tray run for days)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

# More calls that return nothing than None has references, each one a widget update or an event loop turn as
# the app makes them all day (the data_version poll, the reminder scheduler, every repaint).
MANY_CALLS = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for _ in range(sys.getrefcount(None) + 5000):
    label.setText("x")
    app.processEvents()
print("still running")
"""


def test_thousands_of_qt_calls_that_return_nothing_never_free_none_and_abort_the_app() -> None:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", MANY_CALLS], cwd=REPO, env=environment, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert "deallocating None" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "still running"
