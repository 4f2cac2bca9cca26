"""The atlas as pages: a static, self-contained site, from an :class:`Atlas` of values.

Policy designers pass findings on by mail and open them where there is no network (a ministry
laptop, a meeting room). So the atlas is a folder that can be zipped: every link is relative,
nothing is fetched (each page carries a Content-Security-Policy that forbids it), and the
vis-network library is one shared copy in ``assets/`` rather than inlined into each of the
seventy-odd maps (which would make the folder fifty times larger).

Layout of the folder::

    index.html              what this is, the countries and territories, the counts
    map.html, heatmap.html  the overall network map and competence heatmap
    gaps.html, sources.html every gap with the sources' evidence; every source document
    territory/<slug>.html   a territory: its map, classification, matrix, gaps and sources
    country/<code>.html     a country: the same for all its actors and territories
    maps/*.html             the network maps the territory and country pages embed
    assets/                 vis-network (from the installed pyvis) and the atlas's CSS

What the atlas shows is gathered by :func:`govatlas.graph.views.atlas.atlas_data`; this
module reads no store. Page skeletons are ``templates/atlas-*.html``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from govatlas.graph.views.atlas import COUNTRY_NAMES, Atlas, Place, sub_matrix

from .heatmap import heatmap_table, mc2cm_table
from .network_map import map_page, vis_assets
from .templating import Markup, asset, render

__all__ = ["render_atlas"]


def _file(source_line: str) -> str:
    """``file.txt lines 12-14`` -> ``file.txt``."""
    return source_line.split(" lines ", 1)[0]


def _up(links: dict[str, str], depth: int) -> dict[str, str]:
    return {key: "../" * depth + page for key, page in links.items()}


def _place_page(atlas: Atlas, place: Place, territory_links: dict[str, str],
                country_links: dict[str, str]) -> str:
    """A territory's or a country's page."""
    graph = atlas.graphs[place.page]
    in_place = atlas.gaps[place.page]
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
        heatmap = Markup(heatmap_table(matrix, atlas.kinds, links_here))
        mc2cm = Markup(mc2cm_table(matrix))
        allocations = sum(len(cell.items()) for row in matrix.rows.values()
                          for cell in row.values())
    cited = {_file(line) for node in place.actors for line in atlas.sources.get(node, [])}
    cited |= {_file(line) for _, _, key in graph.edges(keys=True)
              for line in atlas.sources.get(str(key), [])}
    cited |= {f.source for f in in_place if f.source}
    if matrix is not None:
        cited |= {a.source for row in matrix.rows.values() for cell in row.values()
                  for a in cell.items() if a.source}
    classification = Markup(render("atlas-classification.html",
                                   result=atlas.classifications[place.page]))
    return render(
        "atlas-place.html", title=heading, up="../", heading=heading, place=place,
        country_link=country_link, territory_items=territory_items,
        counts=[("actors", len(place.actors)), ("links", graph.number_of_edges()),
                ("competence allocations", allocations), ("gaps", len(in_place))],
        map_page=place.map_page if place.page in atlas.maps else None,
        classification=classification, heatmap=heatmap, mc2cm=mc2cm, gaps=in_place,
        territory_links=links_here, cited=sorted(cited), documents=atlas.documents)


def _gaps_page(atlas: Atlas, territory_links: dict[str, str]) -> str:
    """The gap page: the eight gaps with their definitions, each with its cases (one per
    rule and place, with how many findings it groups), not one line per finding."""
    cases: dict[str, dict[tuple[str, str], list[Any]]] = defaultdict(lambda: defaultdict(list))
    for finding in atlas.findings:
        cases[finding.gap or ""][(finding.shape_name, finding.territory)].append(finding)
    sections = []
    for kind in atlas.gap_types or [{"code": code, "label": code, "definition": "",
                                     "source": ""} for code in sorted(cases)]:
        found = cases.get(kind["code"], {})
        sections.append({**kind, "count": sum(len(items) for items in found.values()),
                         "cases": [{"rule": rule, "territory": territory, "findings": items}
                                   for (rule, territory), items in sorted(found.items())]})
    return render("atlas-gaps.html", title="Governance gaps", up="", sections=sections,
                  territory_links=territory_links)


def render_atlas(atlas: Atlas) -> dict[str, str]:
    """Every file of the atlas: relative path -> content (pages, maps and assets)."""
    script, style = vis_assets()
    files: dict[str, str] = {
        "assets/vis-network.min.js": script, "assets/vis-network.css": style,
        "assets/report.css": asset("report.css") + asset("heatmap.css"),
    }
    territory_links = {p.key: p.page for p in atlas.territories}
    country_links = {p.key: p.page for p in atlas.countries}

    files["map.html"] = map_page(atlas.overview, assets_href="assets")
    files["heatmap.html"] = render(
        "atlas-heatmap.html", title="Distribution of competences", up="",
        day=atlas.day.isoformat(),
        table=Markup(heatmap_table(atlas.matrix, atlas.kinds, territory_links)))
    for place in atlas.territories + atlas.countries:
        if place.page in atlas.maps:
            files[place.map_page] = map_page(atlas.maps[place.page], assets_href="../assets")
        files[place.page] = _place_page(atlas, place, territory_links, country_links)

    files["gaps.html"] = _gaps_page(atlas, territory_links)
    files["sources.html"] = render("atlas-sources.html", title="Sources", up="",
                                   documents=atlas.documents)
    countries = [(place, [(t, territory_links[t]) for t in place.territories
                          if t != place.name])
                 for place in atlas.countries]
    files["index.html"] = render(
        "atlas-index.html", title="govatlas atlas", up="", day=atlas.day.isoformat(),
        counts=[*atlas.totals[:-1], ("gaps found", len(atlas.findings))],
        countries=countries, territories=atlas.territories)
    return files
