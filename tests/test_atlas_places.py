"""The atlas's per-place data read from one projection and one index give what reading the
store for each place gives: the gaps, the allocations and the ideal type of every place."""

from __future__ import annotations

import pytest

from govatlas.graph.analysis import projection
from govatlas.graph.analysis.decoupling import competence_fields
from govatlas.graph.analysis.ideal_types import classify, classify_network
from govatlas.graph.validation.gaps import find_gaps
from govatlas.graph.views.atlas import (
    allocations_by_place,
    gaps_by_place,
    place_allocations,
    place_graph,
    placed_matrix,
    places,
)

#: Gap types quick on the bundled data (tests/test_gaps.py runs them all).
GAP_TYPES = ("fiscal", "capacity", "accountability", "policy")


@pytest.fixture(scope="module")
def atlas_parts(bundled_store):
    graph = projection.project(bundled_store)
    held = projection.allocations(bundled_store)
    territories, countries = places(bundled_store, graph, placed_matrix(bundled_store))
    return graph, held, territories + countries


def test_gaps_by_place_is_the_filter_of_every_finding(bundled_store, atlas_parts):
    _graph, _held, every = atlas_parts
    findings = [f for f in find_gaps(bundled_store, GAP_TYPES) if f.gap]
    indexed = gaps_by_place(findings, every)
    for place in every:
        expected = [f for f in findings if (
            f.territory == place.key if place.kind == "territory" else f.country == place.key)
            or (f.actor and f.actor in place.actors)]
        assert indexed[place.page] == expected, place.name
    assert any(indexed.values())


def test_place_allocations_match_the_store_query(bundled_store, atlas_parts):
    graph, held, every = atlas_parts
    index = allocations_by_place(held)
    for place in every:
        where = {place.kind: place.key}
        assert place_allocations(index, place) == projection.allocations(bundled_store,
                                                                         **where), place.name
        assert sorted(place_graph(graph, index, place).nodes(data="competences")) == \
            sorted(place_graph(graph, held, place).nodes(data="competences"))


@pytest.mark.parametrize("where", [{"territory": "Vienna"}, {"territory": "Lyon"},
                                   {"country": "FR"}, {"territory": "Turin"}])
def test_classify_network_is_classify(bundled_store, atlas_parts, where):
    graph, held, _every = atlas_parts
    kind, key = next(iter(where.items()))
    index = allocations_by_place(held)
    mine = classify_network(graph, index.get((kind, key.casefold()), []),
                            fields=competence_fields(bundled_store), **where)
    reference = classify(bundled_store, **where)
    assert mine.label == reference.label
    assert mine.scores == reference.scores
