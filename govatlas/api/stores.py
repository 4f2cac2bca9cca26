"""Opening the store a use case reads.

A minimal version for the page use cases (:mod:`govatlas.api.pages`); the api's own module of
the same name replaces it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from govatlas.graph.store import GraphStore

__all__ = ["reading"]


@contextmanager
def reading(store_path: Path | None = None) -> Iterator[GraphStore]:
    """The store at ``store_path`` (default: ``$GOVATLAS_STORE`` or ``.govatlas/store``),
    opened read-only where it is (nothing is copied), closed on leaving the block."""
    store = GraphStore.open(store_path, read_only=True)
    try:
        yield store
    finally:
        store.close()
