"""The curated datasets: each loads on its own and with the others, every statement traces back
to lines of a seed that exist, and the graph answers questions whose answers are in the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from govatlas.cli import main
from govatlas.graph.pipeline import bundled_datasets, load_dataset, load_ontology
from govatlas.graph.store import GraphStore
from govatlas.graph.views.sources import line_numbers, statements_about
from govatlas.ontology.namespaces import ACTOR, INSTRUMENT

from .conftest import SourceDocuments

SEED_000 = "000_b98d981a4afad30a.txt"
EXPECTED = {"austria", "canada", "eu", "france", "germany", "italy", "mc2cm", "paris"}


def test_every_expected_dataset_is_bundled():
    assert {path.name for path in bundled_datasets()} == EXPECTED


@pytest.mark.parametrize("path", bundled_datasets(), ids=lambda path: path.name)
def test_each_dataset_loads_on_its_own(path: Path):
    store = GraphStore.in_memory()
    load_ontology(store)
    assert load_dataset(store, path).quads > 100


def test_no_statement_lacks_a_source_and_a_locator(bundled_store):
    rows = bundled_store.select("""
        SELECT ?thing WHERE {
          { ?thing a ga:Actor } UNION { ?thing a ga:Instrument } UNION { ?thing a ga:Statement }
          UNION { ?thing a ga:CompetenceAllocation } UNION { ?thing a ga:CoordinationLink }
          UNION { ?thing a ga:Quantity } UNION { ?thing a ga:GapEvidence }
          FILTER NOT EXISTS { ?thing prov:qualifiedDerivation ?d .
                              ?d prov:entity/dcterms:identifier ?source ; ga:locator ?locator
                              FILTER(STRLEN(?source) > 0 && STRLEN(?locator) > 0) } }""")
    assert [row["thing"].value for row in rows] == []


def test_every_locator_points_to_text_lines_of_an_existing_seed(
        bundled_store, documents: SourceDocuments):
    """Each cited line exists in the seed, and each locator cites at least one non-blank line."""
    seeds = {name: documents.lines(name) for name in documents.names()}
    problems = []
    for row in bundled_store.select("""
            SELECT DISTINCT ?source ?locator ?record WHERE {
              ?d a prov:Derivation ; prov:entity/dcterms:identifier ?source ;
                 ga:locator ?locator ; ga:record ?record }"""):
        source, locator = row["source"].value, row["locator"].value
        lines = seeds.get(source)
        numbers = line_numbers(locator)
        if lines is None:
            problems.append((row["record"].value, f"unknown source {source}"))
        elif not numbers:
            problems.append((row["record"].value, f"unreadable locator {locator!r}"))
        elif any(number > len(lines) for number in numbers):
            problems.append((row["record"].value, f"{locator} is past the end of {source}"))
        elif not any(lines[number - 1].strip() for number in numbers):
            problems.append((row["record"].value, f"{locator} cites only blank lines"))
    assert problems == []


def labels(store: GraphStore, query: str) -> set[str]:
    return {row["label"].value for row in store.select(query)}


def test_cities_that_signed_or_renewed_a_ctair_in_2020(bundled_store):
    """Seed 000 line 124-126: in 2020 the Diair signed or renewed 11 CTAIR."""
    rows = bundled_store.select("""
        SELECT ?label ?locator WHERE {
          ?link ga:fromActor actor:fr-diair ; ga:toActor ?city ; ga:linkType lt:contracts-with ;
                ga:instrument instrument:fr-ctair ; ga:validFrom ?from ;
                prov:qualifiedDerivation/ga:locator ?locator .
          FILTER(YEAR(?from) = 2020)
          FILTER NOT EXISTS { ?link ga:status ?status }
          ?city rdfs:label ?label }""")
    names = {row["label"].value for row in rows}
    for city in ("Bordeaux", "Brest", "Clermont-Ferrand", "Dijon", "Grenoble", "Lyon", "Nancy",
                 "Nantes", "Rennes", "Strasbourg", "Toulouse"):
        assert any(city in name for name in names), city
    assert len(names) == 11
    assert all("124" in row["locator"].value for row in rows)


def test_ctair_partners_differ_as_of_2019_and_2021(bundled_store):
    def partners(day: str) -> set[str]:
        return labels(bundled_store, f"""
            SELECT DISTINCT ?label WHERE {{
              ?link ga:instrument instrument:fr-ctair ; ga:linkType lt:contracts-with ;
                    ga:toActor ?city ; ga:validFrom ?from .
              OPTIONAL {{ ?link ga:validUntil ?until }}
              FILTER(?from <= "{day}"^^xsd:date && (!BOUND(?until) || ?until >= "{day}"^^xsd:date))
              ?city rdfs:label ?label }}""")

    in_2019, in_2021 = partners("2019-06-30"), partners("2021-06-30")
    assert in_2019 < in_2021
    assert len(in_2021) >= 11


def test_who_funds_network_iq_and_who_administers_the_funds(bundled_store):
    """Seed 000 lines 1338-1345: funds come from the BMAS and the ESF; the BAMF administers."""
    funders = labels(bundled_store, """
        SELECT ?label WHERE { ?l ga:linkType lt:funds ; ga:toActor actor:de-iq-network ;
                                 ga:fromActor ?f . ?f rdfs:label ?label }""")
    assert any("Labour and Social Affairs" in name for name in funders)
    assert "European Social Fund" in funders
    administrators = bundled_store.select("""
        SELECT ?label ?locator WHERE {
          ?l ga:linkType lt:administers-funds-of ; ga:instrument instrument:de-network-iq ;
             ga:fromActor ?a ; prov:qualifiedDerivation/ga:locator ?locator .
          ?a rdfs:label ?label }""")
    assert {row["label"].value for row in administrators} == {
        "Federal Office for Migration and Refugees"}
    assert all(set(line_numbers(row["locator"].value)) & {1340, 1342, 1345}
               for row in administrators)


def test_aip_partners_that_deliver_without_governing(bundled_store):
    """Seed 000 lines 3818-3822: SPOs and ACOA play delivery roles but do not govern."""
    rows = bundled_store.select("""
        SELECT DISTINCT ?actor WHERE {
          ?l ga:instrument instrument:ca-aip ; ga:linkType lt:implements-for ; ga:fromActor ?actor .
          FILTER NOT EXISTS {
            ?g ga:fromActor ?actor ; ga:instrument instrument:ca-aip ; ga:linkType ?type .
            VALUES ?type { lt:steers lt:contracts-with lt:monitors lt:evaluates lt:delegates-to } }
        }""")
    assert {row["actor"].value for row in rows} == {
        ACTOR + "ca-settlement-service-providers", ACTOR + "ca-acoa"}
    governors = {row["actor"].value for row in bundled_store.select("""
        SELECT DISTINCT ?actor WHERE { ?l ga:instrument instrument:ca-aip ; ga:fromActor ?actor ;
          ga:linkType ?type VALUES ?type { lt:steers lt:contracts-with lt:evaluates } }""")}
    assert ACTOR + "ca-ircc" in governors


def test_one_body_under_several_names_is_one_actor(bundled_store):
    rows = bundled_store.select("""
        SELECT DISTINCT ?a WHERE { ?a a ga:Actor ; rdfs:label|skos:altLabel ?n
                                   FILTER(LCASE(STR(?n)) IN ("diair", "dihal", "ofii")) }""")
    assert ACTOR + "fr-diair" in {row["a"].value for row in rows}
    diair = bundled_store.select("""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
        ?a rdfs:label|skos:altLabel ?name FILTER(LCASE(STR(?name)) = "diair") }""")
    assert int(diair[0]["n"].value) == 1


def test_disagreeing_sources_on_the_strategy_period_are_both_kept(bundled_store):
    rows = bundled_store.select("""
        SELECT ?until ?source WHERE {
          { instrument:fr-national-strategy-refugee-integration ga:validUntil ?until ;
              prov:qualifiedDerivation/prov:entity/dcterms:identifier ?source }
          UNION
          { ?q ga:subject instrument:fr-national-strategy-refugee-integration ;
               ga:quantityKind qty:period ; ga:validUntil ?until ;
               prov:qualifiedDerivation/prov:entity/dcterms:identifier ?source } }""")
    periods = {(row["until"].value[:4], row["source"].value) for row in rows}
    assert ("2021", SEED_000) in periods
    assert ("2020", "002_272eef6c8ff87e8b.txt") in periods


def test_figures_are_typed_with_unit_and_year(bundled_store):
    rows = bundled_store.select("""
        SELECT ?value ?unit WHERE { ?q ga:subject instrument:fr-ctair ; ga:quantityKind qty:amount ;
                                       ga:value ?value ; ga:unit ?unit ; ga:year ?year }""")
    assert rows and {row["unit"].value for row in rows} == {"EUR"}
    assert {row["value"].value for row in rows} >= {"300000", "4000000"}


def test_instruments_record_the_gaps_they_bridge_and_improvement_areas(bundled_store):
    rows = bundled_store.select("""
        SELECT ?gap ?effect WHERE { ?e ga:instrument instrument:fr-ctair ; ga:gap ?gap ;
                                        ga:gapEffect ?effect }""")
    bridged = {row["gap"].value.rsplit("/", 1)[-1] for row in rows
               if row["effect"].value.endswith("bridges")}
    assert {"information", "capacity", "fiscal", "participatory", "policy",
            "administrative"} <= bridged
    assert any(row["effect"].value.endswith("improvement-area") for row in rows)


def test_sources_lists_every_statement_about_an_actor_with_its_lines(bundled_store):
    found = statements_about(bundled_store, ACTOR + "fr-diair")
    kinds = {item.kind for item in found}
    assert {"definition", "link", "competence"} <= kinds
    assert any("124" in item.locator and "contracts with" in item.statement for item in found)
    assert all(item.source and item.locator for item in found)


def test_sources_command_resolves_names_and_quotes_lines(tmp_path, documents: SourceDocuments):
    runner = CliRunner()
    store = str(tmp_path / "store")
    runner.invoke(main, ["--store", store, "build"])
    result = runner.invoke(main, ["--store", store, "sources", "DIAIR", "--documents",
                                  str(documents.folder), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "In 2020, the Diair signed or renewed 11 CTAIR" in result.output
    missing = runner.invoke(main, ["--store", store, "sources", "Diairr"])
    assert missing.exit_code == 2
    assert ("no actor or instrument is called 'Diairr'. Did you mean: DIAIR (Interministerial"
            in missing.output)


def test_instrument_succession_is_recorded(bundled_store):
    assert bundled_store.ask(f"ASK {{ ?new ga:succeeds <{INSTRUMENT}fr-ctair> }}")
