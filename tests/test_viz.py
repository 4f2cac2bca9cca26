"""The policy designers' views, tested in a real browser with the network blocked.

The maps, heatmap and report are HTML meant to be mailed and opened anywhere, so what matters
is what a browser does with them: that the map draws, the filters and the search work on the
vis DataSets, a hostile label is shown as text and runs nothing, and nothing is fetched. The
tests drive Debian's Chromium through Playwright (``apt-get install chromium``,
``pip install playwright``; no ``playwright install``). Screenshots go to test-artifacts/;
with ``GOVATLAS_UPDATE_SCREENSHOTS=1`` the README's docs/screenshots/ are refreshed too.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from govatlas.api import pages
from govatlas.graph.analysis.projection import project
from govatlas.graph.pipeline import load_dataset, load_ontology
from govatlas.graph.store import GraphStore
from govatlas.graph.validation.gaps import find_gaps, with_evidence
from govatlas.graph.views.atlas import placed_matrix
from govatlas.graph.views.network import map_data
from govatlas.viz.network_map import layout, map_payload, script_json, vis_assets
from tests.conftest import overlapping

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
#: Gap types whose shapes run in well under a second on the bundled data; the map and report
#: tests need gaps to draw, not every gap type (tests/test_gaps.py checks those).
GAP_TYPES = ("fiscal", "capacity", "accountability", "policy")
ACTOR = "https://w3id.org/govatlas/actor/"
REMOTE = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:|ftp:|wss?:)?//""", re.I)

HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>alert(1)</script>"
HOSTILE_PLACE = "<svg onload=alert(1)>ville"


# --- browser ---------------------------------------------------------------------------------

def wait_drawn(page: Any, timeout: float = 60_000) -> float:
    """Wait for the map's first finished frame; returns its time since navigation (ms)."""
    page.wait_for_function("window.govatlasMap && window.govatlasMap.drawnAt !== null",
                           timeout=timeout)
    return float(page.evaluate("govatlasMap.drawnAt"))


def visible(page: Any) -> int:
    return int(page.evaluate("govatlasMap.visibleNodeIds().length"))


def shoot(page: Any, name: str, readme: str | None = None) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    if readme and os.environ.get("GOVATLAS_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / readme))


def record_timing(name: str, value: Any) -> None:
    """Keep measured timings in test-artifacts/timings.json for the record."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "timings.json"
    data = json.loads(target.read_text()) if target.exists() else {}
    data[name] = value
    target.write_text(json.dumps(data, indent=2, sort_keys=True))


def build_map(store: GraphStore, output: Path, **options: Any) -> Path:
    """Write a map through the use case, as the CLI does."""
    return pages.map(output=output, store=store, **options).path


def build_heatmap(store: GraphStore, output: Path, territories: list[str] | None = None) -> Path:
    pages.heatmap(territories, output=output, store=store)
    return output


# --- data ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def findings(bundled_store: GraphStore) -> list:
    return with_evidence(bundled_store, find_gaps(bundled_store, GAP_TYPES))


@pytest.fixture(scope="session")
def vienna_map(bundled_store: GraphStore, findings: list,
               tmp_path_factory: pytest.TempPathFactory) -> Path:
    start = time.perf_counter()
    path = build_map(bundled_store, tmp_path_factory.mktemp("maps") / "vienna.html",
                     city="Vienna", findings=findings)
    record_timing("build_map Vienna (s, gaps given)", round(time.perf_counter() - start, 3))
    return path


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


ACTOR_COLUMNS = ["id", "label", "type", "level", "country", "parent", "territory", "source",
                 "locator"]
COMPETENCE_COLUMNS = ["holder", "competence", "level", "qualifier", "valid_from",
                      "valid_until", "source", "locator"]
LINK_COLUMNS = ["from_actor", "to_actor", "type", "instrument", "valid_from", "valid_until",
                "source", "locator"]


@pytest.fixture(scope="session")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    """Actors, a territory, a qualifier and a source named to break out of HTML or a script."""
    folder = tmp_path_factory.mktemp("hostile")
    source = "evil'<b>.txt"
    write_rows(folder / "actors.csv", ACTOR_COLUMNS, [
        ["xx-evil-state", HOSTILE_SCRIPT, "national-government", "national", "FR", "",
         HOSTILE_PLACE, source, "1"],
        ["xx-evil-city", HOSTILE_IMG, "municipality", "local", "FR", "", HOSTILE_PLACE,
         source, "2"],
        ["xx-evil-ngo", 'NGO "quoted" & <i>styled</i>', "ngo", "local", "FR", "",
         HOSTILE_PLACE, source, "3"],
    ])
    write_rows(folder / "competences.csv", COMPETENCE_COLUMNS, [
        ["xx-evil-state", "housing", "national", "<b onmouseover=alert(1)>shared</b>", "", "",
         source, "4"],
        ["xx-evil-city", "housing", "local", "shared competence", "", "", source, "5"],
    ])
    write_rows(folder / "links.csv", LINK_COLUMNS, [
        ["xx-evil-ngo", "xx-evil-city", "implements-for", "", "", "", source, "6"],
        ["xx-evil-city", "xx-evil-state", "reports-to", "", "", "", source, "7"],
    ])
    store = GraphStore.in_memory()
    load_ontology(store)
    load_dataset(store, folder)
    return store


def write_synthetic(folder: Path, actors: int, seed: int = 1) -> Path:
    """A dataset of ``actors`` actors in ten countries, about two links each, shaped like
    the bundled data (most actors local, a few national and supranational)."""
    rng = random.Random(seed)
    kinds = {"supranational": ["supranational-body"],
             "national": ["ministry", "national-agency", "national-government"],
             "regional": ["region", "deconcentrated-service"], "intermediate": ["department"],
             "local": ["municipality", "directorate", "ngo", "inter-municipal-body"],
             "neighbourhood": ["ngo"]}
    weights = {"supranational": 1, "national": 12, "regional": 15, "intermediate": 10,
               "local": 55, "neighbourhood": 7}
    countries = [f"X{letter}" for letter in "ABCDEFGHIJ"]
    rows = []
    for index in range(actors):
        country = countries[index % len(countries)]
        level = rng.choices(list(weights), list(weights.values()))[0]
        rows.append([f"{country.lower()}-actor-{index}", f"Synthetic actor {index}",
                     rng.choice(kinds[level]), level, country, "", f"Territory {country}",
                     "synthetic.txt", "1"])
    folder.mkdir(parents=True, exist_ok=True)
    write_rows(folder / "actors.csv", ACTOR_COLUMNS, rows)
    by_country: dict[str, list[list[str]]] = {}
    for row in rows:
        by_country.setdefault(row[4], []).append(row)
    link_types = ["funds", "steers", "informs", "coordinates", "partners-with",
                  "implements-for", "reports-to"]
    seen: set[tuple[str, str, str]] = set()
    links = []
    for row in rows:
        for _ in range(2):
            other, kind = rng.choice(by_country[row[4]]), rng.choice(link_types)
            if other[0] != row[0] and (row[0], other[0], kind) not in seen:
                seen.add((row[0], other[0], kind))
                links.append([row[0], other[0], kind, "", "", "", "synthetic.txt", "2"])
    write_rows(folder / "links.csv", LINK_COLUMNS, links)
    competences = ["housing", "education", "health", "employment", "language-learning"]
    write_rows(folder / "competences.csv", COMPETENCE_COLUMNS,
               [[row[0], rng.choice(competences), row[3], "", "", "", "synthetic.txt", "3"]
                for row in rows[::7]])
    return folder


# --- without a browser -------------------------------------------------------------------------

def test_script_json_cannot_close_its_script_element():
    text = script_json({"label": HOSTILE_SCRIPT, "other": "<!-- & \u2028"})
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == {"label": HOSTILE_SCRIPT, "other": "<!-- & \u2028"}


def test_layout_puts_national_above_local_and_keeps_countries_in_columns(bundled_store):
    graph = project(bundled_store, country="FR")
    positions, bands, columns, groups = layout(graph)
    for shelf in {band.shelf for band in bands}:  # each shelf: widest level at the top
        ranks = [band.rank for band in bands if band.shelf == shelf]
        assert ranks == sorted(ranks)
    column_of = {column.key: column for column in columns}
    for node, (x, y) in positions.items():
        column = column_of[groups[node]]
        assert column.left <= x <= column.right + layout_step()
        band = next(b for b in bands if b.top <= y <= b.bottom)
        assert band.code == graph.nodes[node]["level"] and band.shelf == column.shelf
    assert len(set(positions.values())) == len(positions)  # no two actors on one spot


def layout_step() -> float:
    from govatlas.viz.network_map import X_STEP

    return X_STEP / 2  # odd rows are shifted by half a step


@pytest.mark.parametrize("scope", [{"country": "FR"}, {}], ids=["France", "all"])
def test_many_columns_wrap_into_shelves_that_fit_the_screen(bundled_store, scope):
    """Ten French cities or eighteen countries side by side made a strip twelve times as
    wide as tall; wrapped into shelves, the map is about as wide as the screen's shape."""
    graph = project(bundled_store, **scope)
    positions, _bands, columns, _groups = layout(graph)
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    ratio = (max(xs) - min(xs)) / (max(ys) - min(ys))
    assert len({column.shelf for column in columns}) > 1
    assert 0.6 < ratio < 2.2, ratio


@pytest.mark.parametrize("measure", ["degree", "betweenness", "pagerank"])
def test_node_size_follows_the_chosen_centrality(bundled_store, measure):
    payload = map_payload(map_data(bundled_store, city="Lyon", size_by=measure, gaps=False))
    sizes = {node["id"]: node["size"] for node in payload["nodes"]}
    measures = {node["id"]: node["measure"] for node in payload["nodes"]}
    top = max(measures, key=measures.get)
    assert sizes[top] == max(sizes.values()) and payload["sizeBy"] == measure


def test_map_html_is_self_contained(vienna_map: Path):
    text = vienna_map.read_text(encoding="utf-8")
    assert not REMOTE.search(text), REMOTE.search(text)
    assert "<script src" not in text and "<link" not in text  # vis-network is inlined
    assert "Content-Security-Policy" in text and "vis.Network" in text


def test_hostile_labels_are_escaped_in_the_html(hostile_store, tmp_path):
    page = build_map(hostile_store, tmp_path / "map.html").read_text(encoding="utf-8")
    heat = build_heatmap(hostile_store, tmp_path / "heat.html").read_text(encoding="utf-8")
    for text in (page, heat):
        assert "<img" not in text and "<svg onload" not in text
        assert "<b onmouseover" not in text
    rest = page.replace(vis_assets()[0], "")  # the library's own code mentions "<script"
    assert rest.lower().count("<script") == rest.lower().count("</script>") == 3


def test_renderers_read_no_store():
    """viz/ draws values: it imports no store and runs no query or shape."""
    for path in (ROOT / "viz").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("graph.store", ".select(", "find_gaps", "project(", "GraphStore"):
            assert forbidden not in text, f"{path.name} uses {forbidden}"


def test_map_as_of_draws_the_gaps_of_that_day(bundled_store):
    """A fiscal gap of Lyon Metropolis closed after 2010 is on the 2010 map, not on today's;
    and the 2010 map has no gap about a link that did not exist yet."""
    def fiscal(data):
        return {f.message for f in data.findings if f.gap == "fiscal"
                and f.actor == ACTOR + "fr-lyon-metropolis"}

    then = map_data(bundled_store, city="Lyon", as_of=date(2010, 6, 1))
    today = map_data(bundled_store, city="Lyon")
    assert fiscal(then) - fiscal(today), "a gap of 2010 that later closed"
    day = date(2010, 6, 1)
    stood = project(bundled_store, as_of=day, territory="Lyon")
    assert then.subtitle.startswith(f"{stood.number_of_nodes()} actors, "
                                    f"{stood.number_of_edges()} links")
    assert map_payload(then)["timeline"]["start"] == "2010-06-01"  # the slider starts there
    fixed = map_data(bundled_store, city="Lyon", as_of=day, slider=False, gaps=False)
    assert set(fixed.graph) == set(stood) and fixed.graph.number_of_edges() \
        == stood.number_of_edges()


def test_map_gaps_stay_in_the_map_s_territory(bundled_store):
    data = map_data(bundled_store, city="Vienna")
    assert data.findings
    assert all(f.territory in ("", "Vienna") for f in data.findings)
    everywhere = map_data(bundled_store, country="AT")
    assert all(f.country in ("", "AT") for f in everywhere.findings)


# --- in the browser: the map -------------------------------------------------------------------

def test_map_draws_every_actor_offline(visit, vienna_map, bundled_store):
    expected = project(bundled_store, territory="Vienna").number_of_nodes()
    browser_visit = visit()
    page = browser_visit.open(vienna_map)
    drawn = wait_drawn(page)
    assert page.locator("#network canvas").count() == 1
    assert page.evaluate("govatlasMap.nodes.length") == expected
    assert visible(page) == expected
    assert page.locator("#legend li").count() >= 4
    record_timing("time to draw, Vienna map (ms)", round(drawn))
    shoot(page, "map-vienna")
    browser_visit.offline_and_clean()


def test_unticking_a_level_hides_its_actors(visit, vienna_map, bundled_store):
    graph = project(bundled_store, territory="Vienna")
    national = sum(1 for _, data in graph.nodes(data=True) if data["level"] == "national")
    assert national > 0
    browser_visit = visit()
    page = browser_visit.open(vienna_map)
    wait_drawn(page)
    page.locator("#filter-level input[value='national']").uncheck()
    assert visible(page) == graph.number_of_nodes() - national
    hidden_levels = page.evaluate("""govatlasMap.nodes.get({filter: n => n.hidden})
                                       .map(n => n.level)""")
    assert set(hidden_levels) == {"national"}
    page.locator("#filter-level input[value='national']").check()
    assert visible(page) == graph.number_of_nodes()
    browser_visit.offline_and_clean()


def test_type_link_instrument_and_competence_filters(visit, bundled_store, findings, tmp_path):
    path = build_map(bundled_store, tmp_path / "lyon.html", city="Lyon", findings=findings)
    graph = project(bundled_store, territory="Lyon")
    browser_visit = visit()
    page = browser_visit.open(path)
    wait_drawn(page)
    ngos = sum(1 for _, d in graph.nodes(data=True) if d["type"] == "ngo")
    page.locator("#filter-type input[value='ngo']").uncheck()
    assert visible(page) == graph.number_of_nodes() - ngos
    page.locator("#filter-type input[value='ngo']").check()

    partners = sum(1 for *_, d in graph.edges(data=True) if d["type"] == "partners-with")
    shown = "govatlasMap.edges.get({filter: e => !e.hidden && e.kind === 'link'}).length"
    before = page.evaluate(shown)
    page.locator("#filter-link input[value='partners-with']").uncheck()
    assert page.evaluate(shown) == before - partners
    page.locator("#filter-link input[value='partners-with']").check()

    holders = [n for n, d in graph.nodes(data=True) if "housing" in d["competences"]
               or "habitat-housing" in d["competences"]]
    competence = "habitat-housing" if any("habitat-housing" in graph.nodes[n]["competences"]
                                          for n in holders) else "housing"
    expected = sum(1 for _, d in graph.nodes(data=True) if competence in d["competences"])
    page.locator("#filter-competence").select_option(competence)
    assert visible(page) == expected > 0
    page.locator("#filter-competence").select_option("")
    assert visible(page) == graph.number_of_nodes()
    browser_visit.offline_and_clean()


def test_instrument_filter_keeps_the_instrument_network(visit, bundled_store, findings,
                                                        tmp_path):
    path = build_map(bundled_store, tmp_path / "fr.html", country="FR", findings=findings)
    graph = project(bundled_store, country="FR")
    counts: dict[str, set] = {}
    for source, target, data in graph.edges(data=True):
        if data["instrument"]:
            counts.setdefault(data["instrument"], set()).update((source, target))
    instrument, actors = max(counts.items(), key=lambda item: len(item[1]))
    browser_visit = visit()
    page = browser_visit.open(path)
    wait_drawn(page)
    page.locator("#filter-instrument").select_option(instrument)
    assert set(page.evaluate("govatlasMap.visibleNodeIds()")) == actors
    browser_visit.offline_and_clean()


def test_search_box_finds_an_actor(visit, vienna_map):
    browser_visit = visit()
    page = browser_visit.open(vienna_map)
    wait_drawn(page)
    page.locator("#search").fill("court of audit")
    assert page.locator("#search-results button").all_inner_texts() == [
        "City of Vienna Court of Audit"]
    page.locator("#search").press("Enter")
    selected = page.evaluate("govatlasMap.network.getSelectedNodes()")
    assert len(selected) == 1 and selected[0].startswith(ACTOR + "at-")
    assert "City of Vienna Court of Audit" in page.locator("#details").inner_text()
    page.locator("#search").fill("no such actor anywhere")
    assert page.locator("#search-status").inner_text().startswith("0 actors")
    browser_visit.offline_and_clean()


def test_gaps_are_dashed_missing_edges_with_their_message(visit, vienna_map, findings):
    fiscal = [f for f in findings if f.gap == "fiscal" and f.territory == "Vienna"
              and {f.actor, f.value} == {ACTOR + "at-national-government", ACTOR + "at-vienna"}]
    assert fiscal, "the bundled data has a fiscal gap between Austria and Vienna"
    browser_visit = visit()
    page = browser_visit.open(vienna_map)
    wait_drawn(page)
    gap = page.evaluate(f"""govatlasMap.data.edges.find(e => e.kind === 'gap'
        && [e.from, e.to].sort().join() === ['{ACTOR}at-national-government',
                                             '{ACTOR}at-vienna'].sort().join())""")
    assert gap is not None and fiscal[0].message in " ".join(gap["messages"])
    dashes = page.evaluate(f"govatlasMap.edges.get('{gap['id']}').dashes")
    assert dashes and page.evaluate(f"govatlasMap.edges.get('{gap['id']}').color.color") \
        == "#d32f2f"
    page.locator("#filter-gaps").uncheck()
    assert page.evaluate(f"govatlasMap.edges.get('{gap['id']}').hidden") is True
    browser_visit.offline_and_clean()


@pytest.fixture(scope="module")
def france_map(bundled_store: GraphStore, findings: list,
               tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_map(bundled_store, tmp_path_factory.mktemp("fr") / "fr.html", country="FR",
                     findings=findings)


CTAIR_CONTRACTS = """govatlasMap.data.edges.filter(e => govatlasMap.edgeOn[e.id]
    && e.type === 'contracts-with' && e.instrument.endsWith('/fr-ctair'))
    .map(e => govatlasMap.edges.get(e.id))"""


def test_time_slider_moves_the_ctair_contracts(visit, france_map):
    browser_visit = visit()
    page = browser_visit.open(france_map)
    wait_drawn(page)
    steps = page.evaluate("govatlasMap.data.timeline.steps")
    assert "2019-07-01" in steps and "2021-07-01" in steps
    page.evaluate("govatlasMap.setDay('2019-07-01')")
    assert page.evaluate(f"({CTAIR_CONTRACTS}).length") == 0
    assert "2019" in page.locator("#time-label").inner_text()
    page.evaluate("govatlasMap.setDay('2021-07-01')")
    shown = page.evaluate(f"({CTAIR_CONTRACTS}).map(e => [e.id, e.width])")
    assert len(shown) == 11
    appeared = set(page.evaluate("govatlasMap.timeChanges.appeared"))
    assert {edge_id for edge_id, _width in shown} <= appeared  # the change is highlighted
    assert all(width > 3 for _id, width in shown)
    assert "+" in page.locator("#time-changes").inner_text()
    # dragging the slider itself does the same
    index = steps.index("2019-07-01")
    page.locator("#time").fill(str(index))
    assert page.evaluate(f"({CTAIR_CONTRACTS}).length") == 0
    shoot(page, "map-france-2019")
    page.evaluate("govatlasMap.setDay(null)")
    assert page.evaluate(f"({CTAIR_CONTRACTS}).length") == 11
    shoot(page, "map-france-every-period")
    browser_visit.offline_and_clean()


def assert_labels_legible(page: Any, share: float) -> list[dict[str, Any]]:
    """At the first view: labels of at least 11 screen pixels, none over another, none
    over a level name or column title, and at least ``share`` of the actors labelled."""
    boxes = page.evaluate("govatlasMap.labelBoxes()")
    assert boxes and min(box["px"] for box in boxes) >= 11
    assert overlapping(boxes) == []
    assert len(boxes) >= share * page.evaluate("govatlasMap.data.nodes.length"), len(boxes)
    return boxes


def test_france_map_opens_with_legible_labels(visit, france_map):
    browser_visit = visit(1500, 900)
    page = browser_visit.open(france_map)
    wait_drawn(page)
    boxes = assert_labels_legible(page, 0.4)
    record_timing("France map: labels legible at the first view", len(boxes))
    shoot(page, "map-france", readme="map-france.png")
    # the most central actors are labelled first, and zooming in labels more of them
    page.evaluate("govatlasMap.network.moveTo({scale: govatlasMap.network.getScale() * 2.5,"
                  " animation: false})")
    page.wait_for_timeout(100)
    boxes = page.evaluate("govatlasMap.labelBoxes()")
    assert overlapping(boxes) == [] and min(box["px"] for box in boxes) >= 11
    browser_visit.offline_and_clean()


def test_search_matches_part_of_a_name_or_acronym(visit, france_map):
    browser_visit = visit()
    page = browser_visit.open(france_map)
    wait_drawn(page)
    page.locator("#search").fill("Dia")
    found = page.locator("#search-results button").all_inner_texts()
    assert any("(diair)" in text.casefold() for text in found), found  # the acronym shown
    index = next(i for i, text in enumerate(found) if "(diair)" in text.casefold())
    page.locator("#search-results button").nth(index).click()
    assert page.evaluate("govatlasMap.network.getSelectedNodes()") == [ACTOR + "fr-diair"]
    assert "Diair" in page.locator("#details").inner_text()
    page.locator("#search").fill("ntegration of ref")  # the middle of a name
    assert page.locator("#search-results button").count() >= 1
    browser_visit.offline_and_clean()


def test_the_address_keeps_the_view(visit, france_map):
    browser_visit = visit()
    page = browser_visit.open(france_map)
    wait_drawn(page)
    page.locator("#filter-level input[value='local']").uncheck()
    page.evaluate("govatlasMap.setDay('2020-07-01')")
    page.evaluate(f"govatlasMap.focusNode('{ACTOR}fr-diair')")
    page.evaluate("govatlasMap.network.moveTo({scale: 0.8, position: {x: 120, y: 40}}); "
                  "govatlasMap.saveState()")
    url = page.url
    visible_before = sorted(page.evaluate("govatlasMap.visibleNodeIds()"))
    assert "off-level=local" in url and "date=2020-07-01" in url and "select=" in url
    again = visit().page
    again.goto(url)  # a new page opened at the shared address
    wait_drawn(again)
    assert sorted(again.evaluate("govatlasMap.visibleNodeIds()")) == visible_before
    assert not again.locator("#filter-level input[value='local']").is_checked()
    assert again.evaluate("govatlasMap.network.getSelectedNodes()") == [ACTOR + "fr-diair"]
    assert abs(again.evaluate("govatlasMap.network.getScale()") - 0.8) < 1e-3
    assert "2020" in again.locator("#time-label").inner_text()
    browser_visit.offline_and_clean()


def test_export_png_svg_and_json(visit, vienna_map):
    browser_visit = visit()
    page = browser_visit.open(vienna_map)
    wait_drawn(page)
    with page.expect_download() as download:
        page.locator("#export-png").click()
    png = Path(download.value.path()).read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    svg = page.evaluate("govatlasMap.exportSvg()")
    assert svg.startswith("<svg") and svg.count("<circle") == visible(page)
    graph = json.loads(page.evaluate("govatlasMap.exportJson()"))
    assert len(graph["nodes"]) == visible(page)
    browser_visit.offline_and_clean()


def test_a_city_map_has_one_column_and_counts_in_words():
    """Paris's national government is placed in Lyon too: a city's map has no columns, so
    none is headed by another city; one actor is "1 actor"."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_node(ACTOR + "xx-a", label="A", type="ministry", level="national", rank=2,
                   country="FR", territories=["Lyon", "Paris"])
    graph.add_node(ACTOR + "xx-b", label="B", type="municipality", level="local", rank=5,
                   country="FR", territories=["Paris"])
    graph.add_edge(ACTOR + "xx-a", ACTOR + "xx-b", key="l1", type="funds")
    data = map_data(None, graph=graph, gaps=False, sources={}, names={}, slider=False,
                    city="Paris")
    assert map_payload(data)["columns"] == []
    assert data.subtitle.startswith("2 actors, 1 link ")
    one = map_data(None, graph=graph.subgraph([ACTOR + "xx-a"]).copy(), gaps=False,
                   sources={}, names={}, slider=False)
    assert one.subtitle.startswith("1 actor, 0 links")


def test_details_leave_the_map_visible_and_filter_lists_end_in_view(visit, france_map):
    browser_visit = visit(1500, 900)
    page = browser_visit.open(france_map)
    wait_drawn(page)
    page.evaluate(f"govatlasMap.focusNode('{ACTOR}fr-diair')")
    details = page.locator("#details").bounding_box()
    stage = page.locator("#stage").bounding_box()
    assert details and stage
    assert details["width"] * details["height"] < 0.25 * stage["width"] * stage["height"]
    hover(page, ACTOR + "fr-diair")  # a hover tooltip does not draw over the details
    assert int(page.evaluate("getComputedStyle(document.querySelector('div.vis-tooltip'))"
                             ".zIndex")) < int(page.evaluate(
                                 "getComputedStyle(document.getElementById('details')).zIndex"))
    # every filter list can show its last entry: scrolled to its end, the entry is inside
    for name in ("level", "type", "link"):
        inside = page.evaluate(f"""() => {{
            const box = document.querySelector('#filter-{name} .boxes');
            box.scrollTop = box.scrollHeight;
            const last = box.lastElementChild.getBoundingClientRect();
            const frame = box.getBoundingClientRect();
            return last.bottom <= frame.bottom + 1 && last.top >= frame.top - 1; }}""")
        assert inside, name
    browser_visit.offline_and_clean()


def test_tooltip_goes_with_its_node(visit, vienna_map, bundled_store):
    browser_visit = visit()
    page = browser_visit.open(vienna_map)
    wait_drawn(page)
    hover(page, ACTOR + "at-national-government")
    page.locator("#filter-level input[value='national']").uncheck()
    assert not page.locator("div.vis-tooltip").is_visible()
    browser_visit.offline_and_clean()


def dom_point(page: Any, node_id: str) -> dict[str, float]:
    """Where a node (or cluster) is drawn, in page coordinates."""
    return page.evaluate("""id => { const n = govatlasMap.network;
        const p = n.canvasToDOM(n.getPositions([id])[id]);
        const r = document.getElementById('network').getBoundingClientRect();
        return {x: p.x + r.left, y: p.y + r.top}; }""", node_id)


def hover(page: Any, node_id: str) -> str:
    """Move the mouse onto a node and return the tooltip's text."""
    point = dom_point(page, node_id)
    page.mouse.move(point["x"] - 40, point["y"] - 40)
    page.mouse.move(point["x"], point["y"], steps=4)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    return page.locator("div.vis-tooltip").inner_text()


def test_hostile_labels_render_as_text_and_run_nothing(visit, hostile_store, tmp_path):
    path = build_map(hostile_store, tmp_path / "hostile.html", city=HOSTILE_PLACE)
    browser_visit = visit()
    page = browser_visit.open(path)
    wait_drawn(page)
    assert page.evaluate("govatlasMap.nodes.length") == 3
    labels = page.evaluate("govatlasMap.labelBoxes().map(b => b.text)")  # drawn as text
    assert HOSTILE_IMG in labels and HOSTILE_SCRIPT in labels
    assert HOSTILE_PLACE in page.title() + page.locator("h1").inner_text()
    page.locator("#search").fill("alert")
    assert set(page.locator("#search-results button").all_inner_texts()) == {
        HOSTILE_IMG, HOSTILE_SCRIPT}
    page.locator("#search").press("Enter")
    details = page.locator("#details").inner_text()
    assert HOSTILE_IMG in details or HOSTILE_SCRIPT in details
    tooltip = hover(page, ACTOR + "xx-evil-city")
    assert HOSTILE_IMG in tooltip
    page.wait_for_timeout(300)
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 3  # the data block, vis-network, the map
    assert page.evaluate("document.querySelectorAll('svg[onload], [onerror]').length") == 0
    shoot(page, "map-hostile")
    browser_visit.offline_and_clean()


# --- in the browser: heatmap and report --------------------------------------------------------

def test_heatmap_has_the_expected_cells_for_vienna(visit, bundled_store, tmp_path):
    path = build_heatmap(bundled_store, tmp_path / "heatmap.html",
                         territories=["Amman", "Beirut", "Lisbon", "Lyon", "Madrid", "Tangier",
                                      "Tunis", "Turin", "Vienna"])
    matrix = placed_matrix(bundled_store, ["Vienna"])
    expected: dict[str, list[str]] = {}
    for code, _label in matrix.levels:
        cell = matrix.rows["Vienna"].get(code)
        for allocation in cell.items() if cell else []:
            levels = expected.setdefault(allocation.competence, [])
            if code not in levels:
                levels.append(code)
    browser_visit = visit(1500, 900)
    page = browser_visit.open(path)
    cells = page.evaluate("""[...document.querySelectorAll("td[data-territory='Vienna']")]
        .filter(td => td.dataset.levels).map(td => [td.dataset.competence, td.dataset.levels,
                                                    td.dataset.marks])""")
    found = {competence: levels.split() for competence, levels, _marks in cells}
    assert found == expected
    marks = {competence: set(m.split()) for competence, _levels, m in cells}
    assert found["housing"] == ["regional"]
    assert found["borders-residency"] == ["national"]
    assert found["health"] == ["national", "regional"] and "shared" in marks["health"]
    assert "shared" in marks["vocational-training"]
    cell = page.locator("td[data-territory='Vienna'][data-competence='health']")
    cell.hover()
    tip = cell.locator(".tip")
    assert tip.is_visible()
    assert "shared competence" in tip.inner_text()
    assert "004_0e103ae030b175d8.txt lines 185" in tip.inner_text()
    shoot(page, "matrix", readme="matrix.png")
    browser_visit.offline_and_clean()


def test_hostile_heatmap_shows_text(visit, hostile_store, tmp_path):
    path = build_heatmap(hostile_store, tmp_path / "heatmap.html")
    browser_visit = visit()
    page = browser_visit.open(path)
    cell = page.locator("td[data-competence='housing']")
    assert cell.get_attribute("data-territory") == HOSTILE_PLACE
    cell.hover()
    text = cell.locator(".tip").inner_text()
    assert HOSTILE_IMG in text and HOSTILE_SCRIPT in text and "evil'<b>.txt" in text
    assert page.locator("img, svg[onload], b[onmouseover]").count() == 0
    browser_visit.offline_and_clean()


@pytest.fixture(scope="session")
def report(bundled_store, findings, tmp_path_factory) -> Path:
    start = time.perf_counter()
    index = pages.report(tmp_path_factory.mktemp("report"), bundled_store, findings=findings)
    record_timing("build_report (s, gaps given)", round(time.perf_counter() - start, 2))
    return index


def test_report_links_are_relative_and_all_resolve(report: Path):
    root = report.parent
    pages = sorted(root.rglob("*.html"))
    assert {"index.html", "map.html", "heatmap.html", "gaps.html", "sources.html"} <= {
        p.name for p in root.iterdir()}
    assert (root / "territory" / "vienna.html").exists() and (root / "country" / "at.html").exists()
    reference = re.compile(r"""(?:href|src)=['"]([^'"]*)['"]""")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not REMOTE.search(text), (page, REMOTE.search(text))
        for target in reference.findall(text):
            assert "://" not in target and not target.startswith("/"), (page, target)
            file = (page.parent / target.split("#")[0]).resolve()
            assert file.exists(), f"{page.relative_to(root)} links to missing {target}"
    index = (root / "index.html").read_text(encoding="utf-8")
    assert "territory/vienna.html" in index and "country/fr.html" in index


def test_report_pages_open_offline_and_link_to_each_other(visit, report: Path):
    root = report.parent
    browser_visit = visit(1400, 1000)
    page = browser_visit.open(report)
    assert "Vienna" in page.locator("body").inner_text()
    page.locator("a[href='territory/vienna.html']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/territory/vienna.html")
    frame = page.frame_locator("iframe.map")
    assert frame.locator("#network canvas").count() == 1
    inner = next(f for f in page.frames
                 if f.url.split("#")[0].endswith("maps/territory-vienna.html"))
    inner.wait_for_function("window.govatlasMap && window.govatlasMap.drawnAt !== null")
    assert inner.evaluate("govatlasMap.nodes.length") == 13
    assert page.locator("#classification").count() == 1
    assert page.locator("td[data-territory='Vienna'][data-competence='health']").count() == 1
    assert page.locator(".gap").count() > 0
    shoot(page, "report-vienna")
    page.locator("a", has_text="Austria").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/country/at.html")
    page.locator("nav.top a", has_text="Gaps").click()
    page.wait_for_load_state()
    assert page.url.endswith("/gaps.html") and page.locator(".gap").count() > 0
    for name in ("map.html", "heatmap.html", "sources.html"):
        page.goto((root / name).as_uri())
        page.wait_for_load_state()
    page.goto((root / "map.html").as_uri())
    wait_drawn(page)
    browser_visit.offline_and_clean()


def test_report_shows_the_classification_with_rounded_scores(report: Path):
    text = (report.parent / "territory" / "vienna.html").read_text(encoding="utf-8")
    section = re.search(r"""<div[^>]*id=["']classification["'][^>]*data-available=["'](\w+)""",
                        text)
    assert section is not None and section[1] == "true"
    scores = re.search(r"<h3>Scores</h3>(.*?)</table>", text, re.S)
    assert scores is not None
    numbers = re.findall(r"<td>([0-9.]+)</td>", scores[1])
    assert numbers and all(re.fullmatch(r"\d\.\d\d", n) for n in numbers), numbers
    assert "_" not in re.sub(r"<[^>]+>", "", text.split("<summary>", 1)[1].split("</details>")[0])


def test_gap_page_defines_the_eight_gaps_and_groups_cases(visit, report: Path):
    browser_visit = visit(1400, 1000)
    page = browser_visit.open(report.parent / "gaps.html")
    assert page.locator("section.gap-type").count() == 8
    assert page.locator("blockquote.definition").count() == 8
    fiscal = page.locator("section#fiscal")
    assert "delivery" in fiscal.inner_text().lower() or fiscal.locator("details").count() > 0
    cases = page.locator("details.case").count()
    findings = page.locator("details.case .gap").count()
    assert 0 < cases < findings  # grouped, not one line per finding
    page.locator(".stats a[href='#fiscal']").click()
    assert page.url.endswith("#fiscal")
    page.locator("#gap-filter").select_option("fiscal")
    assert page.locator("section.gap-type:visible").count() == 1
    page.locator("#place-filter").fill("vienna")
    shown = page.locator("section#fiscal details.case:visible")
    assert shown.count() >= 1 and all("vienna" in t.lower() for t in shown.all_inner_texts())
    shoot(page, "gaps", readme="gaps.png")
    browser_visit.offline_and_clean()


# --- screenshots for the README and the large map ---------------------------------------------

def test_lyon_map_screenshot(visit, bundled_store, findings, tmp_path):
    path = build_map(bundled_store, tmp_path / "lyon.html", city="Lyon", findings=findings)
    browser_visit = visit(1500, 900)
    page = browser_visit.open(path)
    wait_drawn(page)
    page.wait_for_timeout(200)
    shoot(page, "map-lyon", readme="map.png")
    browser_visit.offline_and_clean()


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory) -> GraphStore:
    store = GraphStore.in_memory()
    load_ontology(store)
    load_dataset(store, write_synthetic(tmp_path_factory.mktemp("synthetic") / "synthetic",
                                        5000))
    return store


@pytest.mark.parametrize("clustered", [True, False], ids=["clustered", "flat"])
def test_5000_actor_map_draws_and_clusters_open(visit, synthetic_store, tmp_path, clustered):
    start = time.perf_counter()
    path = build_map(synthetic_store, tmp_path / "synthetic.html", gaps=False,
                     cluster_threshold=300 if clustered else 10**9, overview_threshold=10**9)
    built = time.perf_counter() - start
    browser_visit = visit(1500, 900)
    page = browser_visit.open(path)
    drawn = wait_drawn(page, timeout=120_000)
    assert page.evaluate("govatlasMap.nodes.length") == 5000
    clusters = page.evaluate("govatlasMap.clusters")
    frame = page.evaluate("""() => { const n = govatlasMap.network, t = [];
        for (let i = 0; i < 5; i++) { const s = performance.now();
          n.moveTo({scale: n.getScale() * 1.05, animation: false}); n.redraw();
          n.renderer._redraw(); t.push(performance.now() - s); }
        return t.sort((a, b) => a - b)[2]; }""")
    label = "clustered" if clustered else "flat"
    record_timing(f"5000 actors {label}: build_map (s)", round(built, 2))
    record_timing(f"5000 actors {label}: time to draw (ms)", round(drawn))
    record_timing(f"5000 actors {label}: redraw on zoom (ms, median)", round(frame, 1))
    if clustered:
        assert len(clusters) > 0
        target = max(clusters, key=lambda c: len(page.evaluate(
            f"govatlasMap.network.getNodesInCluster('{c}')")))
        members = page.evaluate(f"govatlasMap.network.getNodesInCluster('{target}')")
        point = dom_point(page, target)
        page.mouse.click(point["x"], point["y"])  # a click opens the cluster
        assert target not in page.evaluate("govatlasMap.clusters")
        assert len(page.evaluate("govatlasMap.clusters")) == len(clusters) - 1
        position = page.evaluate(f"govatlasMap.network.getPositions(['{members[0]}'])")
        original = page.evaluate(f"govatlasMap.data.nodes.find(n => n.id === '{members[0]}')")
        assert abs(position[members[0]]["x"] - original["x"]) <= 1  # back on the layout
        assert abs(position[members[0]]["y"] - original["y"]) <= 1
        shoot(page, "map-5000-clustered")
    else:
        assert clusters == []
    assert drawn < 60_000
    browser_visit.offline_and_clean()


def test_bundled_map_timings(visit, bundled_store, findings, tmp_path):
    start = time.perf_counter()
    path = build_map(bundled_store, tmp_path / "all.html", findings=findings)
    record_timing("build_map all bundled actors (s, gaps given)",
                  round(time.perf_counter() - start, 3))
    browser_visit = visit(1500, 900)
    page = browser_visit.open(path)
    record_timing("time to draw, all bundled actors (ms)", round(wait_drawn(page)))
    assert page.evaluate("govatlasMap.nodes.length") == project(bundled_store).number_of_nodes()
    boxes = assert_labels_legible(page, 0.2)
    record_timing("overall map: labels legible at the first view", len(boxes))
    shoot(page, "map-all", readme="map-all.png")
    browser_visit.offline_and_clean()
