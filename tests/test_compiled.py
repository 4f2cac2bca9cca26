"""The data-quality shapes compiled to SPARQL give pySHACL's results: the same focus, value,
path, shape, component, message and severity for every result, and the same sh:detail for a
failed sh:node, on a generated country with its defects and on the corner cases of SHACL's
core constraints (subclass targets, ill-formed literals, blank nodes, property pairs)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import to_isomorphic
from rdflib.namespace import SH

from bench.country import generate_country
from bench.generate import DEFECTS, write, write_defects
from govatlas.graph.validation import compiled
from govatlas.graph.validation.checking import load_inputs
from govatlas.graph.validation.compiled import UnsupportedShape, compile_shapes, validate_quality
from govatlas.graph.validation.gaps import Finding, run_pyshacl

CORNERS = """\
@prefix ga: <https://w3id.org/govatlas/ontology#> .
@prefix comp: <https://w3id.org/govatlas/competence/> .
@prefix level: <https://w3id.org/govatlas/level/> .
@prefix ex: <https://example.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

# typed with a subclass of ga:Actor only: still a target of the actor shape
ex:town a ga:Municipality ; rdfs:label "Town" ; org:classification ga:Municipality ;
    ga:level level:local ; ga:country "FR" ; ga:validFrom "2020-02-30"^^xsd:date ;
    prov:qualifiedDerivation ex:d0 .
ex:d0 a prov:Derivation ; ga:locator "" .
# a parent that is an actor through a subclass; two starts; a language-tagged locator
ex:unit a ga:Actor ; rdfs:label "Unit" ; org:classification ga:Municipality ;
    ga:level level:local, comp:housing ; ga:country "FR" ; org:subOrganizationOf ex:town ;
    ga:validFrom "2020-01-01"^^xsd:date, "2021-01-01"^^xsd:date ;
    ga:validUntil "2020-06-01"^^xsd:date ;
    prov:qualifiedDerivation ex:d1 .
ex:d1 a prov:Derivation ; prov:entity ex:s1, ex:s2 ; ga:locator "line 3"@en .
# a period that cannot be compared (a string against a date), and a number that is one
ex:deal a ga:Instrument ; rdfs:label "Deal" ; ga:validFrom "soon" ;
    ga:validUntil "2020-01-01"^^xsd:date ; ga:instrumentType ex:nothing .
ex:figure a ga:Quantity ; ga:subject ex:town ; ga:quantityKind ex:amount ;
    ga:value "12"^^xsd:integer, "3.5"^^xsd:decimal .
ex:dispute a ga:Dispute ; ga:disputes ex:town .
"""


def comparable(finding: Finding) -> tuple:
    """Every field of a result but the messages of its details (pySHACL writes its own words
    for a shape with no sh:message), the details compared as graphs, and blank nodes as
    blank nodes (pySHACL's copy of the graph names them anew)."""
    details = rdflib.Graph()
    if finding.details:
        details.parse(data=finding.details, format="nt")
        details.remove((None, SH.resultMessage, None))
    blank = bool(finding.value_term.startswith("_:"))
    plain = dataclasses.replace(
        finding, details="", focus="_:" if ":" not in finding.focus else finding.focus,
        value="_:" if blank else finding.value, value_term="_:" if blank else finding.value_term)
    return (*dataclasses.astuple(plain), to_isomorphic(details).graph_digest())


def assert_same_as_pyshacl(paths: list[Path]) -> list[Finding]:
    store, _problems, _ = load_inputs(paths)
    ours = validate_quality(store)
    reference = run_pyshacl(store.to_rdflib(), "quality")
    assert Counter(map(comparable, ours)) == Counter(map(comparable, reference))
    return ours


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A small country of real shape (municipalities in bodies, departments, regions) with a
    Turtle file of every kind of data-quality defect the generator plants."""
    generated = generate_country(150, 7, 0.05, {})
    folder = write(generated, tmp_path_factory.mktemp("compiled") / "country")
    return [folder, write_defects(generated, folder.parent / "defects.ttl", len(DEFECTS) * 2)]


def test_the_compiled_shapes_give_pyshacls_results_on_a_country_with_defects(country):
    found = assert_same_as_pyshacl(country)
    # not vacuous: every planted kind of error is found, by several kinds of constraint
    flagged = {f.focus.rsplit("/", 1)[-1] for f in found}
    for n in range(len(DEFECTS)):
        assert {str(n), f"xx-defect-{n}", f"{n}-source"} & flagged, f"defect {n} not reported"
    components = {f.component.rsplit("#", 1)[-1] for f in found}
    assert {"MinCountConstraintComponent", "MaxCountConstraintComponent",
            "ClassConstraintComponent", "NodeConstraintComponent", "PatternConstraintComponent",
            "DatatypeConstraintComponent", "LessThanOrEqualsConstraintComponent",
            "OrConstraintComponent", "MinLengthConstraintComponent",
            "SPARQLConstraintComponent"} <= components


def test_the_corner_cases_of_the_core_constraints_match_pyshacl(tmp_path):
    path = tmp_path / "corners.ttl"
    path.write_text(CORNERS, encoding="utf-8")
    found = assert_same_as_pyshacl([path])
    by_focus = Counter(f.focus.rsplit("/", 1)[-1] for f in found)
    assert by_focus["town"] >= 2  # the subclass instance is checked (bad date, bad source)
    node = [f for f in found if f.component.endswith("#NodeConstraintComponent")]
    assert node and all(f.details for f in node)  # each failed sh:node says why


def test_every_data_quality_shape_compiles_to_queries():
    shapes = compile_shapes("quality")
    names = {str(shape.shape).rsplit("#", 1)[-1] for shape in shapes}
    assert {"ActorShape", "AllocationShape", "LinkShape", "DerivationShape",
            "StatedInShape"} <= names
    assert sum(len(shape.queries) for shape in shapes) < 120  # grouped, not one per check


def test_a_construct_that_is_not_compiled_is_refused_not_skipped():
    graph = rdflib.Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:qualifiedMinCount 1 ;
                          sh:qualifiedValueShape [ sh:class ex:D ] ] .
    """, format="turtle")
    with pytest.raises(UnsupportedShape, match="qualified"):
        compiled._compile(graph, rdflib.URIRef("https://example.org/S"), {})
