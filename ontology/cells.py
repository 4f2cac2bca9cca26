"""Cells that a spreadsheet would run as formulas, made inert for CSV, TSV and XLSX output.

A spreadsheet opening a CSV file reads a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return as a formula (``=HYPERLINK("http://evil.example/","open")`` becomes a
link, ``=WEBSERVICE(...)`` a request). Labels come from datasets other people wrote, so every
tabular writer passes its text cells through :func:`neutralise`, which prefixes a single
quote, as the OWASP "CSV Injection" page recommends: the spreadsheet then shows the text as
written (the quote itself is hidden by most of them) and runs nothing.

This module lives in ``ontology/`` because it is the one layer every writer may import
(``viz`` renders tables, ``queries`` writes SPARQL results, ``graph.export`` writes the
neo4j-admin files, ``loaders`` writes the templates; see ``tests/test_architecture.py``), and
it imports nothing, like the rest of ``ontology/``.
"""

from __future__ import annotations

import re

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: A number as a spreadsheet reads one: ``-3``, ``+2.5``, ``-1e-3``. Such a cell is a value,
#: not a formula, and must stay a number in a numeric column.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula (a number is not one).

    >>> looks_like_formula('=HYPERLINK("http://evil.example/","open")')
    True
    >>> looks_like_formula("-3"), looks_like_formula("-0.5e2"), looks_like_formula("Région")
    (False, False, False)
    >>> looks_like_formula("-"), looks_like_formula("@SUM(A1)"), looks_like_formula("\\tx")
    (True, True, True)
    """
    return text.startswith(FORMULA_STARTS) and _NUMBER.fullmatch(text) is None


def neutralise(value: object) -> object:
    """``value`` with a single quote in front when it is text a spreadsheet would run.

    Anything that is not a string (a number, ``None``) is returned unchanged, and so is a
    string holding a plain number such as ``-3``: only formula-like text changes.

    >>> neutralise("=1+1"), neutralise("-3"), neutralise(-3), neutralise("plain")
    ("'=1+1", '-3', -3, 'plain')
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def neutralise_row(row: list[object] | tuple[object, ...]) -> list[object]:
    """Every cell of ``row`` through :func:`neutralise`."""
    return [neutralise(value) for value in row]
