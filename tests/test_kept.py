"""A store's gap findings are found once when it is written and read back after
(graph/validation/kept.py): the same findings the shapes give, never those of an older state."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

import govatlas
from govatlas.graph.store import GraphStore
from govatlas.graph.validation.gaps import find_gaps
from govatlas.graph.validation.kept import FILE_NAME, gap_findings, keep, kept, stamp

from .conftest import ACTORS, COMPETENCES

#: the city funds the association that delivers for it: that capacity gap closes
EXTRA_LINKS = """\
from_actor,to_actor,type,instrument,valid_from,valid_until,source,locator
xx-city,xx-ngo,funds,,,,doc.txt,9
"""


@pytest.fixture
def built(dataset, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    govatlas.build([dataset()], store=path)
    return path


def kept_file(path: Path) -> Path:
    return path.with_name(path.name + ".computed") / FILE_NAME


def test_a_build_keeps_the_findings_the_shapes_give(built):
    assert kept_file(built).is_file()
    with GraphStore.open(built, read_only=True) as store:
        found = find_gaps(store)
        assert found, "the example dataset has gaps to keep"
        assert kept(store) == found
        assert gap_findings(store) == found
        for gap in {finding.gap for finding in found}:
            assert gap_findings(store, [gap]) == find_gaps(store, [gap])


def test_the_gaps_command_reads_them_and_says_the_same(built):
    with GraphStore.open(built, read_only=True) as store:
        expected = find_gaps(store)
    kept_file(built).unlink()
    without = govatlas.gaps(store=built).findings
    with GraphStore.open(built) as store:  # a writer: found and kept again
        keep(store)
    assert govatlas.gaps(store=built).findings == without
    assert [f.key() for f in without] == [f.key() for f in expected]


def test_a_load_finds_them_again_for_the_new_data(built, dataset):
    with GraphStore.open(built, read_only=True) as store:
        before = kept(store)
    header_only = {name: text.splitlines()[0] + "\n"
                   for name, text in (("actors", ACTORS), ("competences", COMPETENCES))}
    outcome = govatlas.load([dataset("more", links=EXTRA_LINKS, **header_only)], store=built)
    assert outcome.ok, outcome.refused
    with GraphStore.open(built, read_only=True) as store:
        after = kept(store)
        assert after == find_gaps(store)
    assert len(after) == len(before) - 1


def test_any_write_forgets_them_first(built):
    store = GraphStore.open(built)  # opened to be written: they may change
    try:
        assert not kept_file(built).exists()
        keep(store)
        assert kept_file(built).exists()
        store.add_quads([ox.Quad(ox.NamedNode("https://example.org/a"),
                                 ox.NamedNode("https://example.org/b"), ox.Literal("c"),
                                 ox.NamedNode("https://example.org/graph"))])
        assert not kept_file(built).exists()
        assert gap_findings(store) == find_gaps(store)  # found, not read
    finally:
        store.close()


def test_findings_of_other_code_or_a_damaged_file_are_found_again(built):
    path = kept_file(built)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    document["stamp"] = "govatlas-findings sha256:older"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(document, handle)
    with GraphStore.open(built, read_only=True) as store:
        assert kept(store) is None
        expected = find_gaps(store)
        assert gap_findings(store) == expected
        path.write_bytes(b"\x1f\x8b not gzip at all")
        assert kept(store) is None
        assert gap_findings(store) == expected
        for payload in ([["too", "short"]], {"not": "rows"}, None):  # JSON of another shape
            with gzip.open(path, "wt", encoding="utf-8") as handle:
                json.dump({"stamp": stamp(), "payload": payload}, handle)
            assert kept(store) is None
            assert gap_findings(store) == expected


def test_an_in_memory_store_keeps_nothing():
    store = GraphStore.in_memory()
    govatlas.build(store=store)
    assert keep(store) is None
    assert kept(store) is None


def test_the_network_kept_by_a_write_projects_as_the_store_does(built, dataset):
    """project() cuts the whole network kept beside the store as it cuts the one it reads:
    the same nodes and edges, with the same attributes in the same order, for every filter."""
    from datetime import date

    from govatlas.graph.analysis import projection

    header = COMPETENCES.splitlines()[0] + "\n"
    agency = (ACTORS.splitlines()[0]
              + "\nxx-agency,Example Agency,national-agency,national,FR,,,doc.txt,8\n")
    dated = EXTRA_LINKS.replace(",,,doc.txt,9", ",2020,2022,doc.txt,9")  # a link with a period
    outcome = govatlas.load([dataset("more", actors=agency, competences=header, links=dated)],
                            store=built)
    assert outcome.ok, outcome.refused
    assert kept_file(built).with_name(projection.NETWORK_FILE).is_file()
    filters = [{}, {"as_of": date(2019, 7, 1)}, {"as_of": date(2023, 1, 1), "country": "FR"},
               {"territory": "exampleville"}, {"include_planned": True}, {"country": "AT"}]

    def drawn(store, **given):
        graph = projection.project(store, **given)
        return ([(node, list(data.items())) for node, data in graph.nodes(data=True)],
                [(u, v, k, list(data.items())) for u, v, k, data in
                 graph.edges(keys=True, data=True)])

    with GraphStore.open(built, read_only=True) as store:
        with_file = [drawn(store, **given) for given in filters]
        network = projection.network_of(store)
        assert network == projection.read_network(store)
    network_file = kept_file(built).with_name(projection.NETWORK_FILE)
    with gzip.open(network_file, "wt", encoding="utf-8") as handle:  # rows of another width
        json.dump({"stamp": projection._network_stamp(),
                   "payload": {"actors": [["x"]], "links": []}}, handle)
    with GraphStore.open(built, read_only=True) as store:
        assert [drawn(store, **given) for given in filters] == with_file
    network_file.unlink()
    with GraphStore.open(built, read_only=True) as store:
        assert [drawn(store, **given) for given in filters] == with_file
    assert with_file[0][1], "the example has links to compare"
