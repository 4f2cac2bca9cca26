"""What the sources say beyond single statements: the competence a link concerns (who owns and
who exercises it), national statements in each territory of their country, disputes kept with
both lines, and the templates' new columns.

Each question is asked through a library query or the api, and answered with the seeds' lines
(seed 004 lines 184-185, seed 000 lines 2579-2587, seed 003 lines 17 and 38).
"""

from __future__ import annotations

import csv

import pytest

import govatlas
from govatlas.graph.pipeline import load_dataset
from govatlas.graph.validation.gaps import find_gaps
from govatlas.graph.views.matrix import competence_matrix
from govatlas.loaders.errors import DataError
from govatlas.loaders.tables import TEMPLATES
from govatlas.loaders.templates import write_csv_templates
from govatlas.ontology.namespaces import DERIVED_GRAPH

SEED_004 = "004_0e103ae030b175d8.txt"


def rows(frame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), "").to_dict("records")


# --- competence-bound links --------------------------------------------------------------------

def test_who_owns_and_who_exercises_turins_school_education(bundled_store):
    """Seed 004 line 184: education (schools), a competence of the Piedmont Region delegated to
    the Metropolitan City of Turin."""
    found = [r for r in rows(govatlas.query("competence-owners", store=bundled_store))
             if r["competenceLabel"] == "Education" and r["territoryName"] == "Turin"]
    assert len(found) == 1, found
    row = found[0]
    assert (row["ownerLabel"], row["exerciserLabel"], row["linkType"]) == (
        "Piedmont Region", "Metropolitan City of Turin", "delegates-to")
    assert (row["source"], row["locator"]) == (SEED_004, "184")
    assert row["exerciserStatement"].startswith("schools - competence of the Piedmont Region")
    assert row["exerciserLocator"] == "184"


def test_who_exercises_viennas_language_courses(bundled_store):
    """Seed 004 line 185: language learning & orientation via Integration Contracts, a national
    competence administered by the Austrian Funds for Integration."""
    found = [r for r in rows(govatlas.query("competence-owners", store=bundled_store))
             if r["competenceLabel"] == "Language learning & orientation"]
    assert [(r["territoryName"], r["ownerLabel"], r["exerciserLabel"], r["linkType"],
             r["locator"], r["ownerLocator"]) for r in found] == [
        ("Vienna", "Austria national government", "Austrian Funds for Integration",
         "implements-for", "185", "185")]


def test_the_matrix_names_the_owner_of_the_delegated_cell_only(bundled_store):
    matrix = competence_matrix(bundled_store, ["Turin", "Vienna"], source=SEED_004)
    local = {a.qualifier: a.owners for a in matrix.cell("Turin", "local").items()}
    assert local["schools"] == ("Piedmont Region",)
    assert local["0–5 years"] == ()  # the Metropolitan City's own competence
    national = {a.competence: a.exercisers for a in matrix.cell("Vienna", "national").items()}
    assert national["language-learning-orientation"] == ("Austrian Funds for Integration",)
    assert national["health"] == ()


def test_a_links_competence_is_checked_against_the_codes(empty_store, dataset):
    links = ("from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator,"
             "competence\nxx-state,xx-city,delegates-to,,,,doc.txt,6,housng\n")
    with pytest.raises(DataError) as caught:
        load_dataset(empty_store, dataset(links=links))
    assert [(p.line, p.column, p.fix) for p in caught.value.problems] == [
        (2, "competence", "use 'housing' (govatlas codes 'competence' lists them all)")]


#: A city holding housing twice (its own policy, and a delegated implementation the link names):
#: neither allocation's words say "delegated", so only the link's ``allocation`` can tell them.
TWO_HOUSING = """\
holder,competence,level,qualifier,valid_from,valid_until,source,locator,id
xx-city,housing,local,own social housing,,,doc.txt,4,
xx-city,housing,local,allocation of state-funded places,,,doc.txt,5,xx-city-housing-places
"""


def test_a_link_naming_its_allocation_puts_the_owner_on_that_allocation_alone(empty_store,
                                                                               dataset):
    links = ("from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator,"
             "allocation\nxx-state,xx-city,delegates-to,,,,doc.txt,6,xx-city-housing-places\n")
    load_dataset(empty_store, dataset(competences=TWO_HOUSING, links=links))
    matrix = competence_matrix(empty_store, ["Exampleville"])
    owners = {a.qualifier: a.owners for a in matrix.cell("Exampleville", "local").items()}
    assert owners == {"own social housing": (),
                      "allocation of state-funded places": ("State of Example",)}
    found = rows(govatlas.query("competence-owners", store=empty_store))
    assert [(r["competenceLabel"], r["ownerLabel"], r["exerciserStatement"]) for r in found] == [
        ("Housing", "State of Example", "allocation of state-funded places")]


def test_a_links_allocation_must_exist_and_be_held_by_one_of_its_ends(empty_store, dataset):
    links = ("from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator,"
             "competence,allocation\n"
             "xx-state,xx-city,delegates-to,,,,doc.txt,6,,xx-city-housing-place\n"
             "xx-state,xx-ngo,delegates-to,,,,doc.txt,7,,xx-city-housing-places\n"
             "xx-state,xx-city,delegates-to,,,,doc.txt,8,education,xx-city-housing-places\n")
    with pytest.raises(DataError) as caught:
        load_dataset(empty_store, dataset(competences=TWO_HOUSING, links=links))
    found = [(p.line, p.column, p.message) for p in caught.value.problems]
    assert found == [
        (2, "allocation", "no allocation has the id 'xx-city-housing-place'"),
        (3, "allocation", "'xx-city-housing-places' is held by 'xx-city', neither end of the "
                          "link"),
        (4, "competence", "is 'education' but the allocation 'xx-city-housing-places' is of "
                          "'housing'")]
    assert "did you mean 'xx-city-housing-places'" in caught.value.problems[0].fix


def test_a_links_competence_reaches_the_property_graph(bundled_store):
    from govatlas.graph.export.property_graph import property_graph

    graph = property_graph(bundled_store)
    delegations = [r for r in graph.relationships
                   if r.type == "DELEGATES_TO" and r.properties.get("competence")]
    assert {r.properties["competence"] for r in delegations} == {"education"}


# --- national statements in the territories of their country -----------------------------------

def test_viennas_education_sets_the_federal_claim_against_the_provincial_one(bundled_store):
    """Seed 000 lines 2579-2587: primary and secondary education is the federal ministry's
    (it names no territory); seed 004 line 185: it is Vienna's, as a province."""
    found = [r for r in rows(govatlas.query("conflicting-statements", store=bundled_store,
                                                 territory="*"))
             if r["subjectLabel"] == "Vienna" and r["fact"] == "Education"]
    assert [(r["kind"], r["stated1"], r["source1"], r["locator1"], r["stated2"], r["source2"],
             r["locator2"]) for r in found] == [
        ("competence allocation",
         "Federal Ministry of Education, Science and Research (national, for all of AT)",
         "000_b98d981a4afad30a.txt", "2579-2587", "City of Vienna (regional)", SEED_004, "185")]


def test_viennas_matrix_shows_the_federal_ministry_as_coming_from_the_country(bundled_store):
    matrix = competence_matrix(bundled_store, ["Vienna"])
    national = matrix.cell("Vienna", "national")
    heading = "Federal Ministry of Education, Science and Research, for all of AT"
    assert heading in national.holders
    assert all(a.country_wide for a in national.holders[heading])
    assert not any(a.country_wide for a in matrix.cell("Vienna", "regional").items())


def test_a_national_statement_reaches_each_territory_once_and_the_gap_shapes(empty_store,
                                                                            dataset):
    """A ministry placed nowhere, two cities: its allocation holds in both (two derived rows,
    not a copy per dataset row), and the information gap names it as the country's."""
    actors = """\
        id,label,type,level,country,parent,territory,source,locator
        xx-ministry,Ministry of Housing,ministry,national,FR,,,doc.txt,1
        xx-city,City of Exampleville,municipality,local,FR,,Exampleville,doc.txt,2
        xx-town,Town of Otherton,municipality,local,FR,,Otherton,doc.txt,3
        """
    competences = """\
        holder,competence,level,qualifier,valid_from,valid_until,source,locator
        xx-ministry,housing,national,,,,doc.txt,4
        xx-city,housing,local,,,,doc.txt,5
        """
    links = """\
        from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator
        xx-city,xx-town,partners-with,,,,doc.txt,6
        """
    load_dataset(empty_store, dataset(actors=actors, competences=competences, links=links))
    places = {r["t"].value for r in empty_store.select(f"""
        SELECT ?t WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?a ga:territory ?p }}
                          ?a ga:holder actor:xx-ministry . ?p rdfs:label ?t }}""")}
    assert places == {"Exampleville", "Otherton"}
    messages = [f.message for f in find_gaps(empty_store, ["information"])]
    assert any("Ministry of Housing, for all of FR (National)" in m and "Exampleville" in m
               for m in messages), messages


def test_national_statements_grow_linearly_with_territories(empty_store, dataset):
    """One row per (national allocation, territory of its country): doubling the territories
    doubles the rows, it does not square them."""
    def derived_rows(cities: int, name: str) -> int:
        actors = ["id,label,type,level,country,parent,territory,source,locator",
                  "xx-ministry,Ministry,ministry,national,FR,,,doc.txt,1"]
        actors += [f"xx-city-{n},City {n},municipality,local,FR,,Place {n},doc.txt,{n + 2}"
                   for n in range(cities)]
        competences = ("holder,competence,level,qualifier,valid_from,valid_until,source,"
                       "locator\nxx-ministry,housing,national,,,,doc.txt,1\n"
                       "xx-ministry,health,national,,,,doc.txt,1\n")
        links = ("from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator\n"
                 "xx-city-0,xx-city-1,partners-with,,,,doc.txt,1\n")
        from govatlas.graph.pipeline import load_ontology
        from govatlas.graph.store import GraphStore

        store = GraphStore.in_memory()
        load_ontology(store)
        load_dataset(store, dataset(name, actors="\n".join(actors) + "\n",
                                    competences=competences, links=links))
        return len(store.select(f"""SELECT ?a ?p WHERE {{
            GRAPH <{DERIVED_GRAPH}> {{ ?a ga:territory ?p }} ?a ga:holder actor:xx-ministry }}"""))

    assert derived_rows(10, "ten") == 2 * 10
    assert derived_rows(20, "twenty") == 2 * 20


# --- disputes ---------------------------------------------------------------------------------

def test_the_pacts_18_and_a_dozen_are_both_kept_with_their_lines(bundled_store):
    """Seed 003 line 17: a pact with 18 municipalities; line 38, the cited news item's title:
    'une douzaine de communes'."""
    found = [r for r in rows(govatlas.query("conflicting-statements", store=bundled_store,
                                                 territory="*"))
             if r["kind"] == "dispute"]
    assert len(found) == 1
    row = found[0]
    assert {(row["stated1"], row["locator1"]), (row["stated2"], row["locator2"])} == {
        ("18", "17"), ("12", "38")}
    assert {row["note1"], row["note2"]} == {
        "18 municipalities", "une douzaine de communes (a dozen municipalities)"}
    assert "a dozen" in row["curatorNote"] and "18" in row["curatorNote"]
    figures = bundled_store.select("""SELECT ?value ?status WHERE {
        ?q ga:subject instrument:lu-living-together-pact ; ga:value ?value ;
           ga:status/skos:notation ?status }""")
    assert sorted((r["value"].value, r["status"].value) for r in figures) == [
        ("12", "disputed"), ("18", "disputed")]


def test_two_allocations_may_be_disputed_and_a_bad_reference_is_refused(empty_store, dataset):
    header = ("holder,competence,level,qualifier,valid_from,valid_until,source,locator,id,"
              "conflicts_with,dispute_note\n")
    good = header + ("xx-state,housing,national,,,,doc.txt,4,state-housing,,\n"
                     "xx-city,housing,local,,,,doc.txt,9,city-housing,state-housing,"
                     "line 4 gives housing to the State; line 9 to the City\n")
    load_dataset(empty_store, dataset("good", competences=good))
    found = [r for r in rows(govatlas.query("conflicting-statements", store=empty_store))
             if r["kind"] == "dispute"]
    assert [(r["fact"], r["locator1"], r["locator2"], r["curatorNote"]) for r in found] == [
        ("Housing", "9", "4", "line 4 gives housing to the State; line 9 to the City")]
    bad = header + ("xx-state,housing,national,,,,doc.txt,4,state-housing,,\n"
                    "xx-city,housing,local,,,,doc.txt,9,,state-housng,\n"
                    "xx-city,health,local,,,,doc.txt,10,,,a note with nothing disputed\n")
    with pytest.raises(DataError) as caught:
        load_dataset(empty_store, dataset("bad", competences=bad))
    assert [(p.line, p.column) for p in caught.value.problems] == [
        (4, "dispute_note"), (3, "conflicts_with")]
    assert "did you mean 'state-housing'" in caught.value.problems[1].fix


def test_stated_in_takes_three_values(empty_store, dataset):
    competences = ("holder,competence,level,qualifier,valid_from,valid_until,source,locator,"
                   "stated_in\nxx-state,housing,national,,,,doc.txt,4,footnote\n")
    with pytest.raises(DataError) as caught:
        load_dataset(empty_store, dataset(competences=competences))
    assert [(p.column, p.fix) for p in caught.value.problems] == [
        ("stated_in", "use one of table, text, note")]


# --- the templates and the reference --------------------------------------------------------------

NEW_COLUMNS = {"links": ("competence", "stated_in"),
               "competences": ("stated_in", "id", "conflicts_with", "dispute_note"),
               "quantities": ("id", "status", "stated_as", "stated_in", "conflicts_with",
                              "dispute_note")}


def test_the_templates_carry_the_new_columns_and_the_reference_documents_them(tmp_path):
    from pathlib import Path

    written = {path.stem: path for path in write_csv_templates(tmp_path)}
    reference = (Path(__file__).resolve().parents[1] / "docs" / "data-format.md").read_text()
    for name, columns in NEW_COLUMNS.items():
        header = next(csv.reader(written[name].open(encoding="utf-8")))
        assert set(columns) <= set(header), name
        assert set(columns) <= set(TEMPLATES[name].optional), name
        for column in columns:
            assert f"`{column}`" in reference, column

