"""Formula-like labels are neutralised in every CSV output (issue 19, part 5).

A label written by a dataset's author, ``=HYPERLINK("http://evil.example/","open")``, must
reach no spreadsheet as a formula: each CSV writer (``matrix``, ``analyze``, ``query``,
``export neo4j-csv``) puts a single quote in front of it, and leaves numbers such as ``-3``
alone.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from govatlas.cli import main
from govatlas.ontology.cells import looks_like_formula, neutralise

from .conftest import ACTORS, write_dataset

EVIL = '=HYPERLINK("http://evil.example/","open")'


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    """A store holding the small dataset with the city's label (and a competence note)
    replaced by formulas."""
    root = tmp_path_factory.mktemp("formulas")
    actors = ACTORS.replace("City of Exampleville", _quoted(EVIL)).replace(
        "Example Welcome Association", "@SUM(1+1)")
    write_dataset(root / "evil", actors=actors)
    store = str(root / "store")
    result = CliRunner().invoke(main, ["--store", store, "load", str(root / "evil")])
    assert result.exit_code == 0, result.output
    return store


def _cells(text: str, delimiter: str = ",") -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def _assert_neutralised(cells: list[str]) -> None:
    assert "'" + EVIL in cells, cells
    assert not [cell for cell in cells if looks_like_formula(cell)], cells


@pytest.mark.parametrize("command", [["matrix", "--format", "csv"],
                                     ["analyze", "--format", "csv"]])
def test_rendered_tables_neutralise_formulas(store, command):
    result = CliRunner().invoke(main, ["--store", store, *command])
    assert result.exit_code == 0, result.output
    _assert_neutralised(_cells(result.output))


QUERY = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
         "SELECT ?label (-3 AS ?n) WHERE { ?a rdfs:label ?label } ORDER BY ?label")


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_sparql_csv_and_tsv_neutralise_values_only(store, fmt):
    result = CliRunner().invoke(main, ["--store", store, "query", "-", "--format", fmt],
                                input=QUERY)
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(result.output)))
        assert rows[0] == ["label", "n"]
        values = [cell for row in rows[1:] for cell in row]
        _assert_neutralised(values)
        assert "'@SUM(1+1)" in values
        assert {row[1] for row in rows[1:]} == {"-3"}  # a number stays a number
    else:
        lines = result.output.splitlines()
        assert lines[0] == "?label\t?n"
        assert '"\'=HYPERLINK(\\"http://evil.example/\\",\\"open\\")"' in result.output
        assert not any(cell.strip('"').startswith("=") for line in lines
                       for cell in line.split("\t"))
        integer = '"-3"^^<http://www.w3.org/2001/XMLSchema#integer>'
        assert {line.split("\t")[1] for line in lines[1:]} == {integer}


def test_sparql_json_keeps_the_exact_value(store):
    result = CliRunner().invoke(main, ["--store", store, "query", "-", "--format", "json"],
                                input=QUERY)
    assert result.exit_code == 0, result.output
    assert '"value": "=HYPERLINK' in result.output.replace('":"', '": "')


def test_neo4j_admin_csv_neutralises_formulas(store, tmp_path: Path):
    result = CliRunner().invoke(main, ["--store", store, "export", "neo4j-csv", str(tmp_path)])
    assert result.exit_code == 0, result.output
    cells = [cell for path in sorted(tmp_path.glob("*.csv"))
             for cell in _cells(path.read_text(encoding="utf-8"))]
    _assert_neutralised(cells)


def test_numbers_are_not_formulas():
    assert [neutralise(v) for v in ("-3", "+2.5", "-1e-3", -3, None, "-", "-x", "\r1")] == [
        "-3", "+2.5", "-1e-3", -3, None, "'-", "'-x", "'\r1"]
