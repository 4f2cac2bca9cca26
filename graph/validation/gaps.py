"""Validation: data-quality errors and governance gaps, found by SHACL, described for people.

Two engines give the same findings:

- ``pyshacl``, the reference SHACL engine, runs every shape on an rdflib copy of the graph;
- ``store``, the fast path: the data-quality shapes (SHACL core) run on pyshacl-turbo, a Rust
  engine that reads the Oxigraph store in place, and each gap shape's SPARQL constraint runs
  once on the store for all focus nodes at a time (see
  :mod:`govatlas.graph.validation.shapes`), which is
  what makes `govatlas gaps` and `govatlas validate` fast on a whole country.

Each finding is then described with what a person needs to act on it: the actor concerned, the
gap type, the message, and the data file and row (or source document and lines) it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from govatlas.graph.store import GraphStore
from govatlas.ontology.namespaces import GA, ONTOLOGY_GRAPH
from govatlas.ontology.sparql import load_query, with_values
from govatlas.ontology.vocabulary import code_of, vocabulary

from .coverage import fold_absent_data
from .shapes import SparqlShape, shape_gap, shape_name, shapes_graph, sparql_shapes

SEVERITIES = ("Violation", "Warning", "Info")
DETAIL_OWNER = "urn:govatlas:result"


@dataclass(frozen=True)
class Finding:
    """One validation result, in the words and places a person can act on."""

    severity: str
    gap: str | None
    shape: str
    shape_name: str
    focus: str
    message: str
    value: str | None = None
    path: str | None = None
    focus_label: str = ""
    actor: str | None = None
    actor_label: str = ""
    record: str = ""
    source: str = ""
    locator: str = ""
    country: str = ""
    territory: str = ""
    evidence: tuple[str, ...] = ()
    level: str = ""  #: the level code of the allocation or actor concerned (``local``, ...)
    #: how many targets the finding stands for: 1, or for a coverage finding (the data records
    #: no actor of the kind the shape needs) every target that could not be checked
    covers: int = 1
    #: the SHACL result's own terms, for the standard report: the constraint component, the
    #: shape that produced it when it is named (a blank property shape is found again from
    #: ``shape`` and ``result_path``), the value in N-Triples (its datatype kept) and the IRI of
    #: sh:resultPath
    component: str = ""
    source_shape: str = ""
    value_term: str = ""
    result_path: str = ""
    #: the results that explain this one (``sh:detail``, e.g. why a code fails its scheme), as
    #: N-Triples whose subject :data:`DETAIL_OWNER` stands for this result
    details: str = ""
    #: against a stored graph: "opened" (the new data makes this gap), "closed" (it ends it)
    change: str = ""

    @property
    def is_gap(self) -> bool:
        return self.gap is not None

    def key(self) -> tuple:
        """What makes two findings the same, whichever engine found them."""
        return (self.shape, self.focus, self.value or "", self.path or "")


# --- the store engine ------------------------------------------------------------------------

def _term_text(term) -> str:
    if term is None:
        return ""
    return term.value


def _fill(template: str, row: dict[str, object]) -> str:
    def value(match: re.Match) -> str:
        return _term_text(row.get(match[1]))

    return re.sub(r"\{[?$](\w+)\}", value, template)


def run_store_shapes(store: GraphStore, shapes: Iterable[SparqlShape]) -> list[Finding]:
    """Run SPARQL shapes on the store, each once for all focus nodes."""
    findings = []
    for shape in shapes:
        results = store.store.query(shape.query(), **store.query_options())
        names = [variable.value for variable in results.variables]
        for solution in results:
            row = dict(zip(names, solution, strict=True))  # values in the variables' order
            focus = row.get("this")
            if focus is None:
                continue
            # SHACL: a node shape's result whose query binds no ?value has the focus as value
            value = row.get("value") or focus
            findings.append(Finding(
                severity=shape.severity, gap=shape.gap, shape=shape.iri,
                shape_name=shape.name, focus=focus.value,
                message=_fill(shape.message, row), value=value.value,
                component=str(SH.SPARQLConstraintComponent), source_shape=shape.iri,
                value_term=str(value)))
    return findings


# --- the SHACL engines ------------------------------------------------------------------------

def run_pyshacl(data: rdflib.Graph, which: str = "all") -> list[Finding]:
    """Run the shapes of ``which`` (quality, gaps, all) with pySHACL on ``data``: the reference.

    ``data`` must hold the ontology and vocabularies as well as the dataset: shapes check codes
    against their schemes. It is validated in place (no inference, so nothing is added): an
    Oxigraph-backed graph (:meth:`GraphStore.to_rdflib`) keeps Oxigraph's query speed, which
    pySHACL's own copy into rdflib's memory store would lose.
    """
    import pyshacl

    return _run_engine(pyshacl.validate, data, which)


def run_turbo(store: GraphStore, which: str = "quality") -> list[Finding]:
    """Run the shapes of ``which`` with pyshacl-turbo, a Rust SHACL engine, on the store itself.

    It reads the Oxigraph store directly (no copy) and gives pySHACL's results, 7-10 times
    faster on the data-quality shapes. It runs a SPARQL constraint once per focus node, as
    pySHACL does, so the gap shapes go to :func:`run_store_shapes` instead.
    """
    import pyshacl_turbo

    return _run_engine(pyshacl_turbo.validate, store.store, which)


def _run_engine(validate, data, which: str) -> list[Finding]:
    shapes = shapes_graph(which)
    _conforms, report, text = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
        allow_infos=True, inplace=True)
    if not isinstance(report, rdflib.Graph):
        raise RuntimeError(f"the SHACL engine could not run the shapes: {text}")
    return _report_findings(report, shapes)


def _report_findings(report: rdflib.Graph, shapes: rdflib.Graph) -> list[Finding]:
    findings = []
    # a result's sh:detail explains it; it is no problem of its own
    explaining = set(report.objects(None, SH.detail))
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        if result in explaining:
            continue
        source_shape = report.value(result, SH.sourceShape)
        severity = code_of(str(report.value(result, SH.resultSeverity)))
        value = report.value(result, SH.value)
        path = report.value(result, SH.resultPath)
        messages = [str(m) for m in report.objects(result, SH.resultMessage)]
        owner = _node_shape(shapes, source_shape)
        findings.append(Finding(
            severity=severity, gap=shape_gap(shapes, owner), shape=str(owner),
            shape_name=shape_name(shapes, source_shape),
            focus=str(report.value(result, SH.focusNode)),
            message=messages[0] if messages else shape_name(shapes, source_shape),
            value=str(value) if value is not None else None,
            path=path.n3(shapes.namespace_manager) if isinstance(path, rdflib.URIRef) else None,
            component=str(report.value(result, SH.sourceConstraintComponent) or ""),
            source_shape="" if isinstance(source_shape, rdflib.BNode) else str(source_shape),
            value_term=value.n3() if value is not None else "",
            result_path=str(path) if isinstance(path, rdflib.URIRef) else "",
            details=_details(report, result)))
    return findings


def _details(report: rdflib.Graph, result) -> str:
    """The sh:detail results of ``result`` with every blank node they reach, as N-Triples."""
    graph = rdflib.Graph()
    for detail in report.objects(result, SH.detail):
        graph.add((rdflib.URIRef(DETAIL_OWNER), SH.detail, detail))
        copy_closure(report, detail, graph)
    return graph.serialize(format="nt") if len(graph) else ""


def copy_closure(source: rdflib.Graph, node, target: rdflib.Graph) -> None:
    """The triples of ``node`` into ``target``, with those of every blank node they reach (a
    nested shape, an ``sh:or`` list, a detail's own shape): a blank node means nothing
    without them."""
    seen = set()
    todo = [node]
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for predicate, obj in source.predicate_objects(subject):
            target.add((subject, predicate, obj))
            if isinstance(obj, rdflib.BNode):
                todo.append(obj)


def _node_shape(shapes: rdflib.Graph, shape):
    """The named node shape a (blank) property shape belongs to, or the shape itself."""
    if isinstance(shape, rdflib.BNode):
        parent = shapes.value(None, SH.property, shape)
        if parent is not None:
            return parent
    return shape


# --- describing findings ---------------------------------------------------------------------

#: Foci described per query: one query per finding costs minutes for a country's thousands of
#: findings, one for all of them makes a VALUES block of unbounded size.
DESCRIBE_BATCH = 500


def describe(store: GraphStore, findings: list[Finding]) -> list[Finding]:
    """Add labels, the actor concerned and the record or source of each finding's focus."""
    facts = _facts(store, {f.focus for f in findings
                           if f.focus.startswith(("http://", "https://"))})
    described = []
    for finding in findings:
        fact = facts.get(finding.focus, {})
        described.append(replace(
            finding, focus_label=fact.get("label") or finding.focus_label,
            actor=fact.get("actor") or finding.actor,
            actor_label=fact.get("actorLabel") or finding.actor_label,
            record=fact.get("record") or finding.record,
            source=fact.get("source") or finding.source,
            locator=fact.get("locator") or finding.locator,
            country=fact.get("country") or finding.country,
            territory=fact.get("territory") or finding.territory,
            level=fact.get("level") or finding.level))
    return described


def _facts(store: GraphStore, foci: set[str]) -> dict[str, dict[str, str]]:
    """One row of ``queries/describe.rq`` for each focus, a batch of foci per query.

    Where a focus has several rows the pick is fixed, not the engine's order: the focus's own
    level before its actor's, the widest level first (a city that is also a province is
    described at the regional level), then the first record, source and label, so a finding's
    case and record are the same every run.
    """
    nodes = []
    for focus in sorted(foci):
        try:
            nodes.append(ox.NamedNode(focus))
        except ValueError:
            continue
    ranks = {code: concept.rank for code, concept in vocabulary().lists["level"].by_code.items()
             if concept.rank is not None}

    def order(fact: dict[str, str]) -> tuple:
        level = fact.get("level", "")
        return (fact.get("levelOfActor", "") == "true", ranks.get(level, 99) if level else 100,
                fact.get("record", "") == "",
                fact.get("record", ""), fact.get("source", ""), fact.get("locator", ""),
                fact.get("label", ""), fact.get("actor", ""), fact.get("territory", ""),
                fact.get("country", ""))

    facts: dict[str, dict[str, str]] = {}
    for start in range(0, len(nodes), DESCRIBE_BATCH):
        query = with_values(load_query(__package__, "describe"), "focus",
                            nodes[start:start + DESCRIBE_BATCH])
        for row in store.select(query):
            fact = {key: _term_text(term) for key, term in row.items()}
            known = facts.get(fact["focus"])
            if known is None or order(fact) < order(known):
                facts[fact["focus"]] = fact
    return facts


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Severity first, then gap type, then actor, then message: the order reports use."""
    order = {severity: index for index, severity in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (order.get(f.severity, 9), f.gap or "",
                                           "" if f.gap else f.shape_name,
                                           f.actor_label or f.focus_label or f.focus, f.message))


def gap_shapes(gaps: Iterable[str] | None = None) -> list[SparqlShape]:
    wanted = set(gaps) if gaps else None
    return [shape for shape in sparql_shapes("gaps") if wanted is None or shape.gap in wanted]


def find_gaps(store: GraphStore, gaps: Iterable[str] | None = None) -> list[Finding]:
    """Every gap the gap shapes find in the store, described and sorted; a shape that needs a
    kind of actor the data records none of gives one coverage finding, not one per target."""
    shapes = gap_shapes(gaps)
    found = describe(store, run_store_shapes(store, shapes))
    return sort_findings(fold_absent_data(store, found, shapes))


def with_evidence(store: GraphStore, findings: list[Finding]) -> list[Finding]:
    """Attach what the sources say about the same gap for the same actor, instrument or place.

    A gap the shapes find is a hypothesis; a source that diagnoses the same gap for an
    instrument the actor takes part in (or for the same territory) is the evidence a reader
    checks it against.
    """
    by_gap: dict[str, list[dict[str, str]]] = {}
    for row in store.select(load_query(__package__, "gap-evidence")):
        fact = {key: _term_text(value) for key, value in row.items()}
        by_gap.setdefault(code_of(fact["gap"]), []).append(fact)
    result = []
    for finding in findings:
        lines = []
        for fact in by_gap.get(finding.gap or "", []):
            related = (fact["instrument"] == finding.focus
                       or (finding.actor and fact["actor"] == finding.actor)
                       or (finding.territory and fact["territory"] == finding.territory))
            if related:
                effect = code_of(fact["effect"])
                line = f"{effect}: {fact['about']} ({fact['source']} lines {fact['locator']})"
                if line not in lines:
                    lines.append(line)
        result.append(replace(finding, evidence=tuple(lines)))
    return result


def rdflib_graph_with_ontology(store: GraphStore) -> rdflib.Graph:
    graphs = store.graphs()
    if ONTOLOGY_GRAPH not in graphs:
        raise ValueError("the store holds no ontology")
    return store.to_rdflib(graphs)


__all__ = ["GA", "SEVERITIES", "Finding", "describe", "find_gaps", "gap_shapes",
           "rdflib_graph_with_ontology", "run_pyshacl", "run_store_shapes", "run_turbo",
           "sort_findings"]
