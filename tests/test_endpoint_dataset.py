"""The default graph a query names itself (several ``FROM`` clauses, several
``default-graph-uri``) is the RDF merge of those graphs: each statement once, however many of
them state it (Oxigraph alone counts it once per graph)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from govatlas.graph.store import GraphStore
from govatlas.queries.library import parse_query
from govatlas.queries.runner import Dataset, run_query
from govatlas.queries.view import dataset_clauses, query_dataset, query_view

EX = "http://example.org/"
A, B, C = (ox.NamedNode(EX + name) for name in ("a", "b", "c"))


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


@pytest.fixture
def store() -> GraphStore:
    """Graph a states s p o and x next y; graph b states s p o too and y next z; c is apart."""
    made = GraphStore.in_memory()
    shared = (node("s"), node("p"), node("o"))
    made.store.extend([
        ox.Quad(*shared, A), ox.Quad(node("x"), node("next"), node("y"), A),
        ox.Quad(*shared, B), ox.Quad(node("y"), node("next"), node("z"), B),
        ox.Quad(node("c"), node("p"), node("o"), C)])
    return made


def count(store, text: str, dataset: Dataset | None = None, timeout: float | None = None) -> int:
    result = run_query(store, parse_query(text, "q"), dataset=dataset, timeout=timeout)
    return int(result.rows[0][0].value)


FROM_AB = f"SELECT (COUNT(*) AS ?n) FROM <{EX}a> FROM <{EX}b> WHERE {{ ?s ?p ?o }}"


@pytest.mark.parametrize("timeout", [None, 10.0])
def test_count_over_two_from_graphs_sharing_a_statement_counts_it_once(store, timeout):
    raw = ox.Store()
    raw.extend(store.store.quads_for_pattern(None, None, None, None))
    assert int(next(iter(raw.query(FROM_AB)))[0].value) == 4  # Oxigraph's bag
    assert count(store, FROM_AB, timeout=timeout) == 3
    assert count(store, FROM_AB.replace(f"<{EX}b>", f"<{EX}a>")) == 2  # one graph named twice
    prefixed = f"PREFIX e: <{EX}> SELECT (COUNT(*) AS ?n) FROM e:a FROM e:b WHERE {{ ?s ?p ?o }}"
    assert count(store, prefixed, timeout=timeout) == 3


def test_protocol_default_graphs_are_merged_too(store):
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(store, everything, Dataset([EX + "a", EX + "b"])) == 3
    assert count(store, everything, Dataset([EX + "a", EX + "a", EX + "c"])) == 3
    # the protocol's dataset replaces the query's clauses
    assert count(store, FROM_AB, Dataset([EX + "c"])) == 1


def test_the_merge_is_one_graph_for_paths_and_keeps_the_named_graphs(store):
    path = (f"SELECT (COUNT(*) AS ?n) FROM <{EX}a> FROM <{EX}b> "
            f"WHERE {{ <{EX}x> <{EX}next>+ <{EX}z> }}")
    assert count(store, path) == 1  # x next y in a, y next z in b: one path in the merge
    named = (f"SELECT (COUNT(*) AS ?n) FROM <{EX}a> FROM <{EX}b> FROM NAMED <{EX}c> "
             "WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert count(store, named) == 1
    # with FROM and no FROM NAMED the dataset has no named graphs (SPARQL 1.1, 13.2)
    assert count(store, FROM_AB.replace("?s ?p ?o", "GRAPH ?g { ?s ?p ?o }")) == 0


def test_without_clauses_the_store_is_queried_as_it_is(store):
    view = query_view(store)
    text = "SELECT * WHERE { ?s ?p ?o } # from a comment, FROM nothing"
    assert query_dataset(view.store, text) == (view.store, {})
    assert dataset_clauses("# FROM <x>\nSELECT * WHERE { ?s ?p 'from' }") is None
    assert query_dataset(view.store, f"SELECT * FROM <{EX}a> WHERE {{ ?s ?p ?o }}")[0] \
        is view.store
    every = "".join(f" FROM <{EX}{name}>" for name in "abc")
    target, options = query_dataset(view.store, f"SELECT * {every} WHERE {{ ?s ?p ?o }}")
    assert target is view.store and options["default_graph"] == ox.DefaultGraph()
    assert count(store, f"SELECT (COUNT(*) AS ?n) {every} WHERE {{ ?s ?p ?o }}") == 4
