"""The overview of a large map: groups by territory and level, drilled into on click.

The tree and its added-up links are checked on a small generated country without a browser;
the page is then opened in headless Chromium (network blocked) for a country of 35,000
municipalities (:func:`bench.country.generate_country`, France's proportions). The country's
network is built straight from the generator's rows (:func:`bench.renderers.country_graph`), as
:func:`~govatlas.graph.analysis.projection.project` would give it, rather than through a
store: building and projecting a store of three million triples takes minutes, and what is
tested here is the map, not the loader (tests/test_scale.py covers that).
"""

from __future__ import annotations

import json
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from bench.country import generate_country
from bench.generate import write
from bench.renderers import country_graph
from govatlas.graph.analysis.projection import project
from govatlas.graph.pipeline import load_dataset, load_ontology
from govatlas.graph.store import GraphStore
from govatlas.graph.views.network import map_data
from govatlas.graph.views.overview import (
    OVERVIEW_THRESHOLD,
    VIEW_LIMIT,
    overview,
    step_counts,
    steps_of,
)
from govatlas.ontology.namespaces import ACTOR
from govatlas.viz.network_map import map_page
from tests.conftest import overlapping
from tests.test_viz import record_timing, shoot

#: The France preset's municipalities, rounded as the issue states the target.
COUNTRY_MUNICIPALITIES = 35_000


def overview_map(graph: nx.MultiDiGraph, output: Path) -> Path:
    """The map page of ``graph`` as ``govatlas map --country XX`` writes it (no gaps)."""
    data = map_data(None, graph=graph, gaps=False, sources={}, names={}, slider=True,
                    country="XX", title="Governance network — XX")
    assert data.overview is not None
    output.write_text(map_page(data), encoding="utf-8")
    return output


# --- the tree, without a browser ---------------------------------------------------------------

@pytest.fixture(scope="module")
def small_country() -> nx.MultiDiGraph:
    return country_graph(2_000)


def test_every_actor_is_in_one_group_and_the_counts_add_up(small_country):
    tree = overview(small_country, root_label="XX")
    assert sorted(map(str, tree.home)) == sorted(map(str, small_country))
    for group in tree.groups.values():
        assert group.actors == len(group.members) + sum(tree.groups[c].actors
                                                        for c in group.children)
        assert len(group.members) <= VIEW_LIMIT  # no view draws more than the limit
    assert tree.groups[tree.root].actors == small_country.number_of_nodes()


def test_a_municipality_sits_under_area_department_and_region(small_country):
    tree = overview(small_country, root_label="XX")
    city = ACTOR + "xx-city-0"
    chain = [tree.groups[g].label for g in tree.chain(tree.home[city])]
    assert chain[0] == "XX"
    assert [label.split()[0] for label in chain[1:]] == ["Region", "Department", "Area"]
    # the department's own service is lifted out of the area into the department
    service = ACTOR + "xx-service-0"
    assert tree.groups[tree.home[service]].label.startswith("Department")


def test_view_links_add_up_to_every_link(small_country):
    """Each link is drawn once in the view of the lowest group holding both its actors (or
    inside a child group there): the root's lines and its children's inner links account
    for every link of the country."""
    tree = overview(small_country, root_label="XX")
    root = tree.views[tree.root]
    inner = sum(tree.groups[c].links for c in root.groups)
    drawn = sum(link.weight for link in root.links)
    loops = sum(1 for u, v in small_country.edges() if u == v)
    assert drawn + inner == small_country.number_of_edges() - loops
    # a line between two actors lists the links it stands for
    for view in tree.views.values():
        for link in view.links:
            assert sum(link.types.values()) == link.weight
            assert not link.edges or len(link.edges) == link.weight


def test_step_counts_are_the_links_valid_on_each_date(small_country):
    """Each line's count on a date, worked out link by link, is what the one pass gives."""
    tree = overview(small_country, root_label="XX")
    steps = steps_of(small_country)
    assert steps[0] == "2019-07-01"  # the generator's first periods start in 2019
    counts = step_counts(small_country, tree, steps)

    def valid(edge: tuple, day: str) -> bool:
        data = small_country.edges[edge]
        start, end = data.get("valid_from"), data.get("valid_until")
        return (not start or start[:10] <= day) and (not end or day <= end[:10])

    moving = 0
    for gid, view in tree.views.items():
        for link in view.links:
            found = counts[(gid, link.source, link.target)]
            assert sum(total for total, _series in found.values()) == link.weight
            for index, day in enumerate(steps):
                expected = sum(1 for edge in link.members if valid(edge, day))
                assert sum(series[index] if series else total
                           for total, series in found.values()) == expected
            moving += any(series for _total, series in found.values())
    assert moving > 0  # some lines do change with the date


def test_small_maps_are_not_grouped(small_country):
    few = small_country.subgraph(list(small_country)[:OVERVIEW_THRESHOLD]).copy()
    data = map_data(None, graph=few, gaps=False, sources={}, names={}, slider=False)
    assert data.overview is None


# --- the page, in the browser ------------------------------------------------------------------

@pytest.fixture(scope="module")
def country_page(tmp_path_factory) -> Path:
    start = time.perf_counter()
    graph = country_graph(COUNTRY_MUNICIPALITIES)
    built = time.perf_counter() - start
    path = overview_map(graph, tmp_path_factory.mktemp("country") / "country.html")
    record_timing("35,000 municipalities: country network (s)", round(built, 1))
    record_timing("35,000 municipalities: overview page built (s)",
                  round(time.perf_counter() - start - built, 1))
    record_timing("35,000 municipalities: page (MB)", round(path.stat().st_size / 1e6, 1))
    return path


def click_node(page: Any, node_id: str) -> None:
    """Click where a node is drawn, as a reader would."""
    point = page.evaluate("""id => { const n = govatlasMap.network;
        const p = n.canvasToDOM(n.getPositions([id])[id]);
        const r = document.getElementById('network').getBoundingClientRect();
        return {x: p.x + r.left, y: p.y + r.top}; }""", node_id)
    page.mouse.click(point["x"], point["y"])


def overlapping_labels(page: Any) -> list[tuple[str, str]]:
    """Pairs of nodes whose labels overlap (canvas coordinates, so at any zoom)."""
    return overlapping(page.evaluate("govatlasMap.labelBoxes()"))


def test_country_overview_draws_fast_and_drills_to_a_municipality(visit, country_page):
    assert country_page.stat().st_size < 15e6  # the ceiling for a country's page
    browser_visit = visit(1500, 900)
    page = browser_visit.open(country_page)
    page.wait_for_function("window.govatlasMap && govatlasMap.drawnAt !== null",
                           timeout=60_000)
    drawn = page.evaluate("govatlasMap.drawnAt")
    record_timing("35,000 municipalities: overview drawn (ms)", round(drawn))
    assert drawn < 5_000
    index = page.evaluate("govatlasMap.index")
    groups = index["groups"]
    root = index["root"]
    assert page.evaluate("govatlasMap.view") == root
    assert len(page.evaluate("govatlasMap.visibleNodeIds()")) <= VIEW_LIMIT + 40
    assert overlapping_labels(page) == []
    shoot(page, "overview-country", readme="map-country-overview.png")
    # a municipality of an ordinary area: region, department, area under the country
    position, (name, _other, home) = next((i, a) for i, a in enumerate(index["actors"])
                                          if a[0] == "Municipality 1000")
    actor = f"a{position}"
    chain = [home]
    while groups[chain[-1]][1] is not None:
        chain.append(groups[chain[-1]][1])
    chain.reverse()
    assert len(chain) == 4, [groups[g][0] for g in chain]
    for step, group in enumerate(chain[1:], start=1):
        click_node(page, group)
        page.wait_for_function(f"govatlasMap.view === {group!r}", timeout=5_000)
        assert page.locator("#breadcrumb").inner_text().count("›") == step
        assert overlapping_labels(page) == [], groups[group][0]
    assert actor in page.evaluate("govatlasMap.visibleNodeIds()")  # three clicks
    assert groups[chain[-1]][0].startswith("Area")
    click_node(page, actor)
    assert page.locator("#details").is_visible()
    assert name in page.locator("#details").inner_text()
    shoot(page, "overview-area", readme="map-country-area.png")
    # the address reopens the view; the breadcrumb goes back to the country
    address = page.url
    assert f"view={chain[-1]}" in address
    page.locator("#breadcrumb button").first.click()
    assert page.evaluate("govatlasMap.view") == root
    # search reaches actors not drawn, and opens their group
    assert page.evaluate("govatlasMap.search('municipality 34568')") == 1
    page.locator("#search-results button").first.click()
    assert page.evaluate("govatlasMap.selected") is not None
    browser_visit.offline_and_clean()


def test_overview_address_reopens_the_group(visit, country_page):
    browser_visit = visit(1200, 800)
    page = browser_visit.open(country_page)
    page.wait_for_function("window.govatlasMap && govatlasMap.drawnAt !== null")
    group = page.evaluate("govatlasMap.index.groups[govatlasMap.index.root] && "
                          "Object.keys(govatlasMap.index.groups)[5]")
    page.goto(country_page.resolve().as_uri() + f"#view={group}")
    page.reload()  # a new address that differs by its fragment only does not reload
    page.wait_for_function("window.govatlasMap && govatlasMap.drawnAt !== null")
    assert page.evaluate("govatlasMap.view") == group
    assert page.evaluate("govatlasMap.exportPng()").startswith("data:image/png")
    # SVG and JSON of the view as drawn: one circle and one JSON node per visible node
    visible = page.evaluate("govatlasMap.nodes.get({filter: function (n) { return !n.hidden; }})"
                            ".map(function (n) { return n.id; })")
    svg = page.evaluate("govatlasMap.exportSvg()")
    assert svg.startswith("<svg") and svg.count("<circle") == len(visible) > 1
    assert page.evaluate("govatlasMap.index.groups[govatlasMap.view][0]").split(" (")[0] in svg
    graph = json.loads(page.evaluate("govatlasMap.exportJson()"))
    assert sorted(n["id"] for n in graph["nodes"]) == sorted(visible)
    assert graph["view"] == page.evaluate("govatlasMap.index.groups[govatlasMap.view][0]")
    browser_visit.offline_and_clean()


def test_overview_slider_and_filters_move_the_lines(visit, country_page):
    """The year slider redraws each line with the links valid on the date (more, thick;
    fewer, dashed), the level and link-type filters hide what they name, and the address
    keeps the date and the filters."""
    browser_visit = visit(1500, 900)
    page = browser_visit.open(country_page)
    page.wait_for_function("window.govatlasMap && govatlasMap.drawnAt !== null",
                           timeout=60_000)
    steps = page.evaluate("govatlasMap.index.timeline.steps")
    assert steps[0] == "2019-07-01" and "2022-07-01" in steps
    every = page.evaluate("govatlasMap.drawnLinks")
    page.evaluate("govatlasMap.setDay('2019-07-01')")
    first = page.evaluate("govatlasMap.drawnLinks")
    assert 0 < first < every  # links of 2020 and 2022 are not yet there
    page.locator("#time").fill(str(steps.index("2021-07-01")))  # the slider itself
    later = page.evaluate("govatlasMap.drawnLinks")
    assert first < later <= every
    assert page.evaluate("govatlasMap.timeChanges.more.length") > 0
    assert "more links" in page.locator("#time-changes").inner_text()
    thick = page.evaluate("govatlasMap.timeChanges.more.map(id => govatlasMap.edges.get(id).width)")
    assert min(thick) > 3
    page.locator("#filter-level input[value='regional']").uncheck()
    assert page.evaluate("govatlasMap.drawnLinks") < later
    assert "off-level=regional" in page.url and "date=2021-07-01" in page.url
    page.locator("#filter-level input[value='regional']").check()
    consults = page.evaluate("govatlasMap.index.linkCodes.indexOf('consults')")
    page.locator(f"#filter-link input[value='{consults}']").uncheck()
    assert page.evaluate("govatlasMap.drawnLinks") < later
    address = page.url
    again = visit(1500, 900).page
    again.goto(address)
    again.wait_for_function("window.govatlasMap && govatlasMap.drawnAt !== null",
                            timeout=60_000)
    assert again.evaluate("govatlasMap.drawnLinks") == page.evaluate("govatlasMap.drawnLinks")
    assert "2021" in again.locator("#time-label").inner_text()
    shoot(page, "overview-country-2021")
    browser_visit.offline_and_clean()


# --- gaps and actors as of the slider's date ----------------------------------------------------

@pytest.fixture(scope="module")
def dated_country(tmp_path_factory) -> tuple[Path, Any, str]:
    """The overview of a generated country small enough for the gap shapes to run on every
    date of the slider (a store, not the generator's rows: the gaps are the shapes' own),
    one municipality given a period that starts in 2021."""
    store = GraphStore.in_memory()
    load_ontology(store)
    folder = tmp_path_factory.mktemp("dated") / "country"
    load_dataset(store, write(generate_country(400, seed=11, gap_share=0.2), folder))
    graph = project(store, country="XX")
    late = ACTOR + "xx-city-7"
    graph.nodes[late]["valid_from"] = "2021-01-01"
    data = map_data(store, graph=graph, country="XX", slider=True,
                    title="Governance network — XX")
    assert data.overview is not None and data.timeline is not None
    assert data.timeline.gaps_follow
    path = tmp_path_factory.mktemp("dated-page") / "country.html"
    path.write_text(map_page(data), encoding="utf-8")
    return path, data, late


def gap_texts_on(data: Any, actor: str, day: str) -> set[str]:
    """The gap sentences naming ``actor`` among the shapes' findings on ``day``."""
    return {f"{f.gap} gap: {f.message}" for f in data.timeline.gaps[day]
            if f.gap and actor in (f.actor, f.value)}


def test_overview_gaps_and_actors_follow_the_slider(visit, dated_country):
    """Moving the slider redraws each actor's gaps (its red border, its count, the list in
    its details) as the shapes found them on that date, marks the actors whose gaps grew or
    shrank since the date before, and hides an actor outside its period, its group counting
    one actor less."""
    path, data, late = dated_country
    steps = data.timeline.steps
    # an actor whose gaps change between two dates in a row, and the change
    actor, before, after = next(
        (node, early, later) for node in data.graph for early, later in pairwise(steps)
        if len(gap_texts_on(data, node, early)) != len(gap_texts_on(data, node, later))
        and gap_texts_on(data, node, later))
    number = {node: f"a{i}" for i, node in enumerate(data.graph)}
    home = data.overview.home[actor]
    browser_visit = visit(1500, 900)
    page = browser_visit.open(path)
    page.wait_for_function("window.govatlasMap && govatlasMap.drawnAt !== null")
    page.evaluate(f"govatlasMap.show({home!r}, {number[actor]!r})")
    page.evaluate(f"govatlasMap.setDay({before!r})")
    shown = f"govatlasMap.gapsShown[{number[actor]!r}]"
    assert page.evaluate(shown) == len(gap_texts_on(data, actor, before))
    page.locator("#time").fill(str(steps.index(after)))  # the slider itself
    expected = gap_texts_on(data, actor, after)
    assert page.evaluate(shown) == len(expected)
    grew = len(expected) > len(gap_texts_on(data, actor, before))
    changed = page.evaluate("govatlasMap.timeChanges")
    assert number[actor] in changed["gapsUp" if grew else "gapsDown"]
    node = page.evaluate(f"govatlasMap.nodes.get({number[actor]!r})")
    assert node["color"]["border"] == "#d32f2f"
    if grew:
        assert node["borderWidth"] > 4
    else:
        assert node["shapeProperties"]["borderDashes"]
    assert "more gaps" in page.locator("#time-changes").inner_text()
    # the details panel lists the date's gaps, written out from the page's shared texts
    page.evaluate(f"govatlasMap.select({number[actor]!r})")
    listed = page.locator("#details ul.gap li").all_inner_texts()
    assert set(listed) == expected
    # an actor with a period: hidden before it, and its groups count one actor less
    late_home = data.overview.home[late]
    page.evaluate(f"govatlasMap.show({late_home!r})")
    page.evaluate("govatlasMap.setDay('2019-07-01')")
    assert number[late] not in page.evaluate("govatlasMap.visibleNodeIds()")
    page.evaluate("govatlasMap.setDay('2021-07-01')")
    assert number[late] in page.evaluate("govatlasMap.visibleNodeIds()")
    assert number[late] in page.evaluate("govatlasMap.timeChanges.appeared")
    parent = data.overview.groups[late_home].parent
    page.evaluate(f"govatlasMap.show({parent!r})")
    count = data.overview.groups[late_home].actors
    page.evaluate("govatlasMap.setDay('2019-07-01')")
    label = page.evaluate(f"govatlasMap.nodes.get({late_home!r}).label")
    assert label.endswith(f"\n{count - 1:,}")
    page.evaluate("govatlasMap.setDay('2021-07-01')")
    assert page.evaluate(f"govatlasMap.nodes.get({late_home!r}).label").endswith(f"\n{count:,}")
    browser_visit.offline_and_clean()
