"""Loading: the CSV templates into a store, and a Turtle file, against rdflib."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.harness import GOVATLAS, Clock, Engine, Job, Outcome

from .data import Prepared


def load_csv_govatlas(clock: Clock, prepared: Prepared) -> Outcome:
    """What `govatlas load` does: the ontology, the CSV folder, the derived graph, on disk."""
    from govatlas.graph.pipeline import load_dataset, load_ontology
    from govatlas.graph.store import GraphStore

    with tempfile.TemporaryDirectory() as folder, clock:
        store = GraphStore.open(Path(folder) / "store")
        load_ontology(store)
        report = load_dataset(store, prepared.folder)
        size = len(store)
        store.close()
    return Outcome(note=f"{report.quads:,} dataset quads, {size:,} in the store (on disk, "
                        "with the derived graph)")


class RdflibTerms:
    """pyoxigraph terms to rdflib terms, each distinct term converted once.

    The fair way to put the converter's quads into rdflib: an rdflib-native converter would
    build rdflib terms where govatlas builds pyoxigraph ones, and a cached conversion costs
    about that. Serialising to N-Quads and parsing them back would add rdflib's (slow) parser
    to the baseline, which the baseline's own converter would not run.
    """

    def __init__(self) -> None:
        import rdflib

        self.rdflib = rdflib
        self.cache: dict[Any, Any] = {}

    def __call__(self, term: Any) -> Any:
        converted = self.cache.get(term)
        if converted is None:
            converted = self.cache[term] = self._convert(term)
        return converted

    def _convert(self, term: Any) -> Any:
        import pyoxigraph as ox

        rdflib = self.rdflib
        if isinstance(term, ox.NamedNode):
            return rdflib.URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return rdflib.BNode(term.value)
        datatype = term.datatype.value
        if term.language or datatype == str(rdflib.XSD.string):
            return rdflib.Literal(term.value, lang=term.language)  # as rdflib parses them
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))


def load_csv_rdflib(clock: Clock, prepared: Prepared) -> Outcome:
    """The same CSV conversion (and ontology) into an in-memory ``rdflib.Dataset``."""
    import rdflib

    from govatlas.loaders.dataset import DatasetConverter
    from govatlas.loaders.reader import read_input
    from govatlas.ontology import ontology_files
    from govatlas.ontology.namespaces import ONTOLOGY_GRAPH
    from govatlas.ontology.vocabulary import vocabulary

    with clock:
        dataset = rdflib.Dataset()
        ontology = dataset.graph(rdflib.URIRef(ONTOLOGY_GRAPH))
        for path in ontology_files():
            ontology.parse(str(path), format="turtle")
        item = read_input(prepared.folder)
        quads = DatasetConverter(item.name, item.graph, vocabulary()).convert(item.tables or {})
        target = dataset.graph(rdflib.URIRef(item.graph))
        term = RdflibTerms()
        dataset.addN((term(q.subject), term(q.predicate), term(q.object), target)
                     for q in quads)
    return Outcome(note=f"{len(quads):,} dataset quads, {len(ontology) + len(target):,} "
                        "triples in the Dataset (no derived graph)")


def load_turtle_oxigraph(clock: Clock, prepared: Prepared) -> Outcome:
    import pyoxigraph as ox

    with clock:
        store = ox.Store()
        store.load(path=str(prepared.turtle), format=ox.RdfFormat.TURTLE)
    return Outcome(note=f"{len(store):,} triples, in memory")


def load_turtle_rdflib(clock: Clock, prepared: Prepared) -> Outcome:
    import rdflib

    with clock:
        graph = rdflib.Graph().parse(str(prepared.turtle), format="turtle")
    return Outcome(note=f"{len(graph):,} triples, in memory")


LOAD_CSV = Job("load CSV templates", (
    Engine(GOVATLAS, load_csv_govatlas),
    Engine("rdflib Dataset", load_csv_rdflib, baseline=True)),
    description=(
        "govatlas: `GraphStore.open` + `load_ontology` + `load_dataset` (derived "
        "graph, flush) into a fresh on-disk store. Baseline: the ontology parsed by "
        "rdflib and the same CSV conversion (`read_input`, `DatasetConverter.convert`) "
        "added to an in-memory `rdflib.Dataset`, terms converted once each (no derived "
        "graph)."))
LOAD_TURTLE = Job("load Turtle", (
    Engine(GOVATLAS, load_turtle_oxigraph),
    Engine("rdflib", load_turtle_rdflib, baseline=True)),
    description=(
        "The dataset graph dumped to Turtle once; govatlas: "
        "`pyoxigraph.Store.load` into a fresh in-memory store; baseline: "
        "`rdflib.Graph().parse`."))
