"""A store whose derived graph other rules built says so when read, and is derived again when
opened for writing: the fingerprint of the ontology and the derivation rules recorded in the
derived graph (graph/fingerprint.py) is compared with today's."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import govatlas
from govatlas.api import stores
from govatlas.graph import fingerprint
from govatlas.graph.pipeline import derive
from govatlas.graph.store import GraphStore
from govatlas.ontology.namespaces import DERIVED_GRAPH, GA

DERIVED = ox.NamedNode(DERIVED_GRAPH)
NAME_KEY = ox.NamedNode(GA + "nameKey")


@pytest.fixture
def built(dataset, tmp_path: Path) -> Path:
    """An on-disk store of the small example dataset, built with today's rules."""
    path = tmp_path / "store"
    govatlas.build([dataset()], store=path)
    stores._WARNED.clear()
    return path


def rewrite(path: Path, fingerprint_value: str | None, drop_name_keys: bool = False) -> None:
    """Make the store look built by other rules: another fingerprint (or none), and, with
    ``drop_name_keys``, no ga:nameKey, as a store built before that rule existed."""
    store = GraphStore.open(path)
    try:
        raw = store.store
        doomed = [quad for graph in (DERIVED, ox.DefaultGraph())
                  for quad in raw.quads_for_pattern(DERIVED, None, None, graph)]
        if drop_name_keys:
            doomed += [quad for graph in (DERIVED, ox.DefaultGraph())
                       for quad in raw.quads_for_pattern(None, NAME_KEY, None, graph)]
        for quad in doomed:
            raw.remove(quad)
        if fingerprint_value is not None:
            store.add_quads([ox.Quad(DERIVED, ox.NamedNode(
                "http://www.w3.org/2002/07/owl#versionInfo"), ox.Literal(fingerprint_value),
                DERIVED)])
    finally:
        store.close()


def stale_warnings(text: str) -> int:
    return text.count("built with other rules")


def test_a_build_records_todays_fingerprint_and_reads_quietly(built, capsys):
    with stores.reading(built) as store:
        assert fingerprint.stored(store) == fingerprint.current()
        assert not fingerprint.stale(store)
    assert stale_warnings(capsys.readouterr().err) == 0


def test_the_fingerprint_is_not_counted_as_a_derived_triple(empty_store):
    size = derive(empty_store)
    assert sum(1 for _ in empty_store.quads(DERIVED_GRAPH)) == size + 1
    assert fingerprint.stored(empty_store) == fingerprint.current()


def test_the_fingerprint_follows_the_rules(monkeypatch):
    today = fingerprint.current()
    rules = fingerprint.derivation_rules()
    changed = [*rules[:-1], (rules[-1][0], rules[-1][1] + "\n# one more comment")]
    monkeypatch.setattr(fingerprint, "derivation_rules", lambda: changed)
    fingerprint.current.cache_clear()
    try:
        assert fingerprint.current() != today
        assert fingerprint.current().startswith(fingerprint.PREFIX)
    finally:
        monkeypatch.undo()
        fingerprint.current.cache_clear()
    assert fingerprint.current() == today


@pytest.mark.parametrize("recorded", ["govatlas-rules sha256:0000", None],
                         ids=["other rules", "no fingerprint"])
def test_a_store_built_with_other_rules_warns_once_when_read(built, recorded, capsys):
    rewrite(built, recorded)
    for _ in range(2):
        with stores.reading(built) as store:
            assert fingerprint.stale(store)
    err = capsys.readouterr().err
    assert stale_warnings(err) == 1
    assert "govatlas" in err and "repair" in err and "build" in err
    assert str(built) in err


def test_a_store_holding_no_dataset_is_never_stale(empty_store):
    assert not fingerprint.stale(empty_store)


def test_repair_derives_a_stale_store_again_and_the_warning_goes(built, capsys):
    rewrite(built, None, drop_name_keys=True)
    assert govatlas.query("actor-links", store=built, actor="xx-city").empty  # silently wrong
    assert stale_warnings(capsys.readouterr().err) == 1
    govatlas.repair(store=built)
    assert "deriving it again" in capsys.readouterr().err
    stores._WARNED.clear()
    found = govatlas.query("actor-links", store=built, actor="xx-city")
    assert not found.empty
    with stores.reading(built) as store:
        assert fingerprint.stored(store) == fingerprint.current()
    assert stale_warnings(capsys.readouterr().err) == 0


def test_a_writable_open_derives_a_stale_store_again(built, capsys):
    rewrite(built, "govatlas-rules sha256:0000", drop_name_keys=True)
    with stores.writing(built) as store:
        assert not fingerprint.stale(store)
        assert next(iter(store.store.quads_for_pattern(None, NAME_KEY, None, DERIVED)), None)
    assert "deriving it again" in capsys.readouterr().err


def test_a_rebuild_clears_the_warning(built, dataset, capsys):
    rewrite(built, "govatlas-rules sha256:0000")
    govatlas.build([dataset()], store=built)
    assert "deriving it again" not in capsys.readouterr().err  # the build replaces it anyway
    stores._WARNED.clear()
    with stores.reading(built) as store:
        assert not fingerprint.stale(store)
    assert stale_warnings(capsys.readouterr().err) == 0
