"""The load pipeline: read → check → convert → replace the dataset's graph → derive.

Every way data enters a store goes through here: ``govatlas build`` (a fresh store from the
bundled or given datasets), ``govatlas load`` (datasets added to or replacing those stored) and
``govatlas validate`` (a scratch store, never the user's). Each dataset is checked in full
before anything of it is written, and the derived graph is recomputed once, after the last
dataset, from the ontology's rules (:func:`govatlas.ontology.derivation_rules`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govatlas.loaders.dataset import DatasetConverter, KnownIds
from govatlas.loaders.errors import DataError, Problem
from govatlas.loaders.reader import Input, dataset_name, read_input
from govatlas.ontology import derivation_rules, ontology_files
from govatlas.ontology.namespaces import (
    ACTOR,
    DATASET_GRAPH,
    DERIVED_GRAPH,
    INSTRUMENT,
    ONTOLOGY_GRAPH,
    STATEMENT,
)
from govatlas.ontology.sparql import load_query
from govatlas.ontology.vocabulary import vocabulary

from .store import BULK_THRESHOLD, GraphStore

__all__ = ["LoadReport", "build", "bundled_datasets", "convert", "dataset_name", "derive",
           "known_ids", "load_dataset", "load_datasets", "load_ontology", "repair",
           "scratch_store", "spool_dataset"]


def bundled_datasets() -> list[Path]:
    """The curated dataset folders shipped with govatlas (those holding an actors.csv)."""
    from govatlas import data

    root = Path(data.__file__).resolve().parent
    return sorted(folder for folder in root.iterdir() if (folder / "actors.csv").is_file())


@dataclass(frozen=True)
class LoadReport:
    """What one load wrote (or, for a dry run, would write)."""

    name: str
    graph: str
    quads: int
    replaced: bool
    path: Path | None = None


def load_ontology(store: GraphStore) -> LoadReport:
    """Put the ontology and its vocabularies in their own graph, replacing an older copy."""
    quads: list[ox.Quad] = []
    target = ox.NamedNode(ONTOLOGY_GRAPH)
    for path in ontology_files():
        quads.extend(ox.Quad(q.subject, q.predicate, q.object, target)
                     for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    replaced = ONTOLOGY_GRAPH in store.graphs()
    store.replace_graph(ONTOLOGY_GRAPH, quads)
    return LoadReport("ontology", ONTOLOGY_GRAPH, len(quads), replaced)


def known_ids(store: GraphStore, exclude_graph: str | None = None) -> KnownIds:
    """The actors, instruments and link ids stored outside ``exclude_graph``: a dataset may
    refer to them without defining them."""
    known = KnownIds()
    rows = [row for row in store.select(load_query("govatlas.graph", "known-ids"))
            if row["g"].value != exclude_graph]
    for row in rows:
        iri = row["thing"].value
        if iri.startswith(ACTOR):
            known.actors[iri[len(ACTOR):]] = row["type"].value
        elif iri.startswith(INSTRUMENT):
            known.instruments.add(iri[len(INSTRUMENT):])
        elif iri.startswith(STATEMENT + "link/"):
            known.links.add(iri[len(STATEMENT + "link/"):])
    return known


def convert(store: GraphStore, item: Input) -> tuple[list[ox.Quad], list[Problem]]:
    """The quads of ``item`` and the problems of its rows that could not be converted.

    RDF input is already quads; tables are checked against the vocabularies and the ids
    stored by other datasets.
    """
    if item.quads is not None:
        return item.quads, []
    converter = DatasetConverter(item.name, item.graph, vocabulary(),
                                 known_ids(store, exclude_graph=item.graph))
    return converter.convert_collecting(item.tables or {})


def derive(store: GraphStore) -> int:
    """Recompute the derived graph from the ontology's rules; returns its size in triples.

    Derived once after loading rather than by a property path in every rule: a path with an
    open end is the costliest pattern a SPARQL engine evaluates, and the gap shapes ask it for
    every focus node.
    """
    return store.materialize(DERIVED_GRAPH, derivation_rules())


def load_dataset(store: GraphStore, path: Path, name: str | None = None,
                 dry_run: bool = False, derive_after: bool = True) -> LoadReport:
    """Check the dataset at ``path`` and, unless ``dry_run``, store it under ``name``.

    The dataset's graph is replaced as a whole, so loading the same folder twice leaves one
    copy; :class:`DataError` names every problem and leaves the store as it was.
    ``derive_after`` recomputes the derived graph; a caller loading several datasets does it
    once, at the end.
    """
    item = read_input(path, name)
    replaced = item.graph in store.graphs()
    if dry_run or store.path is None:
        quads, problems = convert(store, item)
        if problems:
            raise DataError(problems)
        if not dry_run:
            store.replace_graph(item.graph, quads)
        count = len(quads)
    else:
        spool, count, problems = spool_dataset(store, item)
        if problems:
            spool.unlink()
            raise DataError(problems)
        if count < BULK_THRESHOLD:  # small: one transaction, no bulk loader start-up
            target = ox.NamedNode(item.graph)
            store.replace_graph(item.graph, [
                ox.Quad(t.subject, t.predicate, t.object, target)
                for t in ox.parse(path=str(spool), format=ox.RdfFormat.N_TRIPLES)])
            spool.unlink()
        else:
            store.note_replacing(item.graph, spool)
            store.replace_from_spool(item.graph, spool, also_drop=[DERIVED_GRAPH])
    if not dry_run and derive_after:
        derive(store)
    return LoadReport(item.name, item.graph, count, replaced, path)


def spool_dataset(store: GraphStore, item: Input) -> tuple[Path, int, list[Problem]]:
    """Convert ``item`` into an N-Triples file beside the on-disk store, batch by batch:
    the file, the number of statements written, and every problem found.

    Nothing is written to the store here: the dataset is checked whole (every problem in
    one run) while memory holds one batch of quads, the rows and the ids, never the
    dataset's quads (a list of them took about 110 times the CSV's size). The bulk loader
    then reads the file, in Oxigraph, without a transaction.
    """
    spool = store.spool_path(item.graph)
    count = 0
    with spool.open("wb") as handle:
        def sink(batch: list[ox.Quad]) -> None:
            nonlocal count
            count += len(batch)
            # quads in the default graph serialise as N-Triples lines
            ox.serialize(batch, output=handle, format=ox.RdfFormat.N_QUADS)

        if item.quads is not None:
            sink([ox.Quad(q.subject, q.predicate, q.object) for q in item.quads])
            return spool, count, []
        converter = DatasetConverter(item.name, item.graph, vocabulary(),
                                     known_ids(store, exclude_graph=item.graph), sink=sink)
        _, problems = converter.convert_collecting(item.tables or {})
    return spool, count, problems


def load_datasets(store: GraphStore, paths: Iterable[Path], name: str | None = None,
                  dry_run: bool = False, progress: Callable[[str], None] | None = None,
                  ) -> tuple[list[LoadReport], list[DataError]]:
    """Load each of ``paths`` on its own: one with problems is left out, the others are
    stored. The derived graph is recomputed once, if anything was written."""
    reports: list[LoadReport] = []
    failures: list[DataError] = []
    paths = list(paths)
    if dry_run:
        for path in paths:
            try:
                reports.append(load_dataset(store, path, name, True, derive_after=False))
            except DataError as error:
                failures.append(error)
        return reports, failures
    stored = set(store.graphs())
    new = {DATASET_GRAPH + (name or dataset_name(path)) for path in paths} - stored
    with store.writing(f"the load of {', '.join(str(path) for path in paths)}", new):
        for path in paths:
            if progress:
                progress(dataset_name(path))
            try:
                reports.append(load_dataset(store, path, name, derive_after=False))
            except DataError as error:
                failures.append(error)
        if reports:
            derive(store)
    return reports, failures


def repair(store: GraphStore) -> str | None:
    """Repair a store a killed load left half written (see :meth:`GraphStore.writing`):
    the graphs it was creating are removed, the union and the derived graph rebuilt. Returns
    what was interrupted, or None if nothing was."""
    return store.repair(derivation_rules(), DERIVED_GRAPH)


def build(store: GraphStore, paths: list[Path] | None = None,
          progress: Callable[[str], None] | None = None) -> list[LoadReport]:
    """Empty ``store``, then load the ontology and every dataset (the bundled ones by
    default); :class:`DataError` with every dataset's problems if any has one."""
    with store.writing("a build", new_graphs=[]):
        store.clear()
        reports = [load_ontology(store)]
    loaded, failures = load_datasets(
        store, paths if paths is not None else bundled_datasets(), progress=progress)
    if failures:
        raise DataError([problem for failure in failures for problem in failure.problems])
    if not loaded:
        derive(store)
    return reports + loaded


def scratch_store(paths: list[Path], base: GraphStore | None = None,
                  ) -> tuple[GraphStore, list[Problem], list[Problem], list[Input]]:
    """An in-memory store with the ontology and every input that can be read, for checking;
    with ``base`` (a scratch copy of a stored graph), that store, each input replacing its own
    dataset's graph in it.

    Returns the store, the problems that stopped an input from being read, the problems of
    the rows and files of the inputs read (reading goes on past them), and the inputs read.
    RDF inputs are stored first, so the tables of one input may refer to ids another defines.
    """
    store = base if base is not None else GraphStore.in_memory()
    if base is None:
        load_ontology(store)
    unreadable: list[Problem] = []
    inputs: list[Input] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            inputs.append(read_input(path, problems=problems))
        except DataError as error:
            unreadable.extend(error.problems)
    for item in sorted(inputs, key=lambda item: not item.is_rdf):
        quads, found = convert(store, item)
        store.replace_graph(item.graph, quads)
        problems.extend(found)
    derive(store)
    return store, unreadable, problems, inputs
