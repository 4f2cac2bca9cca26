"""The machine reports are the standards they claim: the Turtle report is pySHACL's SHACL
validation report for the same data and shapes, the JUnit report parses with a JUnit parser
with one test per finding, and the JSON report validates against its published schema."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pyshacl
import pytest
import rdflib
from click.testing import CliRunner
from junitparser import JUnitXml
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, SH

from govatlas.cli import main
from govatlas.graph.validation.checking import load_inputs
from govatlas.graph.validation.shapes import shapes_graph
from govatlas.viz.validation_report import JSON_VERSION, schema_path

from .test_gaps import make
from .test_validate import broken_folder

#: One data-quality problem per kind of constraint the shapes use: minCount, pattern, datatype,
#: lessThanOrEquals, node (with the detail saying why the code fails), or, class, SPARQL.
BROKEN_TURTLE = """\
@prefix ga: <https://w3id.org/govatlas/ontology#> .
@prefix comp: <https://w3id.org/govatlas/competence/> .
@prefix ex: <https://example.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:alloc1 a ga:CompetenceAllocation ; ga:competence comp:housing ; ga:holder ex:nobody ;
    ga:validFrom "2020-01-01"^^xsd:date ; ga:validUntil "2010-01-01"^^xsd:date .
ex:a1 a ga:Actor ; rdfs:label "A" ; ga:country "fr" ; ga:validFrom "2019" ;
    org:subOrganizationOf ex:a2 ; org:classification comp:housing .
ex:a2 a ga:Actor ; rdfs:label "B" ; org:subOrganizationOf ex:a1 .
ex:q a ga:Quantity ; ga:subject ex:a1 ; ga:value "many" .
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def standard_part(graph: rdflib.Graph) -> rdflib.Graph:
    """The triples a SHACL tool reads: sh: and rdf: properties (govatlas adds its own, ga:gap
    and gas:case, which pySHACL does not know)."""
    kept = rdflib.Graph()
    for triple in graph:
        if str(triple[1]).startswith((str(SH), str(RDF))):
            kept.add(triple)
    return kept


def without_detail_messages(graph: rdflib.Graph) -> rdflib.Graph:
    """``graph`` without the messages of sh:detail results: the shapes give them none, so each
    engine writes its own words ("Node ... does not contain a value in the set" in pySHACL)."""
    kept = rdflib.Graph()
    details = set(graph.objects(None, SH.detail))
    for triple in graph:
        if not (triple[0] in details and triple[1] == SH.resultMessage):
            kept.add(triple)
    return kept


def pyshacl_report(path: Path, which: str) -> rdflib.Graph:
    """pySHACL's own report for ``path`` loaded as govatlas loads it (with the ontology and the
    derived graph), its conformance as the SHACL specification defines it (no
    ``allow_warnings``: a warning is a result, so the data does not conform)."""
    store, problems, _ = load_inputs([path])
    assert not problems
    _conforms, report, _text = pyshacl.validate(
        store.to_rdflib(), shacl_graph=shapes_graph(which), inference="none", advanced=True,
        inplace=True)
    return report


def assert_same(ours: rdflib.Graph, theirs: rdflib.Graph) -> None:
    ours, theirs = standard_part(ours), standard_part(theirs)
    if not isomorphic(ours, theirs):
        _both, only_ours, only_theirs = graph_diff(to_isomorphic(ours), to_isomorphic(theirs))
        pytest.fail("reports differ\n-- only ours:\n" + only_ours.serialize(format="turtle")
                    + "\n-- only pySHACL's:\n" + only_theirs.serialize(format="turtle"))


@pytest.mark.parametrize("engine", ["store", "pyshacl"])
def test_the_turtle_report_is_pyshacls_report_for_the_data_quality_shapes(tmp_path, engine):
    path = tmp_path / "country.ttl"
    path.write_text(BROKEN_TURTLE, encoding="utf-8")
    result = run("validate", str(path), "--no-gaps", "--format", "ttl", "--engine", engine)
    assert result.exit_code == 1, result.output
    ours = rdflib.Graph().parse(data=result.output, format="turtle")
    theirs = pyshacl_report(path, "quality")
    if engine == "store":
        ours, theirs = without_detail_messages(ours), without_detail_messages(theirs)
    assert_same(ours, theirs)
    # what the issue found missing is there: one check each on the graph itself
    results = list(ours.subjects(RDF.type, SH.ValidationResult))
    top = [r for r in results if r not in set(ours.objects(None, SH.detail))]
    assert len(top) == 18
    assert all(ours.value(r, SH.sourceConstraintComponent) is not None for r in results)
    assert sum(ours.value(r, SH.resultPath) is not None for r in top) == 16  # not the cycle's
    country = next(r for r in top if ours.value(r, SH.resultPath) == rdflib.URIRef(
        "https://w3id.org/govatlas/ontology#country") and ours.value(r, SH.value))
    assert ours.value(country, SH.value) == rdflib.Literal("fr", datatype=rdflib.XSD.string)
    shape = ours.value(country, SH.sourceShape)  # the property shape, not gas:ActorShape
    assert isinstance(shape, rdflib.BNode)
    assert ours.value(shape, SH.pattern) == rdflib.Literal("^([A-Z]{2}|EU|INT)$")


def test_the_turtle_report_of_gaps_is_pyshacls_and_does_not_conform(tmp_path):
    folder = make(tmp_path / "gaps", drop=("informs", "ngo"))
    result = run("validate", str(folder), "--format", "ttl")
    assert result.exit_code == 0, result.output  # gaps alone are no error
    ours = rdflib.Graph().parse(data=result.output, format="turtle")
    assert_same(ours, pyshacl_report(folder, "all"))
    assert (None, SH.conforms, rdflib.Literal(False)) in ours
    assert len(list(ours.objects(None, SH.sourceConstraint))) == 2  # the SPARQL constraints
    clean = run("validate", str(make(tmp_path / "clean")), "--format", "ttl").output
    assert (None, SH.conforms, rdflib.Literal(True)) in rdflib.Graph().parse(
        data=clean, format="turtle")


def test_template_problems_have_the_row_as_focus_node_and_govatlas_components(tmp_path):
    folder = broken_folder(tmp_path)
    result = run("validate", str(folder), "--format", "ttl")
    graph = rdflib.Graph().parse(data=result.output, format="turtle")
    gas = rdflib.Namespace("https://w3id.org/govatlas/shapes#")
    template = [r for r in graph.subjects(SH.sourceShape, gas.TemplateShape)]
    assert len(template) >= 12
    foci = {str(graph.value(r, SH.focusNode)) for r in template}
    assert all(isinstance(graph.value(r, SH.focusNode), rdflib.URIRef) for r in template)
    links = (folder / "links.csv").resolve().as_uri()
    assert f"{links}#row=9" in foci  # the dangling id
    assert (folder / "competences.csv").resolve().as_uri() in foci  # a file with no rows
    assert all(graph.value(r, SH.sourceConstraintComponent) == gas.TemplateConstraintComponent
               for r in template)
    # the component is declared in the report, so a SHACL tool can look it up
    assert (gas.TemplateConstraintComponent, RDF.type, SH.ConstraintComponent) in graph
    assert (None, SH.conforms, rdflib.Literal(False)) in graph


def test_the_junit_report_has_one_uniquely_named_test_per_finding(tmp_path):
    folder = broken_folder(tmp_path)
    target = tmp_path / "report.xml"
    assert run("validate", str(folder), "--format", "junit", "-o", str(target)).exit_code == 1
    findings = json.loads(run("validate", str(folder), "--format", "json").output)
    xml = JUnitXml.fromfile(str(target))
    suites = list(xml)
    cases = [case for suite in suites for case in suite]
    assert len(cases) == len(findings["findings"])
    names = Counter((case.classname, case.name) for case in cases)
    assert not [key for key, count in names.items() if count > 1]
    # a test suite per case, named by its id
    assert sorted(suite._elem.get("id") for suite in suites) == sorted(
        case["id"] for case in findings["cases"])
    dangling = next(case for case in cases if "xx-nobody" in case.name)
    assert dangling._elem.get("file").endswith("links.csv")
    assert dangling._elem.get("line") == "9"
    assert not dangling.is_passed and not dangling.is_skipped
    assert xml.failures == findings["counts"]["violation"]


def test_repeated_findings_on_one_row_get_numbered_names(tmp_path):
    # two actors with the same cycle and the same message: the names still differ
    folder = make(tmp_path / "cycle", actors=(
        "xx-a,Unit A,directorate,local,FR,xx-b,Town,doc.txt,40",
        "xx-b,Unit B,directorate,local,FR,xx-a,Town,doc.txt,41"))
    (folder / "links.csv").write_text(
        "from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator\n"
        + "xx-state,xx-nobody,informs,,,,doc.txt,8\n" * 3, encoding="utf-8")
    target = tmp_path / "report.xml"
    run("validate", str(folder), "--format", "junit", "-o", str(target))
    cases = [case for suite in JUnitXml.fromfile(str(target)) for case in suite]
    names = Counter((case.classname, case.name) for case in cases)
    assert max(names.values()) == 1


@pytest.mark.parametrize("kind", ["broken", "gaps", "clean"])
def test_the_json_report_validates_against_its_published_schema(tmp_path, kind):
    folder = {"broken": lambda: broken_folder(tmp_path),
              "gaps": lambda: make(tmp_path / "gaps", drop=("informs", "ngo")),
              "clean": lambda: make(tmp_path / "clean")}[kind]()
    report = json.loads(run("validate", str(folder), "--format", "json").output)
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)
    assert report["version"] == JSON_VERSION and report["$schema"] == schema["$id"]
    assert report["conforms"] is (kind == "clean")  # SHACL's meaning: no result at all
    assert report["valid"] is (kind != "broken")
    broken = dict(report, version="2.0")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_the_schema_is_shipped_with_the_package():
    import govatlas.viz

    assert schema_path().parent.parent == Path(govatlas.viz.__file__).resolve().parent
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert '"schemas/*.json"' in pyproject
