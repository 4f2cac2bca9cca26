"""`govatlas matrix` rebuilds the MC2CM distribution-of-competences table (seed 004, Appendix C,
lines 175-185) from the graph, cell by cell, for all nine cities."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from click.testing import CliRunner

from govatlas.cli import main
from govatlas.graph.views.matrix import competence_matrix

from .conftest import SourceDocuments

SEED = "004_0e103ae030b175d8.txt"
LEVELS = ("national", "regional", "local")
CITIES = ("Amman", "Beirut", "Lisbon", "Lyon", "Madrid", "Tangier", "Tunis", "Turin", "Vienna")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def seed_table(documents: SourceDocuments) -> dict[str, dict[str, tuple[str | None, list[str]]]]:
    """The table as the seed prints it: city -> level -> (named body, items)."""
    lines = documents.lines(SEED)
    table: dict[str, dict[str, tuple[str | None, list[str]]]] = {}
    for number in range(176, 186):
        line = lines[number - 1]
        if line.startswith("City\t"):
            continue
        city, *cells = line.split("\t")
        cells += [""] * (3 - len(cells))
        row = {}
        for level, cell in zip(LEVELS, cells[:3], strict=True):
            text = re.sub(r"<ul[^>]*>|</?i>", "", cell)
            named = re.match(r"\s*\(([^)]*)\)", text)
            body = named[1] if named else None
            if named:
                text = text[named.end():]
            items = [normalise(item) for item in text.split("•")[1:]]
            if not items and text.strip():
                items = [normalise(text)]
            row[level] = (body, items)
        table[city] = row
    return table


@pytest.fixture(scope="module")
def table_matrix(bundled_store):
    """The matrix built from the statements the table itself makes (lines 176-185)."""
    table_lines = {str(number) for number in range(176, 186)}
    return competence_matrix(bundled_store, list(CITIES), as_of=date(2020, 1, 1), source=SEED,
                             keep=lambda a: a.locator in table_lines)


def test_the_seed_table_has_nine_cities(seed_table):
    assert tuple(seed_table) == CITIES


@pytest.mark.parametrize("city", CITIES)
def test_matrix_matches_the_seed_cell_by_cell(bundled_store, table_matrix, seed_table, city):
    expected = seed_table[city]
    for level in LEVELS:
        body, items = expected[level]
        cell = table_matrix.cell(city, level)
        assert Counter(normalise(a.text) for a in cell.items()) == Counter(items), (city, level)
        if body:
            names = set()
            for allocation in cell.items():
                names |= {r["n"].value for r in bundled_store.select(
                    f"SELECT ?n WHERE {{ <{allocation.holder}> rdfs:label|skos:altLabel ?n }}")}
            assert body in names, f"{city} {level}: the table names '{body}' as holder"


def test_beirut_information_not_provided_is_recorded(table_matrix):
    items = table_matrix.cell("Beirut", "national").items()
    assert [a.text for a in items] == ["information not provided"]
    assert items[0].placeholder


def test_validity_periods_change_the_matrix(bundled_store):
    """Turin: employment was the Metropolitan City's until the end of 2017 (line 184)."""
    def local_items(day: date) -> list[str]:
        matrix = competence_matrix(bundled_store, ["Turin"], as_of=day, source=SEED)
        return [a.competence for a in matrix.cell("Turin", "local").items()]

    assert "employment" in local_items(date(2017, 6, 1))
    assert "employment" not in local_items(date(2018, 6, 1))


def test_conflicting_sources_are_both_kept(bundled_store):
    """Line 105 puts refugee integration with the national government; the table, with Piedmont."""
    matrix = competence_matrix(bundled_store, ["Turin"], as_of=date(2020, 1, 1), source=SEED)
    national = {(a.competence, a.locator) for a in matrix.cell("Turin", "national").items()}
    regional = {(a.competence, a.locator) for a in matrix.cell("Turin", "regional").items()}
    assert ("migrant-integration", "105") in national
    assert ("migrant-integration", "184") in regional


def test_cli_prints_viennas_row_with_its_qualifiers(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "build"]).exit_code == 0
    result = runner.invoke(main, ["--store", store, "matrix", "--city", "Vienna",
                                  "--source", SEED, "--format", "md"])
    assert result.exit_code == 0, result.output
    for words in ("Health (shared competence)", "Vocational training (shared competence)",
                  "Language learning & orientation (via Integration Contracts) - administered "
                  "by the 'Austrian Funds for Integration' foundation",
                  "Education (pre-school, primary and secondary education; partial competence "
                  "for education policy)", "Orientation (implementation)"):
        assert words in result.output
    unknown = runner.invoke(main, ["--store", store, "matrix", "--city", "Atlantis"])
    assert unknown.exit_code == 2
    assert "--city no territory is called 'Atlantis'" in unknown.output


@pytest.mark.parametrize("fmt", ["csv", "json", "html", "table"])
def test_every_format_renders(tmp_path, fmt):
    runner = CliRunner()
    store = str(tmp_path / "store")
    runner.invoke(main, ["--store", store, "build"])
    result = runner.invoke(main, ["--store", store, "matrix", "--format", fmt])
    assert result.exit_code == 0
    assert "Vienna" in result.output and "Amman" in result.output
