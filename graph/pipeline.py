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

from . import fingerprint
from .store import BULK_THRESHOLD, GraphStore

__all__ = ["Checked", "LoadReport", "build", "bundled_datasets", "check_dataset", "convert",
           "dataset_name", "derive", "known_ids", "load_dataset", "load_datasets",
           "load_ontology", "read_inputs", "rebuild_needed", "repair", "scratch_store",
           "spool_dataset"]


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
    size = store.materialize(DERIVED_GRAPH, derivation_rules())
    fingerprint.record(store)  # which rules built it (graph/fingerprint.py)
    return size


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
        checked = check_dataset(store, item)
        if derive_after and rebuild_needed(store, [item.graph]):
            _rebuild(store, [checked], f"the load of {path}")
            return checked.report
        _store_in_place(store, checked)
        count = checked.report.quads
    if not dry_run and derive_after:
        derive(store)
    return LoadReport(item.name, item.graph, count, replaced, path)


@dataclass(frozen=True)
class Checked:
    """A dataset checked whole and converted into its N-Triples spool file, not yet stored."""

    report: LoadReport
    spool: Path


def check_dataset(store: GraphStore, item: Input, known: KnownIds | None = None) -> Checked:
    """Check ``item`` against what ``store`` holds (and ``known``: ids of datasets checked
    before it in the same load) and convert it into its spool file; :class:`DataError` with
    every problem, the store untouched."""
    spool, count, problems = spool_dataset(store, item, known)
    if problems:
        spool.unlink()
        raise DataError(problems)
    replaced = item.graph in store.graphs()
    return Checked(LoadReport(item.name, item.graph, count, replaced, item.path), spool)


def _store_in_place(store: GraphStore, checked: Checked) -> None:
    """Write a checked dataset into ``store`` itself (a new graph, or a small one replaced)."""
    graph, spool = checked.report.graph, checked.spool
    if checked.report.quads < BULK_THRESHOLD:  # small: one transaction, no bulk loader start-up
        target = ox.NamedNode(graph)
        store.replace_graph(graph, [
            ox.Quad(t.subject, t.predicate, t.object, target)
            for t in ox.parse(path=str(spool), format=ox.RdfFormat.N_TRIPLES)])
        spool.unlink()
    else:
        store.note_replacing(graph, spool)
        store.replace_from_spool(graph, spool, also_drop=[DERIVED_GRAPH])


def rebuild_needed(store: GraphStore, graphs: Iterable[str]) -> bool:
    """Whether storing ``graphs`` deletes enough (the old graphs and the derived graph, which
    every load recomputes) that a fresh store beside this one is cheaper than deleting in
    place: Oxigraph deletes triple by triple in a transaction, about twice the CPU of
    bulk-loading the same triples, and holds the transaction in memory."""
    if store.path is None:
        return False
    return any(store.holds_at_least(graph, BULK_THRESHOLD)
               for graph in [*graphs, DERIVED_GRAPH])


def _rebuild(store: GraphStore, checked: list[Checked], what: str) -> None:
    """Store ``checked`` by rebuilding the store beside itself with the bulk loader: the
    other graphs copied over, the checked files loaded, the derived graph recomputed, then
    swapped in (see :meth:`GraphStore.rebuilding`: a kill leaves the old or the new store)."""
    replace = {entry.report.graph: entry.spool for entry in checked}
    with store.rebuilding(what, replace, drop=[DERIVED_GRAPH]) as fresh:
        derive(fresh)


def spool_dataset(store: GraphStore, item: Input, known: KnownIds | None = None,
                  ) -> tuple[Path, int, list[Problem]]:
    """Convert ``item`` into an N-Triples file beside the on-disk store, batch by batch:
    the file, the number of statements written, and every problem found.

    Nothing is written to the store here: the dataset is checked whole (every problem in
    one run) while memory holds one batch of quads and the ids, never the dataset's quads
    (a list of them took about 110 times the CSV's size) nor its rows (read from the file
    again for each pass). The bulk loader then reads the file, in Oxigraph, without a
    transaction. ``known`` adds ids the store does not hold yet, and receives this
    dataset's own.
    """
    spool = store.spool_path(item.graph)
    count = 0
    with spool.open("wb") as handle:
        def sink(lines: list[str]) -> None:
            nonlocal count
            count += len(lines)
            handle.write("".join(lines).encode("utf-8"))

        if item.quads is not None:
            ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in item.quads),
                         output=handle, format=ox.RdfFormat.N_TRIPLES)
            return spool, len(item.quads), []
        ids = known_ids(store, exclude_graph=item.graph)
        if known is not None:
            ids.update(known)
        converter = DatasetConverter(item.name, item.graph, vocabulary(), ids, sink=sink)
        _, problems = converter.convert_collecting(item.tables or {})
        if known is not None:
            known.update(converter.declared())
    return spool, count, problems


def load_datasets(store: GraphStore, paths: Iterable[Path], name: str | None = None,
                  dry_run: bool = False, progress: Callable[[str], None] | None = None,
                  ) -> tuple[list[LoadReport], list[DataError]]:
    """Load each of ``paths`` on its own: one with problems is left out, the others are
    stored. The derived graph is recomputed once, if anything was written.

    When the load would delete a large graph (a dataset replaced, or the derived graph of a
    large store), every dataset is checked first and the store is rebuilt beside itself
    with them (:func:`rebuild_needed`); else each is written in place as it is checked."""
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
    what = f"the load of {', '.join(str(path) for path in paths)}"
    graphs = [DATASET_GRAPH + (name or dataset_name(path)) for path in paths]
    if rebuild_needed(store, graphs):
        checked: list[Checked] = []
        known = KnownIds()
        for path in paths:
            if progress:
                progress(dataset_name(path))
            try:
                checked.append(check_dataset(store, read_input(path, name), known))
            except DataError as error:
                failures.append(error)
        if checked:
            _rebuild(store, checked, what)
        return [entry.report for entry in checked], failures
    new = set(graphs) - set(store.graphs())
    with store.writing(what, new):
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
    interrupted = store.interrupted()
    what = store.repair(derivation_rules(), DERIVED_GRAPH)
    if interrupted is not None:  # derived again, by today's rules
        fingerprint.record(store)
    return what


def build(store: GraphStore, paths: list[Path] | None = None,
          progress: Callable[[str], None] | None = None) -> list[LoadReport]:
    """Empty ``store``, then load the ontology and every dataset (the bundled ones by
    default); :class:`DataError` with every dataset's problems if any has one.

    An on-disk store that holds a large graph is built afresh beside itself and swapped in (see
    :meth:`GraphStore.rebuilding`): emptying it in place deletes triple by triple, and a
    failed or killed build then leaves the old store as it was."""
    paths = paths if paths is not None else bundled_datasets()
    if store.path is not None and any(store.holds_at_least(graph, BULK_THRESHOLD)
                                      for graph in store.graphs()):
        with store.rebuilding("a build", replace={}, drop=store.graphs()) as fresh:
            return _build_empty(fresh, paths, progress)
    with store.writing("a build", new_graphs=[]):
        store.clear()
    return _build_empty(store, paths, progress)


def _build_empty(store: GraphStore, paths: list[Path],
                 progress: Callable[[str], None] | None) -> list[LoadReport]:
    with store.writing("a build", new_graphs=[]):
        reports = [load_ontology(store)]
    loaded, failures = load_datasets(store, paths, progress=progress)
    if failures:
        raise DataError([problem for failure in failures for problem in failure.problems])
    if not loaded:
        derive(store)
    return reports + loaded


def read_inputs(paths: list[Path]) -> tuple[list[Input], list[Problem], list[Problem]]:
    """Every input of ``paths`` that can be read, RDF first (so that the tables of one input
    may refer to ids another defines), with the problems that stopped an input from being
    read and those of the rows and files of the inputs read: checking goes on past both."""
    unreadable: list[Problem] = []
    problems: list[Problem] = []
    inputs: list[Input] = []
    for path in paths:
        try:
            inputs.append(read_input(path, problems=problems))
        except DataError as error:
            unreadable.extend(error.problems)
    return sorted(inputs, key=lambda item: not item.is_rdf), unreadable, problems


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
    inputs, unreadable, problems = read_inputs(paths)
    for item in inputs:
        quads, found = convert(store, item)
        store.replace_graph(item.graph, quads)
        problems.extend(found)
    derive(store)
    return store, unreadable, problems, inputs
