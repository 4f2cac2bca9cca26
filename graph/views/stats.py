"""Counts that tell what a store holds: per dataset, country, actor type, link type, instrument."""

from __future__ import annotations

import pyoxigraph as ox

from govatlas.graph.store import GraphStore
from govatlas.ontology.namespaces import DATASET_GRAPH, GA
from govatlas.ontology.sparql import load_query
from govatlas.ontology.vocabulary import vocabulary

#: What :func:`totals` counts: a name -> the class whose instances it counts.
TOTALS = {
    "actors": GA + "Actor",
    "competence allocations": GA + "CompetenceAllocation",
    "coordination links": GA + "CoordinationLink",
    "instruments": GA + "Instrument",
    "quantities": GA + "Quantity",
    "gap evidence": GA + "GapEvidence",
    "source documents": GA + "SourceDocument",
    "territories": GA + "Territory",
}

#: The breakdowns :func:`breakdown` knows: a name -> the query (``queries/NAME.rq``) counting
#: by it, each row a ``?key`` and its count ``?n``, most first.
BREAKDOWNS = {
    "country": "actors-by-country",
    "actor type": "actors-by-type",
    "link type": "links-by-type",
    "instrument": "links-by-instrument",
    "competence": "allocations-by-competence",
}


def totals(store: GraphStore, quads: int | None = None) -> list[tuple[str, int]]:
    """The counts of each kind of thing, then the store's quads (``quads`` when the caller
    has counted them: counting a country's three million costs seconds)."""
    rows = []
    for name, cls in TOTALS.items():
        result = store.select(load_query(__package__, "count-instances"),
                              {"class": ox.NamedNode(cls)})
        rows.append((name, int(result[0]["n"].value)))
    rows.append(("triples", len(store) if quads is None else quads))
    return rows


def per_dataset(store: GraphStore) -> list[tuple[str, int, int, int, int]]:
    """(dataset, actors, allocations, links, triples) for each stored dataset."""
    rows = []
    for name in store.dataset_names():
        graph = DATASET_GRAPH + name
        counts = {row["class"].value[len(GA):]: int(row["n"].value) for row in store.select(
            load_query(__package__, "dataset-counts"), {"graph": ox.NamedNode(graph)})}
        triples = int(store.select(load_query(__package__, "graph-size"),
                                   {"graph": ox.NamedNode(graph)})[0]["n"].value)
        rows.append((name, counts.get("Actor", 0), counts.get("CompetenceAllocation", 0),
                     counts.get("CoordinationLink", 0), triples))
    return rows


def breakdown(store: GraphStore, name: str) -> list[tuple[str, int]]:
    vocab = vocabulary()
    result = []
    for row in store.select(load_query(__package__, BREAKDOWNS[name])):
        key = row["key"].value
        concept = vocab.by_iri.get(key)
        result.append((concept.code if concept else key, int(row["n"].value)))
    return result
