"""The SHACL shapes: data quality (SHACL core) and the eight governance gaps (SHACL-SPARQL).

Shapes are Turtle files in ``ontology/shapes/``. This module reads them for pySHACL (as rdflib
graphs) and reads the SPARQL constraints of the gap shapes into :class:`SparqlShape` objects, so
they can also run directly on the store: each constraint once for all focus nodes, rather than
once per focus node as a SHACL engine does (the remedy ``shared/PERFORMANCE.md`` names for the
engines' quadratic growth). Every gap query names its own target pattern, so running it with
``$this`` unbound gives the same rows as pre-binding it focus node by focus node.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import rdflib
from rdflib.namespace import SH

from govatlas.ontology import SHAPES_DIR
from govatlas.ontology.namespaces import GA
from govatlas.ontology.vocabulary import code_of, gap_types

SHAPES = rdflib.Namespace("https://w3id.org/govatlas/shapes#")
GAPS_DIR = SHAPES_DIR / "gaps"
DATA_QUALITY_FILE = SHAPES_DIR / "data-quality.ttl"
PREFIXES_FILE = SHAPES_DIR / "prefixes.ttl"
#: The gap codes, in the vocabulary's order (:func:`~govatlas.ontology.vocabulary.gap_types`);
#: each has its shapes file ``shapes/gaps/CODE.ttl``.
GAP_TYPES = gap_types()


def gap_files() -> list[Path]:
    """The gap shapes files, one per gap type, named after it (as pySHACL's modules follow the
    SHACL spec, these follow the OECD's Box 1)."""
    return [GAPS_DIR / f"{name}.ttl" for name in GAP_TYPES]


@cache
def shapes_graph(which: str = "all") -> rdflib.Graph:
    """The shapes as one rdflib graph: ``quality``, ``gaps`` or ``all``."""
    files = [PREFIXES_FILE]
    if which in ("quality", "all"):
        files.append(DATA_QUALITY_FILE)
    if which in ("gaps", "all"):
        files.extend(gap_files())
    graph = rdflib.Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


@dataclass(frozen=True)
class SparqlShape:
    """A SPARQL-based node shape, ready to run on a SPARQL engine."""

    iri: str
    name: str
    description: str
    gap: str | None  # gap code, e.g. "information"; None for a data-quality shape
    severity: str  # "Violation", "Warning" or "Info"
    target_class: str
    select: str
    message: str
    prefixes: dict[str, str]
    #: the class the shape looks for partners in (``gas:needsClass``) and its name in words:
    #: with no instance of it in the data, the shape cannot tell a gap from absent data
    needs_class: str | None = None
    needs_name: str = ""
    #: the link or data that would close a gap this shape finds (``gas:closedBy``)
    closed_by: str = ""

    def query(self) -> str:
        head = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in self.prefixes.items())
        return head + self.select


def _prefixes(graph: rdflib.Graph, node) -> dict[str, str]:
    found = {}
    for declaration in graph.objects(node, SH.declare):
        found[str(graph.value(declaration, SH.prefix))] = str(
            graph.value(declaration, SH.namespace))
    return found


@cache
def sparql_shapes(which: str = "all") -> tuple[SparqlShape, ...]:
    """Every SPARQL-constrained node shape of ``which`` shapes, in file order of gap types."""
    graph = shapes_graph(which)
    shapes = []
    for shape, constraint in graph.subject_objects(SH.sparql):
        gap = graph.value(shape, rdflib.URIRef(GA + "gap"))
        severity = graph.value(shape, SH.severity) or SH.Violation
        shapes.append(SparqlShape(
            iri=str(shape),
            name=str(graph.value(shape, SH.name) or shape),
            description=str(graph.value(shape, SH.description) or ""),
            gap=code_of(str(gap)) if gap else None,
            severity=code_of(str(severity)),
            target_class=str(graph.value(shape, SH.targetClass)),
            select=str(graph.value(constraint, SH.select)),
            message=str(graph.value(constraint, SH.message) or ""),
            prefixes=_prefixes(graph, graph.value(constraint, SH.prefixes)),
            needs_class=_optional_text(graph.value(shape, SHAPES.needsClass)),
            needs_name=str(graph.value(shape, SHAPES.needsName) or ""),
            closed_by=str(graph.value(shape, SHAPES.closedBy) or ""),
        ))
    order = {name: index for index, name in enumerate(GAP_TYPES)}
    return tuple(sorted(shapes, key=lambda s: (order.get(s.gap or "", -1), s.iri)))


def _optional_text(term) -> str | None:
    return str(term) if term is not None else None


def shape_gap(graph: rdflib.Graph, shape) -> str | None:
    """The gap code a (possibly nested) shape reports, or None for a data-quality shape."""
    gap = graph.value(shape, rdflib.URIRef(GA + "gap"))
    return code_of(str(gap)) if gap else None


def shape_name(graph: rdflib.Graph, shape) -> str:
    """The sh:name of a shape, or of the node shape a nested property shape belongs to."""
    name = graph.value(shape, SH.name)
    if name is None:
        parent = graph.value(None, SH.property, shape)
        if parent is not None:
            name = graph.value(parent, SH.name)
    return str(name) if name is not None else str(shape)
