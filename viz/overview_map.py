"""The overview page of a large map: one group of actors at a time, drilled into on click.

What the groups are is decided by :func:`govatlas.graph.views.overview.overview`; this module
lays each group's view out (the same level bands as the full map, :func:`layout`) and writes
one page that carries every view as its own small JSON block (``<script
type="application/json" id="view-g12">``), parsed only when the reader opens that group. The
page stays one offline file, and the browser never holds more than one view's few hundred
nodes: a country of 44,000 actors draws its first view in well under a second (README, maps).

What the views repeat is written once: the actors' gap sentences and source files go into one
more block (``map-texts``, a :class:`~govatlas.viz.text_table.TextTable` of templates and
arguments, read when a reader first opens an actor), actor types, levels and competences are
numbers into the index's lists of codes, an actor's name is its entry in the index's search
list, and a line's two ends are positions in its view's nodes. On the France-sized country
(44,099 actors, 47,570 gaps) that took the page from 28.8 to 12.5 MB (bench/RESULTS.md).

With the time slider, an actor carries its period, and when the gaps follow the date (a
graph small enough to run the shapes on every date) each of its gap sentences says on which
dates it holds; the index gives each group's gaps and actors on each date. The page then
draws a date as the shapes found it, and marks what changed since the date before.

Group nodes are sized by the square root of their actors and labelled with their name and
count; a line between two nodes stands for every link between the actors they hold, its width
growing with the logarithm of that number, its colour that of the commonest link family.
Nodes outside the open group (its actors' partners elsewhere) are drawn faded with a dashed
border, and open where they are on click.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from govatlas.graph.analysis.projection import link_families
from govatlas.graph.validation.gaps import Finding
from govatlas.graph.views.network import MapData
from govatlas.graph.views.overview import Overview, actor_steps, paused_collection, step_counts
from govatlas.ontology.namespaces import ACTOR
from govatlas.ontology.vocabulary import vocabulary

from .network_map import (
    FAMILY_COLOURS,
    GAP_COLOUR,
    NO_LEVEL_RANK,
    OTHER_COLOUR,
    ROW_STEP,
    X_STEP,
    Band,
    _label,
    script_json,
    type_legend,
    vis_assets,
)
from .templating import Markup, asset, render
from .text_table import Codes, TextTable

__all__ = ["GROUP_LABEL_CHARS", "overview_payload", "render_overview"]

#: Group and actor labels are cut to this many characters so that two neighbours on a row of
#: the layout (190 canvas pixels apart) never overlap at the first view.
GROUP_LABEL_CHARS = 26

#: Actor types a group of several kinds at its widest level is drawn as, first found first:
#: a region's group holds the region and the regional prefecture, and looks like the region.
GOVERNMENTS = ("region", "department", "metropole", "inter-municipal-body", "municipality",
               "national-government")

#: Gap messages kept per actor in the details panel (the count is always given).
GAPS_PER_ACTOR = 5


def _rank_of(data: dict[str, Any]) -> int:
    rank = data.get("rank")
    return rank if isinstance(rank, int) else NO_LEVEL_RANK


def _lead_type(graph: nx.MultiDiGraph, overview: Overview, gid: str) -> str:
    """The actor type a group is drawn as: the commonest type among its widest-level actors
    (a region's group looks like a region), else the lead type of its largest child."""
    group = overview.groups[gid]
    if group.members:
        ranks = [graph.nodes[n].get("rank") for n in group.members]
        widest = min((r for r in ranks if isinstance(r, int)), default=None)
        kinds = Counter(graph.nodes[n].get("type") or "" for n, r in zip(group.members, ranks,
                                                                         strict=True)
                        if r == widest)
        return max(kinds, key=lambda code: (code in GOVERNMENTS, kinds[code],
                                            -GOVERNMENTS.index(code) if code in GOVERNMENTS
                                            else 0, code))
    if group.children:
        largest = max(group.children, key=lambda c: overview.groups[c].actors)
        return _lead_type(graph, overview, largest)
    return ""


#: The overview's views are about as wide as this times their height (a screen's shape).
VIEW_ASPECT = 1.6

#: Room between two level bands of a view, in canvas pixels.
BAND_GAP = 80


def view_layout(nodes: list[tuple[str, int, bool]], edges: list[tuple[str, str]],
                ) -> tuple[dict[str, tuple[float, float]], list[Band]]:
    """Positions of one view's nodes, and its level bands: the full map's layout
    (:func:`~govatlas.viz.network_map.layout`) made light enough to run for each of a
    country's two thousand views.

    ``nodes`` are (key, level rank, inside the group), in the order wanted within a band
    (the group's own nodes come first, the faded context after them). Every band fills rows
    of the same number of slots, chosen so the view is about :data:`VIEW_ASPECT` times as
    wide as it is tall; odd rows are shifted by half a slot so labels do not stack; one
    sweep from the top moves each node of a band towards the mean slot of its neighbours in
    the bands above, which shortens the lines a reader follows.
    """
    vocab = vocabulary()
    by_rank: dict[int, list[str]] = {}
    for key, rank, _inside in nodes:
        by_rank.setdefault(rank, []).append(key)
    ranks = sorted(by_rank)
    counts = [len(by_rank[rank]) for rank in ranks]
    best: tuple[float, int] | None = None
    for per_row in range(2, max(max(counts, default=2), 2) + 1):
        rows = sum(math.ceil(count / per_row) for count in counts)
        width = (min(per_row, max(counts)) - 1 + 0.5) * X_STEP + X_STEP
        height = rows * ROW_STEP + len(ranks) * BAND_GAP
        score = abs(math.log(width / height / VIEW_ASPECT))
        if best is None or score < best[0] - 1e-9:
            best = (score, per_row)
    per_row = best[1] if best else 2
    neighbours: dict[str, list[str]] = {}
    for first, second in edges:
        neighbours.setdefault(first, []).append(second)
        neighbours.setdefault(second, []).append(first)
    positions: dict[str, tuple[float, float]] = {}
    bands: list[Band] = []
    levels = {concept.rank: concept for concept in vocab.lists["level"].by_code.values()}
    y = 0.0
    for rank in ranks:
        order = by_rank[rank]
        placed_x = {key: positions[key][0] for key in positions}

        def pull(key: str, index: int, placed: dict[str, float] = placed_x) -> float:
            xs = [placed[other] for other in neighbours.get(key, ()) if other in placed]
            return sum(xs) / len(xs) if xs else index * X_STEP
        if positions:
            order = [key for _, _, key in sorted(
                (pull(key, index), index, key) for index, key in enumerate(order))]
        rows = math.ceil(len(order) / per_row)
        for start in range(0, len(order), per_row):
            row = order[start:start + per_row]
            row_index = start // per_row
            shift = X_STEP / 2 if row_index % 2 else 0.0
            x0 = -(len(row) - 1) * X_STEP / 2 + shift
            for index, key in enumerate(row):
                positions[key] = (x0 + index * X_STEP, y + row_index * ROW_STEP)
        concept = levels.get(rank)
        bands.append(Band(concept.code if concept else "none",
                          concept.label if concept else "(no level)", rank,
                          y - ROW_STEP / 2, y + (rows - 1) * ROW_STEP + ROW_STEP / 2))
        y += rows * ROW_STEP + BAND_GAP
    return positions, bands


def _gap_actors(finding: Finding, graph: nx.MultiDiGraph) -> set[Hashable]:
    """The actors of ``graph`` a gap names: the actor concerned and the other actor of a
    missing link."""
    return {actor for actor in (finding.actor, finding.value if finding.value
                                and finding.value.startswith(ACTOR) else None)
            if actor and actor in graph}


def _gap_text(finding: Finding) -> str:
    return f"{finding.gap} gap: {finding.message}"


@dataclass
class ActorGaps:
    """The gaps of one actor as the page lists them: their sentences (numbers in the page's
    :class:`~govatlas.viz.text_table.TextTable`), and, when the gaps follow the time
    slider, on which dates each holds (``"1"`` or ``"0"`` for the map's start, then one
    character per date of the slider)."""

    count: int = 0  # at the start
    sentences: list[int] = field(default_factory=list)
    holds: list[str] = field(default_factory=list)


def _actor_gaps(view: MapData, graph: nx.MultiDiGraph, table: TextTable,
                follow: bool) -> dict[Hashable, ActorGaps]:
    """Actor -> its gaps. Without the slider's gaps, the first :data:`GAPS_PER_ACTOR` of the
    start's (the count is always given); with them, every gap found on the start or on any
    date, and when each holds, so the page lists and counts an actor's gaps as of the date
    shown."""
    found: dict[Hashable, ActorGaps] = {}
    if not follow:
        for finding in view.findings:
            if not finding.gap:
                continue
            for actor in _gap_actors(finding, graph):
                entry = found.setdefault(actor, ActorGaps())
                entry.count += 1
                if len(entry.sentences) < GAPS_PER_ACTOR:
                    entry.sentences.append(table.add(_gap_text(finding), finding.shape))
        return found
    assert view.timeline is not None
    steps = view.timeline.steps
    # actor -> sentence -> which of (start, step 0, step 1, ...) it holds on
    marks: dict[Hashable, dict[int, list[bool]]] = {}
    for position, items in enumerate([view.findings, *(view.timeline.gaps.get(step, [])
                                                       for step in steps)]):
        for finding in items:
            if not finding.gap:
                continue
            actors = _gap_actors(finding, graph)
            if not actors:
                continue
            number = table.add(_gap_text(finding), finding.shape)
            for actor in actors:
                row = marks.setdefault(actor, {}).setdefault(number, [False] * (len(steps) + 1))
                row[position] = True
    for actor, sentences in marks.items():
        entry = found[actor] = ActorGaps()
        for number, row in sentences.items():
            entry.sentences.append(number)
            entry.holds.append("".join("1" if held else "0" for held in row))
            entry.count += row[0]
    return found


def _gap_steps(view: MapData, overview: Overview,
               graph: nx.MultiDiGraph) -> dict[str, list[int]]:
    """Group -> the gaps touching its actors on each date of the map's time slider, from the
    gaps the shapes found on the graph of each date (:class:`~govatlas.graph.views.network
    .Timeline`)."""
    assert view.timeline is not None
    steps = view.timeline.steps
    found: dict[str, list[int]] = {}
    for index, step in enumerate(steps):
        for finding in view.timeline.gaps.get(step, []):
            for actor in {finding.actor, finding.value}:
                if actor and actor in overview.home:
                    for gid in overview.chain(overview.home[actor]):
                        found.setdefault(gid, [0] * len(steps))[index] += 1
    return found


#: A source line as the statement sources give it: ``file lines locator``.
SOURCE_LINE = re.compile(r"(.+) lines (.+)", re.S)


def overview_payload(view: MapData) -> tuple[dict[str, Any], dict[str, dict[str, Any]],
                                             dict[str, Any]]:
    """(the page's index, each group's view, the shared texts) as JSON-ready values;
    ``view.overview`` must be set (:func:`~govatlas.graph.views.network.map_data` sets it
    above the threshold).

    The index holds the tree (each group's name, parent, actor count and gap count), the
    search list (every actor's name, other names and group), the legend and the codes the
    views number; a group's view holds its nodes with their positions, the level bands and
    the added-up links; the texts are the actors' gap sentences (a
    :class:`~govatlas.viz.text_table.TextTable`) and the source files, read by the page
    only when a reader opens an actor."""
    overview = view.overview
    assert overview is not None, "map_data sets the overview above its threshold"
    graph = view.graph
    families = link_families()
    timeline = view.timeline
    steps = timeline.steps if timeline else []
    gaps_follow = bool(timeline and timeline.gaps_follow and view.findings is not None)
    table = TextTable()
    gaps = _actor_gaps(view, graph, table, gaps_follow)
    lead = {gid: _lead_type(graph, overview, gid) for gid in overview.groups}
    top = max((overview.groups[c].actors for g in overview.groups.values() for c in g.children),
              default=1) or 1
    measure = view.measure or {}
    top_measure = max(measure.values(), default=0.0) or 1.0
    vocab = vocabulary()
    types = Counter(data.get("type") or "" for _, data in graph.nodes(data=True))
    type_items = type_legend(types)
    type_codes = Codes([item["code"] for item in type_items])
    level_codes = Codes([*vocab.lists["level"].by_code, "none"])
    competence_codes = Codes(sorted(vocab.lists["competence"].by_code))
    files = Codes()

    number = {node: f"a{i}" for i, node in enumerate(graph)}

    def group_node(gid: str, inside: bool) -> dict[str, Any]:
        """A group, compact: its name, count, gaps and links are in the index's tree."""
        item: dict[str, Any] = {"i": gid, "k": "g", "t": type_codes.number(lead[gid]),
                                "s": round(14 + 22 * math.sqrt(overview.groups[gid].actors / top))}
        if not inside:
            item["o"] = 1
        return item

    def source(line: str) -> list[Any] | str:
        match = SOURCE_LINE.fullmatch(line)
        return [files.number(match[1]), match[2]] if match else line

    def actor_node(node: Hashable, inside: bool) -> dict[str, Any]:
        """An actor, compact (keys of one letter, empty values left out, numbers for codes,
        its name in the index's list of actors): a country's page carries forty thousand of
        them."""
        data = graph.nodes[node]
        item: dict[str, Any] = {
            "i": number[node], "t": type_codes.number(data.get("type") or ""),
            "lv": level_codes.number(data.get("level") or "none"),
            "s": round(10 + 14 * math.sqrt(max(measure.get(node, 0.0), 0.0) / top_measure))}
        for key, value in (("vf", data.get("valid_from")), ("vu", data.get("valid_until"))):
            if value:
                item[key] = value[:10]
        found = gaps.get(node)
        if found and found.count:
            item["g"] = found.count
        if not inside:
            item["o"], item["h"] = 1, overview.home[node]
            if found and found.holds:  # its gaps of each date, for its count there
                item["q"] = found.holds
            return item
        label = data.get("label") or str(node)
        extra = {"n": [n for n in view.names.get(str(node), []) if n != label],
                 "v": [level_codes.number(code) for code in data.get("levels") or []],
                 "c": [competence_codes.number(code) for code in data.get("competences") or []],
                 "r": [source(line) for line in view.sources.get(str(node), [])[:5]],
                 "p": found.sentences if found else [], "q": found.holds if found else []}
        item.update({key: value for key, value in extra.items() if value})
        return item

    actor_of = {str(node): node for node in graph}
    link_codes = sorted({code for v in overview.views.values() for link in v.links
                         for code in link.types})
    type_number = {code: i for i, code in enumerate(link_codes)}
    counts = step_counts(graph, overview, steps)
    instrument_label: dict[str, str] = {}
    instrument_links: Counter[str] = Counter()
    for _, _, data in graph.edges(data=True):
        if data.get("instrument"):
            instrument_label.setdefault(data["instrument"],
                                        data.get("instrument_label") or data["instrument"])
            instrument_links[data["instrument"]] += 1
    instruments = sorted(instrument_label, key=lambda iri: instrument_label[iri].casefold())
    instrument_number = {iri: i for i, iri in enumerate(instruments)}
    level_of_rank = {c.rank: code for code, c in vocab.lists["level"].by_code.items()}
    views: dict[str, dict[str, Any]] = {}
    for gid, group_view in overview.views.items():
        placed: list[tuple[str, int, bool]] = []
        pairs: list[tuple[str, str]] = []
        items: dict[str, dict[str, Any]] = {}
        for child in group_view.groups:
            items[child] = group_node(child, True)
            items[child]["lv"] = level_codes.number(
                level_of_rank.get(overview.groups[child].rank, "none"))
            placed.append((child, overview.groups[child].rank, True))
        for node in group_view.actors:
            items[number[node]] = actor_node(node, True)
            placed.append((number[node], _rank_of(graph.nodes[node]), True))
        for other in group_view.context:
            if other in overview.groups:
                items[other] = group_node(other, False)
                items[other]["lv"] = level_codes.number(
                    level_of_rank.get(overview.groups[other].rank, "none"))
                placed.append((other, overview.groups[other].rank, False))
            else:
                actor = actor_of[other]
                items[number[actor]] = actor_node(actor, False)
                placed.append((number[actor], _rank_of(graph.nodes[actor]), False))
        edges = []
        position = {key: at for at, key in enumerate(items)}
        for link in group_view.links:
            first, second = (key if key in overview.groups else number[actor_of[key]]
                             for key in (link.source, link.target))
            pairs.append((first, second))
            kinds = sorted(link.types.items(), key=lambda item: (-item[1], item[0]))
            # [from, to (positions in the view's nodes), links, link type or [[type, links],
            #  ...], 1 if from and to are actors, [[type, instrument or -1, links, links on
            #  each date if they vary], ...]]
            by_kind = counts[(gid, link.source, link.target)]
            edge = [position[first], position[second], link.weight,
                    type_number[kinds[0][0]] if len(kinds) == 1
                    else [[type_number[code], n] for code, n in kinds],
                    1 if link.edges and link.weight == len(link.edges) else 0]
            # left out when no link of the line has an instrument or a period: the page
            # then reads the kinds from the link types (most lines of a country)
            if any(iri or series for (_code, iri), (_total, series) in by_kind.items()):
                edge.append([[type_number[code], instrument_number.get(iri, -1), total,
                              *([series] if series else [])]
                             for (code, iri), (total, series) in sorted(by_kind.items())])
            edges.append(edge)
        positions, bands = view_layout(placed, pairs)
        for key, item in items.items():
            item["x"], item["y"] = (round(value) for value in positions[key])
        views[gid] = {"id": gid, "path": group_view.path, "nodes": list(items.values()),
                      "edges": edges, "bands": [[band.code, round(band.top), round(band.bottom)]
                                                for band in bands]}
    levels = Counter(data.get("level") or "none" for _, data in graph.nodes(data=True))
    link_types = Counter(kind or "" for _, _, kind in graph.edges(data="type"))
    index = {
        "title": view.title, "subtitle": view.subtitle, "root": overview.root,
        "groups": {gid: [g.label, g.parent, g.actors, g.gaps, g.links]
                   for gid, g in overview.groups.items()},
        # every actor: [name, other names, its group]; its id on the page is "a" and its
        # position in this list
        "actors": [[data.get("label") or str(node), " ".join(view.names.get(str(node), [])),
                    overview.home[node]] for node, data in graph.nodes(data=True)],
        "types": type_items,
        # the codes the views give by number
        "typeCodes": type_codes.codes, "levelCodes": level_codes.codes,
        "competenceCodes": competence_codes.codes,
        "families": [{"code": code, "color": colour} for code, colour in FAMILY_COLOURS.items()],
        "levels": {code: c.label for code, c in vocab.lists["level"].by_code.items()},
        "competences": {code: c.label for code, c in vocab.lists["competence"].by_code.items()},
        # the link types the views number: [label, colour]
        "linkTypes": [[_label("link type", code) if code else "link",
                       FAMILY_COLOURS.get(families.get(code, ""), OTHER_COLOUR)]
                      for code in link_codes],
        "linkCodes": link_codes,
        "linkCounts": [link_types[code] for code in link_codes],
        "levelList": [[code, _label("level", code), levels[code]] for code in sorted(
            levels, key=lambda c: vocab.lists["level"].by_code[c].rank
            if c in vocab.lists["level"].by_code else 99)],
        # [IRI, label, links]
        "instruments": [[iri, instrument_label[iri], instrument_links[iri]]
                        for iri in instruments],
        "timeline": {"steps": steps, "start": view.as_of.isoformat() if view.as_of else "",
                     "gapsFollow": gaps_follow},
        # group -> its gaps on each date (only when the gaps follow the date)
        "gapSteps": _gap_steps(view, overview, graph) if gaps_follow else {},
        # group -> its actors valid on each date (only groups whose count changes)
        "actorSteps": actor_steps(graph, overview, steps),
        "actorCount": graph.number_of_nodes(), "linkCount": graph.number_of_edges(),
        "gapCount": len(view.findings),
    }
    texts = {**table.payload(), "files": files.codes}
    return index, views, texts


def render_overview(view: MapData, *, assets_href: str | None = None) -> str:
    """The overview page of ``view``; self-contained unless ``assets_href`` names the folder
    holding ``vis-network.min.js`` and ``vis-network.css`` (see
    :func:`~govatlas.viz.network_map.render_map`)."""
    with paused_collection():
        index, views, texts = overview_payload(view)
        vis_js, vis_css = vis_assets() if assets_href is None else ("", "")
        return render(
            "map-overview.html", title=index["title"] or "Governance network", index=index,
            index_json=Markup(script_json(index)), texts_json=Markup(script_json(texts)),
            views=[(gid, Markup(script_json(item))) for gid, item in views.items()],
            gap_colour=GAP_COLOUR, own_css=Markup(asset("network_map.css")),
            own_js=Markup(asset("svg_view.js") + asset("overview_map.js")), vis_js=Markup(vis_js),
            vis_css=Markup(vis_css),
            assets_href=assets_href.rstrip("/") if assets_href else None)
