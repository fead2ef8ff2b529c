"""Subcommands that move data in and out: import, export, backup, restore (issue 6)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    """Add the data-transfer subcommands to the command line."""
