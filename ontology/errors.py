"""The one base class of every error govatlas reports to a person.

Each error carries the exit code the command line ends with, so the CLI catches
:class:`GovatlasError` once and every layer below raises what it knows without deciding how
the program ends. The codes are a public contract (scripts rely on them):

- ``1`` the input data has problems (each named with its file, line, column and fix);
- ``2`` the command was called wrongly (an unknown name, option or value);
- ``3`` the store (or a remote server) cannot be opened or used.

It lives beside the ontology because that is the bottom of the package: every layer may
import it, and it imports nothing.
"""

from __future__ import annotations

EXIT_DATA, EXIT_USAGE, EXIT_STORE = 1, 2, 3


class GovatlasError(Exception):
    """Something the user can act on; the message says what to do. ``exit_code``: see above."""

    exit_code: int = EXIT_DATA


class UsageError(GovatlasError):
    """A name, option or value that does not fit (an unknown territory, a bad setting)."""

    exit_code = EXIT_USAGE


class StoreError(GovatlasError):
    """The store cannot be opened or used."""

    exit_code = EXIT_STORE
