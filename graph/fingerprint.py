"""Which rules built a store's derived graph: a fingerprint of the ontology and the derivation
rules, recorded in the derived graph when it is written and compared when the store is read.

Why: the derived graph is computed once, at load time, from the ontology's rules
(``ontology/derivations/*.rq``). A store built before a rule changed keeps the old graph and
answers silently wrong: a store built before ``ga:nameKey`` existed finds nobody in
``actor-links``. The fingerprint is a SHA-256 of everything the derived graph depends on
besides the data (the ontology's files, the rules' texts with the property each derives, and
the SPARQL prefixes they are read with), stored as one triple of the derived graph about the
graph itself::

    <https://w3id.org/govatlas/graph/derived> owl:versionInfo "govatlas-rules sha256:..."

A reader compares it with today's (one index lookup); a writer derives again when it differs.
The triple is written after the rules' own triples, so the count of derived triples the
pipeline reports is the rules' alone.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import pyoxigraph as ox

from govatlas.ontology import derivation_rules, ontology_files
from govatlas.ontology.namespaces import DERIVED_GRAPH, sparql_prefixes

from .store import GraphStore

__all__ = ["PREFIX", "current", "record", "stale", "stored"]

#: what the literal starts with, so that a reader of the graph knows what the value is
PREFIX = "govatlas-rules sha256:"
_GRAPH = ox.NamedNode(DERIVED_GRAPH)
_VERSION = ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo")


@lru_cache(maxsize=1)
def current() -> str:
    """Today's fingerprint: a hash of the ontology files, the derivation rules (each with the
    property it derives) and the SPARQL prefixes, in a fixed order."""
    digest = hashlib.sha256()
    for path in ontology_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for predicate, query in derivation_rules():
        digest.update(predicate.encode() + b"\0" + query.encode() + b"\0")
    digest.update(sparql_prefixes().encode())
    return PREFIX + digest.hexdigest()


def stored(store: GraphStore) -> str | None:
    """The fingerprint recorded in ``store``'s derived graph, or None if there is none (a store
    built before fingerprints were recorded, or whose derived graph was never written)."""
    for quad in store.store.quads_for_pattern(_GRAPH, _VERSION, None, _GRAPH):
        if isinstance(quad.object, ox.Literal) and quad.object.value.startswith(PREFIX):
            return quad.object.value
    return None


def record(store: GraphStore) -> None:
    """Record today's fingerprint in ``store``'s derived graph (and its union), right after
    the rules have written it: the graph is then new, so it holds no older fingerprint."""
    store.add_quads([ox.Quad(_GRAPH, _VERSION, ox.Literal(current()), _GRAPH)])


def stale(store: GraphStore) -> bool:
    """Whether ``store`` holds data whose derived graph was not built by today's rules (its
    fingerprint differs, or is missing). A store with no dataset (the ontology alone, or
    nothing) has nothing derived to be stale."""
    if not store.dataset_names():
        return False
    return stored(store) != current()
