"""No outbound requests from queries: ``SERVICE`` (and updates such as ``LOAD``) refused before
the engine sees the query.

Oxigraph executes ``SERVICE <url> { ... }`` by sending the inner pattern to ``url`` and has no
switch to stop it (pyoxigraph 0.5.13 and ``oxigraph serve-read-only`` alike), so a read-only
endpoint would otherwise make requests to any address a visitor names, its own machine included
(server-side request forgery). The query is therefore checked first, on the syntax tree that
rdflib's SPARQL 1.1 parser gives, not by matching text: a ``SERVICE`` inside a comment or a
string is no call, and one written with a ``\\u0053ERVICE`` escape still is one.

Parsing costs: rdflib's parser takes about 5 ms for a short query and 0.6 s for the longest
library query, holding the interpreter all the while, so the tree is only built when a call is
possible at all: Oxigraph runs a ``SERVICE`` only for the keyword in the text (it expands no
escapes outside strings and IRIs), so a text without the word ``service``, even once escapes are
expanded, cannot make one, and is let through without parsing. Every text that has the word is
decided on its tree.

The check fails closed: a text rdflib cannot parse (SPARQL 1.2 syntax Oxigraph accepts, such as
triple terms) is allowed only if it cannot hold a ``SERVICE`` at all, that is if the keyword
appears nowhere in it once escapes are expanded. That fallback over-approximates (it refuses a
string that merely contains the word) but never lets a call through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from .library import QueryError

__all__ = ["RemoteQueryRefused", "check_no_remote", "service_targets"]

class RemoteQueryRefused(QueryError):
    """The query would make the server fetch something from the network."""


def expand_escapes(text: str) -> str:
    r"""``\u`` escapes (4 hex digits) and ``\U`` escapes (8) expanded, as SPARQL 1.1
    (section 19.2) says a parser may do before anything else."""

    def expand(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group(0)

    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})", expand, text)


def without_comment_lines(text: str) -> str:
    """``text`` without its whole-line comments (a library query's header, whose words such
    as "Settlement service providers" call nothing). A comment after code on the same line is
    kept, so the check stays on the safe side: it can only refuse more."""
    return re.sub(r"(?m)^[ \t]*#.*$", "", text)


def _may_call(text: str) -> bool:
    """Whether the text holds ``SERVICE`` or ``LOAD`` at all (escapes expanded, comment lines
    left out): without them, no call (``LOAD`` is an update, which the engine's query call
    never runs either)."""
    return re.search(r"service|load", expand_escapes(without_comment_lines(text)),
                     re.IGNORECASE) is not None


def warm_up() -> None:
    """Build rdflib's SPARQL grammar now (about 0.7 s the first time) rather than on the
    first request that needs it."""
    from rdflib.plugins.sparql import parser

    parser.parseQuery("ASK { SERVICE <http://example.org/> { ?s ?p ?o } }")


def _walk(node: object) -> Iterator[object]:
    """Every node of a pyparsing / rdflib ``CompValue`` tree, depth first."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):  # CompValue is an OrderedDict of its parts
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(list(item))


def service_targets(query_text: str) -> list[str | None]:
    """The endpoint of every ``SERVICE`` in ``query_text`` (``None`` for ``SERVICE ?var``).

    Raises :class:`RemoteQueryRefused` for an update and when the text cannot be parsed but
    contains the ``SERVICE`` keyword (see the module docstring).
    """
    if not _may_call(query_text):
        return []
    from pyparsing import ParseException
    from rdflib.plugins.sparql import parser
    from rdflib.term import URIRef

    try:
        tree = parser.parseQuery(query_text)
    except ParseException as error:
        if _parses_as_update(query_text):
            raise RemoteQueryRefused(
                "this endpoint is read-only: updates (LOAD, INSERT, DELETE, ...) are refused "
                "and change nothing") from error
        expanded = expand_escapes(without_comment_lines(query_text))
        if re.search(r"service", expanded, re.IGNORECASE):
            raise RemoteQueryRefused(
                "the query could not be checked for SERVICE calls (the SPARQL 1.1 parser "
                f"stops at line {error.lineno}, column {error.col}) and it mentions SERVICE: "
                "refused, since federated queries are not run here") from error
        return []
    except Exception as error:  # rdflib raises other errors on some malformed input
        expanded = expand_escapes(without_comment_lines(query_text))
        if re.search(r"service", expanded, re.IGNORECASE):
            raise RemoteQueryRefused(
                f"the query could not be checked for SERVICE calls ({error}): refused") from error
        return []
    targets: list[str | None] = []
    for node in _walk(tree):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            term = node.get("term")
            targets.append(str(term) if isinstance(term, URIRef) else None)
    return targets


def _parses_as_update(text: str) -> bool:
    from rdflib.plugins.sparql import parser

    try:
        parser.parseUpdate(text)
    except Exception:
        return False
    return True


def _host(iri: str) -> str:
    try:
        return (urlsplit(iri).hostname or "").lower()
    except ValueError:
        return ""


def check_no_remote(query_text: str, allowed_hosts: Iterable[str] = ()) -> None:
    """Refuse ``query_text`` if running it would fetch anything from the network.

    Parameters
    ----------
    query_text
        The query exactly as the engine will get it (prefixes included).
    allowed_hosts
        Host names (``--allow-service HOST``) whose SPARQL endpoints a ``SERVICE`` may call;
        a ``SERVICE ?variable`` is refused whatever is allowed, since its target is unknown
        until the query runs.

    Raises
    ------
    RemoteQueryRefused
        With a message that says which call was refused and how to allow it.
    """
    allowed = {host.lower() for host in allowed_hosts}
    for target in service_targets(query_text):
        if target is None:
            raise RemoteQueryRefused(
                "SERVICE with a variable endpoint is refused: the server does not call "
                "addresses decided while the query runs")
        host = _host(target)
        if host not in allowed:
            hint = (f" (allowed: {', '.join(sorted(allowed))})" if allowed
                    else ": federated queries are off; --allow-service HOST allows one host")
            raise RemoteQueryRefused(f"SERVICE <{target}> is refused{hint}")
