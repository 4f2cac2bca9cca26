"""SPARQL kept in ``.rq`` files, read by name.

Every package whose code asks the store a question keeps those questions in a ``queries/``
folder beside its modules (``graph/analysis/queries/actors.rq`` for
:mod:`govatlas.graph.analysis`), one file per query, so a query can be read, run and diffed as
SPARQL rather than as a Python string. The files carry no PREFIX lines: the store adds the
govatlas prefixes (:func:`govatlas.ontology.namespaces.sparql_prefixes`) to every query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

__all__ = ["load_query", "with_values"]

#: The opening of a query's outer group; comment lines are masked before it is looked for.
_WHERE = re.compile(r"WHERE\s*\{", re.IGNORECASE)


@cache
def load_query(package: str, name: str) -> str:
    """The text of ``queries/NAME.rq`` in ``package`` (a dotted name, usually ``__package__``).

    Read once per process. A missing file raises :class:`FileNotFoundError` naming it.

    >>> "ga:CompetenceAllocation" in load_query("govatlas.graph.analysis", "allocations")
    True
    """
    path = resources.files(package).joinpath("queries", f"{name}.rq")
    return path.read_text(encoding="utf-8")


def with_values(query: str, variable: str, terms: Iterable[object]) -> str:
    """``query`` with ``VALUES ?variable { ... }`` first in its outer WHERE group: one row per
    term, each written as SPARQL (a pyoxigraph term's ``str()``), so one query answers for
    many values at once (one query per value costs minutes on a country's thousands).

    A VALUES block first in the group binds the variable before the patterns that follow it.
    The block goes on the line of ``WHERE {``, so line numbers in errors stay the file's.

    >>> with_values("SELECT ?s WHERE { ?s a ?c }", "c", ["<http://example.org/A>"])
    'SELECT ?s WHERE { VALUES ?c { <http://example.org/A> } ?s a ?c }'
    """
    masked = re.sub(r"(?m)^\s*#.*$", lambda match: " " * len(match.group(0)), query)
    match = _WHERE.search(masked)
    if match is None:
        raise ValueError("a query given VALUES needs a WHERE { ... } group")
    block = " ".join(str(term) for term in terms)
    return f"{query[:match.end()]} VALUES ?{variable} {{ {block} }}{query[match.end():]}"
