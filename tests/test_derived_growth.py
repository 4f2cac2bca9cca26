"""The derived graph grows linearly with a group's size, and the gap findings that read
co-membership (a shared forum, a shared contract) are the ones the generator planted.

The country comes from ``bench/country.py`` with a high share of large inter-municipal bodies,
so a group of 150 to 400 members is there to double; the findings are compared with the pairs the
generator recorded when it left out a link (:attr:`Country.planted`), and on a smaller country
with pySHACL, the reference engine.
"""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest

from bench.country import Proportions, generate_country
from bench.generate import Country, write
from govatlas.graph.pipeline import load_dataset, load_ontology
from govatlas.graph.store import GraphStore
from govatlas.graph.validation.checking import validate_paths
from govatlas.graph.validation.gaps import gap_shapes, run_store_shapes
from govatlas.ontology.namespaces import ACTOR, DERIVED_GRAPH

#: shapes whose test of co-membership is a join on the derived graph
JOINING_SHAPES = {"information": "InformationGap", "objective": "ObjectiveGapBetweenLevels"}


@pytest.fixture(scope="module")
def country() -> Country:
    """About 600 municipalities, a third of the bodies over 150 members, a gap in five."""
    return generate_country(600, seed=3, gap_share=0.2,
                            proportions=Proportions(large_body_share=0.3))


def build(country: Country, folder: Path) -> GraphStore:
    store = GraphStore.in_memory()
    load_ontology(store)
    load_dataset(store, write(country, folder))
    return store


def members(country: Country, body: str) -> list[str]:
    return [row[0] for row in country.links if row[1] == body and row[2] == "member-of"]


def largest_body(country: Country) -> str:
    sizes = Counter(row[1] for row in country.links
                    if row[2] == "member-of" and row[1].startswith("xx-imb-"))
    return sizes.most_common(1)[0][0]


def with_members_doubled(country: Country, body: str) -> Country:
    """The same country where each member of ``body`` has a twin, with the same rows."""
    twin = copy.deepcopy(country)
    for member in members(country, body):
        double = f"{member}-twin"
        for row in country.actors:
            if row[0] == member:
                twin.actors.append([double, f"{row[1]} (twin)", *row[2:-1], twin.locator()])
        for row in country.competences:
            if row[0] == member:
                twin.competences.append([double, *row[1:-1], twin.locator()])
        for row in country.links:
            if member in row[:2]:
                ends = [double if end == member else end for end in row[:2]]
                twin.links.append([*ends, *row[2:-1], twin.locator()])
    return twin


def derived_about(store: GraphStore, actors: set[str]) -> int:
    """Derived triples whose subject or object is one of ``actors`` (ids)."""
    iris = {ACTOR + actor for actor in actors}
    return sum(1 for quad in store.quads(DERIVED_GRAPH)
               if quad.subject.value in iris or quad.object.value in iris)


def test_doubling_a_body_at_most_doubles_its_derived_triples(country, tmp_path):
    body = largest_body(country)
    group = members(country, body)
    assert len(group) >= 150, "the fixture must have a large body to double"
    before = derived_about(build(country, tmp_path / "before"), {body, *group})
    doubled = with_members_doubled(country, body)
    after_store = build(doubled, tmp_path / "after")
    after = derived_about(after_store, {body, *members(doubled, body)})
    assert len(members(doubled, body)) == 2 * len(group)
    # pairwise co-membership would make it four times as many
    assert before < after <= 2 * before


def _pairs(store: GraphStore, shape_name: str) -> set[tuple[str, str]]:
    """(holder, other holder) ids of the findings of one gap shape."""
    shapes = [s for s in gap_shapes() if s.iri.endswith("#" + shape_name)]
    assert shapes, f"no shape {shape_name}"
    holders = {row["a"].value: row["h"].value[len(ACTOR):] for row in store.select(
        "SELECT ?a ?h WHERE { ?a a ga:CompetenceAllocation ; ga:holder ?h }")}
    return {(holders[f.focus], f.value[len(ACTOR):]) for f in run_store_shapes(store, shapes)}


@pytest.mark.parametrize("gap", sorted(JOINING_SHAPES))
def test_the_shared_forum_and_contract_gaps_are_the_planted_ones(country, tmp_path, gap):
    store = build(country, tmp_path / "country")
    planted = {(actor, other) for kind, actor, other in country.planted if kind == gap}
    closing = {"information": "informs", "objective": "contracts-with"}[gap]
    served = {(row[1], row[0]) for row in country.links
              if row[2] == closing and row[0].startswith("xx-service-")}
    missing = {(city, service) for city, service in _service_pairs(country)} - served
    # not vacuous: some missing links are closed again by a forum or a contract, some are not
    assert planted and missing - planted
    # The national government holds its competences for the whole country (it is placed in
    # no territory), so it meets every municipality holding the same field: those pairs are
    # the national statements' own findings, not co-membership ones.
    whole = {row["h"].value[len(ACTOR):] for row in store.select(
        "SELECT DISTINCT ?h WHERE { ?a ga:forWholeCountry ?c ; ga:holder ?h }")}
    found = _pairs(store, JOINING_SHAPES[gap])
    assert {pair for pair in found if pair[1] not in whole} == planted
    assert whole <= {"xx-state"}


def _service_pairs(country: Country) -> set[tuple[str, str]]:
    """(municipality, the social action service of its area) for every municipality that runs
    social action where a service does too: the pairs the two shapes compare."""
    services = {row[6]: row[0] for row in country.actors if row[0].startswith("xx-service-")}
    social = {row[0] for row in country.competences if row[1] == "social-action"}
    return {(row[0], services[row[6]]) for row in country.actors
            if row[2] == "municipality" and row[6] in services and row[0] in social}


def test_the_store_engine_finds_what_pyshacl_finds_on_a_small_country(tmp_path):
    country = generate_country(60, seed=5, gap_share=0.3)
    folder = write(country, tmp_path / "small")
    fast = validate_paths([folder], engine="store")
    reference = validate_paths([folder], engine="pyshacl")
    assert sorted(f.key() for f in fast.findings) == sorted(f.key() for f in reference.findings)
    found = {f.gap for f in fast.findings if f.gap}
    assert set(JOINING_SHAPES) <= found
