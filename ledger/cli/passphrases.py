"""Asking for a passphrase on the command line: hidden on a terminal, one line of standard input otherwise.

A script can pipe the answers in (`printf '%s\\n' "$PASS" | credit-ledger show 3 --reveal-code`), one line per
question in the order they come. Nothing here imports the vault's cryptography: only the commands that
reveal, export or import claim codes load it.
"""

from __future__ import annotations

from ledger.cli import Context
from ledger.vault.ledger_key import Ask, Asker
from ledger.vault.sealing import VaultError


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # a closed stream
        return False


def cli_asker(context: Context) -> Asker:
    """An Asker for this command: getpass on a terminal (a new passphrase is typed twice), else a line of stdin."""

    def ask(question: Ask) -> str | None:
        if _is_terminal(context.stdin):
            import getpass

            answer = getpass.getpass(f"{question.prompt}: ", stream=context.err)
            if answer and question.new and getpass.getpass("Type it again: ", stream=context.err) != answer:
                raise VaultError("the two passphrases differ; nothing was changed")
            return answer or None
        line = context.stdin.readline()
        return line.rstrip("\r\n") or None

    return ask
