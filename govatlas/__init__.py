"""govatlas: who does what in multi-level governance, as a knowledge graph.

The public API is small: open the store, load data, query it.

>>> from govatlas import open_store            # doctest: +SKIP
>>> store = open_store()                        # the store `govatlas build` wrote
>>> store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # doctest: +SKIP
"""

from govatlas.graph.store import GraphStore, open_store

__all__ = ["GraphStore", "__version__", "open_store", "query"]
__version__ = "0.1.0"


def query(spec: str, store: GraphStore | None = None, timeout: float | None = None,
          **params: str):
    """Run a library query (or an `.rq` file) and return a pandas DataFrame, for notebooks.

    >>> import govatlas                                                  # doctest: +SKIP
    >>> govatlas.query("competence-matrix", territory="Vienna")          # doctest: +SKIP
    """
    from govatlas.queries.library import resolve_query
    from govatlas.queries.runner import run_query, to_dataframe

    chosen = resolve_query(spec)
    if store is None:
        with open_store() as stored:
            store = stored.in_memory_copy()
    return to_dataframe(run_query(store, chosen, {k: str(v) for k, v in params.items()},
                                  timeout=timeout))
