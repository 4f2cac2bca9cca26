"""The named query library: every query has a header and runs on the bundled data, its answers
are the facts the seeds state, and parameters are bound as RDF terms, never pasted into the
query text."""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from govatlas.graph.pipeline import load_dataset
from govatlas.ontology.namespaces import ACTOR, COMPETENCE, INSTRUMENT, LEVEL, TERRITORY
from govatlas.ontology.vocabulary import vocabulary
from govatlas.queries.library import QueryError, load_library, parse_query
from govatlas.queries.runner import prepared_text, run_query, to_dataframe

from .conftest import SourceDocuments, write_dataset

DATA = Path(__file__).resolve().parents[1] / "data"
SEED_000 = "000_b98d981a4afad30a.txt"
SEED_002 = "002_272eef6c8ff87e8b.txt"
SEED_004 = "004_0e103ae030b175d8.txt"
LIBRARY = load_library()
REQUIRED = {
    "competence-matrix", "level-holding-competence", "actors-by-type-and-level", "actor-links",
    "instruments-and-gaps", "shared-competences", "actors-without-cross-level-link",
    "links-valid-at", "statements-with-sources", "conflicting-statements",
}
CTAIR_2020 = {"Bordeaux", "Brest", "Clermont-Ferrand", "Dijon", "Grenoble", "Lyon", "Nancy",
              "Nantes", "Rennes", "Strasbourg", "Toulouse"}
HOSTILE = [
    '"} ; DROP ALL ; SELECT * WHERE { ?s ?p ?o',
    'Vienna" || true || "',
    "Vienna'} UNION { ?s ?p ?o }",
    '\\"}) } } DELETE WHERE { ?s ?p ?o } #\nINSERT DATA { <a:b> <a:b> <a:b> }',
]


def rows(store, name: str, **values: str) -> list[dict[str, str | None]]:
    """The result of a library query as dicts of plain values (IRIs and literals as text)."""
    result = run_query(store, LIBRARY[name], values)
    return [{variable: (term.value if term is not None else None)
             for variable, term in zip(result.variables, row, strict=True)}
            for row in result.rows]


# The lines of the source documents that the tests below take their expected answers from.
CITED = [(SEED_004, 185, "Health (shared competence)"),
         (SEED_000, 124, "signed or renewed 11 CTAIR"),
         (SEED_002, 58, "Contract of Republican Integration"),
         (SEED_002, 61, "(2018-2020)")]


@pytest.mark.parametrize(("seed", "number", "words"), CITED)
def test_the_cited_lines_state_what_the_expected_answers_rely_on(
        documents: SourceDocuments, seed: str, number: int, words: str):
    """Checked against the documents when they are present; the query tests run without them."""
    assert words in documents.line(seed, number)


def csv_rows(pattern: str):
    """(file as 'dataset/name.csv', line number, row) for every data row of matching files."""
    for path in sorted(DATA.glob(pattern)):
        with path.open(newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                yield f"{path.parent.name}/{path.name}", number, row


# --- the library as a whole ------------------------------------------------------------------

def test_the_library_has_the_required_queries():
    assert set(LIBRARY) >= REQUIRED


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_query_has_a_header_and_runs_on_the_bundled_data(bundled_store, name):
    query = LIBRARY[name]
    assert query.title and query.title != name
    assert query.answers.endswith((".", "?"))
    assert query.example.startswith(f"govatlas query {name}")
    assert query.kind == "SELECT"
    body = "\n".join(line for line in query.text.splitlines()
                     if not line.strip().startswith("#"))
    assert "WHERE {" in body
    for parameter in query.parameters:
        assert f"?{parameter.name}" in body, parameter.name  # a parameter the query uses
        assert parameter.default is not None and parameter.help
    started = time.perf_counter()
    result = run_query(bundled_store, query)
    elapsed = time.perf_counter() - started
    assert result.rows, f"{name} gives no rows on the bundled data"
    assert len(set(result.rows)) == len(result.rows), f"{name} repeats rows"
    assert elapsed < 5, f"{name} took {elapsed:.1f} s"


def test_the_timeout_path_gives_the_same_rows(bundled_store):
    query = LIBRARY["competence-matrix"]
    direct = run_query(bundled_store, query, {"territory": "Turin"})
    forked = run_query(bundled_store, query, {"territory": "Turin"}, timeout=60)
    assert forked.variables == direct.variables
    assert forked.rows == direct.rows


def test_results_become_dataframes(bundled_store):
    frame = to_dataframe(run_query(bundled_store, LIBRARY["competence-matrix"]))
    assert list(frame.columns) == run_query(bundled_store,
                                            LIBRARY["competence-matrix"]).variables
    assert set(frame["levelRank"]) == {2, 3, 5}
    assert set(frame["territoryName"]) == {"Vienna"}


# --- parameters ------------------------------------------------------------------------------

def string_parameters():
    return [(name, parameter.name) for name, query in sorted(LIBRARY.items())
            for parameter in query.parameters if parameter.type in ("string", "name")]


@pytest.mark.parametrize(("name", "parameter"), string_parameters())
@pytest.mark.parametrize("value", HOSTILE, ids=["drop-all", "or-true", "union", "delete"])
def test_a_hostile_value_is_one_literal_that_matches_nothing(bundled_store, name, parameter,
                                                             value):
    query = LIBRARY[name]
    text = prepared_text(query, query.bindings({parameter: value}))
    declared = {item.name: item.type for item in query.parameters}
    bound = value.lower() if declared[parameter] == "name" else value  # bound lower-cased
    assert str(ox.Literal(bound)) in text  # one escaped literal in the VALUES block
    before = len(bundled_store)
    result = run_query(bundled_store, query, {parameter: value})
    if (name, parameter) == ("conflicting-statements", "territory"):
        # the territory narrows the allocations compared; the other kinds are always listed
        kind = result.variables.index("kind")
        assert "competence allocation" not in {row[kind].value for row in result.rows}
    else:
        assert result.rows == []
    assert len(bundled_store) == before


@pytest.mark.parametrize(("name", "parameter"), [
    ("links-valid-at", "date"), ("contracts-signed-in-year", "year"),
    ("level-holding-competence", "competence")])
def test_a_hostile_value_for_a_typed_parameter_is_refused(bundled_store, name, parameter):
    before = len(bundled_store)
    with pytest.raises(QueryError, match=parameter):
        run_query(bundled_store, LIBRARY[name], {parameter: HOSTILE[0]})
    assert len(bundled_store) == before


def test_an_unknown_parameter_is_refused_with_the_known_ones(bundled_store):
    with pytest.raises(QueryError, match=r"unknown parameter 'city'.*territory"):
        run_query(bundled_store, LIBRARY["competence-matrix"], {"city": "Lyon"})
    with pytest.raises(QueryError, match=r"'month'.*instrument, year"):
        run_query(bundled_store, LIBRARY["contracts-signed-in-year"], {"month": "6"})
    with pytest.raises(QueryError, match="none"):
        run_query(bundled_store, LIBRARY["competence-owners"], {"territory": "Vienna"})


def test_an_unknown_competence_code_suggests_the_nearest(bundled_store):
    with pytest.raises(QueryError, match="did you mean 'housing'"):
        run_query(bundled_store, LIBRARY["level-holding-competence"], {"competence": "housng"})


# --- 1. competence-matrix --------------------------------------------------------------------

def test_competence_matrix_of_vienna_has_health_shared_at_two_levels(bundled_store):
    """Seed 004 line 185: Health (shared competence) in the national and the regional cell."""
    found = rows(bundled_store, "competence-matrix", territory="vienna")
    health = {(row["level"], row["holder"], row["qualifier"], row["source"], row["locator"])
              for row in found if row["competence"] == COMPETENCE + "health"}
    assert health == {
        (LEVEL + "national", ACTOR + "at-national-government", "shared competence", SEED_004,
         "185"),
        (LEVEL + "regional", ACTOR + "at-vienna", "shared competence", SEED_004, "185")}
    assert [int(row["levelRank"]) for row in found] == sorted(
        int(row["levelRank"]) for row in found)
    stated = {row["statedAs"] for row in found if row["holder"] == ACTOR + "at-vienna"}
    assert "Regional and local integration policy" in stated
    assert all(row["territoryFrom"] == "holder" for row in found)  # mc2cm states none


def test_competence_matrix_falls_back_on_the_holders_territory_and_says_so(bundled_store):
    found = rows(bundled_store, "competence-matrix", territory="Paris")
    diair = [row for row in found if row["holder"] == ACTOR + "fr-diair"]
    assert diair and {row["territoryFrom"] for row in diair} == {"holder"}
    assert {row["validFrom"] for row in diair} == {"2018-01-01"}
    assert rows(bundled_store, "competence-matrix", territory="Atlantis") == []


# --- 2. level-holding-competence -------------------------------------------------------------

def test_level_holding_housing_includes_narrower_competences(bundled_store):
    found = rows(bundled_store, "level-holding-competence", territory="*")  # housing by default
    turin = {(row["levelLabel"], row["holderLabel"], row["qualifier"])
             for row in found if row["territoryName"] == "Turin"}
    assert turin == {("Regional", "Piedmont Region", "planning & funding"),
                     ("Local", "Metropolitan City of Turin", "implementation")}
    lyon = {row["holder"]: row["heldAs"] for row in found if row["territoryName"] == "Lyon"}
    assert lyon[ACTOR + "fr-lyon-metropolis"] == "narrower: Habitat and housing"
    assert lyon[ACTOR + "fr-national-government"] == "the competence"
    education = rows(bundled_store, "level-holding-competence", competence="education",
                     territory="*")
    assert COMPETENCE + "early-childhood" in {row["held"] for row in education}
    assert COMPETENCE + "housing" not in {row["held"] for row in education}


# --- 3. actors-by-type-and-level -------------------------------------------------------------

def expected_actor_counts(country: str) -> Counter:
    """(level code, type code) -> number of actors, from the actors.csv files themselves."""
    actors: dict[str, tuple[str, set[str]]] = {}
    for _file, _line, row in csv_rows("*/actors.csv"):
        if country == "*" or row["country"].upper() == country.upper():
            _type, levels = actors.setdefault(row["id"], (row["type"], set()))
            levels.update(row["level"].split("|"))
    return Counter((level, kind) for kind, levels in actors.values() for level in levels)


@pytest.mark.parametrize("country", ["FR", "it", "*"])
def test_actor_counts_by_type_and_level_match_the_data_files(bundled_store, country):
    vocab = vocabulary()
    found = rows(bundled_store, "actors-by-type-and-level", country=country)
    counted = Counter({(vocab.by_iri[row["level"]].code, vocab.by_iri[row["type"]].code):
                       int(row["actors"]) for row in found})
    assert counted == expected_actor_counts(country)
    for row in found:
        assert len(row["names"].split("; ")) == int(row["actors"])


# --- 4. actor-links --------------------------------------------------------------------------

def test_diair_links_include_the_eleven_ctair_of_2020(bundled_store):
    """Seed 000 lines 124-126: in 2020 the Diair signed or renewed 11 CTAIR."""
    found = rows(bundled_store, "actor-links")  # Diair by default
    contracts = [row for row in found if row["linkType"].endswith("/contracts-with")
                 and row["instrument"] == INSTRUMENT + "fr-ctair"]
    assert len(contracts) == 11
    assert {row["direction"] for row in contracts} == {"from"}
    assert {row["status"] for row in contracts} == {"reported"}
    assert {row["validFrom"] for row in contracts} == {"2020-01-01"}
    assert all("124" in row["locator"] and row["source"] == SEED_000 for row in contracts)
    names = " ".join(row["counterpartLabel"] for row in contracts)
    assert all(city in names for city in CTAIR_2020)
    planned = {row["counterpartLabel"] for row in found if row["status"] == "planned"
               and row["linkType"].endswith("/contracts-with")}
    assert any("Besançon" in name for name in planned)
    assert ("to", "steers", "Prime Minister") in {
        (row["direction"], row["linkTypeLabel"], row["counterpartLabel"]) for row in found}


def test_actor_links_match_label_acronym_and_id_alike(bundled_store):
    by_acronym = rows(bundled_store, "actor-links", actor="DIAIR")
    assert by_acronym == rows(bundled_store, "actor-links", actor="fr-diair")
    assert by_acronym == rows(bundled_store, "actor-links", actor=(
        "Interministerial Delegation for the Reception and Integration of Refugees"))


# --- 5. instruments-and-gaps -----------------------------------------------------------------

def test_instruments_and_gaps_gives_every_gap_evidence_row(bundled_store):
    expected = {(f"{file}:{line}", row["gap"], row["effect"])
                for file, line, row in csv_rows("*/gap_evidence.csv")}
    found = rows(bundled_store, "instruments-and-gaps")
    got = {("/".join(row["record"].split("/")[-2:]), row["gapConcept"].rsplit("/", 1)[-1],
            row["effect"]) for row in found}
    assert got == expected
    assert len(found) == len(expected)


def test_instruments_and_gaps_for_one_gap(bundled_store):
    found = rows(bundled_store, "instruments-and-gaps", gap="objective")
    assert found and {row["gapLabel"] for row in found} == {"Objective gap"}
    paris = [row for row in found if row["instrument"].endswith("fr-paris-integration-action-plan")]
    assert [(row["effect"], row["source"], row["locator"]) for row in paris] == [
        ("persists", SEED_002, "74")]


# --- 6. shared-competences -------------------------------------------------------------------

def test_shared_competences(bundled_store):
    found = rows(bundled_store, "shared-competences", territory="*")
    pairs = {(row["territoryName"], row["competenceLabel"], row["relation"], row["upperLevel"],
              row["lowerLevel"]) for row in found}
    assert ("Vienna", "Health", "same", "national", "regional") in pairs
    assert ("Lyon", "Housing", "narrower", "national", "regional") in pairs
    assert ("Turin", "Housing", "same", "regional", "local") in pairs
    ranks = {code: concept.rank for code, concept in vocabulary().lists["level"].by_code.items()}
    assert all(ranks[row["upperLevel"]] < ranks[row["lowerLevel"]] for row in found)
    employment = [row for row in found if row["territoryName"] == "Turin"
                  and row["competenceLabel"] == "Employment"]
    assert [row["lowerPeriod"] for row in employment] == ["..2017-12-31"]


# --- 7. actors-without-cross-level-link ------------------------------------------------------

def test_actors_without_a_link_across_levels_checked_by_hand(bundled_store):
    found = {row["actor"]: row for row in rows(bundled_store, "actors-without-cross-level-link",
                                               territory="*")}
    # Besançon's only link is the contract the Diair plans with it (seed 000 lines 128-130).
    besancon = found[ACTOR + "fr-besancon"]
    assert (besancon["reportedLinks"], besancon["pendingCrossLevelLinks"]) == ("0", "1")
    # The Ministry of Labour is only coordinated by the Diair, both national (lines 84-96).
    assert found[ACTOR + "fr-ministry-labour"]["reportedLinks"] == "1"
    # Vienna's City Administration is linked only with Vienna, which also acts locally.
    assert found[ACTOR + "at-vienna-city-administration"]["reportedLinks"] == "2"
    # The BMAS funds Network IQ, which acts at the national level too.
    assert ACTOR + "de-bmas" in found
    # Brest signed a CTAIR with the national Diair; the Diair has many such links.
    for linked in ("fr-city-of-brest", "fr-diair", "fr-lyon-metropolis", "at-vienna"):
        assert ACTOR + linked not in found, linked


# --- 8. links-valid-at -----------------------------------------------------------------------

def ctair_contracts(store, day: str) -> set[str]:
    return {row["toLabel"] for row in rows(store, "links-valid-at", date=day, territory="*")
            if row["instrument"] == INSTRUMENT + "fr-ctair"
            and row["linkType"].endswith("/contracts-with")}


def test_ctair_contracts_in_force_in_2019_and_2021_differ(bundled_store):
    in_2019 = ctair_contracts(bundled_store, "2019-06-30")
    in_2021 = ctair_contracts(bundled_store, "2021-06-30")
    assert in_2019 < in_2021
    assert len(in_2021) == 11
    assert all(any(city in name for name in in_2021) for city in CTAIR_2020)
    found = rows(bundled_store, "links-valid-at", territory="*")
    assert not any("Besançon" in row["toLabel"] for row in found)  # planned, not in force


def test_a_link_with_an_end_is_not_in_force_after_it(bundled_store):
    def strategy_partners(day: str) -> set[str]:
        return {row["toLabel"] for row in rows(bundled_store, "links-valid-at", date=day,
                                               territory="*")
                if row["instrument"] == INSTRUMENT + "fr-national-strategy-refugee-integration"}

    assert len(strategy_partners("2019-06-30")) == 2  # 2018-2021 (seed 000 lines 57-64)
    assert strategy_partners("2022-06-30") == set()
    with pytest.raises(QueryError, match="date"):
        run_query(bundled_store, LIBRARY["links-valid-at"], {"date": "30/06/2021"})


# --- 9. statements-with-sources --------------------------------------------------------------

def test_statements_from_002_include_the_cir(bundled_store):
    """Seed 002 line 58: the Contract of Republican Integration (CIR), since 2007."""
    found = rows(bundled_store, "statements-with-sources", source=SEED_002)
    assert {row["document"] for row in found} == {SEED_002}
    cir = [row for row in found if row["subject"] == INSTRUMENT + "fr-cir"]
    assert [(row["kind"], row["locator"]) for row in cir] == [("instrument", "58")]
    assert cir[0]["record"].endswith("paris/instruments.csv:13")
    assert {row["kind"] for row in found} == {"actor", "instrument", "competence", "link",
                                              "figure", "gap evidence"}


@pytest.mark.parametrize("source", [SEED_000, SEED_002, "003", SEED_004])
def test_statements_with_sources_are_every_data_row_citing_the_document(bundled_store, source):
    expected = {f"{file}:{line}" for pattern in ("actors", "competences", "links",
                                                 "instruments", "quantities", "gap_evidence")
                for file, line, row in csv_rows(f"*/{pattern}.csv")
                if row["source"].startswith(source)}
    found = rows(bundled_store, "statements-with-sources", source=source)
    assert {"/".join(row["record"].split("/")[-2:]) for row in found} == expected
    assert len(found) == len(expected)


# --- 10. conflicting-statements --------------------------------------------------------------

def test_conflicts_found_on_the_bundled_data(bundled_store):
    """The National Strategy ends in 2021 (seed 000) or 2020 (seed 002 line 61); Turin's migrant
    integration is national (seed 004 line 105) or regional (line 184)."""
    found = rows(bundled_store, "conflicting-statements", territory="*")
    strategy = [row for row in found
                if row["subject"] == INSTRUMENT + "fr-national-strategy-refugee-integration"]
    assert [(row["kind"], row["stated1"], row["source1"], row["stated2"], row["source2"],
             row["locator2"]) for row in strategy] == [
        ("instrument period", "2018-01-01..2021-12-31", SEED_000, "2018-01-01..2020-12-31",
         SEED_002, "61")]
    turin = [row for row in found if row["subject"] == TERRITORY + "turin"]
    assert len(turin) == 1
    sides = {(row["stated1"], row["locator1"]) for row in turin} | {
        (row["stated2"], row["locator2"]) for row in turin}
    assert sides == {("Piedmont Region (regional)", "184"),
                     ("Italy national government (national)", "105")}
    assert turin[0]["fact"] == "Migrant integration"
    # The SNAI roles (seed 000) all carry a qualifier: they split local development, and the
    # Vienna table row (line 185) states its shared competences in one place ("shared" on both
    # sides is no disagreement). Vienna's one conflict is education: the federal ministry's
    # for the whole country (seed 000 lines 2579-2587) against the province's (line 185).
    assert not any(row["subjectLabel"] == "Italy" for row in found
                   if row["kind"] == "competence allocation")
    assert [(row["fact"], row["locator1"], row["locator2"]) for row in found
            if row["kind"] == "competence allocation" and row["subjectLabel"] == "Vienna"] == [
        ("Education", "2579-2587", "185")]


def test_conflicting_figures_from_two_documents(empty_store, tmp_path):
    header = "subject,kind,value,unit,year,about,source,locator\n"
    write_dataset(tmp_path / "one", quantities=header + (
        "xx-city,count,40,staff,2020,integration staff,a.txt,10\n"
        "xx-city,count,45,staff,2021,integration staff,a.txt,11\n"))  # another year
    write_dataset(tmp_path / "two", quantities=header + (
        "xx-city,count,45,staff,2020,integration staff,b.txt,20\n"
        "xx-city,count,60,volunteers,2020,volunteers,b.txt,21\n"  # another unit
        "xx-city,count,47,staff,2020,integration staff,b.txt,22\n"))
    load_dataset(empty_store, tmp_path / "one")
    load_dataset(empty_store, tmp_path / "two")
    found = [row for row in rows(empty_store, "conflicting-statements")
             if row["kind"] == "figure"]
    assert sorted((row["stated1"], row["source1"], row["stated2"], row["source2"])
                  for row in found) == [
        ("40", "a.txt", "45", "b.txt"),  # two documents
        ("40", "a.txt", "47", "b.txt"),
        ("45", "b.txt", "47", "b.txt"),  # one document, in the same words
    ]
    assert {row["fact"] for row in found} == {"count in staff (2020)"}


# --- further queries -------------------------------------------------------------------------

def test_contracts_signed_in_2020_under_the_ctair(bundled_store):
    found = rows(bundled_store, "contracts-signed-in-year", instrument="ctair", year="2020")
    assert {row["toTerritory"] for row in found} == CTAIR_2020
    assert {row["fromLabel"] for row in found} == {
        "Interministerial Delegation for the Reception and Integration of Refugees"}
    assert rows(bundled_store, "contracts-signed-in-year", year="2019") == []


def test_funding_flows_carry_their_amounts(bundled_store):
    found = rows(bundled_store, "funding-flows", country="FR", territory="*")
    dpv = [row for row in found if row["link"].endswith("/dpv-state-municipalities")]
    assert [row["amounts"] for row in dpv] == ["150000000 EUR (2017) [4685-4691]"]
    ctair = [row for row in found if row["instrument"] == INSTRUMENT + "fr-ctair"
             and row["linkTypeLabel"] == "funds"]
    assert len(ctair) == 11
    assert all("300000 EUR (2020) [114-116]" in row["instrumentAmounts"] for row in ctair)
    assert all(row["linkTypeLabel"] in ("funds", "administers funds of")
               for row in rows(bundled_store, "funding-flows", territory="*"))


def test_decoupled_territories(bundled_store):
    found = {row["territoryName"]: row for row in rows(bundled_store, "decoupled-territories",
                                                        territory="*")}
    # Vienna: national and regional competences (seed 004 line 185), no link between the
    # Austrian government and the City of Vienna in the data.
    assert found["Vienna"]["decoupled"] == "true"
    assert found["Vienna"]["competenceLevels"] == "3"
    # Turin: the Piedmont Region delegates to the Metropolitan City (line 184).
    assert found["Turin"]["decoupled"] == "false"
    assert int(found["Turin"]["linksBetweenHolders"]) >= 1
    assert found["Beirut"]["decoupled"] == "false"  # one level only


# --- figures -----------------------------------------------------------------------------------

def test_figures_are_every_quantity_row_with_value_unit_and_year(bundled_store):
    expected = {f"{file}:{line}": row for file, line, row in csv_rows("*/quantities.csv")}
    found = rows(bundled_store, "figures")
    got = {"/".join(row["record"].split("/")[-2:]): row for row in found}
    assert set(got) == set(expected)
    for record, row in expected.items():
        figure = got[record]
        assert figure["kind"] == row["kind"], record
        assert (figure["unit"] or "") == row["unit"], record
        assert (figure["year"] or "") == row["year"], record
        assert (figure["source"], figure["locator"]) == (row["source"], row["locator"]), record
        if row["kind"] != "period":
            assert float(figure["value"]) == float(row["value"]), record


def test_figures_of_one_instrument_by_id_or_name(bundled_store):
    by_id = rows(bundled_store, "figures", of="fr-ctair")
    assert by_id and {row["subjectType"] for row in by_id} == {"instrument"}
    assert ("amount", "300000", "EUR", "2019", "108-110") in {
        (row["kind"], row["value"], row["unit"], row["year"], row["locator"]) for row in by_id}
    label = by_id[0]["subjectLabel"]
    assert rows(bundled_store, "figures", of=label.upper()) == by_id
    counts = rows(bundled_store, "figures", of="fr-ctair", measure="count")
    assert counts and {row["kind"] for row in counts} == {"count"}


# --- one territory or all ---------------------------------------------------------------------
# A query that would list a whole country takes a territory, one of the bundled data by default:
# its rows for one territory are the rows of `territory=*` that belong to that territory, in the
# same order, whatever the case of the name.

#: query -> the column that names a row's territory
BY_TERRITORY_COLUMN = {"shared-competences": "territoryName", "decoupled-territories":
                       "territoryName", "level-holding-competence": "territoryName"}


@pytest.mark.parametrize("name", sorted(BY_TERRITORY_COLUMN))
@pytest.mark.parametrize("territory", ["Vienna", "lyon", "TURIN"])
def test_one_territory_is_its_part_of_the_whole_listing(bundled_store, name, territory):
    column = BY_TERRITORY_COLUMN[name]
    everything = rows(bundled_store, name, territory="*")
    own = [row for row in everything if row[column].lower() == territory.lower()]
    assert own, f"{name} has no row for {territory} on the bundled data"
    assert rows(bundled_store, name, territory=territory) == own


def placed_in(store, territory: str) -> set[str]:
    """The actors the data places in ``territory`` (their own ga:territory)."""
    return {row["actor"].value for row in store.select(
        "SELECT ?actor WHERE { ?actor ga:territory ?place . ?place rdfs:label ?name "
        f'FILTER(LCASE(STR(?name)) = "{territory.lower()}") }}')}


@pytest.mark.parametrize("name", ["links-valid-at", "funding-flows"])
@pytest.mark.parametrize("territory", ["Lyon", "Turin"])
def test_the_links_of_a_territory_are_those_with_an_end_placed_in_it(bundled_store, name,
                                                                      territory):
    inside = placed_in(bundled_store, territory)
    everything = rows(bundled_store, name, territory="*")
    own = [row for row in everything if row["from"] in inside or row["to"] in inside]
    assert own
    assert rows(bundled_store, name, territory=territory) == own


def test_the_actors_of_a_territory_without_a_link_across_levels(bundled_store):
    inside = placed_in(bundled_store, "Vienna")
    everything = rows(bundled_store, "actors-without-cross-level-link", territory="*")
    own = [row for row in everything if row["actor"] in inside]
    assert own
    assert rows(bundled_store, "actors-without-cross-level-link", territory="vienna") == own


def test_the_conflicts_of_a_territory_keep_the_other_kinds(bundled_store):
    everything = rows(bundled_store, "conflicting-statements", territory="*")
    turin = rows(bundled_store, "conflicting-statements", territory="Turin")
    assert turin == [row for row in everything if row["kind"] != "competence allocation"
                     or row["subjectLabel"] == "Turin"]
    assert {row["kind"] for row in turin} >= {"competence allocation", "instrument period"}


def test_an_unknown_territory_gives_no_rows(bundled_store):
    for name in (*BY_TERRITORY_COLUMN, "links-valid-at", "actors-without-cross-level-link"):
        assert rows(bundled_store, name, territory="Atlantis") == [], name


def test_a_variable_named_from_does_not_parse_the_query(monkeypatch):
    """Looking for FROM clauses parses the text with rdflib (0.2 s for a long query): ?from, a
    string "from" or a comment must not set it off, a FROM clause must."""
    from rdflib.plugins.sparql import parser

    from govatlas.queries.view import dataset_clauses

    parsed = []
    real = parser.parseQuery
    monkeypatch.setattr(parser, "parseQuery", lambda text: parsed.append(text) or real(text))
    assert dataset_clauses('SELECT ?from WHERE { ?from ?p "from" } # from here') is None
    assert dataset_clauses("SELECT $from WHERE { <x:a#from> ?p $from }") is None
    assert parsed == []
    assert dataset_clauses("SELECT * FROM <x:g> WHERE { ?s ?p ?o }") == (["x:g"], [])


# --- typed tables, as a notebook gets them ----------------------------------------------------

def test_notebook_frames_carry_the_rdf_datatypes(bundled_store):
    import pandas as pd

    import govatlas

    figures = govatlas.query("figures", store=bundled_store)
    assert figures["value"].dtype == "Float64"
    assert figures["year"].dtype == "Int64"
    assert figures["unit"].dtype == "string"
    assert str(figures["validFrom"].dtype).startswith("datetime64")
    periods = figures[figures["kind"] == "period"]
    assert periods["value"].isna().all() and periods["validFrom"].notna().all()
    assert figures["value"].isna().sum() == len(periods)  # missing is NA, never NaN or None
    assert pd.isna(figures.loc[figures["unit"].isna(), "unit"]).all()
    ctair = figures[figures["subject"].str.endswith("/fr-ctair")
                    & (figures["kind"] == "amount")]
    assert ctair["value"].sum() > 0
    matrix = govatlas.query("competence-matrix", store=bundled_store, territory="Paris")
    assert matrix["levelRank"].dtype == "Int64"
    assert str(matrix["validFrom"].dtype).startswith("datetime64")


def test_every_datatype_maps_to_its_pandas_type(empty_store):
    import datetime

    import pandas as pd

    query = parse_query("""SELECT * WHERE { VALUES (?i ?d ?f ?b ?day ?time ?text ?iri ?mixed) {
        (1 1.5 "2.5e0"^^xsd:double true "2020-01-31"^^xsd:date
         "2020-01-31T10:00:00"^^xsd:dateTime "a" <http://example.org/a> 1)
        (UNDEF 2.0 UNDEF false UNDEF UNDEF UNDEF UNDEF "x")
        ("7"^^xsd:long UNDEF 3 UNDEF "2021-12-01Z"^^xsd:date UNDEF "b"@fr UNDEF UNDEF) } }""",
                        "types")
    frame = to_dataframe(run_query(empty_store, query))
    assert dict(frame.dtypes.astype(str)) == {
        "i": "Int64", "d": "Float64", "f": "Float64", "b": "boolean",
        "day": "datetime64[s]", "time": "datetime64[us]", "text": "string",
        "iri": "string", "mixed": "object"}
    assert frame["i"].tolist() == [1, pd.NA, 7]
    assert frame["day"][2] == pd.Timestamp("2021-12-01")
    assert frame["time"][0] == pd.Timestamp(datetime.datetime(2020, 1, 31, 10))
    assert frame["mixed"].tolist() == [1, "x", pd.NA]
    assert frame["b"].tolist() == [True, False, pd.NA]


# --- each statement once -----------------------------------------------------------------------

def test_count_star_over_the_default_graph_counts_each_actor_once(bundled_store, tmp_path):
    import govatlas

    distinct = {row[0] for row in run_query(bundled_store, parse_query(
        "SELECT DISTINCT ?a WHERE { GRAPH ?g { ?a a ga:Actor } }", "q")).rows}
    ids = {row["id"] for _file, _line, row in csv_rows("*/actors.csv")}
    assert len(distinct) == len(ids) == 216
    query_file = tmp_path / "count.rq"
    query_file.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a a ga:Actor }", encoding="utf-8")
    frame = govatlas.query(str(query_file), store=bundled_store)
    assert frame["n"].tolist() == [216]
    # the per-dataset graphs are kept: an actor two datasets state is in both
    per_graph = run_query(bundled_store, parse_query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a a ga:Actor } }", "q")).rows[0][0]
    assert int(per_graph.value) > 216


# --- no outbound requests ----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://10.0.0.1/> { ?s ?p ?o } } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { <<( ?s ?p ?o )>> ?q ?r } }",  # 1.2 syntax
    "LOAD <http://127.0.0.1:9/data.ttl>",
])
def test_remote_calls_are_refused_before_running(empty_store, text):
    from govatlas.queries.guard import RemoteQueryRefused, check_no_remote

    with pytest.raises(RemoteQueryRefused):
        check_no_remote(text)
    with pytest.raises(QueryError):
        run_query(empty_store, parse_query(text, "q"))


def test_allowed_service_hosts_and_texts_that_only_mention_service():
    from govatlas.queries.guard import RemoteQueryRefused, check_no_remote, service_targets

    check_no_remote("SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> "
                    "{ ?s ?p ?o } }", ["query.wikidata.org"])
    with pytest.raises(RemoteQueryRefused, match="refused"):
        check_no_remote("SELECT * WHERE { SERVICE <https://evil.example/> { ?s ?p ?o } }",
                        ["query.wikidata.org"])
    assert service_targets('# SERVICE <http://x/>\nSELECT ("SERVICE <http://x/>" AS ?s) '
                           "WHERE { ?s <http://example.org/service> ?o }") == []
