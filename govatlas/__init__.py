"""govatlas: who does what in multi-level governance, as a knowledge graph.

The public API is small: open the store, load data, query it.

>>> from govatlas import open_store            # doctest: +SKIP
>>> store = open_store()                        # the store `govatlas build` wrote
>>> store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # doctest: +SKIP
"""

from govatlas.graph.store import GraphStore, open_store

__all__ = ["GraphStore", "__version__", "open_store"]
__version__ = "0.1.0"
