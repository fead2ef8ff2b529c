"""The About box (Help → About): the app's version, where this ledger's files are, and the licence."""

from __future__ import annotations

import html
import tomllib
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ledger.shipped import app_icon

DISTRIBUTION = "credit-ledger"
LICENCE = "MIT"
# In a checkout that was never installed, the version is the one pyproject.toml declares.
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def app_version(distribution: str = DISTRIBUTION, pyproject: Path = PYPROJECT) -> str:
    """The installed version; in a checkout that was never installed, pyproject.toml's, marked as such."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        pass
    try:
        with pyproject.open("rb") as file:
            declared = tomllib.load(file)["project"]["version"]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return "unknown"
    return f"{declared} (not installed: run from its source folder)"


class AboutDialog(QDialog):
    """Names the version, the ledger file and its folder (with a button to open it), and the licence."""

    def __init__(self, ledger_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Credit Ledger")
        self.setObjectName("aboutDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.folder = Path(ledger_path).parent
        self.version = app_version()

        icon = QLabel()
        icon.setPixmap(QIcon(str(app_icon())).pixmap(64, 64))
        icon.setAccessibleName("Credit Ledger icon")
        heading = QLabel(f"<h2>Credit Ledger</h2><p>Version {html.escape(self.version)}</p>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(heading, 1)

        purpose = QLabel(
            "Keeps track of store credit: what is left, what each credit can buy, and reminders before it expires."
        )
        purpose.setWordWrap(True)
        facts = QFormLayout()
        for name, value in (
            ("Ledger file", str(ledger_path)),
            ("Data folder", f"{self.folder}\n(its backups and your own rule files are kept there too)"),
            ("Licence", f"{LICENCE}: free software"),
        ):
            fact = QLabel(value)
            fact.setTextFormat(Qt.TextFormat.PlainText)
            fact.setWordWrap(True)
            fact.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            fact.setAccessibleName(name)
            facts.addRow(f"{name}:", fact)

        self.open_folder = QPushButton("&Open the data folder")
        self.open_folder.setAutoDefault(False)  # Enter closes the box; it never opens a file manager
        self.open_folder.setToolTip(str(self.folder))
        self.open_folder.clicked.connect(self._open_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.open_folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(purpose)
        layout.addLayout(facts)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        close.setFocus()

    def text(self) -> str:
        """Everything the box says, as plain text."""
        return "\n".join(label.text() for label in self.findChildren(QLabel) if label.text())

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
