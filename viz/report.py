"""A static, self-contained report site: the whole atlas as a folder of HTML pages.

Policy designers pass findings on by mail and open them where there is no network (a ministry
laptop, a meeting room). So the report is a folder that can be zipped: every link is
relative, nothing is fetched (each page carries a Content-Security-Policy that forbids it),
and the vis-network library is one shared copy in ``assets/`` rather than inlined into each of
the seventy-odd maps (which would make the folder fifty times larger).

Layout of the folder::

    index.html              what this is, the countries and territories, the counts
    map.html, heatmap.html  the overall network map and competence heatmap
    gaps.html, sources.html every gap with the sources' evidence; every source document
    territory/<slug>.html   a territory: its map, classification, matrix, gaps and sources
    country/<code>.html     a country: the same for all its actors and territories
    maps/*.html             the network maps the territory and country pages embed
    assets/                 vis-network (from the installed pyvis) and the report's CSS
"""

from __future__ import annotations

import html
import importlib
import inspect
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

from govatlas.graph.analysis.projection import project
from govatlas.graph.store import GraphStore
from govatlas.graph.validation.gaps import Finding, find_gaps, with_evidence
from govatlas.graph.views import stats

from .heatmap import (
    HEATMAP_CSS,
    heatmap_table,
    mc2cm_table,
    placed_matrix,
    qualifier_kinds,
    sub_matrix,
)
from .network_map import _sources, build_map, page_shell, vis_assets

__all__ = ["build_report"]

#: Display names of the country codes the bundled data uses; any other code is shown as is.
COUNTRY_NAMES = {
    "AT": "Austria", "BE": "Belgium", "CA": "Canada", "CH": "Switzerland", "CY": "Cyprus",
    "DE": "Germany", "DK": "Denmark", "ES": "Spain", "EU": "European Union", "FI": "Finland",
    "FR": "France", "GR": "Greece", "HR": "Croatia", "IE": "Ireland",
    "INT": "International", "IT": "Italy", "JO": "Jordan", "LB": "Lebanon", "LU": "Luxembourg",
    "MA": "Morocco", "NL": "Netherlands", "PL": "Poland", "PT": "Portugal", "SE": "Sweden",
    "TN": "Tunisia", "UK": "United Kingdom",
}

REPORT_CSS = """
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #222; background: #fff; }
nav.top { background: #263238; padding: 8px 20px; }
nav.top a { color: #eceff1; margin-right: 18px; text-decoration: none; font-weight: 600; }
nav.top a:hover { text-decoration: underline; }
main.page { max-width: 1280px; margin: 0 auto; padding: 12px 24px 48px; }
h1 { font-size: 26px; margin: 12px 0 4px; }
h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 16px 0 6px; }
.lead { color: #444; max-width: 70em; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.stats div { background: #f1f4f9; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.stats b { display: block; font-size: 22px; }
ul.cols { columns: 3 240px; padding-left: 1.2em; }
table.list { border-collapse: collapse; width: 100%; font-size: 14px; }
table.list th, table.list td { border-bottom: 1px solid #e3e3e3; padding: 4px 8px;
                               text-align: left; vertical-align: top; }
table.list th { background: #f5f5f5; }
iframe.map { width: 100%; height: 760px; border: 1px solid #ccc; border-radius: 4px; }
.gap { border-left: 4px solid #d32f2f; background: #fff8f8; padding: 6px 10px; margin: 8px 0; }
.gap .kind { font-weight: 700; color: #b71c1c; }
.gap .where { color: #555; font-size: 13px; }
.gap ul { margin: 4px 0; font-size: 13.5px; }
.na { border: 2px dashed #b0bec5; background: #fafafa; padding: 10px 14px; color: #455a64; }
.muted { color: #777; }
"""


# --- what the report is made of -------------------------------------------------------------

@dataclass
class Place:
    """A territory or a country page: its name, address and the things found in it."""

    kind: str  # "territory" or "country"
    key: str  # territory label or country code
    name: str
    slug: str
    country: str = ""
    actors: set[str] = field(default_factory=set)
    territories: list[str] = field(default_factory=list)

    @property
    def page(self) -> str:
        return f"{self.kind}/{self.slug}.html"

    @property
    def map_page(self) -> str:
        return f"maps/{self.kind}-{self.slug}.html"


def _slug(text: str, taken: set[str]) -> str:
    """A file name from ``text``: lower-case letters, digits and dashes, unique in ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "page"
    slug, index = base, 2
    while slug in taken:
        slug, index = f"{base}-{index}", index + 1
    taken.add(slug)
    return slug


TERRITORIES_QUERY = """
SELECT ?label (MIN(?c) AS ?country) WHERE {
  ?t a ga:Territory ; rdfs:label ?label OPTIONAL { ?t ga:country ?c } } GROUP BY ?label
"""

DOCUMENTS_QUERY = """
SELECT ?id (MIN(?t) AS ?title) (MIN(?p) AS ?publisher) (MIN(?d) AS ?date) (MIN(?u) AS ?url)
WHERE { ?doc a ga:SourceDocument ; dcterms:identifier ?id .
        OPTIONAL { ?doc dcterms:title ?t } OPTIONAL { ?doc dcterms:publisher ?p }
        OPTIONAL { ?doc dcterms:date ?d } OPTIONAL { ?doc foaf:page|dcterms:source ?u } }
GROUP BY ?id
"""


def _places(store: GraphStore, graph: nx.MultiDiGraph) -> tuple[list[Place], list[Place]]:
    """The territories (with actors or allocations) and the countries of the store."""
    territory_actors: dict[str, set[str]] = defaultdict(set)
    country_actors: dict[str, set[str]] = defaultdict(set)
    for node, data in graph.nodes(data=True):
        for territory in data.get("territories") or []:
            territory_actors[territory].add(node)
        if data.get("country"):
            country_actors[data["country"]].add(node)
    taken: set[str] = set()
    territories = []
    for row in store.select(TERRITORIES_QUERY):
        label = row["label"].value
        country = row["country"].value if row["country"] is not None else ""
        territories.append(Place("territory", label, label, _slug(label, taken), country,
                                 territory_actors.get(label, set())))
    territories.sort(key=lambda p: p.name.casefold())
    taken = set()
    codes = set(country_actors) | {p.country for p in territories if p.country}
    countries = []
    for code in sorted(codes):
        place = Place("country", code, COUNTRY_NAMES.get(code, code), _slug(code, taken), code,
                      country_actors.get(code, set()))
        place.territories = [t.name for t in territories if t.country == code]
        countries.append(place)
    return territories, countries


def _classification(store: GraphStore, place: Place) -> str:
    """The territory's ideal-type classification from :mod:`govatlas.graph.analysis.ideal_types`, or
    a marked "analysis not available" section when that analysis is not installed: the report
    never shows a number the analysis did not compute."""
    try:
        module = importlib.import_module("govatlas.graph.analysis.ideal_types")
        classify = module.classify
    except (ImportError, AttributeError):
        return ("<div class='na' id='classification' data-available='false'>"
                "<b>Analysis not available.</b> The ideal-type classification "
                "(govatlas.graph.analysis.ideal_types) is not part of this installation, so no "
                "classification is shown.</div>")
    try:
        parameters = inspect.signature(classify).parameters
        argument = "territory" if place.kind == "territory" else "country"
        if argument not in parameters:
            raise TypeError(f"classify takes no {argument}")
        result = classify(store, **{argument: place.key})
    except Exception as error:  # the analysis is someone else's code: report, do not crash
        return ("<div class='na' id='classification' data-available='false'><b>Analysis not "
                f"available.</b> The classification could not be computed: "
                f"{html.escape(type(error).__name__)}: {html.escape(str(error))}</div>")
    return ("<div id='classification' data-available='true'>"
            f"{_render_classification(result)}</div>")


def _render_classification(result: Any) -> str:
    """A :class:`~govatlas.graph.analysis.ideal_types.Classification` (label, explanation, scores,
    measures, thresholds) as HTML; any other result is shown field by field."""
    label = getattr(result, "label", None)
    if label is None:
        return _render_value(result)
    scores = getattr(result, "scores", {}) or {}
    measures = getattr(result, "measures", {}) or {}
    runner = getattr(result, "runner_up", None)
    score_rows = "".join(f"<tr><th>{html.escape(str(name))}</th><td>{html.escape(str(value))}"
                         "</td></tr>" for name, value in scores.items())
    measure_rows = "".join(
        f"<tr><th>{html.escape(str(name))}</th><td>{_render_value(value)}</td></tr>"
        for name, value in measures.items())
    return (f"<p><b class='label'>{html.escape(str(label))}</b>"
            + (f" <span class='muted'>(runner-up: {html.escape(str(runner))})</span>"
               if runner else "")
            + f"</p><p>{html.escape(str(getattr(result, 'explanation', '')))}</p>"
            + "<p class='muted'>Scholten's ideal types, with govatlas's own measures and "
              "thresholds (graph/ideal_types.py), not Scholten's.</p>"
            + (f"<h3>Scores</h3><table class='list'>{score_rows}</table>" if score_rows else "")
            + ("<details><summary>Measures and thresholds</summary><table class='list'>"
               f"{measure_rows}</table>"
               f"{_render_value(getattr(result, 'thresholds', {}))}</details>"
               if measure_rows else ""))


def _render_value(value: Any) -> str:
    """Any result (dataclass, mapping, list, scalar) as escaped HTML."""
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, dict):
        rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{_render_value(v)}</td></tr>"
                       for k, v in value.items())
        return f"<table class='list'>{rows}</table>"
    if isinstance(value, list | tuple | set):
        return "<ul>" + "".join(f"<li>{_render_value(v)}</li>" for v in value) + "</ul>"
    return html.escape(str(value))


# --- page parts ---------------------------------------------------------------------------

def _page(title: str, body: str, depth: int) -> str:
    """A report page: the navigation bar, then ``body``; ``depth`` is how many folders below
    the report root the page is, so every link stays relative."""
    up = "../" * depth
    nav = (f"<nav class='top'><a href='{up}index.html'>govatlas report</a>"
           f"<a href='{up}map.html'>Network map</a><a href='{up}heatmap.html'>Competences</a>"
           f"<a href='{up}gaps.html'>Gaps</a><a href='{up}sources.html'>Sources</a></nav>")
    head = f"<link rel='stylesheet' href='{up}assets/report.css'>"
    return page_shell(title, f"{nav}<main class='page'>{body}</main>", head)


def _stats(items: Iterable[tuple[str, int]]) -> str:
    return "<div class='stats'>" + "".join(
        f"<div><b>{count}</b>{html.escape(name)}</div>" for name, count in items) + "</div>"


def _gap_list(findings: list[Finding], territory_links: dict[str, str]) -> str:
    if not findings:
        return "<p class='muted'>No gap found by the gap shapes.</p>"
    parts = []
    for finding in findings:
        where = []
        if finding.territory:
            name = html.escape(finding.territory)
            link = territory_links.get(finding.territory)
            where.append(f"<a href='{html.escape(link)}'>{name}</a>" if link else name)
        if finding.actor_label or finding.focus_label:
            where.append(html.escape(finding.actor_label or finding.focus_label))
        if finding.source:
            where.append(f"source {html.escape(finding.source)} lines "
                         f"{html.escape(finding.locator)}")
        elif finding.record:
            where.append(f"record {html.escape(finding.record)}")
        evidence = "".join(f"<li>{html.escape(line)}</li>" for line in finding.evidence)
        parts.append(
            f"<div class='gap' data-gap='{html.escape(finding.gap or '')}'>"
            f"<span class='kind'>{html.escape((finding.gap or '').capitalize())} gap</span> "
            f"<span class='muted'>({html.escape(finding.severity)})</span> "
            f"{html.escape(finding.message)}<div class='where'>{' · '.join(where)}</div>"
            + (f"<div>What the sources say:</div><ul>{evidence}</ul>" if evidence else "")
            + "</div>")
    return "".join(parts)


def _source_table(ids: Iterable[str], documents: dict[str, dict[str, str]]) -> str:
    rows = []
    for source in sorted(set(ids)):
        doc = documents.get(source, {})
        rows.append(f"<tr><td><code>{html.escape(source)}</code></td>"
                    f"<td>{html.escape(doc.get('title', ''))}</td>"
                    f"<td>{html.escape(doc.get('publisher', ''))}</td>"
                    f"<td>{html.escape(doc.get('date', ''))}</td>"
                    f"<td>{html.escape(doc.get('url', ''))}</td></tr>")
    if not rows:
        return "<p class='muted'>No source recorded.</p>"
    return ("<table class='list'><thead><tr><th>File</th><th>Title</th><th>Publisher</th>"
            f"<th>Year</th><th>Address</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _file(source_line: str) -> str:
    """``file.txt lines 12-14`` -> ``file.txt``."""
    return source_line.split(" lines ", 1)[0]


# --- the report -----------------------------------------------------------------------------

def build_report(store: GraphStore, folder: Path | str, *,
                 findings: list[Finding] | None = None) -> Path:
    """Write the report site into ``folder`` (created; earlier report files are replaced).

    ``findings`` are the gaps to report (default: :func:`find_gaps` with the sources'
    evidence), for a caller that has already found them.

    Returns
    -------
    Path
        ``folder / "index.html"``.
    """
    root = Path(folder)
    for sub in ("territory", "country", "maps", "assets"):
        if (root / sub).is_dir():
            shutil.rmtree(root / sub)
        (root / sub).mkdir(parents=True, exist_ok=True)
    script, style = vis_assets()
    (root / "assets" / "vis-network.min.js").write_text(script, encoding="utf-8")
    (root / "assets" / "vis-network.css").write_text(style, encoding="utf-8")
    (root / "assets" / "report.css").write_text(REPORT_CSS + HEATMAP_CSS, encoding="utf-8")

    graph = project(store)
    if findings is None:
        findings = with_evidence(store, find_gaps(store))
    findings = [f for f in findings if f.gap]
    sources = _sources(store)
    kinds = qualifier_kinds(store)
    full_matrix = placed_matrix(store)
    documents = {row["id"].value: {key: term.value for key, term in row.items()
                                   if term is not None and key != "id"}
                 for row in store.select(DOCUMENTS_QUERY)}
    territories, countries = _places(store, graph)
    territory_links = {p.key: p.page for p in territories}
    country_links = {p.key: p.page for p in countries}

    def links_from(depth: int, links: dict[str, str]) -> dict[str, str]:
        return {key: "../" * depth + page for key, page in links.items()}

    # the overall map and heatmap
    build_map(store, root / "map.html", findings=findings, assets_href="assets",
              title="Governance network — all actors")
    (root / "heatmap.html").write_text(_page(
        "Distribution of competences",
        "<h1>Distribution of competences</h1><p class='lead'>Each cell is the level of "
        "government that holds a competence in a territory, as of "
        f"{date.today().isoformat()}. Hover a cell for the holders, the source's words, the "
        "qualifier and the source lines; a territory's name opens its page.</p>"
        + heatmap_table(full_matrix, kinds, territory_links), 0), encoding="utf-8")

    # one page per territory and per country
    for place in territories + countries:
        if place.kind == "territory":
            in_place = [f for f in findings if f.territory == place.key
                        or (f.actor and f.actor in place.actors)]
            matrix = sub_matrix(full_matrix, [place.key])
            map_args: dict[str, Any] = {"city": place.key}
            title = f"{place.name} ({place.country})" if place.country else place.name
            related = (f"<p>Country: <a href='../{html.escape(country_links[place.country])}'>"
                       f"{html.escape(COUNTRY_NAMES.get(place.country, place.country))}</a></p>"
                       if place.country in country_links else "")
        else:
            in_place = [f for f in findings if f.country == place.key
                        or (f.actor and f.actor in place.actors)]
            matrix = sub_matrix(full_matrix, place.territories) if place.territories else None
            map_args = {"country": place.key}
            title = f"{place.name} ({place.key})"
            items = "".join(f"<li><a href='../{html.escape(territory_links[t])}'>"
                            f"{html.escape(t)}</a></li>" for t in place.territories)
            related = f"<h2>Territories</h2><ul class='cols'>{items}</ul>" if items else ""
        subgraph = graph.subgraph(place.actors)
        if place.actors:
            build_map(store, root / place.map_page, findings=findings,
                      assets_href="../assets", title=f"Governance network — {place.name}",
                      **map_args)
            network = (f"<iframe class='map' src='../{html.escape(place.map_page)}' "
                       f"title='network map of {html.escape(place.name)}'></iframe>"
                       f"<p><a href='../{html.escape(place.map_page)}'>Open the map on its own "
                       "page</a></p>")
        else:
            network = "<p class='muted'>No actor of the graph is placed here.</p>"
        if matrix is not None and matrix.rows:
            competences = ("<h3>Heatmap</h3>" + heatmap_table(
                matrix, kinds, links_from(1, territory_links))
                + "<h3>MC2CM layout: territory by level</h3>" + mc2cm_table(matrix))
            allocations = sum(len(cell.items()) for row in matrix.rows.values()
                              for cell in row.values())
        else:
            competences = "<p class='muted'>No competence allocation is recorded here.</p>"
            allocations = 0
        cited = {_file(line) for node in place.actors for line in sources.get(node, [])}
        cited |= {_file(line) for _, _, key in subgraph.edges(keys=True)
                  for line in sources.get(str(key), [])}
        cited |= {f.source for f in in_place if f.source}
        if matrix is not None:
            cited |= {a.source for row in matrix.rows.values() for cell in row.values()
                      for a in cell.items() if a.source}
        body = (f"<h1>{html.escape(title)}</h1>{related}"
                + _stats([("actors", len(place.actors)),
                          ("links", subgraph.number_of_edges()),
                          ("competence allocations", allocations), ("gaps", len(in_place))])
                + f"<h2>Network map</h2>{network}"
                + "<h2>Classification (ideal type)</h2>" + _classification(store, place)
                + f"<h2>Distribution of competences</h2>{competences}"
                + f"<h2>Gaps</h2>{_gap_list(in_place, links_from(1, territory_links))}"
                + f"<h2>Sources</h2>{_source_table(cited, documents)}")
        (root / place.page).write_text(_page(title, body, 1), encoding="utf-8")

    # the gap list and the sources
    by_gap: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_gap[finding.gap or ""].append(finding)
    gap_body = ("<h1>Governance gaps</h1><p class='lead'>What the gap shapes find in the graph "
                "(a hypothesis to check), each with what the sources say about the same gap "
                "for the same actor, instrument or territory.</p>"
                + _stats((gap, len(items)) for gap, items in sorted(by_gap.items()))
                + "".join(f"<h2 id='{html.escape(gap)}'>{html.escape(gap.capitalize())} gap "
                          f"({len(items)})</h2>" + _gap_list(items, territory_links)
                          for gap, items in sorted(by_gap.items())))
    (root / "gaps.html").write_text(_page("Governance gaps", gap_body, 0), encoding="utf-8")
    (root / "sources.html").write_text(_page(
        "Sources", "<h1>Source documents</h1><p class='lead'>Every statement of the graph "
        "names the document and the lines that state it.</p>"
        + _source_table(documents, documents), 0), encoding="utf-8")

    # the index
    country_items = []
    for place in countries:
        links = ", ".join(f"<a href='{html.escape(territory_links[t])}'>{html.escape(t)}</a>"
                          for t in place.territories if t != place.name)
        country_items.append(
            f"<tr><td><a href='{html.escape(place.page)}'>{html.escape(place.name)}</a> "
            f"<span class='muted'>{html.escape(place.key)}</span></td>"
            f"<td>{len(place.actors)}</td><td>{links}</td></tr>")
    index_body = (
        "<h1>govatlas report: who does what in multi-level governance</h1>"
        "<p class='lead'>This folder is a snapshot of a govatlas knowledge graph: the actors of "
        "migrant and refugee integration policy (ministries, agencies, regions, cities, NGOs, "
        "networks), the levels of government they act at, the competences each level holds, "
        "the coordination links between them, and the governance gaps the graph suggests. "
        "Every statement points to the document and lines that make it. The pages need no "
        "network: zip the folder and send it.</p>"
        f"<p class='muted'>Generated on {date.today().isoformat()}.</p>"
        + _stats([*stats.totals(store)[:-1], ("gaps found", len(findings))])
        + "<h2>Views</h2><ul><li><a href='map.html'>Network map of all actors</a></li>"
          "<li><a href='heatmap.html'>Distribution of competences (heatmap)</a></li>"
          "<li><a href='gaps.html'>Governance gaps</a></li>"
          "<li><a href='sources.html'>Source documents</a></li></ul>"
        + "<h2>Countries</h2><table class='list'><thead><tr><th>Country</th><th>Actors</th>"
          f"<th>Territories</th></tr></thead><tbody>{''.join(country_items)}</tbody></table>"
        + "<h2>Territories</h2><ul class='cols'>"
        + "".join(f"<li><a href='{html.escape(p.page)}'>{html.escape(p.name)}</a> "
                  f"<span class='muted'>{html.escape(p.country)} · {len(p.actors)} actors"
                  "</span></li>" for p in territories) + "</ul>")
    index = root / "index.html"
    index.write_text(_page("govatlas report", index_body, 0), encoding="utf-8")
    return index
