"""govatlas: who does what in multi-level governance, as a knowledge graph.

Everything the command line does is a function here, for notebooks and scripts (the use cases
of :mod:`govatlas.api`, re-exported):

>>> import govatlas                                                    # doctest: +SKIP
>>> govatlas.build()                      # the store, from the bundled data
>>> govatlas.query("competence-matrix", territory="Vienna")           # a DataFrame
>>> govatlas.query("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ga:Actor }")
>>> govatlas.validate(["mydata"]).to_frame()                           # every finding
>>> govatlas.matrix(["Lyon"]).to_frame()                               # the MC2CM table
>>> govatlas.gaps(country="FR")                                        # with the sources' words
>>> govatlas.analyze(territory="Lyon").classification["label"]
>>> govatlas.map(city="Lyon", output="lyon.html")

The names are loaded when first used, so ``import govatlas`` (and the command line) stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name -> the module that defines it
_EXPORTS = {
    **{name: "govatlas.api" for name in (
        "Gaps", "LoadOutcome", "MapResult", "Matrix", "Table", "WhatIf", "analyze", "annotate",
        "build",
        "codes", "export_neo4j_csv", "export_network", "export_rdf", "export_to_neo4j", "gaps",
        "heatmap", "library", "load", "map", "matrix", "push", "query", "repair", "report", "run",
        "sections_frame", "serve", "sources", "stats", "template", "validate", "what_if",
        "write_analysis")},
    "GraphStore": "govatlas.graph.store",
    "open_store": "govatlas.graph.store",
    "GovatlasError": "govatlas.ontology.errors",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'govatlas' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
