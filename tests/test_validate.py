"""`govatlas validate` as a validator uses it: exit codes, every report format, the file and row
of each problem, and bad input refused with a clear message."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

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


def test_unreadable_input_is_an_error_with_its_file_and_line(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    result = validate(str(bad))
    assert result.exit_code == 1
    assert "broken.ttl:2" in result.output and "is not valid Turtle" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "actors.csv").write_text("", encoding="utf-8")
    result = validate(str(empty))
    assert result.exit_code == 1
    assert "actors.csv" in result.output and "is empty" in result.output
    missing_column = make(tmp_path / "cols")
    (missing_column / "links.csv").write_text("from_actor,to_actor\n", encoding="utf-8")
    result = validate(str(missing_column))
    assert result.exit_code == 1
    assert "required column is missing. Fix: add a 'type' column" in result.output
    result = validate(str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and "does not exist" in result.output


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    folder = make(tmp_path / "huge")
    with (folder / "links.csv").open("a", encoding="utf-8") as handle:
        handle.write("xx-state,xx-city,informs,,,,doc.txt,99\n" * 60_000)  # about 2.3 MB
    result = validate(str(folder), env={"GOVATLAS_MAX_INPUT_MB": "1"})
    assert result.exit_code == 1
    assert "is 2 MB, more than the 1 MB a single input may be." in result.output
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
    # a gap is a result, so the data does not conform (SHACL 3.6.1), though it has no error
    assert (None, sh.conforms, rdflib.Literal(False)) in graph
    assert report["conforms"] is False and report["valid"] is True
    assert len(list(graph.subjects(rdflib.RDF.type, sh.ValidationResult))) == 1
    suites = ET.fromstring(outputs["junit"])
    assert suites.get("failures") == "0" and suites.get("skipped") == "1"


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
    table = runner.invoke(main, ["--store", store, "gaps", "--country", "FR", "--limit", "2"])
    assert table.exit_code == 0 and table.output.index("== Cases") < table.output.index("== Gov")
    assert table.output.count("\n      at ") == 2 and "more finding(s)" in table.output


LONG_LABEL = "Integration office " * 20  # 379 characters once stripped


def broken_folder(tmp_path: Path) -> Path:
    """A dataset holding one problem of every kind a validator meets, each on a known line."""
    folder = make(tmp_path / "broken", actors=(
        "xx-city,Second City,municipality,local,FR,,Town,doc.txt,20",   # line 7: duplicate id
        "xx-a,Unit A,directorate,local,FR,xx-b,Town,doc.txt,21",        # line 8: cycle
        "xx-b,Unit B,directorate,local,FR,xx-a,Town,doc.txt,22",        # line 9
        "xx-town,Town Hall,municipalty,local,FR,,Town,doc.txt,23",      # line 10: unknown code
        f"xx-long,{LONG_LABEL},ngo,local,FR,,Town,doc.txt,24",          # line 11: long label
    ), links=(
        "xx-state,xx-city,informs,,,,doc.txt,30,extra",                  # extra value
        "xx-state,xx-nobody,funds,,,,doc.txt,31",                        # dangling id
        "xx-state,xx-city,consults,,2019-02-30,,doc.txt,32",             # bad date
        "xx-state,xx-city,consults,,2020,2010,doc.txt,33",               # reversed period
    ))
    actors = (folder / "actors.csv").read_bytes().splitlines(keepends=True)
    assert actors[4].startswith(b"xx-mig,Migrants' Union")
    actors[4] = actors[4].replace(b"Migrants' Union", b"Union des migr\xe9s")  # Latin-1, line 5
    (folder / "actors.csv").write_bytes(b"".join(actors))
    (folder / "competences.csv").write_text(  # a required file with no rows
        "holder,competence,level,qualifier,valid_from,valid_until,source,locator\n",
        encoding="utf-8")
    (folder / "instruments.csv").write_text(  # the 'status' column is missing
        "id,label,type,country,territory,valid_from,valid_until,succeeds,source,locator\n"
        "xx-contract,Integration Contract,contract,FR,Town,,,,doc.txt,14\n", encoding="utf-8")
    (folder / "gap_evidence.csv").write_text("", encoding="utf-8")  # an empty optional file
    return folder


EXPECTED = {  # (record, column, words of the message, words of the fix)
    ("actors.csv:5", "label", "is not UTF-8 text (byte 0xE9", "save the file as UTF-8"),
    ("actors.csv:7", "id", "duplicate actor id 'xx-city' (first defined at line 3)",
     "give each row its own id"),
    ("actors.csv:8", "parent", "parents form a cycle", "clear one parent"),
    # the data-quality shape sees the cycle from the other actor in it
    ("actors.csv:9", None, "through its parents, part of itself", "clear one parent"),
    ("actors.csv:10", "type", "unknown actor type 'municipalty'", "use 'municipality'"),
    ("actors.csv:11", "label", "has a name of 379 characters, more than the 300",
     "a description belongs in 'note'"),
    ("competences.csv", None, "has no rows", "add the competences"),
    ("instruments.csv:1", "status", "required column is missing", "add a 'status' column"),
    ("gap_evidence.csv", None, "is empty", "start it with the header row"),
    ("links.csv:8", None, "has 9 values for 8 columns", "quote values that contain a comma"),
    ("links.csv:9", "to_actor", "no actor has the id 'xx-nobody'", "add it to actors.csv"),
    ("links.csv:10", "valid_from", "'2019-02-30' is not a date", "write YYYY"),
    ("links.csv:11", "valid_until", "ends (2010) before it starts (2020)", "swap the two"),
}


def test_one_run_reports_every_problem_with_its_line_and_fix(tmp_path):
    folder = broken_folder(tmp_path)
    result = validate(str(folder), "--format", "json")
    assert result.exit_code == 1, result.output
    errors = [f for f in json.loads(result.output)["findings"] if f["severity"] == "Violation"]
    found = [(f["record"].replace(f"{folder}/", "").rsplit("/", 1)[-1], f["path"], f["message"])
             for f in errors]
    for record, column, message, fix in EXPECTED:
        assert fix, record  # every problem says what to do
        assert any(r == record and c == column and message in m and fix in m
                   for r, c, m in found), (record, message, found)
    # each problem once: the missing 'status' column is not also a blank on every row
    assert sum(c == "status" for _, c, _ in found) == 1
    assert len(found) == len(EXPECTED), found


def test_every_format_is_written_and_nothing_is_stored(tmp_path):
    folder = broken_folder(tmp_path)
    for fmt in ("json", "junit", "html", "ttl", "md"):
        target = tmp_path / f"report.{fmt}"
        result = validate(str(folder), "--format", fmt, "-o", str(target))
        assert result.exit_code == 1, (fmt, result.output)
        text = target.read_text(encoding="utf-8")
        assert "xx-nobody" in text and "has no rows" in text, fmt
    ET.fromstring((tmp_path / "report.junit").read_text(encoding="utf-8"))
    rdflib.Graph().parse(tmp_path / "report.ttl", format="turtle")
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["--store", str(store), "load", str(folder)])
    assert result.exit_code == 1
    assert "actors.csv:5" in result.output and "nothing was loaded" in result.output
    from govatlas.graph.store import GraphStore

    opened = GraphStore.open(store)
    try:
        assert not [g for g in opened.graphs() if g.endswith("/broken")]
    finally:
        opened.close()


def test_a_fresh_template_and_an_empty_dataset_do_not_pass(tmp_path):
    folder = tmp_path / "new"
    assert CliRunner().invoke(main, ["template", str(folder)]).exit_code == 0
    result = validate(str(folder))
    assert result.exit_code == 1
    for name in ("actors", "competences", "links"):
        assert f"{name}.csv\n    - has no rows" in result.output
    assert "No errors" not in result.output


def test_bom_and_crlf_are_accepted_silently(tmp_path):
    folder = make(tmp_path / "windows")
    for file in folder.glob("*.csv"):
        text = file.read_text(encoding="utf-8")
        file.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = validate(str(folder))
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_an_over_long_cell_is_refused_with_the_limit(tmp_path):
    folder = make(tmp_path / "long", competences=(
        f"xx-city,housing,local,{'x' * 6000},,,doc.txt,30",))
    result = validate(str(folder), "--no-gaps")
    assert result.exit_code == 1
    assert "is 6,000 characters long, more than the 5,000 a cell may hold" in result.output
    assert "competences.csv:4" in result.output
