"""The atlas of a generated country: each costly part computed once, each place's view cut
from it without reading the store, the same ideal types as the whole network gives, and pages
that explain themselves and open offline (headless Chromium, network blocked).

The country comes from ``bench/country.py`` (France's proportions, 400 municipalities, a gap
in five places) so that the overall map is an overview and the country page holds every actor,
as on the France-sized benchmark country where ``govatlas report`` is measured
(bench/RESULTS.md, the atlas).
"""

from __future__ import annotations

import re

import pytest

from bench.country import generate_country
from bench.generate import write
from govatlas.api import pages
from govatlas.graph.analysis import projection
from govatlas.graph.analysis.decoupling import competence_fields
from govatlas.graph.analysis.ideal_types import classify_network
from govatlas.graph.pipeline import load_dataset, load_ontology
from govatlas.graph.store import GraphStore
from govatlas.graph.views import atlas as atlas_view
from govatlas.graph.views import network
from govatlas.graph.views.atlas import (
    CASE_EXAMPLES,
    atlas_data,
    gap_rules,
    place_allocations,
    place_setting,
    place_views,
)
from tests.test_viz import REMOTE, wait_drawn


@pytest.fixture(scope="module")
def country_store(tmp_path_factory) -> GraphStore:
    store = GraphStore.in_memory()
    load_ontology(store)
    folder = tmp_path_factory.mktemp("country") / "country"
    load_dataset(store, write(generate_country(400, seed=11, gap_share=0.2), folder))
    return store


class Counted:
    """A function wrapped so that its calls are counted."""

    def __init__(self, function) -> None:
        self.function, self.calls = function, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


@pytest.fixture(scope="module")
def written(country_store, tmp_path_factory):
    """The atlas written by ``pages.report`` with the projection, the gap shapes and the
    overview counted, and the time slider's gaps off as on a large store."""
    patch = pytest.MonkeyPatch()
    counted = {"project": Counted(projection.project),
               "gap_findings": Counted(network.gap_findings),
               "overview": Counted(network.overview)}
    patch.setattr(projection, "project", counted["project"])
    patch.setattr(network, "gap_findings", counted["gap_findings"])
    patch.setattr(network, "overview", counted["overview"])
    patch.setattr(atlas_view, "ATLAS_TIMELINE_LIMIT", 0)
    try:
        index = pages.report(tmp_path_factory.mktemp("atlas"), country_store)
    finally:
        patch.undo()
    return index, {name: c.calls for name, c in counted.items()}


def test_each_costly_part_runs_once(written):
    _index, calls = written
    # one projection, one run of the gap shapes, one overview: the country page holds every
    # actor and shares the overall map instead of drawing the overview a second time
    assert calls == {"project": 1, "gap_findings": 1, "overview": 1}


def test_a_place_view_reads_no_store(country_store, monkeypatch):
    atlas = atlas_data(country_store, timeline_limit=0)

    def refuse(*_args, **_kwargs):
        raise AssertionError("a place's view read the store")

    monkeypatch.setattr(GraphStore, "select", refuse)
    monkeypatch.setattr(GraphStore, "quads", refuse, raising=False)
    views = list(place_views(atlas))
    assert len(views) == len(atlas.territories) + len(atlas.countries) > 20
    country = next(v for v in views if v.place.kind == "country")
    assert country.map is None and country.map_href == "map.html"
    assert all(v.map_href == v.place.map_page for v in views
               if v.place.kind == "territory" and v.place.actors)


def test_the_place_setting_classifies_as_the_whole_network(country_store):
    graph = projection.project(country_store)
    atlas = atlas_data(country_store, timeline_limit=0)
    fields = competence_fields(country_store)
    compared = 0
    for place in atlas.territories:
        held = place_allocations(atlas.allocations, place)
        whole = classify_network(graph, held, territory=place.key, fields=fields)
        setting = place_setting(graph, place, held)
        mine = classify_network(setting, held, territory=place.key, fields=fields)
        assert (mine.label, mine.scores, mine.measures) == \
            (whole.label, whole.scores, whole.measures), place.name
        assert setting.number_of_nodes() < graph.number_of_nodes()
        compared += 1
    assert compared > 20


def test_gap_rules_group_every_finding_once(country_store):
    atlas = atlas_data(country_store, timeline_limit=0)
    rules = gap_rules(atlas.findings, examples=3)
    cases = [case for found in rules.values() for rule in found for case in rule.cases]
    assert sum(case.count for case in cases) == len(atlas.findings) > 0
    assert all(len(case.findings) == min(case.count, 3) for case in cases)
    assert len({(r.shape, c.territory, c.level) for found in rules.values() for r in found
                for c in r.cases}) == len(cases)  # one case per rule, place and level
    # many cases list fewer findings each, never none
    tight = gap_rules(atlas.findings, examples=20, budget=len(cases) // 2)
    assert all(len(case.findings) == 1 for found in tight.values() for rule in found
               for case in rule.cases)


def test_pages_stay_relative_and_explain_themselves(written):
    index, _calls = written
    root = index.parent
    reference = re.compile(r"""(?:href|src)=['"]([^'"]*)['"]""")
    for page in root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not REMOTE.search(text), page
        for target in reference.findall(text):
            assert "://" not in target and not target.startswith("/"), (page, target)
            assert (page.parent / target.split("#")[0]).resolve().exists(), (page, target)
        if page.parent == root or page.parent.name in ("territory", "country"):
            assert "How to read this" in text, page  # the maps say "this map"
    assert not (root / "maps" / "country-xx.html").exists()  # the overall map serves it
    country = (root / "country" / "xx.html").read_text(encoding="utf-8")
    assert "src=\"../map.html\"" in country
    assert "1 actors" not in country and "synthetic-country.txt</code> <span class=\"muted\">" \
        "lines " in country


def test_atlas_opens_offline_and_filters_gaps(visit, written):
    index, _calls = written
    root = index.parent
    browser_visit = visit(1400, 1000)
    page = browser_visit.open(root / "gaps.html")
    assert page.locator("section.gap-type").count() == 8
    assert page.locator("blockquote.definition").count() == 8
    assert page.locator("details.how").count() == 1
    cases = page.locator("details.case")
    assert cases.count() > 0
    counts = [int(n) for n in page.eval_on_selector_all(
        "details.case", "items => items.map(i => i.dataset.count)")]
    shown = page.eval_on_selector_all("details.case", "items => items.map(i => "
                                      "i.querySelectorAll('.gap').length)")
    examples = max(shown)
    assert 0 < examples <= CASE_EXAMPLES
    assert all(s == min(c, examples) for s, c in zip(shown, counts, strict=True))
    assert sum(counts) > cases.count()  # grouped: more findings than cases
    levels = page.eval_on_selector_all("#level-filter option", "o => o.map(x => x.value)")
    level = next(value for value in levels if value)
    page.locator("#level-filter").select_option(level)
    visible = page.locator("details.case:visible")
    assert visible.count() > 0
    assert set(page.eval_on_selector_all("details.case:not([hidden])",
                                         "i => i.map(x => x.dataset.level)")) == {level}
    assert "shown" in page.locator("#filter-count").inner_text()
    page.locator("#level-filter").select_option("")
    code = page.eval_on_selector("section.gap-type:has(details.case)", "s => s.dataset.gap")
    page.locator(f".stats a[href='#{code}']").click()
    assert page.url.endswith(f"#{code}")
    page.locator("#gap-filter").select_option(code)
    assert page.locator("section.gap-type:visible").count() == 1

    page = browser_visit.open(root / "heatmap.html")
    for selector in (".heatmap thead tr:nth-child(2) th", ".heatmap tbody th"):
        assert page.eval_on_selector(selector, "e => getComputedStyle(e).position") == \
            "sticky"
    page = browser_visit.open(root / "index.html")
    assert page.locator("a[href='gaps.html']").count() >= 1
    page.locator("a[href='country/xx.html']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/country/xx.html")
    inner = next(f for f in page.frames if f.url.split("#")[0].endswith("/map.html"))
    inner.wait_for_function("window.govatlasMap && window.govatlasMap.drawnAt !== null",
                            timeout=60_000)
    territory = page.eval_on_selector("ul.cols a", "a => a.getAttribute('href')")
    page.goto(page.url.rsplit("/", 1)[0] + "/" + territory)
    page.wait_for_load_state()
    assert page.locator("#classification").count() == 1
    page = browser_visit.open(root / "map.html")
    wait_drawn(page, timeout=60_000)
    browser_visit.offline_and_clean()
