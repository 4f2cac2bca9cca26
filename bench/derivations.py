"""The derivation rules one by one on a stored country: CPU seconds, rows and derived triples.

    python bench/derivations.py ONTOLOGY.nt DATASET.nt [--on-disk FOLDER] [--rules DIR]
                                [--out DERIVED.nt]

The two N-Triples files (a store's ontology and dataset graphs, ``GraphStore.dump``) are
bulk-loaded into a store (in memory, or on disk under ``FOLDER``) with the union in the
default graph, as a build leaves them; then each rule of ``ontology/derivations/`` (or of
``--rules``) is run as :meth:`GraphStore.materialize` runs it, and the CPU time of its query
and of writing its triples is printed. ``--out`` writes the derived graph as
sorted N-Triples lines, to compare two versions of the rules with ``cmp``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from govatlas.graph.store import DEFAULT, GraphStore
from govatlas.ontology import DERIVATIONS_DIR, derived_property
from govatlas.ontology.namespaces import DATASET_GRAPH, DERIVED_GRAPH, ONTOLOGY_GRAPH


def rules_from(folder: Path | None) -> list[tuple[str, str, str]]:
    """``(file stem, predicate IRI, query)`` of each rule, in the order they run."""
    folder = folder or DERIVATIONS_DIR
    return [(path.stem, derived_property(path.stem.split("-", 1)[1]),
             path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.rq"))]


def load(store: GraphStore, ontology: Path, dataset: Path) -> None:
    for path, graph in ((ontology, ONTOLOGY_GRAPH), (dataset, DATASET_GRAPH + "bench")):
        for target in (ox.NamedNode(graph), DEFAULT):
            store._bulk_load_file(path, target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ontology", type=Path)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--on-disk", type=Path)
    parser.add_argument("--rules", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    store = GraphStore.open(args.on_disk) if args.on_disk else GraphStore.in_memory()
    started = time.process_time()
    load(store, args.ontology, args.dataset)
    print(f"load: {time.process_time() - started:.1f} s CPU", flush=True)
    total = 0.0
    target = ox.NamedNode(DERIVED_GRAPH)
    for stem, predicate, query in rules_from(args.rules):
        cpu = time.process_time()
        store.materialize_rule(target, predicate, query)
        spent = time.process_time() - cpu
        total += spent
        print(f"{stem:32} {spent:7.2f} s CPU", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"rules: {total:.1f} s CPU; peak {peak:.2f} GB", flush=True)
    if args.out:
        lines = sorted(f"{q.subject} {q.predicate} {q.object} .\n"
                       for q in store.quads(DERIVED_GRAPH))
        args.out.write_text("".join(lines), encoding="utf-8")
        print(f"{len(lines)} derived triples -> {args.out}")


if __name__ == "__main__":
    sys.exit(main())
