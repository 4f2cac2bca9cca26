"""The data of one size: a synthetic country (``bench/generate.py``) and the files every job
at that size reads, written once, and the stores and graphs the jobs build from them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import Clock, Outcome


@dataclass(frozen=True)
class Prepared:
    """The files of one synthetic country, written once and read by every job at that size."""

    size: int
    folder: Path  # the CSV templates
    defects: Path  # Turtle of data-quality defects (absent if the generator writes none)
    nquads: Path  # the loaded store: ontology, dataset(s) and derived graph
    ntriples: Path  # the union of those graphs, what GraphStore.to_rdflib() hands over
    turtle: Path  # the dataset graph alone
    actors: int

    @classmethod
    def at(cls, root: Path, size: int) -> Prepared:
        """About ``size`` triples (the generator's own triples-per-actor)."""
        from bench.generate import TRIPLES_PER_ACTOR

        return cls.of_actors(root / f"size-{size}", max(10, size // TRIPLES_PER_ACTOR), size)

    @classmethod
    def of_actors(cls, base: Path, actors: int, size: int | None = None) -> Prepared:
        from bench.generate import TRIPLES_PER_ACTOR

        return cls(size or actors * TRIPLES_PER_ACTOR, base / "country", base / "defects.ttl",
                   base / "store.nq", base / "union.nt", base / "dataset.ttl", actors)


def prepare(clock: Clock, prepared: Prepared, complete: bool) -> Outcome:
    """Generate the country and write the files the jobs read (not a measurement): with
    ``complete``, its defects and every dump; the map's country needs only the N-Quads."""
    import pyoxigraph as ox

    from bench import generate
    from govatlas.graph.pipeline import derive, load_dataset, load_ontology
    from govatlas.graph.store import GraphStore
    from govatlas.loaders.reader import dataset_name
    from govatlas.ontology.namespaces import DATASET_GRAPH

    with clock:
        country = generate.generate(prepared.actors)
        generate.write(country, prepared.folder)
        inputs = [prepared.folder]
        if complete and hasattr(generate, "write_defects"):
            inputs.append(generate.write_defects(country, prepared.defects))
        store = GraphStore.in_memory()
        load_ontology(store)
        for path in inputs:
            load_dataset(store, path, derive_after=False)
        derive(store)
        store.dump(prepared.nquads)
        if complete:
            store.dump(prepared.ntriples, ox.RdfFormat.N_TRIPLES)
            store.dump(prepared.turtle, ox.RdfFormat.TURTLE,
                       graph=DATASET_GRAPH + dataset_name(prepared.folder))
    defects = " and a defects file" if len(inputs) > 1 else ""
    return Outcome(note=f"{len(country.actors):,} actors{defects}", compare=len(store))


def memory_store(prepared: Prepared) -> Any:
    """The loaded store, in memory, as the govatlas commands use it (``in_memory_copy``)."""
    import pyoxigraph as ox

    from govatlas.graph.store import GraphStore

    store = ox.Store()
    store.bulk_load(path=str(prepared.nquads), format=ox.RdfFormat.N_QUADS)
    return GraphStore(store)


def rdflib_graph(prepared: Prepared) -> Any:
    """The union of the store's graphs in rdflib's own memory: ``to_rdflib(oxigraph=False)``
    serialises each graph to N-Triples and parses it; here the N-Triples come from a file, so
    the baseline's process never holds an Oxigraph store besides."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(str(prepared.ntriples), format="nt")
    return graph


def rdflib_dataset(prepared: Prepared) -> Any:
    """The store's named graphs in an ``rdflib.Dataset`` whose default graph is their union:
    what Oxigraph queries (``use_default_graph_as_union``). A plain Graph would not do: a
    library query that asks ``GRAPH ?g`` fails on it."""
    import rdflib

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(str(prepared.nquads), format="nquads")
    return dataset
