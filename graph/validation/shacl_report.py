"""The W3C SHACL validation report of a validation: a graph any SHACL tool reads as its own.

Each finding becomes an ``sh:ValidationResult`` with what the SHACL specification requires of
one (3.6.2: ``sh:focusNode``, ``sh:resultSeverity``, ``sh:sourceConstraintComponent``,
``sh:sourceShape``) and what it gives when known (``sh:resultPath``, ``sh:value`` with its
datatype, ``sh:resultMessage``, ``sh:sourceConstraint`` for a SPARQL constraint). The source
shape is the shape that produced the result: for a property shape, that property shape, not
the node shape holding it. A blank property shape or constraint is copied into the report with
its triples, as pySHACL does, so the report says which one it is without the shapes beside it.
``sh:conforms`` is true only when there is no result at all (3.6.1), whatever the severities:
a dataset with governance gaps does not conform to the gap shapes, though it has no error.

Findings that are no engine's result name govatlas's own shape and components
(``ontology/shapes/report.ttl``, copied into the report when used): a problem of reading or of
the templates, whose focus node is the row (the file's URI with an RFC 7111 ``#row=N``
fragment) or the file, and a coverage finding, which stands for ``gas:covers`` targets.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SH, XSD
from rdflib.util import from_n3

from govatlas.loaders.tables import Record
from govatlas.ontology import SHAPES_DIR
from govatlas.ontology.namespaces import GA, GAP

from .cases import case_id
from .gaps import DETAIL_OWNER, Finding, copy_closure
from .shapes import SHAPES, shapes_graph

REPORT_TERMS_FILE = SHAPES_DIR / "report.ttl"
TEMPLATE_SHAPE = SHAPES.TemplateShape
TEMPLATE_COMPONENT = SHAPES.TemplateConstraintComponent
COVERAGE_COMPONENT = SHAPES.DataCoverageConstraintComponent


def record_iri(record: Record) -> str:
    """The IRI of a row or file a problem is about: ``file:///.../actors.csv#row=5`` (RFC 7111
    counts the header as row 1, as the record's line does), ``file:///.../book.xlsx#sheet=
    actors&row=5`` for a sheet's row, or the file's URI alone."""
    file, sheet = record.file, ""
    if file.endswith("]") and "[" in file:
        file, _, sheet = file[:-1].rpartition("[")
    uri = Path(file).resolve().as_uri()
    parts = ([f"sheet={sheet}"] if sheet else []) + ([f"row={record.line}"] if record.line
                                                     else [])
    return uri + ("#" + "&".join(parts) if parts else "")


@cache
def _report_terms() -> rdflib.Graph:
    return rdflib.Graph().parse(REPORT_TERMS_FILE, format="turtle")


def _property_shape(shapes: rdflib.Graph, finding: Finding):
    """The blank property shape of ``finding``'s node shape on its result path (the one with
    the finding's message, when the node shape has several on that path)."""
    owner = rdflib.URIRef(finding.shape)
    path = rdflib.URIRef(finding.result_path)
    candidates = [shape for shape in shapes.objects(owner, SH.property)
                  if shapes.value(shape, SH.path) == path]
    if len(candidates) > 1:
        candidates = [shape for shape in candidates
                      if str(shapes.value(shape, SH.message) or "") == finding.message]
    return candidates[0] if len(candidates) == 1 else None


def _source_shape(shapes: rdflib.Graph, finding: Finding, report: rdflib.Graph):
    if finding.shape == "template":
        return TEMPLATE_SHAPE
    if finding.source_shape:
        return rdflib.URIRef(finding.source_shape)
    if finding.result_path:
        shape = _property_shape(shapes, finding)
        if shape is not None:
            copy_closure(shapes, shape, report)
            return shape
    return rdflib.URIRef(finding.shape)


def _component(finding: Finding):
    if finding.shape == "template":
        return TEMPLATE_COMPONENT
    if finding.covers > 1 or (finding.is_gap and finding.value is None):
        return COVERAGE_COMPONENT
    return rdflib.URIRef(finding.component or SH.SPARQLConstraintComponent)


def _focus(finding: Finding):
    if finding.shape == "template":
        return rdflib.URIRef(finding.focus if ":" in finding.focus
                             else record_iri(Record.parse(finding.record)))
    return rdflib.URIRef(finding.focus)


def _value(finding: Finding):
    if finding.value_term:
        return from_n3(finding.value_term)
    if finding.value is None:
        return None
    return (rdflib.URIRef(finding.value) if finding.value.startswith(("http://", "https://"))
            else rdflib.Literal(finding.value))


def report_graph(findings: Iterable[Finding]) -> rdflib.Graph:
    """The SHACL validation report (``sh:ValidationReport``) of ``findings``."""
    findings = list(findings)
    shapes = shapes_graph("all")
    graph = rdflib.Graph()
    for prefix, namespace in (("sh", SH), ("gas", SHAPES), ("ga", GA), ("gap", GAP),
                              ("xsd", XSD)):
        graph.bind(prefix, namespace)
    report = rdflib.BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, rdflib.Literal(not findings)))
    custom = False
    for finding in findings:
        result = rdflib.BNode()
        graph.add((report, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.resultSeverity, SH[finding.severity]))
        graph.add((result, SH.focusNode, _focus(finding)))
        graph.add((result, SH.resultMessage, rdflib.Literal(finding.message)))
        component = _component(finding)
        custom |= component in (TEMPLATE_COMPONENT, COVERAGE_COMPONENT)
        graph.add((result, SH.sourceConstraintComponent, component))
        graph.add((result, SH.sourceShape, _source_shape(shapes, finding, graph)))
        if finding.result_path:
            graph.add((result, SH.resultPath, rdflib.URIRef(finding.result_path)))
        value = _value(finding)
        if value is not None and component != COVERAGE_COMPONENT:
            graph.add((result, SH.value, value))
        if component == SH.SPARQLConstraintComponent:
            constraint = shapes.value(rdflib.URIRef(finding.shape), SH.sparql)
            if constraint is not None:
                copy_closure(shapes, constraint, graph)
                graph.add((result, SH.sourceConstraint, constraint))
        if finding.details:
            _add_details(graph, result, finding.details)
        _govatlas_terms(graph, result, finding)
    if custom:
        for triple in _report_terms():
            graph.add(triple)
    return graph


def _add_details(graph: rdflib.Graph, result, details: str) -> None:
    """The results explaining ``result`` (sh:detail), their own blank nodes kept apart."""
    owner = rdflib.URIRef(DETAIL_OWNER)
    for subject, predicate, obj in rdflib.Graph().parse(data=details, format="nt"):
        graph.add((result if subject == owner else subject, predicate, obj))


def _govatlas_terms(graph: rdflib.Graph, result, finding: Finding) -> None:
    """What govatlas adds to a result: the OECD gap, the case, the column, the targets."""
    if finding.gap:
        graph.add((result, rdflib.URIRef(GA + "gap"), rdflib.URIRef(GAP + finding.gap)))
    graph.add((result, SHAPES.case, rdflib.Literal(case_id(finding))))
    if finding.shape == "template" and finding.path:
        graph.add((result, SHAPES.column, rdflib.Literal(finding.path)))
    if finding.covers > 1:
        graph.add((result, SHAPES.covers, rdflib.Literal(finding.covers)))
