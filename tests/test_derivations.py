"""The derived graph is the same whatever way the rules are written and evaluated.

The rules in ``ontology/derivations/`` are written for speed (scans joined by hashing, no
DISTINCT where the graph's set semantics makes it moot) and are evaluated inside Oxigraph
(a CONSTRUCT written to a file on disk, an update in memory). ``tests/derivations_reference/``
keeps them as they were first written, plainly, and this test evaluates those the plain way
(each row read in Python, made a triple, added to the derived graph and the union, rule after
rule) and compares the two derived graphs triple for triple, on the bundled datasets and on a
small generated country with large inter-municipal bodies, in memory and on disk.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.country import Proportions, generate_country
from bench.generate import write
from govatlas.graph.pipeline import build, bundled_datasets
from govatlas.graph.store import DEFAULT, GraphStore
from govatlas.ontology import derivation_rules, derived_property
from govatlas.ontology.namespaces import DERIVED_GRAPH

REFERENCE = Path(__file__).parent / "derivations_reference"


def reference_rules() -> list[tuple[str, str]]:
    return [(derived_property(path.stem.split("-", 1)[1]), path.read_text(encoding="utf-8"))
            for path in sorted(REFERENCE.glob("*.rq"))]


def derived(store: GraphStore) -> set[tuple[str, str, str]]:
    """The derived graph's triples, without the one that says which rules built it (its
    subject is the graph itself: :mod:`govatlas.graph.fingerprint`)."""
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store.quads(DERIVED_GRAPH)
            if q.subject.value != DERIVED_GRAPH}


def reference_derivation(store: GraphStore) -> set[tuple[str, str, str]]:
    """The derived graph of the reference rules, evaluated row by row over a copy of
    ``store`` without its derived graph."""
    copy = GraphStore.in_memory()
    copy.add_quads([q for q in store.quads() if q.graph_name.value != DERIVED_GRAPH])
    target = ox.NamedNode(DERIVED_GRAPH)
    for predicate, query in reference_rules():
        relation = ox.NamedNode(predicate)
        quads = [ox.Quad(row["x"], relation, row["y"], target) for row in copy.select(query)
                 if row["x"] is not None and row["y"] is not None]
        copy.store.extend(quads)
        copy.store.extend(ox.Quad(q.subject, q.predicate, q.object, DEFAULT) for q in quads)
    return derived(copy)


def test_every_rule_has_its_reference():
    assert [predicate for predicate, _ in derivation_rules()] == \
        [predicate for predicate, _ in reference_rules()]


@pytest.fixture(scope="module")
def country_folder(tmp_path_factory) -> Path:
    """A generated country where every third allocation states its territory (the generator
    states none), so the rules that skip a stated place are tried both ways."""
    country = generate_country(300, seed=5, gap_share=0.2,
                               proportions=Proportions(large_body_share=0.3))
    folder = write(country, tmp_path_factory.mktemp("country"))
    with (folder / "actors.csv").open(encoding="utf-8", newline="") as handle:
        places = sorted({row["territory"] for row in csv.DictReader(handle) if row["territory"]})
    path = folder / "competences.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [*rows[0], "territory"])
        writer.writeheader()
        for number, row in enumerate(rows):
            writer.writerow({**row, "territory": places[number % len(places)]
                             if number % 3 == 0 else ""})
    return folder


@pytest.mark.parametrize("on_disk", [False, True], ids=["in memory", "on disk"])
@pytest.mark.parametrize("data", ["bundled", "generated"])
def test_derived_graph_equals_the_reference_rules(data, on_disk, country_folder, tmp_path):
    paths = bundled_datasets() if data == "bundled" else [country_folder]
    store = GraphStore.open(tmp_path / "store") if on_disk else GraphStore.in_memory()
    build(store, paths)
    got = derived(store)
    assert got, "the rules derived nothing"
    if data == "generated":
        stated = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?x a "
                              "ga:CompetenceAllocation ; ga:territory ?t } "
                              f"FILTER(?g != <{DERIVED_GRAPH}>) }}")
        assert int(stated[0]["n"].value) > 0
    assert got == reference_derivation(store)
    union = {(str(q.subject), str(q.predicate), str(q.object))
             for q in store.store.quads_for_pattern(None, None, None, DEFAULT)}
    assert got <= union, "a derived triple is missing from the union"
    store.close()
