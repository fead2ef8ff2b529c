"""Credit Ledger from a checkout: `python main.py` opens the window; `python main.py SUBCOMMAND` runs the command line.

Installed, the `credit-ledger` command runs the same `ui.entry.main`.
"""

from __future__ import annotations

import sys

from ui.entry import main, wants_window, window_arguments

__all__ = ["main", "wants_window", "window_arguments"]

if __name__ == "__main__":
    sys.exit(main())
