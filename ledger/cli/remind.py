"""The `remind` subcommand: deliver due reminders once, for cron or a systemd timer (issue 5)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    """Add the reminder subcommand to the command line."""
