"""Filling the store: the ontology, then datasets, each checked in full before it is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govatlas.loaders.reader import dataset_name, read_dataset
from govatlas.ontology import ontology_files
from govatlas.ontology.namespaces import DATASET_GRAPH, ONTOLOGY_GRAPH
from govatlas.ontology.vocabulary import vocabulary

from .store import GraphStore


def bundled_datasets() -> list[Path]:
    """The curated dataset folders shipped with govatlas (those holding an actors.csv)."""
    from govatlas import data

    root = Path(data.__file__).resolve().parent
    return sorted(folder for folder in root.iterdir() if (folder / "actors.csv").is_file())


@dataclass(frozen=True)
class LoadReport:
    """What one load wrote."""

    name: str
    graph: str
    quads: int
    replaced: bool


def load_ontology(store: GraphStore) -> LoadReport:
    quads: list[ox.Quad] = []
    target = ox.NamedNode(ONTOLOGY_GRAPH)
    for path in ontology_files():
        quads.extend(ox.Quad(q.subject, q.predicate, q.object, target)
                     for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    replaced = ONTOLOGY_GRAPH in store.graphs()
    store.replace_graph(ONTOLOGY_GRAPH, quads)
    return LoadReport("ontology", ONTOLOGY_GRAPH, len(quads), replaced)


def load_dataset(store: GraphStore, path: Path, name: str | None = None,
                 dry_run: bool = False, derive: bool = True) -> LoadReport:
    """Check the dataset at ``path`` and, unless ``dry_run``, store it under ``name``.

    Ids may refer to actors and instruments already stored by other datasets. The dataset's
    graph is replaced as a whole: loading the same folder twice leaves one copy. ``derive``
    recomputes the derived graph afterwards; a caller loading several datasets does it once.
    """
    name = name or dataset_name(path)
    graph = DATASET_GRAPH + name
    known = store.known_ids(exclude_graph=graph)
    quads = read_dataset(path, graph, vocabulary(), known)
    replaced = graph in store.graphs()
    if not dry_run:
        store.replace_graph(graph, quads)
        if derive:
            store.derive()
    return LoadReport(name, graph, len(quads), replaced)


def build(store: GraphStore, paths: list[Path] | None = None,
          progress: Callable[[str], None] | None = None) -> list[LoadReport]:
    """Load the ontology and every dataset (the bundled ones by default) into ``store``."""
    reports = [load_ontology(store)]
    for path in paths if paths is not None else bundled_datasets():
        if progress:
            progress(dataset_name(path))
        reports.append(load_dataset(store, path, derive=False))
    store.derive()
    store.flush()
    return reports
