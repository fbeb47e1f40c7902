"""Reading secrets for the headless commands: from the terminal without echo, or one
line at a time from standard input when it is a pipe. Never from argv, which other
users of the machine can read in the process list."""

from __future__ import annotations

import getpass
import sys

from outreach.errors import Cancelled, ValidationError


def read_secret(prompt: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            value = getpass.getpass(prompt)
        except EOFError:
            raise Cancelled("No passphrase was given.") from None
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        if not line:
            raise ValidationError("Expected a passphrase on standard input, but it ended.")
        value = line.rstrip("\r\n")
    return value


def read_new_secret(prompt: str = "New passphrase: ", again: str = "Repeat passphrase: ") -> str:
    first = read_secret(prompt)
    second = read_secret(again)
    if first != second:
        raise ValidationError("The two passphrases do not match.")
    return first
