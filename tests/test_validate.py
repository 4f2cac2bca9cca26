"""`govatlas validate` as a validator uses it: exit codes, every report format, the file and row
of each problem, and bad input refused with a clear message."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import rdflib
from click.testing import CliRunner

from govatlas.cli import main

from .test_gaps import make


def validate(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["validate", *args], env=env)


def test_a_clean_dataset_passes_with_exit_0(tmp_path):
    result = validate(str(make(tmp_path / "clean")))
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 gap warning(s), 0 gap note(s)" in result.output
    assert "No errors and no gaps found." in result.output


def test_gaps_alone_do_not_fail_unless_asked(tmp_path):
    folder = make(tmp_path / "gap", drop=("informs",))
    result = validate(str(folder))
    assert result.exit_code == 0
    assert "== Governance gaps (warnings) ==" in result.output
    assert "-- Information gap --" in result.output
    assert "at " in result.output and "competences.csv:3" in result.output
    assert validate(str(folder), "--fail-on", "gaps").exit_code == 1


def test_template_problems_are_errors_with_file_and_row(tmp_path):
    folder = make(tmp_path / "bad", competences=(
        "xx-city,housng,local,,,,doc.txt,30",
        "xx-nobody,housing,local,,,,doc.txt,31",
        "xx-city,housing,local,,2019-02-30,,doc.txt,32"))
    result = validate(str(folder), "--no-gaps")
    assert result.exit_code == 1
    output = result.output
    assert "== Errors (data to fix) ==" in output
    assert "unknown competence 'housng'. Fix: use 'housing'" in output
    assert "no actor has the id 'xx-nobody'" in output
    assert "'2019-02-30' is not a date" in output
    for row in (4, 5, 6):
        assert f"bad/competences.csv:{row}" in output


def test_parent_cycle_is_an_error(tmp_path):
    folder = make(tmp_path / "cycle", actors=(
        "xx-a,Unit A,directorate,local,FR,xx-b,Town,doc.txt,40",
        "xx-b,Unit B,directorate,local,FR,xx-a,Town,doc.txt,41"))
    result = validate(str(folder), "--no-gaps")
    assert result.exit_code == 1
    assert "parents form a cycle" in result.output


def test_data_quality_shapes_report_violations_in_turtle_with_its_line(tmp_path):
    path = tmp_path / "country.ttl"
    path.write_text(
        "@prefix ga: <https://w3id.org/govatlas/ontology#> .\n"
        "@prefix comp: <https://w3id.org/govatlas/competence/> .\n"
        "@prefix ex: <https://example.org/> .\n"
        "\n"
        "ex:alloc1 a ga:CompetenceAllocation ;\n"
        "    ga:competence comp:housing .\n", encoding="utf-8")
    result = validate(str(path), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["conforms"] is False
    messages = {(f["message"], f["record"]) for f in report["findings"]
                if f["severity"] == "Violation"}
    assert ("The allocation needs exactly one holder that is an actor of the graph.",
            "country.ttl:5") in {(m, r.rsplit("/", 1)[-1]) for m, r in messages}
    assert any(m.startswith("No source") for m, _ in messages)


def test_unreadable_input_exits_2_and_names_the_file(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    result = validate(str(bad))
    assert result.exit_code == 2
    assert "The input cannot be read, nothing was checked:" in result.output
    assert "broken.ttl:2: is not valid Turtle" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "actors.csv").write_text("", encoding="utf-8")
    result = validate(str(empty))
    assert result.exit_code == 2
    assert "actors.csv: is empty" in result.output
    missing_column = make(tmp_path / "cols")
    (missing_column / "links.csv").write_text("from_actor,to_actor\n", encoding="utf-8")
    result = validate(str(missing_column))
    assert result.exit_code == 2
    assert "column 'type': required column is missing" in result.output
    assert validate(str(tmp_path / "nowhere")).exit_code == 2


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    folder = make(tmp_path / "huge")
    with (folder / "links.csv").open("a", encoding="utf-8") as handle:
        handle.write("xx-state,xx-city,informs,,,,doc.txt,99\n" * 60_000)  # about 2.3 MB
    result = validate(str(folder), env={"GOVATLAS_MAX_INPUT_MB": "1"})
    assert result.exit_code == 2
    assert "links.csv: is 2 MB, more than the 1 MB a single input may be." in result.output
    assert "GOVATLAS_MAX_INPUT_MB" in result.output


def test_every_report_format(tmp_path):
    folder = make(tmp_path / "gap", drop=("funds",), actors=(
        "xx-x,<img src=x onerror=alert(1)>,ngo,local,FR,,Town,doc.txt,50",))
    outputs = {fmt: validate(str(folder), "--format", fmt).output
               for fmt in ("md", "html", "json", "ttl", "junit")}
    assert "## Governance gaps (warnings)" in outputs["md"]
    assert "### Fiscal gap" in outputs["md"]
    assert "<img" not in outputs["html"]
    assert "Fiscal gap" in outputs["html"]
    report = json.loads(outputs["json"])
    assert report["counts"]["warning"] == 1
    assert report["findings"][0]["gap"] == "fiscal"
    graph = rdflib.Graph().parse(data=outputs["ttl"], format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, sh.conforms, rdflib.Literal(True)) in graph
    assert len(list(graph.subjects(rdflib.RDF.type, sh.ValidationResult))) == 1
    suite = ET.fromstring(outputs["junit"]).find("testsuite")
    assert suite.get("failures") == "0" and suite.get("skipped") == "1"


def test_report_can_be_written_to_a_file(tmp_path):
    target = tmp_path / "report.html"
    result = validate(str(make(tmp_path / "clean")), "--format", "html", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_the_engines_agree_on_a_dataset(tmp_path):
    folder = make(tmp_path / "gap", drop=("informs", "ngo"))
    fast = json.loads(validate(str(folder), "--format", "json").output)["findings"]
    reference = json.loads(validate(str(folder), "--format", "json", "--engine",
                                    "pyshacl").output)["findings"]
    assert sorted((f["shape"], f["focus"]) for f in fast) == sorted(
        (f["shape"], f["focus"]) for f in reference)


def test_gaps_command_filters_by_city_and_type(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "store")
    runner.invoke(main, ["--store", store, "build"])
    result = runner.invoke(main, ["--store", store, "gaps", "--city", "Paris", "--gap",
                                  "policy", "--format", "json"])
    assert result.exit_code == 0, result.output
    findings = json.loads(result.output)["findings"]
    assert findings and {f["gap"] for f in findings} == {"policy"}
    assert any("Pact to address Exclusion" in f["message"] for f in findings)
    france = json.loads(runner.invoke(main, ["--store", store, "gaps", "--country", "FR",
                                             "--format", "json"]).output)["findings"]
    assert france and all(f["country"] == "FR" for f in france)
