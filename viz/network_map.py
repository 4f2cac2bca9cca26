"""The network map: actors laid out by level of government, links styled by what they carry.

A policy designer reads a governance network top-down: who at the national level funds or
steers whom at the regional and local levels, and where the links that should exist are
missing. So the layout is not a force simulation (which scatters levels and changes on every
load) but layered: the y coordinate is the actor's level (national at the top, local at the
bottom), x spreads the actors of a level, one column per country (or territory), computed in
Python so the picture is the same each time and in every browser; physics stays off.

The page opens from a file with no network access: the vis-network JavaScript and CSS that
pyvis ships are inlined (pyvis's own ``cdn_resources="in_line"`` template still loads
Bootstrap from a CDN, so the page template is ours), or, for a report folder, referenced by a
relative path (:func:`build_map`'s ``assets_href``) so that a hundred maps share one copy.

Everything that comes from data (labels, messages, sources) reaches the page in one JSON block
whose ``<``, ``>`` and ``&`` are escaped as ``\\u003c`` etc. (so no ``</script>`` can close it),
and the page script builds every tooltip and list from it with ``textContent``, never
``innerHTML``: an actor called ``<img src=x onerror=alert(1)>`` is shown as those characters.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from govatlas.graph.analysis.projection import link_families, project
from govatlas.graph.store import GraphStore
from govatlas.graph.validation.gaps import Finding, find_gaps, with_evidence
from govatlas.ontology.namespaces import ACTOR
from govatlas.ontology.vocabulary import vocabulary

__all__ = [
    "FAMILY_COLOURS",
    "SIZE_MEASURES",
    "TYPE_STYLES",
    "build_map",
    "layout",
    "map_payload",
    "page_shell",
    "render_map",
    "script_json",
    "vis_assets",
]

#: Node size follows one of these measures (graph/centrality.py defines them).
SIZE_MEASURES = ("degree", "betweenness", "pagerank")

#: Above this many actors the map starts clustered: drawing every label of thousands of
#: actors at once is both slow and unreadable (see the report of the 5,000-actor timing).
DEFAULT_CLUSTER_THRESHOLD = 300

#: Link family -> colour. Red is kept for gaps, so no family uses it.
FAMILY_COLOURS: dict[str, str] = {
    "funding": "#2e7d32",
    "steering": "#1565c0",
    "information": "#ef8f00",
    "cooperation": "#7b1fa2",
    "membership": "#6d4c41",
    "delivery": "#00838f",
    "succession": "#8a8a8a",
}
GAP_COLOUR = "#d32f2f"
OTHER_COLOUR = "#9e9e9e"

#: Actor type -> (vis shape, colour). Shapes group the types a reader tells apart first
#: (supranational, central government, agencies, subnational government, non-public, networks,
#: research); colours tell the types apart within a group.
TYPE_STYLES: dict[str, tuple[str, str]] = {
    "international-organisation": ("star", "#4a148c"),
    "supranational-body": ("star", "#8e24aa"),
    "national-government": ("square", "#0d47a1"),
    "ministry": ("square", "#1e88e5"),
    "interministerial-delegation": ("square", "#26c6da"),
    "national-agency": ("triangleDown", "#3949ab"),
    "deconcentrated-service": ("triangleDown", "#7986cb"),
    "committee": ("hexagon", "#546e7a"),
    "region": ("dot", "#2e7d32"),
    "department": ("dot", "#689f38"),
    "metropole": ("dot", "#00897b"),
    "municipality": ("dot", "#43a047"),
    "inter-municipal-body": ("dot", "#9ccc65"),
    "directorate": ("dot", "#a5d6a7"),
    "ngo": ("diamond", "#ef6c00"),
    "migrant-association": ("diamond", "#ffa726"),
    "employer": ("diamond", "#8d6e63"),
    "chamber": ("diamond", "#a1887f"),
    "foundation": ("diamond", "#f9a825"),
    "network": ("hexagon", "#ab47bc"),
    "research-body": ("triangle", "#ec407a"),
}
DEFAULT_STYLE = ("dot", "#9e9e9e")

#: Layout geometry, in canvas pixels at zoom 1: wide enough for a wrapped label.
X_STEP = 190
ROW_STEP = 110
BAND_GAP = 80
COLUMN_GAP = X_STEP * 1.3
ASPECT = 1.3
LABEL_CHARS = 40
NO_LEVEL_RANK = 9

ASSETS = Path(__file__).resolve().parent / "assets"


# --- offline assets -------------------------------------------------------------------------

@cache
def vis_assets() -> tuple[str, str]:
    """The vis-network JavaScript and CSS shipped inside the installed pyvis package.

    Read from pyvis rather than vendored so the version is the one pyvis was tested with; the
    files contain no ``</script`` or ``</style`` (checked here), so they can be inlined.
    """
    import pyvis

    folder = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
    script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    style = (folder / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in script.lower() or "</style" in style.lower():
        raise RuntimeError("the vis-network files cannot be inlined safely")
    return script, style


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` (so neither
    ``</script>`` nor ``<!--`` can appear), and the line separators U+2028/U+2029, which JSON
    allows but older JavaScript parsers do not, are escaped too. ``JSON.parse`` restores them.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


#: No network at all: nothing may be fetched (connect, img, font, media, frame); styles and
#: scripts are inline or, in a report, relative files.
CSP = ("default-src 'none'; script-src 'self' file: 'unsafe-inline'; "
       "style-src 'self' file: 'unsafe-inline'; "
       "img-src 'self' file: data:; frame-src 'self' file:; base-uri 'none'; form-action 'none'")


def page_shell(title: str, body: str, head: str = "", *, lang: str = "en") -> str:
    """A complete HTML page around ``body`` (already escaped markup) with the offline CSP."""
    return ("<!doctype html>\n"
            f"<html lang='{lang}'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title>{head}</head>"
            f"<body>{body}</body></html>\n")


# --- data -----------------------------------------------------------------------------------

SOURCES_QUERY = """
SELECT ?x ?source ?locator WHERE {
  { ?x a ga:Actor } UNION { ?x a ga:CoordinationLink }
  ?x prov:qualifiedDerivation ?d . ?d prov:entity/dcterms:identifier ?source ; ga:locator ?locator
}
"""


def _sources(store: GraphStore) -> dict[str, list[str]]:
    """Actor or link IRI -> ``file lines L`` for every source that states it."""
    found: dict[str, list[str]] = defaultdict(list)
    for row in store.select(SOURCES_QUERY):
        line = f"{row['source'].value} lines {row['locator'].value}"
        if line not in found[row["x"].value]:
            found[row["x"].value].append(line)
    return {key: sorted(lines) for key, lines in found.items()}


def _label(list_name: str, code: str | None) -> str:
    if not code:
        return "(none)"
    concept = vocabulary().lists[list_name].by_code.get(code)
    return concept.label if concept else code


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _matches(value: str | None, wanted: str) -> bool:
    """Whether an IRI, its last segment or a label equals ``wanted`` (case-insensitively)."""
    if not value:
        return False
    wanted = wanted.casefold()
    return value.casefold() == wanted or re.split(r"[/#]", value)[-1].casefold() == wanted


def sizes(graph: nx.MultiDiGraph, measure: str) -> dict[Hashable, float]:
    """The centrality ``measure`` of every actor (links counted once per coordination link)."""
    if measure not in SIZE_MEASURES:
        raise ValueError(f"size_by must be one of {', '.join(SIZE_MEASURES)}, not {measure!r}")
    if measure == "degree" or graph.number_of_edges() == 0:
        return {node: float(graph.degree(node)) for node in graph}
    from govatlas.graph.analysis import centrality

    if measure == "betweenness":
        n = graph.number_of_nodes()
        return dict(centrality.betweenness(
            graph, k=centrality.DEFAULT_K if n > centrality.EXACT_LIMIT else None))
    return dict(centrality.pagerank(graph))


# --- layout ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Band:
    """A level of government as a horizontal band of the map."""

    code: str
    label: str
    rank: int
    top: float
    bottom: float


@dataclass(frozen=True)
class Column:
    """The x range of one group (country or territory) of actors."""

    key: str
    label: str
    left: float
    right: float


def _group_key(graph: nx.MultiDiGraph) -> tuple[str, dict[Hashable, str]]:
    """How to split the actors into columns: by country when there are several, else by
    territory when there are several, else one column. Columns keep each country's national
    actors above its own cities, so vertical links stay short."""
    countries = {data.get("country") or "(no country)" for _, data in graph.nodes(data=True)}
    if len(countries) > 1:
        return "country", {node: data.get("country") or "(no country)" for node, data in
                           graph.nodes(data=True)}
    territories = {(data.get("territories") or ["(no territory)"])[0]
                   for _, data in graph.nodes(data=True)}
    if len(territories) > 1:
        return "territory", {node: (data.get("territories") or ["(no territory)"])[0]
                             for node, data in graph.nodes(data=True)}
    return "all", dict.fromkeys(graph, next(iter(countries), ""))


def _rank(data: dict[str, Any]) -> int:
    rank = data.get("rank")
    return rank if isinstance(rank, int) else NO_LEVEL_RANK


def _column_width(counts: list[int], per_row: int) -> float:
    slots = min(per_row, max(counts))
    staggered = any(count > per_row for count in counts)
    return (max(slots, 1) - 1 + (0.5 if staggered else 0)) * X_STEP


def _rows_for_aspect(sizes_of: dict[str, list[int]], aspect: float) -> dict[str, int]:
    """Actors per row in each column, chosen so the whole map is about ``aspect`` times as wide
    as it is tall: a map of eighteen countries should not be a thin strip. Each column gets
    ``ceil(sqrt(its size) * f)`` per row (at least two, or its widest level if that is under
    four); ``f`` is searched."""
    best: tuple[float, dict[str, int]] | None = None
    for step in range(2, 61):
        factor = step / 10
        per_row = {group: max(min(max(counts), 4), 2, math.ceil(math.sqrt(sum(counts)) * factor))
                   for group, counts in sizes_of.items()}
        width = sum(_column_width(counts, per_row[group]) + COLUMN_GAP
                    for group, counts in sizes_of.items()) - COLUMN_GAP + X_STEP
        bands = len(next(iter(sizes_of.values()), []))
        rows = sum(max(math.ceil(counts[index] / per_row[group])
                       for group, counts in sizes_of.items()) for index in range(bands))
        height = rows * ROW_STEP + bands * BAND_GAP
        score = abs(math.log(max(width, 1.0) / max(height, 1.0) / aspect))
        if best is None or score < best[0] - 1e-9:
            best = (score, per_row)
    return best[1] if best else {}


def layout(graph: nx.MultiDiGraph) -> tuple[dict[Hashable, tuple[float, float]], list[Band],
                                            list[Column], dict[Hashable, str]]:
    """Positions by level: y from the level rank, x spread within a level, one column a group.

    Within a column a level's actors fill rows of ``per_row`` (odd rows shifted by half a step
    so labels do not stack), ordered first by type and name, then by two barycentre sweeps
    (each actor moves towards the mean x of its neighbours in the levels above, then below),
    which shortens the vertical links a reader follows.

    Returns positions, the level bands, the columns and each actor's column key.
    """
    _kind, group_of = _group_key(graph)
    vocab = vocabulary()
    type_order = {code: index for index, code in enumerate(TYPE_STYLES)}
    groups = sorted(set(group_of.values()), key=lambda key: (
        {"INT": 0, "EU": 1}.get(key, 3 if key.startswith("(") else 2), key.casefold()))
    ranks = sorted({_rank(data) for _, data in graph.nodes(data=True)})
    members: dict[tuple[str, int], list[Hashable]] = defaultdict(list)
    for node, data in sorted(graph.nodes(data=True), key=lambda item: (
            type_order.get(item[1].get("type") or "", 99), (item[1].get("label") or "").casefold(),
            str(item[0]))):
        members[(group_of[node], _rank(data))].append(node)

    sizes_of = {group: [len(members[(group, rank)]) for rank in ranks] for group in groups}
    per_row = _rows_for_aspect(sizes_of, ASPECT)
    rows_of = {rank: max(math.ceil(len(members[(group, rank)]) / per_row[group])
                         for group in groups) for rank in ranks}

    # columns, left to right
    columns: list[Column] = []
    left = 0.0
    for group in groups:
        width = _column_width(sizes_of[group], per_row[group])
        columns.append(Column(group, group, left, left + width))
        left += width + COLUMN_GAP

    # bands, top to bottom
    bands: list[Band] = []
    band_top: dict[int, float] = {}
    y = 0.0
    level_codes = {concept.rank: concept for concept in vocab.lists["level"].by_code.values()}
    for rank in ranks:
        band_top[rank] = y
        height = (rows_of[rank] - 1) * ROW_STEP
        concept = level_codes.get(rank)
        bands.append(Band(concept.code if concept else "none",
                          concept.label if concept else "(no level)", rank,
                          y - ROW_STEP / 2, y + height + ROW_STEP / 2))
        y += height + ROW_STEP + BAND_GAP

    column_of = {column.key: column for column in columns}
    positions: dict[Hashable, tuple[float, float]] = {}

    def place(group: str, rank: int, order: list[Hashable]) -> None:
        column, size = column_of[group], per_row[group]
        for start in range(0, len(order), size):
            row = order[start:start + size]
            row_index = start // size
            span = (len(row) - 1) * X_STEP
            shift = X_STEP / 2 if row_index % 2 else 0.0
            x0 = column.left + ((column.right - column.left) - span) / 2 + shift
            for index, node in enumerate(row):
                positions[node] = (round(x0 + index * X_STEP, 1),
                                   round(band_top[rank] + row_index * ROW_STEP, 1))

    for (group, rank), order in members.items():
        place(group, rank, order)
    simple = nx.Graph(graph)
    for sweep in (ranks, list(reversed(ranks)), ranks):
        seen: set[int] = set()
        for rank in sweep:
            for group in groups:
                order = members[(group, rank)]
                if len(order) < 2:
                    continue

                def pull(node: Hashable, seen: set[int] = seen) -> float:
                    xs = [positions[other][0] for other in simple[node]
                          if other != node and _rank(graph.nodes[other]) in seen]
                    return sum(xs) / len(xs) if xs else positions[node][0]

                order.sort(key=lambda node: (pull(node), positions[node][0]))
                place(group, rank, order)
            seen.add(rank)
    return positions, bands, columns, group_of


# --- the payload the page draws -------------------------------------------------------------

def _gap_actors(finding: Finding, graph: nx.MultiDiGraph,
                by_instrument: dict[str, set[str]]) -> tuple[str | None, str | None, set[str]]:
    """(from, to) of a "missing" edge when a gap names two actors of the map, else the actors
    to highlight: the actor concerned, or those linked through the instrument it is about."""
    actor = finding.actor if finding.actor in graph else None
    other = finding.value if (finding.value and finding.value.startswith(ACTOR)
                              and finding.value in graph and finding.value != finding.actor) \
        else None
    if actor and other:
        return actor, other, set()
    if actor:
        return None, None, {actor}
    return None, None, set(by_instrument.get(finding.focus, set()))


def map_payload(graph: nx.MultiDiGraph, *, findings: Iterable[Finding] = (),
                sources: dict[str, list[str]] | None = None, size_by: str = "degree",
                cluster_threshold: int = DEFAULT_CLUSTER_THRESHOLD, title: str = "",
                subtitle: str = "") -> dict[str, Any]:
    """Everything the page needs, as plain JSON-ready data (also what tests inspect).

    ``findings`` are gaps (from :func:`~govatlas.graph.validation.find_gaps`): one naming two
    actors of the map becomes a dashed red edge between them (all gaps of a pair share one
    edge, their messages listed on hover); one naming a single actor, or an instrument whose
    actors are on the map, highlights those actors with a red border.
    """
    vocab = vocabulary()
    sources = sources or {}
    positions, bands, columns, group_of = layout(graph)
    measure = sizes(graph, size_by)
    top = max(measure.values(), default=0.0) or 1.0
    families = link_families()

    gap_edges: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    node_gaps: dict[str, list[Finding]] = defaultdict(list)
    by_instrument: dict[str, set[str]] = defaultdict(set)
    for source, target, data in graph.edges(data=True):
        if data.get("instrument"):
            by_instrument[data["instrument"]].update((source, target))
    for finding in findings:
        if not finding.gap:
            continue
        first, second, highlighted = _gap_actors(finding, graph, by_instrument)
        if first and second:
            pair = (first, second) if first < second else (second, first)
            gap_edges[pair].append(finding)
            for node in pair:
                node_gaps[node].append(finding)
        for node in highlighted:
            node_gaps[node].append(finding)

    def gap_text(finding: Finding) -> str:
        return f"{finding.gap} gap: {finding.message}"

    links_of: dict[Hashable, list[str]] = defaultdict(list)
    edges: list[dict[str, Any]] = []
    pair_count: Counter[tuple[str, str]] = Counter()
    for source, target, key, data in sorted(graph.edges(keys=True, data=True),
                                            key=lambda e: (str(e[2]))):
        link_type = data.get("type") or ""
        family = data.get("family") or families.get(link_type) or ""
        type_label = _label("link type", link_type)
        source_label = graph.nodes[source].get("label") or str(source)
        target_label = graph.nodes[target].get("label") or str(target)
        instrument = data.get("instrument_label") or ""
        period = " – ".join(part or "…" for part in (data.get("valid_from"),
                                                       data.get("valid_until"))) \
            if data.get("valid_from") or data.get("valid_until") else ""
        via = f" (via {instrument})" if instrument else ""
        links_of[source].append(f"→ {type_label.lower()} {target_label}{via}")
        links_of[target].append(f"← {source_label} {type_label.lower()}{via}")
        pair = (source, target) if str(source) < str(target) else (target, source)
        pair_count[pair] += 1
        edges.append({
            "id": str(key), "from": str(source), "to": str(target), "kind": "link",
            "type": link_type, "typeLabel": type_label, "family": family,
            "color": FAMILY_COLOURS.get(family, OTHER_COLOUR),
            "instrument": data.get("instrument") or "", "instrumentLabel": instrument,
            "period": period, "status": data.get("status") or "",
            "sources": sources.get(str(key), []),
            "text": f"{source_label} {type_label.lower()} {target_label}",
            "parallel": pair_count[pair] - 1,
            "sameRow": positions[source][1] == positions[target][1],
        })
    for index, ((first, second), found) in enumerate(sorted(gap_edges.items())):
        edges.append({
            "id": f"gap:{index}", "from": str(first), "to": str(second), "kind": "gap",
            "type": "gap", "typeLabel": "missing link (gap)", "family": "gap",
            "color": GAP_COLOUR, "gaps": sorted({f.gap or "" for f in found}),
            "messages": list(dict.fromkeys(gap_text(f) for f in found)),
            "evidence": list(dict.fromkeys(line for f in found for line in f.evidence)),
            "text": (f"Missing: {graph.nodes[first].get('label')} – "
                     f"{graph.nodes[second].get('label')}"),
        })

    nodes: list[dict[str, Any]] = []
    for node, data in graph.nodes(data=True):
        node_type = data.get("type") or ""
        shape, colour = TYPE_STYLES.get(node_type, DEFAULT_STYLE)
        label = data.get("label") or str(node)
        value = measure.get(node, 0.0)
        found = node_gaps.get(node, [])
        nodes.append({
            "id": str(node), "label": _short(label), "full": label,
            "x": positions[node][0], "y": positions[node][1],
            "level": data.get("level") or "none",
            "levelLabels": [_label("level", code) for code in data.get("levels") or []],
            "type": node_type, "typeLabel": _label("actor type", node_type),
            "shape": shape, "color": colour,
            "size": round(11 + 19 * math.sqrt(max(value, 0.0) / top), 1),
            "measure": round(value, 4),
            "country": data.get("country") or "", "territories": data.get("territories") or [],
            "group": group_of[node],
            "competences": list(data.get("competences") or []),
            "competenceLabels": [_label("competence", c) for c in data.get("competences") or []],
            "links": links_of.get(node, []), "sources": sources.get(str(node), []),
            "gaps": list(dict.fromkeys(gap_text(f) for f in found)),
        })
    nodes.sort(key=lambda n: n["id"])

    def count(items: Iterable[str]) -> Counter[str]:
        return Counter(items)

    levels = count(n["level"] for n in nodes)
    types = count(n["type"] for n in nodes)
    link_types = count(e["type"] for e in edges if e["kind"] == "link")
    instruments: dict[str, tuple[str, int]] = {}
    for edge in edges:
        if edge.get("instrument"):
            label, seen = instruments.get(edge["instrument"], (edge["instrumentLabel"], 0))
            instruments[edge["instrument"]] = (label or edge["instrument"], seen + 1)
    competences = count(c for n in nodes for c in n["competences"])
    return {
        "title": title, "subtitle": subtitle, "sizeBy": size_by,
        "clusterThreshold": cluster_threshold,
        "clustered": len(nodes) > cluster_threshold,
        "bands": [band.__dict__ for band in bands],
        "columns": [column.__dict__ for column in columns] if len(columns) > 1 else [],
        "levels": [{"code": b.code, "label": b.label, "count": levels.get(b.code, 0)}
                   for b in bands],
        "types": [{"code": code, "label": _label("actor type", code),
                   "shape": TYPE_STYLES.get(code, DEFAULT_STYLE)[0],
                   "color": TYPE_STYLES.get(code, DEFAULT_STYLE)[1], "count": n}
                  for code, n in sorted(types.items(), key=lambda item: (
                      list(TYPE_STYLES).index(item[0]) if item[0] in TYPE_STYLES else 99,
                      item[0]))],
        "linkTypes": [{"code": code, "label": _label("link type", code),
                       "family": families.get(code, ""),
                       "color": FAMILY_COLOURS.get(families.get(code, ""), OTHER_COLOUR),
                       "count": n}
                      for code, n in sorted(link_types.items(), key=lambda item: (
                          list(FAMILY_COLOURS).index(families[item[0]])
                          if families.get(item[0]) in FAMILY_COLOURS else 99, item[0]))],
        "families": [{"code": code, "color": colour} for code, colour in FAMILY_COLOURS.items()],
        "instruments": [{"id": iri, "label": label, "count": n} for iri, (label, n) in
                        sorted(instruments.items(), key=lambda i: i[1][0].casefold())],
        "competences": [{"code": code, "label": _label("competence", code), "count": n}
                        for code, n in sorted(competences.items(),
                                              key=lambda i: _label("competence", i[0]))],
        "gapCount": sum(1 for e in edges if e["kind"] == "gap"),
        "highlightedCount": sum(1 for n in nodes if n["gaps"]),
        "nodes": nodes, "edges": edges,
        "vocabularyLevels": {code: c.label for code, c in vocab.lists["level"].by_code.items()},
    }


# --- the page -------------------------------------------------------------------------------

def _legend(payload: dict[str, Any]) -> str:
    """The legend as static, escaped HTML: shapes and colours of types, colours of families."""
    rows = []
    for item in payload["types"]:
        rows.append(f"<li>{_swatch(item['shape'], item['color'])}"
                    f"{html.escape(item['label'])} <span class='n'>{item['count']}</span></li>")
    families = []
    present = {e["family"] for e in payload["edges"]}
    for item in payload["families"]:
        if item["code"] in present:
            families.append(
                f"<li><svg width='28' height='10' aria-hidden='true'><line x1='0' y1='5' "
                f"x2='28' y2='5' stroke='{item['color']}' stroke-width='3'/></svg>"
                f"{html.escape(item['code'])}</li>")
    families.append(
        f"<li><svg width='28' height='10' aria-hidden='true'><line x1='0' y1='5' x2='28' y2='5'"
        f" stroke='{GAP_COLOUR}' stroke-width='2.5' stroke-dasharray='5,3'/></svg>"
        "missing link (gap)</li>"
        f"<li>{_swatch('dot', '#ffffff', GAP_COLOUR)}actor with a gap</li>")
    return ("<div id='legend' class='panel'><h2>Legend</h2><h3>Actor types</h3>"
            f"<ul class='legend'>{''.join(rows)}</ul><h3>Links</h3>"
            f"<ul class='legend'>{''.join(families)}</ul>"
            f"<p class='hint'>Node size: {html.escape(payload['sizeBy'])}.</p></div>")


def _swatch(shape: str, colour: str, border: str = "#333") -> str:
    body = {
        "dot": "<circle cx='8' cy='8' r='6'/>",
        "square": "<rect x='2' y='2' width='12' height='12'/>",
        "diamond": "<polygon points='8,1 15,8 8,15 1,8'/>",
        "triangle": "<polygon points='8,1 15,14 1,14'/>",
        "triangleDown": "<polygon points='1,2 15,2 8,15'/>",
        "star": "<polygon points='8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6'/>",
        "hexagon": "<polygon points='4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8'/>",
    }.get(shape, "<circle cx='8' cy='8' r='6'/>")
    return (f"<svg width='16' height='16' aria-hidden='true'><g fill='{colour}' stroke='{border}'"
            f" stroke-width='1.5'>{body}</g></svg>")


def _checkboxes(name: str, title: str, items: list[dict[str, Any]], colour: bool = False) -> str:
    boxes = []
    for item in items:
        mark = (f"<span class='line' style='background:{item['color']}'></span>"
                if colour else "")
        boxes.append(
            f"<label><input type='checkbox' name='{name}' value='{html.escape(item['code'])}'"
            f" checked> {mark}{html.escape(item['label'])} <span class='n'>{item['count']}"
            "</span></label>")
    return (f"<fieldset id='filter-{name}'><legend>{html.escape(title)}</legend>"
            f"<div class='boxes'>{''.join(boxes)}</div></fieldset>")


def _select(name: str, title: str, items: list[dict[str, Any]], key: str) -> str:
    options = "".join(
        f"<option value='{html.escape(item[key])}'>{html.escape(_short(item['label'], 60))}"
        f" ({item['count']})</option>" for item in items)
    return (f"<label class='select'>{html.escape(title)}<select id='filter-{name}'>"
            f"<option value=''>All</option>{options}</select></label>")


def render_map(payload: dict[str, Any], *, assets_href: str | None = None) -> str:
    """The map page for ``payload``; self-contained unless ``assets_href`` names the folder
    (relative to the page) holding ``vis-network.min.js`` and ``vis-network.css``."""
    own_js = (ASSETS / "network_map.js").read_text(encoding="utf-8")
    own_css = (ASSETS / "network_map.css").read_text(encoding="utf-8")
    if assets_href is None:
        vis_js, vis_css = vis_assets()
        head = f"<style>{vis_css}</style><style>{own_css}</style>"
        vis_tag = f"<script>{vis_js}</script>"
    else:
        href = html.escape(assets_href.rstrip("/"))
        head = (f"<link rel='stylesheet' href='{href}/vis-network.css'>"
                f"<style>{own_css}</style>")
        vis_tag = f"<script src='{href}/vis-network.min.js'></script>"
    clustered = payload["clustered"]
    cluster_box = (
        "<fieldset id='cluster-box'><legend>Clusters</legend>"
        "<label class='select'>Group by <select id='cluster-by'>"
        "<option value='level'>level</option><option value='type'>actor type</option>"
        "<option value='group'>country / territory</option><option value=''>no clusters"
        "</option></select></label><p class='hint'>Click a cluster to open it.</p></fieldset>")
    controls = (
        "<div id='controls' class='panel'>"
        "<label class='select'>Find an actor<input id='search' type='search' "
        "placeholder='name, e.g. Diair' autocomplete='off'></label>"
        "<div id='search-status' aria-live='polite'></div><ul id='search-results'></ul>"
        + _checkboxes("level", "Levels", payload["levels"])
        + _checkboxes("type", "Actor types", payload["types"])
        + _checkboxes("link", "Link types", payload["linkTypes"], colour=True)
        + _select("instrument", "Instrument", payload["instruments"], "id")
        + _select("competence", "Competence", payload["competences"], "code")
        + "<label><input type='checkbox' id='filter-gaps' checked> show gaps "
          f"<span class='n'>{payload['gapCount']}</span></label>"
        + (cluster_box if clustered or len(payload["nodes"]) > 50 else "")
        + "<p id='visible-count' class='hint'></p></div>")
    subtitle = html.escape(payload.get("subtitle") or "")
    body = (
        f"<header><h1>{html.escape(payload['title'] or 'Governance network')}</h1>"
        f"<p class='sub'>{subtitle}</p></header>"
        "<main><aside>" + controls + "</aside>"
        "<section id='stage'><div id='network' role='img' aria-label='network map'></div>"
        "<div id='details' class='panel' hidden></div></section>"
        f"<aside>{_legend(payload)}</aside></main>"
        f"<script type='application/json' id='map-data'>{script_json(payload)}</script>"
        f"{vis_tag}<script>{own_js}</script>")
    return page_shell(payload["title"] or "Governance network", body, head)


def build_map(store: GraphStore, output: Path | str, city: str | None = None,
              country: str | None = None, instrument: str | None = None,
              competence: str | None = None, as_of: date | None = None,
              size_by: str = "degree", gaps: bool = True,
              cluster_threshold: int = DEFAULT_CLUSTER_THRESHOLD, *,
              assets_href: str | None = None, title: str | None = None,
              findings: list[Finding] | None = None) -> Path:
    """Write the network map of the store (or of one city, country, instrument, competence).

    Parameters
    ----------
    store : GraphStore
        The graph to draw.
    output : path
        The HTML file to write (its folder is created).
    city, country : str, optional
        Keep the actors of this territory (label, case-insensitive) or ISO country code and
        the links among them (:func:`govatlas.graph.analysis.projection.project`).
    instrument : str, optional
        Keep the links made through this instrument (IRI, id or label) and their actors.
    competence : str, optional
        Keep the actors holding this competence (code or label) and the links among them.
    as_of : date, optional
        Keep the actors and links valid that day (default: every statement).
    size_by : {"degree", "betweenness", "pagerank"}
        The centrality that sizes the nodes.
    gaps : bool
        Draw the gaps :func:`~govatlas.graph.validation.find_gaps` finds among these actors.
    cluster_threshold : int
        Above this many actors the map opens clustered by level.
    assets_href : str, optional
        Reference vis-network from this relative folder instead of inlining it (reports).
    title : str, optional
        The page heading (default: built from the filters).
    findings : list of Finding, optional
        Gaps already found (a report finds them once for all its maps).

    Returns
    -------
    Path
        ``output``.
    """
    graph = project(store, as_of=as_of, country=country, territory=city)
    if instrument:
        keep = [(s, t, k) for s, t, k, d in graph.edges(keys=True, data=True)
                if _matches(d.get("instrument"), instrument)
                or (d.get("instrument_label") or "").casefold() == instrument.casefold()]
        graph = graph.edge_subgraph(keep).copy()
    if competence:
        wanted = competence.casefold()
        codes = {code for code, concept in vocabulary().lists["competence"].by_code.items()
                 if wanted in (code.casefold(), concept.label.casefold())} or {competence}
        graph = graph.subgraph([n for n, d in graph.nodes(data=True)
                                if codes & set(d.get("competences") or [])]).copy()
    found: list[Finding] = []
    if gaps:
        found = findings if findings is not None else with_evidence(store, find_gaps(store))
    filters = [f"{name} {value}" for name, value in (
        ("city", city), ("country", country), ("instrument", instrument),
        ("competence", competence), ("as of", as_of.isoformat() if as_of else None)) if value]
    heading = title or ("Governance network" + (f" — {city}" if city else "")
                        + (f" — {country}" if country and not city else ""))
    subtitle = (f"{graph.number_of_nodes()} actors, {graph.number_of_edges()} links"
                + (f" ({'; '.join(filters)})" if filters else "")
                + ". National level at the top, local at the bottom.")
    payload = map_payload(graph, findings=found, sources=_sources(store), size_by=size_by,
                          cluster_threshold=cluster_threshold, title=heading, subtitle=subtitle)
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_map(payload, assets_href=assets_href), encoding="utf-8")
    return target
