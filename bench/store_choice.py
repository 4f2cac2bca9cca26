"""Why the embedded store is Oxigraph: load and query times against rdflib's in-memory graph.

The bundled graph is replicated (every govatlas IRI suffixed with a copy number, vocabularies
shared) until it reaches each target size, written to Turtle, then loaded and queried by both
engines in this process. Prints one row per size and engine, and the ratio.

    python bench/store_choice.py            # 10k and 100k triples
    python bench/store_choice.py --full     # also 1M triples (about two minutes)
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

from govatlas.graph.pipeline import build
from govatlas.graph.store import GraphStore
from govatlas.ontology.namespaces import ACTOR, INSTRUMENT, STATEMENT, TERRITORY, sparql_prefixes

QUERIES = {
    "competences by level": """
        SELECT ?level (COUNT(?a) AS ?n) WHERE {
          ?a a ga:CompetenceAllocation ; ga:level ?level ; ga:holder ?h . ?h rdfs:label ?l }
        GROUP BY ?level""",
    "links per type": """
        SELECT ?type (COUNT(?l) AS ?n) WHERE { ?l a ga:CoordinationLink ; ga:linkType ?type }
        GROUP BY ?type""",
    "actors with their sources": """
        SELECT ?a ?doc ?loc WHERE { ?a a ga:Actor ; prov:qualifiedDerivation ?d .
          ?d prov:entity ?doc ; ga:locator ?loc }""",
}
DATA_PREFIXES = (ACTOR, INSTRUMENT, STATEMENT, TERRITORY)


def replicated_turtle(target: int, folder: Path) -> tuple[Path, int]:
    store = GraphStore.in_memory()
    build(store)
    base = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads()]
    triples: list[ox.Triple] = []
    copy = 0
    while len(triples) < target:
        def rename(term, copy=copy):
            if isinstance(term, ox.NamedNode) and term.value.startswith(DATA_PREFIXES):
                return ox.NamedNode(f"{term.value}-{copy}")
            return term

        triples.extend(ox.Triple(rename(t.subject), t.predicate, rename(t.object))
                       for t in base)
        copy += 1
    triples = triples[:target]
    path = folder / f"graph-{target}.ttl"
    ox.serialize(triples, output=str(path), format=ox.RdfFormat.TURTLE)
    return path, len(triples)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def run(sizes: list[int]) -> None:
    print(f"{'triples':>9} {'engine':<10} {'load s':>8} " +
          " ".join(f"{name[:22]:>24}" for name in QUERIES) + "  (seconds)")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path, count = replicated_turtle(size, Path(tmp))
            times: dict[str, list[float]] = {}
            load_ox, store = timed(lambda path=path: _oxigraph(path))
            load_rdf, graph = timed(lambda path=path: rdflib.Graph().parse(path, format="turtle"))
            times["oxigraph"] = [load_ox]
            times["rdflib"] = [load_rdf]
            for query in QUERIES.values():
                text = sparql_prefixes() + query
                times["oxigraph"].append(timed(lambda t=text, s=store: list(s.query(t)))[0])
                times["rdflib"].append(timed(lambda t=text, g=graph: list(g.query(t)))[0])
            for engine, row in times.items():
                print(f"{count:>9} {engine:<10} {row[0]:>8.3f} " +
                      " ".join(f"{value:>24.4f}" for value in row[1:]))
            ratios = [r / o if o else float("inf")
                      for r, o in zip(times["rdflib"], times["oxigraph"], strict=True)]
            print(f"{'':>9} {'ratio':<10} {ratios[0]:>7.1f}x " +
                  " ".join(f"{ratio:>23.1f}x" for ratio in ratios[1:]))
    print(f"peak memory of this process: {peak_mb():.0f} MB")


def _oxigraph(path: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also measure 1,000,000 triples")
    args = parser.parse_args()
    run([10_000, 100_000, 1_000_000] if args.full else [10_000, 100_000])


if __name__ == "__main__":
    main()
