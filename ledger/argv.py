"""Command-line arguments as text: bytes that are not UTF-8 are refused once, for the window and the commands alike.

Python reads such bytes into stray surrogates (b"\\xff" becomes "\\udcff"), which no ledger, message
or export can hold. Plain Python, no imports: the window checks its arguments before anything loads.
"""

from __future__ import annotations

from collections.abc import Iterable


def bad_argument(arguments: Iterable[str]) -> str | None:
    """The first argument that is not valid text, written as a terminal user would recognise it, or None."""
    for argument in arguments:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return shown(argument)
    return None


def not_text_message(argument: str, where: str = "the argument") -> str:
    """What to say about an argument (or a path from the environment) that is not valid text."""
    return f"{where} '{argument}' is not valid text (UTF-8); retype it, or rename the file it names"


def shown(argument: str) -> str:
    """The argument with its bad bytes written as \\xNN."""
    try:
        raw = argument.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that came from no byte (Windows' UTF-16 arguments)
        return argument.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
