"""Relations the sources state that used to be sentences in notes, change events and per-name
sources: asked through the library queries and the api, answered with the seeds' lines."""

from __future__ import annotations

import pytest

import govatlas
from govatlas.graph.views.sources import line_numbers, resolve, statements_about
from govatlas.loaders.errors import DataError

SEED_000 = "000_b98d981a4afad30a.txt"
SEED_003 = "003_2beceea899fa8b0e.txt"


def test_where_the_network_coordination_offices_are_attached(bundled_store, documents):
    frame = govatlas.query("actor-links", store=bundled_store,
                           actor="IQ regional co-ordination offices")
    attached = frame[frame["linkTypeLabel"] == "attached to"]
    hosts = set(attached["counterpartLabel"])
    assert hosts == {"Federal state ministries of Berlin and Brandenburg",
                     "Chambers of commerce of Hamburg and North-Rhine-Westphalia",
                     "NGOs and associations hosting IQ co-ordination offices"}
    assert set(attached["source"]) == {SEED_000} and set(attached["locator"]) == {"1735-1741"}
    cited = " ".join(documents.line(SEED_000, n) for n in line_numbers("1735-1741"))
    for words in ("attached to", "federal state ministries", "chamber of commerce",
                  "NGOs or associations"):
        assert words in cited


def test_who_appoints_the_single_responsible_and_where_competence_centres_sit(bundled_store,
                                                                             documents):
    frame = govatlas.query("actor-links", store=bundled_store,
                           actor="it-snai-single-responsible")
    appoints = frame[frame["linkTypeLabel"] == "appoints"]
    assert list(appoints["counterpartLabel"]) == ["Regions (of the SNAI project areas)"]
    assert list(appoints["direction"]) == ["to"]
    assert "appointed by the regional administration" in " ".join(
        documents.line(SEED_000, n) for n in line_numbers(appoints["locator"].iloc[0]))
    places = govatlas.query(
        "SELECT ?centre ?place WHERE { ?c ga:locatedIn ?p . ?c rdfs:label ?centre . "
        "?p rdfs:label ?place } ORDER BY ?place", store=bundled_store)
    assert dict(zip(places["centre"], places["place"], strict=True))[
        "IQ Competence Centre for Vocational German Language"] == "Hamburg"
    assert len(places) == 5
    assert "located in Hamburg" in documents.line(SEED_000, 1661)


def test_the_ctair_is_succeeded_by_the_integration_territories_as_of_2021(bundled_store,
                                                                          documents):
    frame = govatlas.query("succession", store=bundled_store, of="Integration territories",
                           date="2021-06-30")
    events = frame.drop_duplicates("event")
    assert set(events["predecessorLabel"]) == {
        "Territorial Contracts for Refugees' Reception and Integration"}
    assert set(zip(events["changeType"], events["eventSource"], events["eventLocator"],
                   strict=True)) == {("merges-into", SEED_003, "9; 11"),
                                     ("succeeds", SEED_000, "918-938")}
    assert "Integration territories" in documents.line(SEED_003, 11)
    # The CTAIR's contracts show on the Integration territories, inherited and marked so.
    lyon = frame[(frame["toLabel"] == "Lyon Metropolis")
                 & (frame["linkTypeLabel"] == "contracts with")]
    assert not lyon.empty
    assert lyon["inherited"].str.startswith(
        "inherited from Territorial Contracts for Refugees' Reception and Integration").all()
    # A planned link of the CTAIR is not in force, so not inherited.
    assert "Local authorities" not in set(frame["toLabel"].dropna())
    # Before the change there is no succession.
    assert govatlas.query("succession", store=bundled_store, of="Integration territories",
                          date="2020-06-30").empty


def test_the_successor_page_lists_inherited_links(bundled_store):
    about = statements_about(bundled_store, resolve(bundled_store, "CTAI")[0])
    inherited = [item for item in about if item.kind == "inherited link"]
    assert inherited and all("inherited from Territorial Contracts" in item.statement
                             for item in inherited)
    assert {item.kind for item in about} >= {"definition", "change", "inherited link"}


def test_change_events_read_the_way_round_the_sources_say(bundled_store):
    """Seed 003 lines 9 and 11: the CTAIR is brought together under the Integration
    territories, and the Integration territories succeed it."""
    about = statements_about(bundled_store,
                             resolve(bundled_store, "fr-integration-territories")[0])
    changes = {item.statement.split(" on ")[0] for item in about if item.kind == "change"}
    ctair = "Territorial Contracts for Refugees' Reception and Integration"
    assert f"{ctair} merges into Integration territories" in changes
    assert f"Integration territories succeeds {ctair}" in changes


def test_sources_prints_the_notes_of_the_relations(bundled_store):
    about = statements_about(bundled_store, resolve(bundled_store, "de-iq-coordination-offices")[0])
    attached = [item for item in about if " attached to " in item.statement]
    assert len(attached) == 3 and all("(note: " in item.statement for item in attached)


def test_every_name_has_its_source_and_a_document_naming_a_body_is_a_source(bundled_store,
                                                                            documents):
    about = statements_about(bundled_store, resolve(bundled_store, "AMIF")[0])
    names = {item.statement.split(" (note: ")[0]: (item.source, item.locator)
             for item in about if item.kind == "name"}
    assert names["named 'AMIF'"] == (SEED_003, "21")
    assert names["named 'Asylum, Migration and Integration Fund'"] == (SEED_000, "495-497")
    assert "AMIF" in documents.line(SEED_003, 21)
    sources = govatlas.query(
        "SELECT ?id WHERE { actor:eu-amif prov:wasDerivedFrom/dcterms:identifier ?id }",
        store=bundled_store)
    assert set(sources["id"]) == {SEED_000, SEED_003}


def test_events_and_names_are_checked(dataset, empty_store):
    from govatlas.graph.pipeline import load_dataset

    folder = dataset(events="id,type,original,resulting,date,source,locator\n"
                            "e1,succeeds,,xx-city,2019,doc.txt,9\n"
                            "e2,merges-intoo,xx-ngo,xx-city,2019,doc.txt,9\n"
                            "e3,replaces,xx-nobody,xx-city,20199,doc.txt,9\n",
                     names="subject,name,source,locator\nxx-unknown,Example,doc.txt,3\n")
    with pytest.raises(DataError) as raised:
        load_dataset(empty_store, folder)
    messages = " | ".join(str(problem) for problem in raised.value.problems)
    assert "events.csv:2" in messages and "needs the body or instrument it changes" in messages
    assert "unknown change type 'merges-intoo'" in messages and "use 'merges-into'" in messages
    assert "no actor or instrument has the id 'xx-nobody'" in messages
    assert "'20199' is not a date" in messages
    assert "names.csv:2" in messages and "'xx-unknown'" in messages


#: Names the audit below finds in a document that does not speak of the same body, each read:
#: (id, name, document prefix) -> why the document is not one of the body's sources.
HOMONYMS = {
    ("eu-european-union", "European Union", "000"): "line 924: the Union's territory",
    ("eu-european-union", "European Union", "003"): "lines 31-48: an EU agency's references",
    ("fr-lyon-ccas", "CCAS", "000"): "line 733: the CCAS of Rennes",
    ("fr-ministry-interior", "Ministry of the Interior", "003"): "line 44: Croatia's ministry",
    ("fr-parliament", "Parliament", "004"): "line 19: a Member of Parliament, a person",
    ("it-piedmont-region", "Piedmont", "000"): "line 2790: the place, not its government",
}
#: Names too common to say which body a line means (read case by case when they were added).
GENERIC = {"EU", "State", "the State", "the City", "Regions", "the Region", "province",
           "federal government", "national government", "municipal departments"}


def test_every_document_naming_a_body_is_among_its_sources(bundled_store, documents):
    """Each label or other name of an actor or instrument found word for word in a document
    makes the document one of its sources (through names.csv when it is not the row's)."""
    import csv
    import re
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "data"
    names: dict[str, set[str]] = {}
    for path in [*data.glob("*/actors.csv"), *data.glob("*/instruments.csv")]:
        for row in csv.DictReader(path.open(encoding="utf-8")):
            alternatives = (row.get("alt_labels") or "").split("|")
            names.setdefault(row["id"], set()).update(
                name.strip() for name in [row["label"], *alternatives] if name.strip())
    stated = govatlas.query("SELECT ?thing ?id WHERE { ?thing prov:wasDerivedFrom ?d . "
                            "?d dcterms:identifier ?id }", store=bundled_store)
    sources: dict[str, set[str]] = {}
    for thing, document in zip(stated["thing"], stated["id"], strict=True):
        sources.setdefault(str(thing).rsplit("/", 1)[1], set()).add(str(document))
    missing = []
    for thing, found in sorted(names.items()):
        for name in sorted(found - GENERIC):
            if len(name) < 4 and not name.isupper():
                continue
            pattern = re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])")
            for document in documents.names():
                if document in sources[thing] or (thing, name, document[:3]) in HOMONYMS:
                    continue
                if any(pattern.search(line) for line in documents.lines(document)):
                    missing.append((thing, name, document))
    assert missing == []


@pytest.mark.parametrize("engine", ["store", "pyshacl"])
def test_an_attached_body_that_is_part_of_its_host_is_reported(dataset, engine):
    actors = ("id,label,type,level,country,parent,territory,source,locator\n"
              "xx-state,State of Example,national-government,national,FR,,Exampleville,doc.txt,1\n"
              "xx-city,City of Exampleville,municipality,local,FR,,Exampleville,doc.txt,2\n"
              "xx-office,Example office,directorate,local,FR,xx-city,Exampleville,doc.txt,3\n"
              "xx-ngo,Example Welcome Association,ngo,local,FR,,Exampleville,doc.txt,4\n")
    links = ("from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator\n"
             "xx-office,xx-city,attached-to,,,,doc.txt,5\n"
             "xx-office,xx-ngo,attached-to,,,,doc.txt,6\n")
    outcome = govatlas.validate([dataset(actors=actors, links=links)], engine=engine, gaps=False)
    found = [f for f in outcome.findings if f.shape.endswith("AttachedToIsNotPartOf")]
    assert len(found) == 1 and found[0].record.endswith("links.csv:2")  # not the NGO host


def test_templates_carry_the_new_files_and_columns(tmp_path):
    import csv

    written = {path.name: path for path in govatlas.template(tmp_path)}
    assert {"events.csv", "names.csv"} <= set(written)
    header = next(csv.reader(written["events.csv"].open(encoding="utf-8")))
    assert header == ["id", "type", "original", "resulting", "date", "source", "locator", "note"]
    assert next(csv.reader(written["names.csv"].open(encoding="utf-8"))) == [
        "subject", "name", "source", "locator", "note"]
    assert "located_in" in next(csv.reader(written["actors.csv"].open(encoding="utf-8")))
