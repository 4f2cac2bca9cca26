"""Counts that tell what a store holds: per dataset, country, actor type, link type, instrument."""

from __future__ import annotations

from govatlas.graph.store import GraphStore
from govatlas.ontology.vocabulary import vocabulary

TOTALS = {
    "actors": "ga:Actor",
    "competence allocations": "ga:CompetenceAllocation",
    "coordination links": "ga:CoordinationLink",
    "instruments": "ga:Instrument",
    "quantities": "ga:Quantity",
    "gap evidence": "ga:GapEvidence",
    "source documents": "ga:SourceDocument",
    "territories": "ga:Territory",
}

BREAKDOWNS = {
    "country": """SELECT ?key (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ga:Actor ; ga:country ?key }
                  GROUP BY ?key ORDER BY DESC(?n) ?key""",
    "actor type": """SELECT ?key (COUNT(DISTINCT ?a) AS ?n) WHERE {
                       ?a a ga:Actor ; org:classification ?key } GROUP BY ?key
                     ORDER BY DESC(?n) ?key""",
    "link type": """SELECT ?key (COUNT(DISTINCT ?l) AS ?n) WHERE {
                      ?l a ga:CoordinationLink ; ga:linkType ?key } GROUP BY ?key
                    ORDER BY DESC(?n) ?key""",
    "instrument": """SELECT ?key (COUNT(DISTINCT ?l) AS ?n) WHERE {
                       ?i a ga:Instrument ; rdfs:label ?key .
                       OPTIONAL { ?l ga:instrument ?i } } GROUP BY ?key
                     ORDER BY DESC(?n) ?key""",
    "competence": """SELECT ?key (COUNT(DISTINCT ?a) AS ?n) WHERE {
                       ?a a ga:CompetenceAllocation ; ga:competence ?key } GROUP BY ?key
                     ORDER BY DESC(?n) ?key""",
}


def totals(store: GraphStore) -> list[tuple[str, int]]:
    rows = []
    for name, cls in TOTALS.items():
        result = store.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}")
        rows.append((name, int(result[0]["n"].value)))
    rows.append(("triples", len(store)))
    return rows


def per_dataset(store: GraphStore) -> list[tuple[str, int, int, int, int]]:
    """(dataset, actors, allocations, links, triples) for each stored dataset."""
    rows = []
    for name in store.dataset_names():
        counts = store.select(f"""
            SELECT (COUNT(DISTINCT ?actor) AS ?actors) (COUNT(DISTINCT ?alloc) AS ?allocs)
                   (COUNT(DISTINCT ?link) AS ?links)
            WHERE {{ GRAPH <https://w3id.org/govatlas/graph/dataset/{name}> {{
              {{ ?actor a ga:Actor }} UNION {{ ?alloc a ga:CompetenceAllocation }}
              UNION {{ ?link a ga:CoordinationLink }} }} }}""")[0]
        triples = sum(1 for _ in store.quads(f"https://w3id.org/govatlas/graph/dataset/{name}"))
        rows.append((name, int(counts["actors"].value), int(counts["allocs"].value),
                     int(counts["links"].value), triples))
    return rows


def breakdown(store: GraphStore, name: str) -> list[tuple[str, int]]:
    vocab = vocabulary()
    result = []
    for row in store.select(BREAKDOWNS[name]):
        key = row["key"].value
        concept = vocab.by_iri.get(key)
        result.append((concept.code if concept else key, int(row["n"].value)))
    return result
