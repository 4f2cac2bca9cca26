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
relative path (:func:`render_map`'s ``assets_href``) so that a hundred maps share one copy.
The page skeleton is ``templates/map.html``; its script and stylesheet are ``assets/``.

This module draws values: what a map shows is gathered by
:func:`govatlas.graph.views.network.map_data`, and nothing here reads the store.

Everything that comes from data (labels, messages, sources) reaches the page in one JSON block
whose ``<``, ``>`` and ``&`` are escaped as ``\\u003c`` etc. (so no ``</script>`` can close it),
and the page script builds every tooltip and list from it with ``textContent``, never
``innerHTML``: an actor called ``<img src=x onerror=alert(1)>`` is shown as those characters.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from govatlas.graph.analysis.projection import link_families
from govatlas.graph.validation.gaps import Finding
from govatlas.graph.views.network import MapData
from govatlas.ontology.namespaces import ACTOR
from govatlas.ontology.vocabulary import vocabulary

from .templating import Markup, asset, render

__all__ = [
    "FAMILY_COLOURS",
    "TYPE_STYLES",
    "layout",
    "map_page",
    "map_payload",
    "render_map",
    "script_json",
    "vis_assets",
]

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
#: Between two bands, and between two columns: tight, since bands alternate their shade and
#: the page draws a faint line between columns.
BAND_GAP = 40
COLUMN_GAP = X_STEP * 0.8
#: Vertical room between two shelves of columns, where the column names are written.
SHELF_GAP = 130
#: The map's drawing area at its usual size (a 1500 x 900 window less the side panels and
#: the strip kept for the level names) is about this much wider than tall.
ASPECT = 1.15
LABEL_CHARS = 40
NO_LEVEL_RANK = 9

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


# --- data -----------------------------------------------------------------------------------

def _label(list_name: str, code: str | None) -> str:
    if not code:
        return "(none)"
    concept = vocabulary().lists[list_name].by_code.get(code)
    return concept.label if concept else code


def type_legend(types: Counter | dict[str, int]) -> list[dict[str, Any]]:
    """The legend's actor types: code, label, shape, colour and count, in the order of
    :data:`TYPE_STYLES` (then by code), shared by the map and the overview."""
    return [{"code": code, "label": _label("actor type", code),
             "shape": TYPE_STYLES.get(code, DEFAULT_STYLE)[0],
             "color": TYPE_STYLES.get(code, DEFAULT_STYLE)[1], "count": n}
            for code, n in sorted(types.items(), key=lambda item: (
                list(TYPE_STYLES).index(item[0]) if item[0] in TYPE_STYLES else 99,
                item[0]))]


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


# --- layout ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Band:
    """A level of government as a horizontal band of the map (of one shelf of columns)."""

    code: str
    label: str
    rank: int
    top: float
    bottom: float
    shelf: int = 0


@dataclass(frozen=True)
class Column:
    """The x range of one group (country or territory) of actors, and the top of its shelf."""

    key: str
    label: str
    left: float
    right: float
    top: float = 0.0
    shelf: int = 0


def _group_key(graph: nx.MultiDiGraph,
               territory: str | None = None) -> tuple[str, dict[Hashable, str]]:
    """How to split the actors into columns: by country when there are several, else by
    territory when there are several, else one column. Columns keep each country's national
    actors above its own cities, so vertical links stay short. A territory's own map is one
    column: its national actors are placed in several territories, and a column named after
    another of them (Paris's government under "Lyon") would mislead."""
    if territory:
        return "all", dict.fromkeys(graph, territory)
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


@dataclass(frozen=True)
class Arrangement:
    """How a map's columns are drawn: actors per row in each column, and the columns of
    each shelf (a row of columns sharing its level bands), top to bottom."""

    per_row: dict[str, int]
    shelves: list[list[str]]


def _shelf_height(shelf: list[str], sizes_of: dict[str, list[int]],
                  per_row: dict[str, int]) -> float:
    """Canvas height of one shelf: the rows of each level present in it, plus band gaps."""
    height = 0.0
    for index in range(len(next(iter(sizes_of.values())))):
        rows = max(math.ceil(sizes_of[group][index] / per_row[group]) for group in shelf)
        if rows:
            height += rows * ROW_STEP + BAND_GAP
    return height


def _wrap(widths: list[float], limit: float) -> list[list[int]]:
    """Indices of the columns on each shelf: left to right, a new shelf when ``limit``
    would be passed (a column wider than ``limit`` has a shelf of its own)."""
    shelves: list[list[int]] = [[]]
    used = 0.0
    for index, width in enumerate(widths):
        extra = width + (COLUMN_GAP if shelves[-1] else 0.0)
        if shelves[-1] and used + extra > limit:
            shelves.append([])
            used, extra = 0.0, width
        shelves[-1].append(index)
        used += extra
    return shelves


def arrange(sizes_of: dict[str, list[int]], aspect: float = ASPECT) -> Arrangement:
    """Actors per row in each column and the wrapping of the columns into shelves, chosen so
    that the map, fitted into a screen about ``aspect`` times as wide as it is tall, is drawn
    as large as it can be (labels legible at the first view).

    A map's columns side by side make a strip when there are many (eighteen countries, ten
    French cities): fitted to the screen, every label is a few pixels high. So the columns
    wrap into shelves, each with its own level bands (only the levels present on it), and
    the cost of a layout is the fitted size of its bounding box, ``max(width / aspect,
    height)``, which is what the fit divides the screen by. Each column gets
    ``ceil(sqrt(its size) * f)`` actors per row (at least two, or its widest level if that is
    under four); ``f`` and the shelf width are searched (60 x 40 candidates, each scored in
    time linear in the columns).
    """
    groups = list(sizes_of)
    if not groups:
        return Arrangement({}, [])
    best: tuple[float, Arrangement] | None = None
    for step in range(2, 61):
        factor = step / 10
        per_row = {group: max(min(max(counts), 4), 2, math.ceil(math.sqrt(sum(counts)) * factor))
                   for group, counts in sizes_of.items()}
        widths = [_column_width(sizes_of[group], per_row[group]) for group in groups]
        width_of = dict(zip(groups, widths, strict=True))
        total = sum(widths) + COLUMN_GAP * (len(widths) - 1)
        widest = max(widths)
        limits = sorted({widest + (total - widest) * (i / 39) ** 2 for i in range(40)})
        for limit in limits:
            shelves = [[groups[i] for i in shelf] for shelf in _wrap(widths, limit)]
            width = max(sum(width_of[g] for g in shelf)
                        + COLUMN_GAP * (len(shelf) - 1) for shelf in shelves) + X_STEP
            height = sum(_shelf_height(shelf, sizes_of, per_row) for shelf in shelves) \
                + SHELF_GAP * (len(shelves) - 1)
            cost = max(width / aspect, height)
            if best is None or cost < best[0] - 1e-6:
                best = (cost, Arrangement(per_row, shelves))
    assert best is not None
    return best[1]


Positions = dict[Hashable, tuple[float, float]]


def layout(graph: nx.MultiDiGraph, territory: str | None = None, aspect: float = ASPECT,
           ) -> tuple[Positions, list[Band], list[Column], dict[Hashable, str]]:
    """Positions by level: y from the level rank, x spread within a level, one column a group,
    the columns wrapped into shelves (:func:`arrange`).

    Within a column a level's actors fill rows of ``per_row`` (odd rows shifted by half a step
    so labels do not stack), ordered first by type and name, then by two barycentre sweeps
    (each actor moves towards the mean x of its neighbours in the levels above, then below),
    which shortens the vertical links a reader follows. Each shelf is centred and has a band
    per level present on it, widest level at the top.

    ``territory`` names the map's territory (one column). Returns positions, the level
    bands (top to bottom, shelf after shelf), the columns and each actor's column key.
    """
    _kind, group_of = _group_key(graph, territory)
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
    arrangement = arrange(sizes_of, aspect)
    per_row = arrangement.per_row
    level_codes = {concept.rank: concept for concept in vocab.lists["level"].by_code.values()}
    widths = {group: _column_width(sizes_of[group], per_row[group]) for group in groups}
    shelf_widths = [sum(widths[g] for g in shelf) + COLUMN_GAP * (len(shelf) - 1)
                    for shelf in arrangement.shelves]
    full = max(shelf_widths, default=0.0)

    columns: list[Column] = []
    bands: list[Band] = []
    band_top: dict[tuple[int, int], float] = {}
    shelf_of: dict[str, int] = {}
    y = 0.0
    for number, shelf in enumerate(arrangement.shelves):
        left = (full - shelf_widths[number]) / 2
        for group in shelf:
            columns.append(Column(group, group, left, left + widths[group], y, number))
            shelf_of[group] = number
            left += widths[group] + COLUMN_GAP
        for index, rank in enumerate(ranks):
            rows = max(math.ceil(sizes_of[group][index] / per_row[group]) for group in shelf)
            if not rows:
                continue
            band_top[(number, rank)] = y
            height = (rows - 1) * ROW_STEP
            concept = level_codes.get(rank)
            bands.append(Band(concept.code if concept else "none",
                              concept.label if concept else "(no level)", rank,
                              y - ROW_STEP / 2, y + height + ROW_STEP / 2, number))
            y += height + ROW_STEP + BAND_GAP
        y += SHELF_GAP

    column_of = {column.key: column for column in columns}
    positions: dict[Hashable, tuple[float, float]] = {}

    def place(group: str, rank: int, order: list[Hashable]) -> None:
        if not order:
            return
        column, size = column_of[group], per_row[group]
        top = band_top[(shelf_of[group], rank)]
        for start in range(0, len(order), size):
            row = order[start:start + size]
            row_index = start // size
            span = (len(row) - 1) * X_STEP
            shift = X_STEP / 2 if row_index % 2 else 0.0
            x0 = column.left + ((column.right - column.left) - span) / 2 + shift
            for index, node in enumerate(row):
                positions[node] = (round(x0 + index * X_STEP, 1),
                                   round(top + row_index * ROW_STEP, 1))

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


def map_payload(view: MapData, *,
                cluster_threshold: int = DEFAULT_CLUSTER_THRESHOLD) -> dict[str, Any]:
    """Everything the page needs, as plain JSON-ready data (also what tests inspect).

    ``view.findings`` are gaps: one naming two actors of the map becomes a dashed red edge
    between them (all gaps of a pair share one edge, their messages listed on hover); one
    naming a single actor, or an instrument whose actors are on the map, highlights those
    actors with a red border. Above ``cluster_threshold`` actors the map opens clustered.
    """
    graph, size_by = view.graph, view.size_by
    title, subtitle = view.title, view.subtitle
    vocab = vocabulary()
    sources = view.sources
    positions, bands, columns, group_of = layout(graph, view.scope.get("city"))
    measure = view.measure or {node: float(graph.degree(node)) for node in graph}
    top = max(measure.values(), default=0.0) or 1.0
    families = link_families()

    def gap_text(finding: Finding) -> str:
        return f"{finding.gap} gap: {finding.message}"

    gap_edges: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    node_gaps: dict[str, list[Finding]] = defaultdict(list)
    by_instrument: dict[str, set[str]] = defaultdict(set)
    for source, target, attributes in graph.edges(data=True):
        if attributes.get("instrument"):
            by_instrument[attributes["instrument"]].update((source, target))
    # every gap of the start and of each step of the time slider, with the steps it is in
    findings: dict[tuple, Finding] = {}
    start: set[tuple] = set()
    steps_of: dict[tuple, list[str]] = defaultdict(list)
    for finding in view.findings:
        findings.setdefault(finding.key(), finding)
        start.add(finding.key())
    timeline = view.timeline
    for step, items in (timeline.gaps.items() if timeline else ()):
        for finding in items:
            findings.setdefault(finding.key(), finding)
            steps_of[finding.key()].append(step)
    for finding in findings.values():
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

    def gap_times(found: list[Finding]) -> dict[str, Any]:
        """Which of ``found`` are in the start state and in each step (parallel lists)."""
        texts = list(dict.fromkeys(gap_text(f) for f in found))
        now = {gap_text(f) for f in found if f.key() in start}
        steps: dict[str, set[str]] = defaultdict(set)
        for f in found:
            steps[gap_text(f)].update(steps_of.get(f.key(), []))
        return {"texts": texts, "now": [text in now for text in texts],
                "steps": [sorted(steps[text]) for text in texts]}

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
        concerned = _label("competence", data["competence"]) if data.get("competence") else ""
        via += f" for {concerned}" if concerned else ""
        links_of[source].append(f"→ {type_label.lower()} {target_label}{via}")
        links_of[target].append(f"← {source_label} {type_label.lower()}{via}")
        pair = (source, target) if str(source) < str(target) else (target, source)
        pair_count[pair] += 1
        edges.append({
            "id": str(key), "from": str(source), "to": str(target), "kind": "link",
            "type": link_type, "typeLabel": type_label, "family": family,
            "color": FAMILY_COLOURS.get(family, OTHER_COLOUR),
            "instrument": data.get("instrument") or "", "instrumentLabel": instrument,
            "competence": data.get("competence") or "", "competenceLabel": concerned,
            "period": period, "status": data.get("status") or "",
            "sources": sources.get(str(key), []),
            "validFrom": data.get("valid_from") or "", "validUntil": data.get("valid_until") or "",
            "text": f"{source_label} {type_label.lower()} {target_label}",
            "parallel": pair_count[pair] - 1,
            "sameRow": positions[source][1] == positions[target][1],
        })
    for index, ((first, second), found) in enumerate(sorted(gap_edges.items())):
        times = gap_times(found)
        edges.append({
            "id": f"gap:{index}", "from": str(first), "to": str(second), "kind": "gap",
            "type": "gap", "typeLabel": "missing link (gap)", "family": "gap",
            "color": GAP_COLOUR, "gaps": sorted({f.gap or "" for f in found}),
            "messages": times["texts"], "messageNow": times["now"],
            "messageSteps": times["steps"],
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
        times = gap_times(node_gaps.get(node, []))
        names = [name for name in view.names.get(str(node), []) if name != label]
        nodes.append({
            "id": str(node), "label": _short(label), "full": label, "names": names,
            "acronym": next((n for n in names if " " not in n and len(n) <= 12), ""),
            "validFrom": data.get("valid_from") or "", "validUntil": data.get("valid_until") or "",
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
            "gaps": times["texts"], "gapNow": times["now"], "gapSteps": times["steps"],
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
                   for b in sorted({b.code: b for b in bands}.values(), key=lambda b: b.rank)],
        "types": type_legend(types),
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
        "gapCount": sum(1 for e in edges if e["kind"] == "gap" and any(e["messageNow"])),
        "highlightedCount": sum(1 for n in nodes if any(n["gapNow"])),
        "timeline": {"steps": timeline.steps if timeline else [],
                     "start": view.as_of.isoformat() if view.as_of else "",
                     "gapsFollow": bool(timeline and timeline.gaps_follow)},
        "plannedLeftOut": "planned, expected and recommended links are not drawn",
        "nodes": nodes, "edges": edges,
        "vocabularyLevels": {code: c.label for code, c in vocab.lists["level"].by_code.items()},
    }




# --- the page -------------------------------------------------------------------------------

def render_map(payload: dict[str, Any], *, assets_href: str | None = None) -> str:
    """The map page for ``payload``; self-contained unless ``assets_href`` names the folder
    (relative to the page) holding ``vis-network.min.js`` and ``vis-network.css``."""
    vis_js, vis_css = vis_assets() if assets_href is None else ("", "")
    return render(
        "map.html", title=payload["title"] or "Governance network", payload=payload,
        data_json=Markup(script_json(payload)),
        families_present={edge["family"] for edge in payload["edges"]},
        gap_colour=GAP_COLOUR, own_css=Markup(asset("network_map.css")),
        own_js=Markup(asset("svg_view.js") + asset("network_map.js")),
        vis_js=Markup(vis_js), vis_css=Markup(vis_css),
        assets_href=assets_href.rstrip("/") if assets_href else None)


def map_page(data: MapData, *, cluster_threshold: int = DEFAULT_CLUSTER_THRESHOLD,
             assets_href: str | None = None) -> str:
    """The map page of ``data`` (:func:`govatlas.graph.views.network.map_data`): the
    overview of groups when ``data.overview`` is set, else every actor."""
    if data.overview is not None:
        from .overview_map import render_overview  # it draws with this module's styles

        return render_overview(data, assets_href=assets_href)
    return render_map(map_payload(data, cluster_threshold=cluster_threshold),
                      assets_href=assets_href)
