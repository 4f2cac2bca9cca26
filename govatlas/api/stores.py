"""Opening the store for a use case: read where it is, or write in one place.

Read commands query the on-disk store opened read-only: nothing is copied into memory, so a
command's time and memory follow what it reads, not the size of the store (a copy of a country
of two million triples took most of the 25-70 s a library query spent from the command line).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from govatlas.graph.pipeline import build, load_ontology, repair
from govatlas.graph.store import (
    DEFAULT_STORE,
    GraphStore,
    default_store_path,
    read_refusal,
)
from govatlas.ontology.errors import StoreError

StoreLike = GraphStore | Path | str | None


def _is_default(path: Path) -> bool:
    return path.resolve() in (default_store_path().resolve(), DEFAULT_STORE.resolve())


def store_path(store: Path | str | None) -> Path:
    """The folder a store argument names (default: ``$GOVATLAS_STORE`` or ``.govatlas/store``)."""
    return Path(store) if store is not None else default_store_path()


def open_for_reading(store: Path | str | None = None) -> GraphStore:
    """The on-disk store at ``store`` (default: ``$GOVATLAS_STORE`` or ``.govatlas/store``),
    opened read-only; the caller closes it.

    The default store is built from the bundled data the first time it is needed; any other
    path that holds no store is a :class:`StoreError`, so a mistyped ``--store`` never
    silently builds a new store somewhere.
    """
    path = store_path(store)
    refusal = read_refusal(path)  # before the path: a kill mid-swap leaves no folder there
    if refusal is not None:
        raise StoreError(refusal)
    if not path.exists():
        if not _is_default(path):
            raise StoreError(f"no store at {path}: check the path, or create one there with "
                             f"`govatlas --store {path} build`")
        print(f"No store at {path}: building it from the bundled data.", file=sys.stderr)
        with GraphStore.open(path) as new:
            build(new)
    return GraphStore.open(path, read_only=True)


@contextmanager
def reading(store: StoreLike = None) -> Iterator[GraphStore]:
    """The store to read: ``store`` itself if it is one (left open), else the on-disk store
    at that path, opened read-only (see :func:`open_for_reading`) and closed afterwards."""
    if isinstance(store, GraphStore):
        yield store
        return
    opened = open_for_reading(store)
    try:
        yield opened
    finally:
        opened.close()


@contextmanager
def writing(store: StoreLike = None) -> Iterator[GraphStore]:
    """The store to write to (created if missing); a new one starts with the ontology."""
    if isinstance(store, GraphStore):
        yield store
        return
    path = store_path(store)
    opened = GraphStore.open(path)
    try:
        interrupted = repair(opened)
        if interrupted:
            print(f"The store was left half written ({interrupted} was interrupted): "
                  "repaired first.", file=sys.stderr)
        if not opened.has_ontology():
            load_ontology(opened)
        yield opened
    finally:
        opened.close()
