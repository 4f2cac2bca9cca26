"""Opening the store for a use case: read where it is, or write in one place.

Read commands query the on-disk store opened read-only: nothing is copied into memory, so a
command's time and memory follow what it reads, not the size of the store (a copy of a country
of two million triples took most of the 25-70 s a library query spent from the command line).

A store whose derived graph was built by other rules than today's (graph/fingerprint.py) is
read as it is, with a warning, once per store and process; a writable open derives it again.
Every write ends by finding the store's gaps and reading its whole network, and keeps both
beside it (graph/computed.py), so the read commands after it need not run the shapes or read
every actor and link again.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from govatlas.graph import fingerprint
from govatlas.graph.analysis.projection import keep_network
from govatlas.graph.pipeline import build, derive, load_ontology, repair
from govatlas.graph.store import (
    DEFAULT_STORE,
    GraphStore,
    default_store_path,
    read_refusal,
)
from govatlas.graph.validation.kept import keep
from govatlas.ontology.errors import StoreError

StoreLike = GraphStore | Path | str | None

#: the stores already warned about in this process (their resolved paths)
_WARNED: set[Path] = set()
STALE_WARNING = ("Warning: the derived graph of the store at {path} was built with other rules "
                 "than this version's ({why}), so some answers may be wrong or missing: run "
                 "`govatlas --store {path} repair` (derives it again) or `govatlas build`.")


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
            keep_computed(new)
    opened = GraphStore.open(path, read_only=True)
    warn_if_stale(opened)
    return opened


def warn_if_stale(store: GraphStore) -> bool:
    """Say on standard error, once per store in this process, that ``store``'s derived graph
    was built with other rules (:func:`govatlas.graph.fingerprint.stale`); whether it was."""
    if not fingerprint.stale(store):
        return False
    where = store.path.resolve() if store.path is not None else None
    if where is None or where not in _WARNED:
        if where is not None:
            _WARNED.add(where)
        why = ("it records none: an earlier version built it"
               if fingerprint.stored(store) is None else "its fingerprint differs")
        print(STALE_WARNING.format(path=store.path or "(in memory)", why=why), file=sys.stderr)
    return True


def derive_if_stale(store: GraphStore) -> bool:
    """Derive ``store``'s graph again if other rules built it, saying so; whether it did."""
    if not fingerprint.stale(store):
        return False
    print("The derived graph was built with other rules than this version's: deriving it "
          "again.", file=sys.stderr)
    with store.writing("deriving the graph again with this version's rules"):
        derive(store)  # a kill leaves the marker: reads refuse, the next write repairs
    return True


def keep_computed(store: GraphStore) -> None:
    """Compute what the read commands need and only a write changes, and keep it beside the
    on-disk ``store``: its gap findings (graph/validation/kept.py) and its whole network
    (:func:`~govatlas.graph.analysis.projection.keep_network`). An in-memory store keeps
    nothing."""
    keep(store)
    keep_network(store)


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
def writing(store: StoreLike = None, rederive: bool = True) -> Iterator[GraphStore]:
    """The store to write to (created if missing); a new one starts with the ontology. A store
    left half written is repaired first, and one whose derived graph other rules built is
    derived again (unless ``rederive`` is false: a build replaces it anyway). When the block
    ends, what the reads need is computed and kept (:func:`keep_computed`)."""
    if isinstance(store, GraphStore):
        yield store
        keep_computed(store)
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
        if rederive:
            derive_if_stale(opened)
        yield opened
        keep_computed(opened)  # for the reads after this write
    finally:
        opened.close()
