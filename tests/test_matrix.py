"""`govatlas matrix` rebuilds the MC2CM distribution-of-competences table (seed 004, Appendix C,
lines 175-185) from the graph, cell by cell, for all nine cities: with the source chosen, the
cells hold what the table states (``stated_in`` table) and the narrative's claims are listed
apart."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from click.testing import CliRunner

from govatlas.cli import main
from govatlas.graph.views.matrix import Allocation, Cell, CompetenceMatrix, competence_matrix
from govatlas.viz.heatmap import TIP_HOLDERS, heatmap_table

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
    """The matrix of the seed alone, as `govatlas matrix --source` builds it (no other filter:
    the narrative's claims go apart by their ``stated_in``)."""
    return competence_matrix(bundled_store, list(CITIES), source=SEED)


def test_the_seed_table_has_nine_cities(seed_table):
    assert tuple(seed_table) == CITIES


@pytest.mark.parametrize("city", CITIES)
def test_matrix_matches_the_seed_cell_by_cell(bundled_store, table_matrix, seed_table, city):
    expected = seed_table[city]
    for level in LEVELS:
        body, items = expected[level]
        cell = table_matrix.cell(city, level)
        assert [normalise(a.text) for a in cell.items()] == items, (city, level)
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
    """Line 105 puts refugee integration with the national government; the table, with Piedmont.
    Both are kept: the table's in its cell, the narrative's listed apart."""
    matrix = competence_matrix(bundled_store, ["Turin"], as_of=date(2020, 1, 1), source=SEED)
    national = {(a.competence, a.locator) for a in matrix.cell("Turin", "national").items()}
    regional = {(a.competence, a.locator) for a in matrix.cell("Turin", "regional").items()}
    assert ("migrant-integration", "105") not in national
    assert ("migrant-integration", "184") in regional
    assert [(a.territory, a.level, a.competence, a.locator, a.stated_in)
            for a in matrix.apart] == [("Turin", "national", "migrant-integration", "105", "text")]
    everything = competence_matrix(bundled_store, ["Turin"], as_of=date(2020, 1, 1))
    assert ("migrant-integration", "105") in {
        (a.competence, a.locator) for a in everything.cell("Turin", "national").items()}


def test_the_command_reproduces_appendix_c_alone_and_lists_the_narrative_apart(tmp_path,
                                                                                seed_table):
    """`govatlas matrix --source 004...` (default date, every territory), cell by cell."""
    runner = CliRunner()
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "build"]).exit_code == 0
    result = runner.invoke(main, ["--store", store, "matrix", "--source", SEED,
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert sorted(shown["territories"]) == sorted(CITIES)
    for city in CITIES:
        for level in LEVELS:
            _, items = seed_table[city][level]
            got = [normalise(item["text"]) for holder in shown["territories"][city][level]
                   for item in holder["items"]]
            assert got == items, (city, level)
    assert [(a["territory"], a["level"], a["locator"], a["stated_in"])
            for a in shown["apart"]] == [("Turin", "national", "105", "text")]
    table = runner.invoke(main, ["--store", store, "matrix", "--source", SEED, "--city", "Turin"])
    assert "Stated outside the table (listed apart):" in table.output
    assert "[text, 004_0e103ae030b175d8.txt line 105]" in table.output


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


def test_a_heatmap_tooltip_lists_a_dozen_holders_and_counts_the_rest():
    """A cell held by a territory's hundred municipalities lists the first ones and says how
    many more there are, so a country's heatmap stays a page a browser opens at once."""
    def held_by(number: int) -> Allocation:
        return Allocation(
            iri=f"urn:a{number}", territory="Town", country="XX", level="local", level_rank=5,
            holder=f"urn:m{number}", holder_label=f"Municipality {number}",
            competence="housing", competence_label="Housing", stated_as="", qualifier="",
            note="", valid_from="", valid_until="", source="doc.txt", locator=str(number),
            record="", placeholder=False)

    holders = {f"Municipality {n}": [held_by(n)] for n in range(TIP_HOLDERS + 3)}
    matrix = CompetenceMatrix(levels=[("local", "Local")],
                              rows={"Town": {"local": Cell(holders=holders)}},
                              countries={"Town": "XX"})
    page = heatmap_table(matrix, {})
    assert page.count("<li><b>Local: Municipality") == TIP_HOLDERS
    assert ("and 3 more holders: the MC2CM table of the territory's atlas page, or "
            '`govatlas matrix --territory "Town"`, lists them all') in page
