"""The domain never depends on Qt: `ledger/` imports no Qt module, directly or through another package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

LEDGER = Path(__file__).resolve().parent.parent / "ledger"
QT_PACKAGES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "ui")


def test_no_ledger_module_imports_qt_or_the_ui() -> None:
    offenders = []
    for path in LEDGER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in QT_PACKAGES]
    assert offenders == []


def test_importing_every_ledger_module_loads_no_qt() -> None:
    modules = sorted(
        ".".join(path.relative_to(LEDGER.parent).with_suffix("").parts)
        for path in LEDGER.rglob("*.py")
        if "migrations" not in path.parts
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name.removesuffix('.__init__'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=LEDGER.parent, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
