"""The atlas as pages: a static, self-contained site, from an :class:`Atlas` of values.

Policy designers pass findings on by mail and open them where there is no network (a ministry
laptop, a meeting room). So the atlas is a folder that can be zipped: every link is relative,
nothing is fetched (each page carries a Content-Security-Policy that forbids it), and the
map libraries are one shared copy in ``assets/`` rather than inlined into each of the
hundreds of maps (which would make the folder fifty times larger).

Layout of the folder::

    index.html              what this is, the countries and territories, the counts
    map.html, heatmap.html  the overall network map and competence heatmap
    gaps.html, sources.html the gaps as cases (rule and place, with counts); every source
    territory/<slug>.html   a territory: its map, classification, matrix, gaps and sources
    country/<code>.html     a country: the same for all its actors and territories
    maps/*.html             the network maps the territory and country pages embed
    assets/                 vis-network (from the installed pyvis) and the atlas's CSS

The pages are yielded one at a time (:func:`render_atlas`), each place's as its view arrives,
so a country's thousand places are written without holding the whole site in memory.

What the atlas shows is gathered by :func:`govatlas.graph.views.atlas.atlas_data` and cut per
place by :func:`~govatlas.graph.views.atlas.place_view`; this module reads no store. Page
skeletons are ``templates/atlas-*.html``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from govatlas.graph.views.atlas import (
    CASE_EXAMPLES,
    COUNTRY_NAMES,
    Atlas,
    GapRule,
    PlaceView,
    cited_lines,
    sub_matrix,
)

from .heatmap import heatmap_table, mc2cm_table
from .network_map import map_page, vis_assets
from .templating import Markup, asset, render

__all__ = ["render_atlas"]


#: A place page draws its matrix up to this many territories; a country of more (France's
#: 1,500) links to the atlas's heatmap instead of carrying a second copy of it (12 MB).
PLACE_MATRIX_ROWS = 60


def _up(links: dict[str, str], depth: int) -> dict[str, str]:
    return {key: "../" * depth + page for key, page in links.items()}


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 actor``, ``2 actors``, ``1,234 findings``: a count with its noun agreed."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def _noun(count: int, word: str) -> str:
    """The noun of :func:`plural` alone (a count box shows the number above it)."""
    return plural(count, word).split(" ", 1)[1]


def _sections(atlas: Atlas, rules: dict[str, list[GapRule]]) -> list[dict]:
    """The eight gap types in the vocabulary's order, each with its definition, its count of
    findings and cases, and its rules (a type with no finding still gets its section, so a
    reader sees it was looked for)."""
    kinds = atlas.gap_types or [{"code": code, "label": code, "definition": "", "source": ""}
                                for code in sorted(rules)]
    sections = []
    for kind in kinds:
        found = rules.get(kind["code"], [])
        file = (kind.get("source") or "").partition(" lines ")[0]
        title = atlas.documents.get(file, {}).get("title", "")
        sections.append({**kind, "source_title": title, "count": sum(rule.count for rule in found),
                         "cases": sum(len(rule.cases) for rule in found), "rules": found})
    return sections


def _levels(sections: list[dict]) -> list[str]:
    return sorted({level for s in sections for rule in s["rules"] for level in rule.levels})


def _place_page(atlas: Atlas, view: PlaceView, territory_links: dict[str, str],
                country_links: dict[str, str]) -> str:
    """A territory's or a country's page."""
    place, graph = view.place, view.graph
    if place.kind == "territory":
        matrix = sub_matrix(atlas.matrix, [place.key])
        heading = f"{place.name} ({place.country})" if place.country else place.name
        country_link = ({"href": "../" + country_links[place.country],
                         "name": COUNTRY_NAMES.get(place.country, place.country)}
                        if place.country in country_links else None)
        territory_items: list[tuple[str, str]] = []
    else:
        matrix = sub_matrix(atlas.matrix, place.territories) if place.territories else None
        heading = f"{place.name} ({place.key})"
        country_link = None
        territory_items = [(t, "../" + territory_links[t]) for t in place.territories]
    links_here = _up(territory_links, 1)
    heatmap = mc2cm = None
    allocations = 0
    if matrix is not None and matrix.rows:
        allocations = sum(len(cell.items()) for row in matrix.rows.values()
                          for cell in row.values())
        if len(matrix.rows) <= PLACE_MATRIX_ROWS:
            heatmap = Markup(heatmap_table(matrix, atlas.kinds, links_here))
            mc2cm = Markup(mc2cm_table(matrix))
    cited = [line for node in place.actors for line in atlas.sources.get(node, [])]
    cited += [line for _, _, key in graph.edges(keys=True)
              for line in atlas.sources.get(str(key), [])]
    cited += [f"{f.source} lines {f.locator}" if f.locator else f.source
              for f in view.gaps if f.source]
    if matrix is not None:
        cited += [f"{a.source} lines {a.locator}" if a.locator else a.source
                  for row in matrix.rows.values() for cell in row.values()
                  for a in cell.items() if a.source]
    classification = Markup(render("atlas-classification.html", result=view.classification))
    sections = _sections(atlas, view.rules)
    return render(
        "atlas-place.html", title=heading, up="../", heading=heading, place=place,
        country_link=country_link, territory_items=territory_items,
        counts=[(_noun(len(place.actors), "actor"), len(place.actors), None),
                (_noun(graph.number_of_edges(), "link"), graph.number_of_edges(), None),
                (_noun(allocations, "competence allocation"), allocations, None),
                (_noun(len(view.gaps), "gap"), len(view.gaps), "#gaps")],
        map_page=view.map_href, classification=classification, heatmap=heatmap, mc2cm=mc2cm,
        allocations=allocations,
        matrix_rows=len(matrix.rows) if matrix is not None else 0,
        gaps=view.gaps, sections=sections, levels=_levels(sections), territory_links=links_here,
        cited=cited_lines(sorted(cited)), documents=atlas.documents, plural=plural)


def _gaps_page(atlas: Atlas, territory_links: dict[str, str]) -> str:
    """The gap page: the eight gaps with their definitions, each with its rules and their
    cases (one per rule and place, with how many findings it groups), not one line per
    finding; filtered by gap type, level and place in the page."""
    sections = _sections(atlas, atlas.rules)
    return render("atlas-gaps.html", title="Governance gaps", up="", sections=sections,
                  levels=_levels(sections), territory_links=territory_links, plural=plural,
                  total=len(atlas.findings),
                  case_examples=max((rule.examples for found in atlas.rules.values()
                                     for rule in found), default=CASE_EXAMPLES))


def _source_lines(atlas: Atlas) -> dict[str, int]:
    """Source file -> how many distinct lines of it the graph's statements cite."""
    lines: dict[str, set[str]] = {}
    for cited in atlas.sources.values():
        for line in cited:
            file, _, where = line.partition(" lines ")
            lines.setdefault(file, set()).add(where)
    return {file: len(where) for file, where in lines.items()}


def render_atlas(atlas: Atlas, views: Iterable[PlaceView]) -> Iterator[tuple[str, str]]:
    """Every file of the atlas, one at a time: (relative path, content) of the pages, the
    maps and the assets. ``views`` are the places' views
    (:func:`~govatlas.graph.views.atlas.place_views`), consumed one by one."""
    script, style = vis_assets()
    yield "assets/vis-network.min.js", script
    yield "assets/vis-network.css", style
    yield "assets/report.css", asset("report.css") + asset("heatmap.css")
    territory_links = {p.key: p.page for p in atlas.territories}
    country_links = {p.key: p.page for p in atlas.countries}

    yield "map.html", map_page(atlas.overview, assets_href="assets")
    yield "heatmap.html", render(
        "atlas-heatmap.html", title="Distribution of competences", up="",
        day=atlas.day.isoformat(), rows=len(atlas.matrix.rows), plural=plural,
        table=Markup(heatmap_table(atlas.matrix, atlas.kinds, territory_links)))
    for view in views:
        if view.map is not None:
            yield view.place.map_page, map_page(view.map, assets_href="../assets")
        yield view.place.page, _place_page(atlas, view, territory_links, country_links)

    yield "gaps.html", _gaps_page(atlas, territory_links)
    yield "sources.html", render("atlas-sources.html", title="Sources", up="",
                                 documents=atlas.documents, lines=_source_lines(atlas),
                                 plural=plural)
    countries = [(place, [(t, territory_links[t]) for t in place.territories
                          if t != place.name])
                 for place in atlas.countries]
    gap_counts = Counter(f.gap for f in atlas.findings)
    yield "index.html", render(
        "atlas-index.html", title="govatlas atlas", up="", day=atlas.day.isoformat(),
        counts=[*((name, count, None) for name, count in atlas.totals[:-1]),
                ("gaps found", len(atlas.findings), "gaps.html")],
        gap_counts=[(kind, gap_counts.get(kind["code"], 0)) for kind in atlas.gap_types],
        countries=countries, territories=atlas.territories, plural=plural,
        slider_gaps=bool(atlas.timeline and atlas.timeline.gaps_follow))
