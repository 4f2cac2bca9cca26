"""The data-quality shapes compiled to SPARQL: one query per constraint, run once on the store.

A SHACL engine walks the shapes focus node by focus node (pySHACL, in Python; pyshacl-turbo
too, in Rust, after copying the graph out of the store). On a country that is millions of
lookups and gigabytes of copies. RDF4J's bulk validation does it the other way round: each
core constraint of a shape becomes one SPARQL query that finds every violating focus node at
once, evaluated by the store's own engine. This module does that for the constraints the
data-quality shapes use (``ontology/shapes/data-quality.ttl``), and gives the results pySHACL
gives (same focus, value, path, source shape, component, message, and the ``sh:detail`` of a
failed ``sh:node``), which ``tests/test_compiled.py`` checks on generated countries with
defects.

Each constraint is a SPARQL group pattern binding ``?this`` (the focus node) and, where the
SHACL specification gives the result an ``sh:value``, ``?value``; the shape's targets are a
sub-select of distinct nodes the pattern is joined with. The compilation follows SHACL 1.0's
sections:

- 2.1.3 targets: ``sh:targetClass`` (instances of the class and of its subclasses, as
  SHACL instances are), ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``;
- 4.1 value type: ``sh:class`` (``rdf:type/rdfs:subClassOf*``), ``sh:datatype`` (with the
  literal well formed for the XSD types SPARQL can cast to), ``sh:nodeKind``;
- 4.2 cardinality: ``sh:minCount``, ``sh:maxCount``, as grouped counts (an anti-join over a
  large join has cliffs; a grouped count does not, ``shared/PERFORMANCE.md``);
- 4.4 string based: ``sh:pattern`` (with ``sh:flags``), ``sh:minLength``, ``sh:maxLength``;
- 4.5 property pairs: ``sh:lessThanOrEquals``, ``sh:lessThan``, one result per pair of values
  that is not ordered or cannot be compared, as pySHACL gives;
- 4.6 logical: ``sh:or`` of shapes made of such constraints;
- 4.7 shape-based: ``sh:node``, evaluated by validating the values against the node shape
  (compiled the same way) and keeping the results as the ``sh:detail`` of each result;
- 4.8 other: ``sh:hasValue``, ``sh:in``.

The SPARQL-based constraints of the data-quality shapes (``sh:sparql``) run as the gap shapes'
do, once for all focus nodes (:func:`~govatlas.graph.validation.gaps.run_store_shapes`). A
shape using a construct outside this list raises :class:`UnsupportedShape` when compiled, so a
new shape cannot be silently skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from govatlas.graph.store import GraphStore
from govatlas.ontology.vocabulary import code_of

from .gaps import DETAIL_OWNER, Finding, copy_closure, run_store_shapes
from .shapes import shape_gap, shape_name, shapes_graph, sparql_shapes

__all__ = ["Check", "CompiledShape", "Query", "UnsupportedShape", "compile_shapes",
           "run_compiled", "validate_quality"]

RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
#: XSD types SPARQL casts to: a literal of one of these whose lexical form does not cast is
#: ill formed, which fails ``sh:datatype`` (SHACL 4.1.2)
CASTABLE = {XSD.date, XSD.dateTime, XSD.integer, XSD.decimal, XSD.double, XSD.float,
            XSD.boolean}
#: where a query puts the shape's focus nodes (a group binding each ``?this`` once)
TARGETS = "{TARGETS}"
#: failing values of an ``sh:node`` named per query, so a VALUES block stays bounded
VALUES_BATCH = 2000
#: the parameters of shapes and property shapes that are no constraint of their own (SPARQL
#: constraints run on the store engine; the rest are targets or non-validating)
NOT_CONSTRAINTS = {RDF.type, SH.name, SH.description, SH.message, SH.severity, SH.path,
                   SH.property, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                   SH.targetObjectsOf, SH.flags, SH.sparql, SH.deactivated, SH.order,
                   SH.group, SH.declare, SH.prefixes}


class UnsupportedShape(ValueError):
    """A shape uses a SHACL construct this compiler does not translate."""


def _iri(term) -> str:
    """``term`` (an rdflib IRI) in SPARQL syntax."""
    if not isinstance(term, rdflib.URIRef):
        raise UnsupportedShape(f"expected an IRI, found {term!r}")
    return str(ox.NamedNode(str(term)))


def _sparql_term(term) -> str:
    """An rdflib IRI or literal as a SPARQL term, escaped by pyoxigraph."""
    if isinstance(term, rdflib.URIRef):
        return _iri(term)
    if isinstance(term, rdflib.Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string))))
    raise UnsupportedShape(f"a constraint names a blank node: {term!r}")


def _string(text: str) -> str:
    return str(ox.Literal(text))


def _instance(variable: str, cls) -> str:
    """A placeholder for "``variable`` is a SHACL instance of ``cls``" (``rdf:type/
    rdfs:subClassOf*``), filled in when the query runs (:meth:`_Run.select`): a plain
    ``rdf:type`` when the store has no subclass of ``cls``."""
    return "{ISA " + variable + " " + _iri(cls) + "}"


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, and the terms of the results it gives."""

    source_shape: rdflib.term.Node  #: the property shape (or node shape) holding it
    component: rdflib.URIRef
    path: rdflib.URIRef | None
    message: str
    severity: str
    has_value: bool  #: whether its results have an sh:value
    limit: int = 0  #: for sh:minCount and sh:maxCount
    #: for sh:node: the node shape the values are validated against
    nested: CompiledShape | None = None


@dataclass(frozen=True)
class Query:
    """One SELECT over a shape's focus nodes (:data:`TARGETS`, each bound once, so a count of
    the values on a path needs no DISTINCT: a graph holds a triple once), answering for
    ``checks``.

    ``kind`` says how a row is read: ``flags`` rows bind ``?f0``, ``?f1``, ... true for each
    check the value fails; ``count`` rows bind ``?count``, the distinct values on the path,
    checked against each cardinality check's limit; ``plain`` rows are results of the one
    check.
    """

    kind: str
    checks: tuple[Check, ...]
    text: str

    def results(self, row) -> Iterator[Check]:
        """The checks ``row`` is a result of."""
        if self.kind == "plain":
            yield self.checks[0]
        elif self.kind == "flags":
            for index, check in enumerate(self.checks):
                flag = row[f"f{index}"]
                if flag is not None and flag.value == "true":
                    yield check
        else:
            count = int(row["count"].value)
            for check in self.checks:
                if (count < check.limit if check.component == SH.MinCountConstraintComponent
                        else count > check.limit):
                    yield check


@dataclass(frozen=True)
class CompiledShape:
    """A shape's queries, its ``sh:node`` checks, and where its focus nodes are ("": a shape
    used only through ``sh:node``)."""

    shape: rdflib.term.Node
    targets: str
    queries: tuple[Query, ...] = ()
    nodes: tuple[tuple[Check, str], ...] = ()  #: each sh:node check and its values' pattern


# --- compiling ------------------------------------------------------------------------------

def _path(graph: rdflib.Graph, shape) -> rdflib.URIRef:
    path = graph.value(shape, SH.path)
    if not isinstance(path, rdflib.URIRef):
        raise UnsupportedShape(f"only predicate paths are compiled; {shape} has {path!r}")
    return path


def _targets(graph: rdflib.Graph, shape) -> str:
    """The shape's focus nodes as a sub-select of each ``?this`` once (SHACL 2.1.3); a class
    with no subclass in the store is one pattern, with no DISTINCT (see :meth:`_Run.select`)."""
    parts = []
    for cls in graph.objects(shape, SH.targetClass):
        parts.append(_instance("?this", cls))
    classes = len(parts)
    for node in graph.objects(shape, SH.targetNode):
        parts.append(f"VALUES ?this {{ {_sparql_term(node)} }}")
    for predicate in graph.objects(shape, SH.targetSubjectsOf):
        parts.append(f"?this {_iri(predicate)} ?target_object .")
    for predicate in graph.objects(shape, SH.targetObjectsOf):
        parts.append(f"?target_subject {_iri(predicate)} ?this .")
    if not parts:
        return ""
    if classes == len(parts) == 1:
        return "ONE " + str(next(graph.objects(shape, SH.targetClass)))
    union = " UNION ".join(f"{{ {part} }}" for part in parts)
    return f"SELECT DISTINCT ?this WHERE {{ {union} }}"


def _value_test(graph: rdflib.Graph, shape, parameter, argument,
                inside_or: bool = False) -> str | None:
    """A SPARQL expression true when ``?value`` fails the value constraint ``parameter`` (one
    checked on each value node alone), or None if ``parameter`` is no such constraint.
    ``sh:class`` is one only ``inside_or``: alone it is an anti-join of its own (MINUS, a
    third of the time of a NOT EXISTS per value)."""
    if parameter == SH["class"] and inside_or:
        return f"NOT EXISTS {{ {_instance('?value', argument)} }}"
    if parameter == SH.datatype:
        test = f"(!isLiteral(?value) || datatype(?value) != {_iri(argument)}"
        if argument in CASTABLE:
            test += f" || !COALESCE(isLiteral({_iri(argument)}(STR(?value))), false)"
        return test + ")"
    if parameter == SH.nodeKind:
        kinds = {SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)",
                 SH.Literal: "isLiteral(?value)",
                 SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
                 SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
                 SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))"}
        if argument not in kinds:
            raise UnsupportedShape(f"unknown node kind {argument}")
        return f"!{kinds[argument]}"
    if parameter == SH.pattern:
        flags = graph.value(shape, SH.flags)
        extra = f", {_string(str(flags))}" if flags is not None else ""
        return f"(isBlank(?value) || !REGEX(STR(?value), {_string(str(argument))}{extra}))"
    if parameter == SH.minLength:
        return f"(isBlank(?value) || STRLEN(STR(?value)) < {int(argument)})"
    if parameter == SH.maxLength:
        return f"(isBlank(?value) || STRLEN(STR(?value)) > {int(argument)})"
    if parameter == SH["in"]:
        members = ", ".join(_sparql_term(m) for m in Collection(graph, argument))
        return f"(?value NOT IN ({members}))"
    if parameter == SH["or"]:
        return "!(" + " || ".join(_conforms(graph, m) for m in Collection(graph, argument)) + ")"
    return None


def _conforms(graph: rdflib.Graph, shape) -> str:
    """An expression true when ``?value`` conforms to ``shape``, a shape of value constraints
    alone (a member of ``sh:or``)."""
    tests = []
    for parameter, argument in graph.predicate_objects(shape):
        if parameter in NOT_CONSTRAINTS:
            continue
        test = _value_test(graph, shape, parameter, argument, inside_or=True)
        if test is None:
            raise UnsupportedShape(f"{parameter} inside sh:or is not compiled")
        tests.append(f"COALESCE({test}, true)")
    return "!(" + " || ".join(tests) + ")" if tests else "true"


def _component(parameter) -> rdflib.URIRef:
    name = code_of(str(parameter))
    return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


def _queries(graph: rdflib.Graph, shape, seen: dict,
             ) -> tuple[list[Query], list[tuple[Check, str]]]:
    """The queries of ``shape`` (a node shape or a property shape) and of its property
    shapes: one for every value constraint on a path, one for its cardinality, one per
    property pair, and the ``sh:node`` checks."""
    path = graph.value(shape, SH.path)
    path = _path(graph, shape) if path is not None else None
    # the value nodes: the focus itself for a node shape, the path's objects for a property
    values = "BIND(?this AS ?value)" if path is None else f"?this {_iri(path)} ?value ."

    def check(parameter, has_value: bool, limit: int = 0, nested=None) -> Check:
        return Check(shape, _component(parameter), path,
                     str(graph.value(shape, SH.message) or ""),
                     code_of(str(graph.value(shape, SH.severity) or SH.Violation)),
                     has_value, limit, nested)

    queries: list[Query] = []
    nodes: list[tuple[Check, str]] = []
    tested: list[tuple[Check, str]] = []
    counts: list[Check] = []
    for parameter, argument in sorted(graph.predicate_objects(shape), key=str):
        if parameter in NOT_CONSTRAINTS:
            continue
        test = _value_test(graph, shape, parameter, argument)
        if test is not None:
            tested.append((check(parameter, True), test))
        elif parameter == SH["class"]:
            queries.append(Query("plain", (check(parameter, True),), (
                f"SELECT ?this ?value WHERE {{ {TARGETS} {values} MINUS {{ "
                f"{_instance('?value', argument)} }} }}")))
        elif parameter in (SH.minCount, SH.maxCount) and path is not None:
            counts.append(check(parameter, False, int(argument)))
        elif parameter in (SH.lessThanOrEquals, SH.lessThan) and path is not None:
            operator = "<=" if parameter == SH.lessThanOrEquals else "<"
            queries.append(Query("plain", (check(parameter, True),), (
                f"SELECT ?this ?value WHERE {{ {TARGETS} {values} ?this {_iri(argument)} "
                f"?other . FILTER(!COALESCE(?value {operator} ?other, false)) }}")))
        elif parameter == SH.hasValue and path is not None:
            queries.append(Query("plain", (check(parameter, False),), (
                f"SELECT ?this WHERE {{ {TARGETS} FILTER NOT EXISTS {{ ?this {_iri(path)} "
                f"{_sparql_term(argument)} }} }}")))
        elif parameter == SH.node:
            nodes.append((check(parameter, True, nested=_compile(graph, argument, seen)),
                          values))
        else:
            raise UnsupportedShape(f"{shape_name(graph, shape)} uses {parameter}, which is "
                                   "not compiled to SPARQL")
    if tested:
        binds = " ".join(f"BIND(COALESCE({test}, false) AS ?f{index})"
                         for index, (_check, test) in enumerate(tested))
        flags = " ".join(f"?f{index}" for index in range(len(tested)))
        any_flag = " || ".join(f"?f{index}" for index in range(len(tested)))
        queries.append(Query("flags", tuple(c for c, _test in tested), (
            f"SELECT ?this ?value {flags} WHERE {{ {TARGETS} {values} {binds} "
            f"FILTER({any_flag}) }}")))
    if counts:
        optional = "OPTIONAL" if any(c.component == SH.MinCountConstraintComponent
                                     for c in counts) else ""
        bounds = " || ".join(
            f"?count {'<' if c.component == SH.MinCountConstraintComponent else '>'} {c.limit}"
            for c in counts)
        queries.append(Query("count", tuple(counts), (
            f"SELECT ?this ?count WHERE {{ {{ SELECT ?this (COUNT(?count_value) AS "
            f"?count) WHERE {{ {TARGETS} {optional} {{ ?this {_iri(path)} ?count_value }} }} "
            f"GROUP BY ?this }} FILTER({bounds}) }}")))
    for member in graph.objects(shape, SH.property):
        more, more_nodes = _queries(graph, member, seen)
        queries.extend(more)
        nodes.extend(more_nodes)
    return queries, nodes


def _compile(graph: rdflib.Graph, shape, seen: dict) -> CompiledShape:
    if shape not in seen:
        queries, nodes = _queries(graph, shape, seen)
        seen[shape] = CompiledShape(shape, _targets(graph, shape), tuple(queries),
                                    tuple(nodes))
    return seen[shape]


@cache
def compile_shapes(which: str = "quality") -> tuple[CompiledShape, ...]:
    """Every data-quality shape of ``which`` shapes with targets, compiled (their SPARQL
    constraints are left to the store engine, see :func:`validate_quality`)."""
    graph = shapes_graph(which)
    seen: dict = {}
    shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(
        graph.subjects(RDF.type, SH.PropertyShape))
    return tuple(_compile(graph, shape, seen) for shape in sorted(shapes, key=str)
                 if _targets(graph, shape) and shape_gap(graph, shape) is None)


# --- running ----------------------------------------------------------------------------------

@dataclass
class _Result:
    """A result before it is a finding: a failed sh:node carries the results explaining it."""

    check: Check
    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None
    details: list[_Result] = field(default_factory=list)


class _Run:
    """One validation of one store: the class closures it looked up and the nodes found to
    fail each nested shape, so neither is asked twice."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.closures: dict[str, bool] = {}
        self.failing: dict[tuple, dict] = {}
        self.owned: dict[rdflib.term.Node, list[_Result]] = {}

    def select(self, text: str, targets: str) -> Iterable:
        text = text.replace(TARGETS, self._targets(targets))
        text = re.sub(r"\{ISA (\?\w+) (<[^>]*>)\}",
                      lambda match: self._instance(match[1], match[2]), text)
        return self.store.store.query(text, **self.store.query_options())

    def _targets(self, targets: str) -> str:
        """``targets`` as a group binding each focus node once: the instances of one class
        with no subclass in the store are a plain pattern (no DISTINCT to pay)."""
        if not targets.startswith("ONE "):
            return f"{{ {targets} }}"
        cls = str(ox.NamedNode(targets[4:]))
        if not self._has_subclass(cls):
            return f"?this a {cls} ."
        return f"{{ SELECT DISTINCT ?this WHERE {{ ?this a/{RDFS_SUBCLASS}* {cls} }} }}"

    def _instance(self, variable: str, cls: str) -> str:
        # A VALUES list of the subclasses was tried: in a DISTINCT sub-select joined with an
        # OPTIONAL, Oxigraph took 470 s where the path takes 0.1 s.
        if self._has_subclass(cls):
            return f"{variable} a/{RDFS_SUBCLASS}* {cls}"
        return f"{variable} a {cls}"

    def _has_subclass(self, cls: str) -> bool:
        if cls not in self.closures:
            self.closures[cls] = self.store.store.query(
                f"ASK {{ ?c {RDFS_SUBCLASS}+ {cls} FILTER(?c != {cls}) }}",
                **self.store.query_options())
        return bool(self.closures[cls])

    def run(self, shape: CompiledShape, targets: str) -> list[_Result]:
        """The results of ``shape`` on the focus nodes ``targets`` (a sub-select)."""
        results: list[_Result] = []
        for query in shape.queries:
            for row in self.select(query.text, targets):
                results.extend(_Result(check, row["this"], row["value"] if check.has_value
                                       else None) for check in query.results(row))
        for check, values in shape.nodes:
            results.extend(self._node(check, values, targets))
        return results

    def _failing(self, check: Check, values: str, targets: str) -> dict:
        """The values that fail the nested shape of ``check``, each with its results.

        On a path, every object of the path in the store is validated once, whichever shape
        asks (a node's conformance to a shape does not depend on who refers to it)."""
        if check.path is None:
            return _group(self.run(check.nested, targets))
        key = (check.nested.shape, check.path)
        if key in self.failing:
            return self.failing[key]
        nested = check.nested
        candidates = f"?subject {_iri(check.path)} ?this ."
        results = []
        if nested.targets:  # its own targets are validated anyway: only the others here
            results = self.own(nested)
            candidates += f" MINUS {{ {self._targets(nested.targets)} }}"
        results = results + self.run(nested, f"SELECT DISTINCT ?this WHERE {{ {candidates} }}")
        self.failing[key] = _group(results)
        return self.failing[key]

    def own(self, shape: CompiledShape) -> list[_Result]:
        """The results of ``shape`` on its own targets, found once."""
        if shape.shape not in self.owned:
            self.owned[shape.shape] = self.run(shape, shape.targets)
        return self.owned[shape.shape]

    def _node(self, check: Check, values: str, targets: str) -> list[_Result]:
        """``sh:node``: a result for each focus with a value that fails the nested shape,
        the value's own results as its details."""
        failing = self._failing(check, values, targets)
        results = []
        named = [node for node in failing if not isinstance(node, ox.BlankNode)]
        for start in range(0, len(named), VALUES_BATCH):
            block = " ".join(str(node) for node in named[start:start + VALUES_BATCH])
            rows = self.select(f"SELECT ?this ?value WHERE {{ VALUES ?value {{ {block} }} "
                               f"{TARGETS} {values} }}", targets)
            results.extend(_Result(check, row["this"], row["value"], failing[row["value"]])
                           for row in rows)
        if len(named) < len(failing):  # a blank node cannot be named in a query
            rows = self.select(f"SELECT ?this ?value WHERE {{ {TARGETS} {values} }}", targets)
            results.extend(_Result(check, row["this"], row["value"], failing[row["value"]])
                           for row in rows if isinstance(row["value"], ox.BlankNode)
                           and row["value"] in failing)
        return results


def _group(results: list[_Result]) -> dict:
    grouped: dict = {}
    for result in results:
        grouped.setdefault(result.focus, []).append(result)
    return grouped


# --- results as findings ----------------------------------------------------------------------

def _rdflib(term):
    """An Oxigraph term as rdflib's (a plain literal keeps ``xsd:string``, as pySHACL's
    report has it)."""
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=term.datatype.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    return rdflib.URIRef(term.value)


def _message(shapes: rdflib.Graph, result: _Result) -> str:
    """A check's sh:message; for a shape with none (a code's scheme, met as a detail), what
    failed in words."""
    check = result.check
    if check.message:
        return check.message
    what = code_of(str(check.component)).removesuffix("ConstraintComponent")
    where = f" on {check.path.n3(shapes.namespace_manager)}" if check.path else ""
    return f"{result.focus.value} fails the {what} constraint of the shape{where}"


def _describe(shapes: rdflib.Graph, graph: rdflib.Graph, node, result: _Result) -> None:
    """A detail result's triples, as pySHACL writes them, with its blank source shape."""
    check = result.check
    graph.add((node, RDF.type, SH.ValidationResult))
    graph.add((node, SH.focusNode, _rdflib(result.focus)))
    graph.add((node, SH.resultSeverity, SH[check.severity]))
    graph.add((node, SH.sourceConstraintComponent, check.component))
    graph.add((node, SH.sourceShape, check.source_shape))
    graph.add((node, SH.resultMessage, rdflib.Literal(_message(shapes, result))))
    if isinstance(check.source_shape, rdflib.BNode):
        copy_closure(shapes, check.source_shape, graph)
    if check.path is not None:
        graph.add((node, SH.resultPath, check.path))
    if result.value is not None:
        graph.add((node, SH.value, _rdflib(result.value)))
    for detail in result.details:
        inner = rdflib.BNode()
        graph.add((node, SH.detail, inner))
        _describe(shapes, graph, inner, detail)


def _details(shapes: rdflib.Graph, details: list[_Result]) -> str:
    """The results explaining a failed sh:node, as :attr:`Finding.details` holds them."""
    if not details:
        return ""
    graph = rdflib.Graph()
    for detail in details:
        node = rdflib.BNode()
        graph.add((rdflib.URIRef(DETAIL_OWNER), SH.detail, node))
        _describe(shapes, graph, node, detail)
    return graph.serialize(format="nt")


def _finding(shapes: rdflib.Graph, shape: CompiledShape, result: _Result) -> Finding:
    check = result.check
    owner = check.source_shape
    if isinstance(owner, rdflib.BNode):
        owner = shapes.value(None, SH.property, owner) or shape.shape
    value = _rdflib(result.value) if result.value is not None else None
    return Finding(
        severity=check.severity, gap=None, shape=str(owner),
        shape_name=shape_name(shapes, check.source_shape), focus=result.focus.value,
        message=check.message or shape_name(shapes, check.source_shape),
        value=str(value) if value is not None else None,
        path=check.path.n3(shapes.namespace_manager) if check.path is not None else None,
        component=str(check.component),
        source_shape="" if isinstance(check.source_shape, rdflib.BNode)
        else str(check.source_shape),
        value_term=value.n3() if value is not None else "",
        result_path=str(check.path) if check.path is not None else "",
        details=_details(shapes, result.details))


def run_compiled(store: GraphStore, which: str = "quality") -> list[Finding]:
    """The results of the compiled core constraints of ``which`` shapes on ``store``."""
    graph = shapes_graph(which)
    run = _Run(store)
    return [_finding(graph, shape, result) for shape in compile_shapes(which)
            for result in run.own(shape)]


def validate_quality(store: GraphStore) -> list[Finding]:
    """Every data-quality result pySHACL gives on ``store``: the compiled core constraints
    and the shapes' SPARQL constraints, each query run once for all focus nodes."""
    return run_compiled(store) + run_store_shapes(store, sparql_shapes("quality"))
