"""The use cases of govatlas, one function each, for the command line and for notebooks.

Each function takes plain arguments (paths, names, dates) and an optional ``store``: a
:class:`~govatlas.graph.store.GraphStore`, the path of an on-disk store, or nothing for the
default one (``$GOVATLAS_STORE`` or ``.govatlas/store``, built from the bundled data the first
time). Each returns a value: a DataFrame where the answer is a table, or a result object with
``to_frame()`` and an HTML view for Jupyter. The CLI only turns options into these calls and
renders what they return.
"""

from .analysis import WhatIf, analyze, what_if, write_analysis
from .data import LoadOutcome, annotate, build, load, repair, template, validate
from .exchange import (
    choose_query,
    export_neo4j_csv,
    export_network,
    export_rdf,
    export_to_neo4j,
    library,
    push,
    query,
    run,
    serve,
)
from .pages import MapResult, heatmap, map, report
from .results import Table, sections_frame
from .stores import open_for_reading, reading, writing
from .views import Gaps, Matrix, codes, gaps, matrix, sources, stats

__all__ = [
    "Gaps",
    "LoadOutcome",
    "MapResult",
    "Matrix",
    "Table",
    "WhatIf",
    "analyze",
    "annotate",
    "build",
    "choose_query",
    "codes",
    "export_neo4j_csv",
    "export_network",
    "export_rdf",
    "export_to_neo4j",
    "gaps",
    "heatmap",
    "library",
    "load",
    "map",
    "matrix",
    "open_for_reading",
    "push",
    "query",
    "reading",
    "repair",
    "report",
    "run",
    "sections_frame",
    "serve",
    "sources",
    "stats",
    "template",
    "validate",
    "what_if",
    "write_analysis",
    "writing",
]
