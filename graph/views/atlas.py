"""What the atlas shows, gathered from the store once: the places it has a page for, the
network of each, the gaps, the competence matrix, the classifications and the sources.

The renderer (:func:`govatlas.viz.report.render_atlas`) turns an :class:`Atlas` into pages
and runs no query. Every store read happens once, in :func:`atlas_data`: one projection, one
run of the gap shapes (or the findings the caller already has), one reading of the sources,
names and link competences, one matrix, one overview of the whole graph. A place's view
(:func:`place_view`: its network, map, ideal type and gaps) is then cut from those values
without reading the store, one place at a time, so the report can write each place's pages
and forget them: its memory holds the shared values plus one place, not a country's
thousand places (:func:`place_views`).

What each place costs grows with the place, not with the country: its map is a subgraph of
the one projection (:func:`place_graph`), its gaps and allocations come from indexes built
once (:func:`gaps_by_place`, :func:`allocations_by_place`), and its ideal type is computed
on the links that touch the place and its competence holders (:func:`place_setting`), which
give the same classification as the whole network.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from govatlas.graph.analysis import projection
from govatlas.graph.analysis.decoupling import competence_fields
from govatlas.graph.analysis.ideal_types import THRESHOLDS, Classification, classify_network
from govatlas.graph.store import GraphStore
from govatlas.graph.validation.cases import cases as validation_cases
from govatlas.graph.validation.gaps import Finding
from govatlas.graph.views import stats
from govatlas.graph.views.matrix import ALWAYS_SHOWN_LEVELS, CompetenceMatrix, competence_matrix

from .network import (
    MapData,
    Timeline,
    actor_names,
    gap_timeline,
    gaps_as_of,
    link_competences,
    map_data,
    query_text,
    statement_sources,
)

__all__ = ["ATLAS_TIMELINE_LIMIT", "CASE_EXAMPLES", "COUNTRY_NAMES", "Atlas", "GapCase",
           "GapRule", "Place", "PlaceView", "allocations_by_place", "atlas_data", "cited_lines",
           "documents", "gap_rules", "gap_types", "gaps_by_place",
           "place_allocations", "place_graph", "place_setting", "place_view", "place_views",
           "placed_matrix", "places", "qualifier_kinds", "sub_matrix"]

#: Above this many quads the atlas's maps have a time slider for actors and links only: the
#: gaps of each slider date need the gap shapes run again on a copy of the graph as of that
#: date, which on a generated country of 2,000 municipalities (160,000 quads) took 137 s
#: for five dates against 25 s for today's gaps (bench/RESULTS.md, the atlas). Below it
#: (the bundled graph) the slider moves the gaps too.
ATLAS_TIMELINE_LIMIT = 100_000

#: Display names of the country codes the bundled data uses; any other code is shown as is.
COUNTRY_NAMES = {
    "AT": "Austria", "BE": "Belgium", "CA": "Canada", "CH": "Switzerland", "CY": "Cyprus",
    "DE": "Germany", "DK": "Denmark", "ES": "Spain", "EU": "European Union", "FI": "Finland",
    "FR": "France", "GR": "Greece", "HR": "Croatia", "IE": "Ireland",
    "INT": "International", "IT": "Italy", "JO": "Jordan", "LB": "Lebanon", "LU": "Luxembourg",
    "MA": "Morocco", "NL": "Netherlands", "PL": "Poland", "PT": "Portugal", "SE": "Sweden",
    "TN": "Tunisia", "UK": "United Kingdom",
}


@dataclass
class Place:
    """A territory or a country page: its name, address and the actors placed in it."""

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


def slug(text: str, taken: set[str]) -> str:
    """A readable file name from ``text`` (accents folded, so Besançon is ``besancon``):
    lower-case letters, digits and dashes, unique in ``taken``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "-", folded.casefold()).strip("-")[:60] or "page"
    name, index = base, 2
    while name in taken:
        name, index = f"{base}-{index}", index + 1
    taken.add(name)
    return name


# --- the matrix ------------------------------------------------------------------------------

def placed_matrix(store: GraphStore, territories: list[str] | None = None,
                  as_of: date | None = None) -> CompetenceMatrix:
    """:func:`~govatlas.graph.views.matrix.competence_matrix`, keeping only the allocations
    that have a place (their own territory or their holder's): an allocation with none has
    no row."""
    return competence_matrix(store, territories, as_of=as_of, keep=lambda a: a.placed)


def sub_matrix(matrix: CompetenceMatrix, territories: list[str]) -> CompetenceMatrix:
    """The rows of ``territories`` (case-insensitive) of an already built matrix, with the
    levels they use plus national, regional and local: building the matrix once and cutting
    it is what keeps an atlas of many pages fast."""
    wanted = {name.casefold() for name in territories}
    rows = {name: cells for name, cells in matrix.rows.items() if name.casefold() in wanted}
    used = {code for cells in rows.values() for code, cell in cells.items() if cell.holders}
    levels = [(code, label) for code, label in matrix.levels
              if code in used or code in ALWAYS_SHOWN_LEVELS]
    return CompetenceMatrix(levels=levels, rows=rows,
                            countries={name: matrix.countries.get(name, "") for name in rows})


def qualifier_kinds(store: GraphStore) -> dict[str, set[str]]:
    """Allocation IRI -> its qualifier kinds (``shared``, ``delegated``, ...)."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in store.select(query_text("qualifier-kinds.rq")):
        kinds[row["a"].value].add(row["kind"].value)
    return dict(kinds)


def gap_types(store: GraphStore) -> list[dict[str, str]]:
    """The eight gaps: ``code``, ``label``, the OECD ``definition`` and its ``source``."""
    return [{key: term.value if term is not None else "" for key, term in row.items()}
            for row in store.select(query_text("gap-types.rq"))]


def documents(store: GraphStore) -> dict[str, dict[str, str]]:
    """Source file -> its ``title``, ``publisher``, ``date`` and ``url`` where recorded."""
    return {row["id"].value: {key: term.value for key, term in row.items()
                              if term is not None and key != "id"}
            for row in store.select(query_text("documents.rq"))}


# --- places ----------------------------------------------------------------------------------

def places(store: GraphStore, graph: nx.MultiDiGraph,
           matrix: CompetenceMatrix | None = None) -> tuple[list[Place], list[Place]]:
    """The territories and the countries the atlas has a page for.

    A territory with no actor and no placed allocation gets no page (a "France" territory
    that only names the country would be an empty page beside the France country page).
    """
    territory_actors: dict[str, set[str]] = defaultdict(set)
    country_actors: dict[str, set[str]] = defaultdict(set)
    for node, data in graph.nodes(data=True):
        for territory in data.get("territories") or []:
            territory_actors[territory.casefold()].add(node)
        if data.get("country"):
            country_actors[data["country"]].add(node)
    with_allocations = {name.casefold() for name in (matrix.rows if matrix else {})}
    taken: set[str] = set()
    territories = []
    for row in store.select(query_text("territories.rq")):
        label = row["label"].value
        actors = territory_actors.get(label.casefold(), set())
        if not actors and label.casefold() not in with_allocations:
            continue
        country = row["country"].value if row["country"] is not None else ""
        territories.append(Place("territory", label, label, "", country, actors))
    territories.sort(key=lambda p: p.name.casefold())
    for place in territories:
        place.slug = slug(place.name, taken)
    taken = set()
    codes = set(country_actors) | {p.country for p in territories if p.country}
    countries = []
    for code in sorted(codes):
        place = Place("country", code, COUNTRY_NAMES.get(code, code), slug(code, taken), code,
                      country_actors.get(code, set()))
        place.territories = [t.name for t in territories if t.country == code]
        countries.append(place)
    return territories, countries


def allocations_by_place(held: list[projection.Allocation],
                         ) -> dict[tuple[str, str], list[projection.Allocation]]:
    """(``"territory"``, label casefolded) and (``"country"``, code casefolded) -> the
    allocations in that place, in ``held``'s order: read once, so that each of a country's
    thousand pages does not scan every allocation of the country."""
    found: dict[tuple[str, str], list[projection.Allocation]] = defaultdict(list)
    for allocation in held:
        for territory in {t.casefold() for t in allocation.territories}:
            found[("territory", territory)].append(allocation)
        found[("country", (allocation.country or "").casefold())].append(allocation)
    return found


def place_allocations(held: list[projection.Allocation] | dict, place: Place,
                      ) -> list[projection.Allocation]:
    """The allocations in ``place``: those placed in the territory, or of the country (what
    ``allocations(store, territory=...)`` or ``country=...`` gives). ``held`` is every
    allocation, or :func:`allocations_by_place` of them."""
    index = held if isinstance(held, dict) else allocations_by_place(held)
    return list(index.get((place.kind, place.key.casefold()), []))


def place_graph(graph: nx.MultiDiGraph, held: list[projection.Allocation] | dict,
                place: Place) -> nx.MultiDiGraph:
    """The network of ``place`` cut from the whole projection: what
    ``project(store, territory=...)`` (or ``country=...``) gives, without reading the store
    again. Each actor keeps the competences it holds *in that place*. ``held`` is every
    allocation, or :func:`allocations_by_place` of them."""
    sub = graph.subgraph(place.actors).copy()
    for node in sub:
        sub.nodes[node]["competences"] = []
    for allocation in place_allocations(held, place):
        if allocation.holder not in sub:
            continue
        competences = sub.nodes[allocation.holder]["competences"]
        if allocation.competence not in competences:
            competences.append(allocation.competence)
    for node in sub:
        sub.nodes[node]["competences"].sort()
    return sub


# --- gaps as cases ---------------------------------------------------------------------------

#: findings a case lists in full; the others are counted (a country's case can hold thousands)
CASE_EXAMPLES = 20
#: findings a page lists in all: with many cases each lists fewer (at least one), so the gap
#: page of a country of 70,000 findings stays a page a browser opens at once
PAGE_FINDINGS = 3_000


@dataclass
class GapCase:
    """The findings of one rule in one place (a territory, or none) at one level."""

    territory: str
    level: str
    count: int
    findings: list[Finding]  # the first :data:`CASE_EXAMPLES`

    @property
    def more(self) -> int:
        return self.count - len(self.findings)


@dataclass
class GapRule:
    """One gap shape (a rule) of one gap type, its plain-words description and what would
    close it (:mod:`govatlas.graph.validation.cases`), and its cases, largest first."""

    gap: str
    shape: str
    name: str
    rule: str
    closed_by: str
    count: int
    cases: list[GapCase]

    @property
    def levels(self) -> list[str]:
        return sorted({case.level for case in self.cases if case.level})

    @property
    def examples(self) -> int:
        """How many findings each case lists at most."""
        return max((len(case.findings) for case in self.cases), default=0)


def gap_rules(findings: list[Finding], examples: int = CASE_EXAMPLES,
              budget: int = PAGE_FINDINGS) -> dict[str, list[GapRule]]:
    """Gap type code -> its rules, each with one case per place (territory and level) and
    how many findings it groups: what the gap pages show instead of one line per finding.
    The rule's words come from the validators' cases (:func:`validation_cases`), so the atlas
    and ``govatlas gaps`` describe a rule alike.

    Each case keeps its first ``examples`` findings, fewer when the cases are so many that
    they would list more than ``budget`` findings in all (never fewer than one)."""
    words = {case.shape: (case.rule, case.closed_by) for case in validation_cases(findings)}
    grouped: dict[tuple[str, str], dict[tuple[str, str], list[Finding]]] = \
        defaultdict(lambda: defaultdict(list))
    names: dict[tuple[str, str], str] = {}
    for finding in findings:
        rule = (finding.gap or "", finding.shape)
        names.setdefault(rule, finding.shape_name)
        grouped[rule][(finding.territory, finding.level)].append(finding)
    result: dict[str, list[GapRule]] = defaultdict(list)
    count = sum(len(by_place) for by_place in grouped.values())
    examples = max(1, min(examples, budget // max(count, 1)))
    for (gap, shape), by_place in grouped.items():
        cases = [GapCase(territory, level, len(items), items[:examples])
                 for (territory, level), items in by_place.items()]
        cases.sort(key=lambda c: (-c.count, c.territory.casefold(), c.level))
        rule, closed_by = words.get(shape, ("", ""))
        result[gap].append(GapRule(gap, shape, names[(gap, shape)], rule, closed_by,
                                   sum(c.count for c in cases), cases))
    for rules in result.values():
        rules.sort(key=lambda r: (-r.count, r.name))
    return dict(result)


def cited_lines(lines: list[str]) -> dict[str, list[str]]:
    """``["a.txt lines 3", "a.txt lines 7-9"]`` -> ``{"a.txt": ["3", "7-9"]}``: the lines
    each source file is cited at, each once, in order, so a page can show a source by its
    title with the file and lines after it."""
    found: dict[str, dict[str, None]] = {}
    for line in lines:
        file, _, where = line.partition(" lines ")
        cited = found.setdefault(file, {})
        if where:
            cited[where] = None
    return {file: list(where) for file, where in found.items()}


# --- the atlas -------------------------------------------------------------------------------

@dataclass
class Atlas:
    """Everything the atlas shows, as values: what every page shares, and what each place's
    view is cut from (:func:`place_view`)."""

    day: date
    totals: list[tuple[str, int]]
    findings: list[Finding]
    sources: dict[str, list[str]]
    documents: dict[str, dict[str, str]]
    kinds: dict[str, set[str]]
    matrix: CompetenceMatrix
    territories: list[Place]
    countries: list[Place]
    overview: MapData
    gaps: dict[str, list[Finding]]  # place page -> the gaps found there
    gap_types: list[dict[str, str]] = field(default_factory=list)
    #: the one projection of the store (edges carry the competence they concern)
    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    #: :func:`allocations_by_place` of every allocation
    allocations: dict[tuple[str, str], list[projection.Allocation]] = field(default_factory=dict)
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)
    timeline: Timeline | None = None
    #: gaps placed nowhere and about no actor (an instrument's): on every territory's map
    unplaced: list[Finding] = field(default_factory=list)
    #: :func:`gap_rules` of every finding: the gap page's cases
    rules: dict[str, list[GapRule]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def places(self) -> list[Place]:
        return self.territories + self.countries


@dataclass
class PlaceView:
    """One place's part of the atlas: its network, its map (None when it has no actor, or
    when it holds every actor, whose map is the atlas's overall one: ``map_href``), its ideal
    type (or why none) and its gaps."""

    place: Place
    graph: nx.MultiDiGraph
    map: MapData | None
    map_href: str | None  # relative to the atlas root
    classification: Classification | str
    gaps: list[Finding]
    rules: dict[str, list[GapRule]] = field(default_factory=dict)  # :func:`gap_rules` of gaps


def place_setting(graph: nx.MultiDiGraph, place: Place,
                  held: list[projection.Allocation]) -> nx.MultiDiGraph:
    """The part of ``graph`` the place's ideal type depends on: its actors and the competence
    holders of its allocations, with every link that touches one of them.

    :func:`~govatlas.graph.analysis.ideal_types.classify_network` reads the whole network
    twice for a territory: for the links touching its actors, and to look for paths of at
    most ``max_steps`` (2) between holders of a field at different levels. A path of one or
    two steps between two holders runs along links that each touch a holder, so this graph
    answers both questions as the whole network does, at the cost of the place's links
    rather than the country's (tests/test_atlas_scale.py checks the two agree).
    """
    keep = set(place.actors) | {a.holder for a in held if a.holder in graph}
    edges = {(u, v, key) for node in keep
             for u, v, key in (*graph.out_edges(node, keys=True),
                               *graph.in_edges(node, keys=True))}
    setting = nx.MultiDiGraph(**graph.graph)
    setting.add_nodes_from((node, graph.nodes[node]) for node in keep)
    for u, v, key in sorted(edges, key=lambda edge: tuple(map(str, edge))):
        for end in (u, v):
            if end not in setting:
                setting.add_node(end, **graph.nodes[end])
        setting.add_edge(u, v, key=key, **graph.edges[u, v, key])
    return setting


def _classification(graph: nx.MultiDiGraph, held: list[projection.Allocation],
                    place: Place, fields: dict[str, tuple[str, ...]]) -> Classification | str:
    """The place's ideal type (:func:`classify_network` on the atlas's one projection and
    the place's allocations), or the reason it could not be computed: one place whose
    analysis fails must not stop the whole atlas, and the page says why it shows none.

    A territory is classified on :func:`place_setting` (the same answer as the whole network,
    which holds for paths of up to two steps, the thresholds' ``max_steps``); a country on
    the whole network."""
    try:
        if place.kind == "territory":
            network = (place_setting(graph, place, held)
                       if THRESHOLDS.get("max_steps", 2) <= 2 else graph)
            return classify_network(network, held, fields=fields, territory=place.key)
        return classify_network(graph, held, fields=fields, country=place.key)
    except (ValueError, KeyError, ZeroDivisionError) as error:
        return f"{type(error).__name__}: {error}"


def gaps_by_place(findings: list[Finding], places: list[Place]) -> dict[str, list[Finding]]:
    """Place page -> the gaps found there: placed in the territory (or country), or
    concerning one of its actors. Findings are indexed once by territory, country and actor,
    so the cost grows with the findings plus the places, not with their product."""
    by_territory: dict[str, list[int]] = defaultdict(list)
    by_country: dict[str, list[int]] = defaultdict(list)
    by_actor: dict[str, list[int]] = defaultdict(list)
    for number, finding in enumerate(findings):
        if finding.territory:
            by_territory[finding.territory].append(number)
        if finding.country:
            by_country[finding.country].append(number)
        if finding.actor:
            by_actor[finding.actor].append(number)
    found: dict[str, list[Finding]] = {}
    for place in places:
        numbers = set((by_territory if place.kind == "territory" else by_country)
                      .get(place.key, []))
        for actor in place.actors:
            numbers.update(by_actor.get(actor, ()))
        found[place.page] = [findings[number] for number in sorted(numbers)]
    return found


def atlas_data(store: GraphStore, *, findings: list[Finding] | None = None,
               day: date | None = None,
               timeline_limit: int | None = None) -> Atlas:
    """Gather the atlas of the store: every store read the atlas needs, each once.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    findings : list of Finding, optional
        The gaps to report (default: :func:`~govatlas.graph.views.network.gaps_as_of` with
        the sources' evidence, the one run of the gap shapes), for a caller that has already
        found them.
    day : date, optional
        The date the atlas says it was made (default: today).
    timeline_limit : int, optional
        Above this many quads the maps' time slider moves actors and links but not the gaps
        (default :data:`ATLAS_TIMELINE_LIMIT`).

    Returns
    -------
    Atlas
        The per-place views are :func:`place_views` of it.
    """
    held = projection.allocations(store)
    graph = projection.project(store, held=held)
    if findings is None:
        findings = gaps_as_of(store)
    findings = [f for f in findings if f.gap]
    concerned = link_competences(store)
    for _, _, key, data in graph.edges(keys=True, data=True):
        if str(key) in concerned:
            data["competence"] = concerned[str(key)]
    sources = statement_sources(store)
    matrix = placed_matrix(store)
    territories, countries = places(store, graph, matrix)
    quads = len(store)  # counted once: a country's three million quads take seconds
    limit = ATLAS_TIMELINE_LIMIT if timeline_limit is None else timeline_limit
    timeline = gap_timeline(store, gaps=quads <= limit, limit=limit)  # each date's gaps
    names = actor_names(store)
    # the graph's edges already name their competence: no store for map_data to read again
    overview = map_data(None, graph=graph, title="Governance network — all actors",
                        findings=findings, sources=sources, timeline=timeline, names=names,
                        country_names=COUNTRY_NAMES)
    return Atlas(day=day or date.today(), totals=stats.totals(store, quads), findings=findings,
                 sources=sources, documents=documents(store), kinds=qualifier_kinds(store),
                 matrix=matrix, territories=territories, countries=countries,
                 overview=overview, gaps=gaps_by_place(findings, territories + countries),
                 gap_types=gap_types(store), graph=graph, allocations=allocations_by_place(held),
                 fields=competence_fields(store), names=names, timeline=timeline,
                 unplaced=[f for f in findings if not f.territory and not f.actor],
                 rules=gap_rules(findings))


def place_view(atlas: Atlas, place: Place) -> PlaceView:
    """The view of one place, cut from the atlas's values (no store read): its network, its
    map, its ideal type and its gaps. A place holding every actor of the graph (the country
    of a one-country graph) shares the overall map rather than drawing it a second time."""
    sub = place_graph(atlas.graph, atlas.allocations, place)
    gaps = atlas.gaps[place.page]
    data: MapData | None = None
    href: str | None = None
    if place.actors and len(place.actors) == atlas.graph.number_of_nodes():
        href = "map.html"
    elif place.actors:
        scope = {"city": place.key} if place.kind == "territory" else {"country": place.key}
        data = map_data(None, graph=sub, sources=atlas.sources, timeline=atlas.timeline,
                        names=atlas.names, country_names=COUNTRY_NAMES, **scope,
                        title=f"Governance network — {place.name}",
                        findings=gaps + (atlas.unplaced if place.kind == "territory" else []))
        href = place.map_page
    classification = _classification(atlas.graph, place_allocations(atlas.allocations, place),
                                      place, atlas.fields)
    return PlaceView(place=place, graph=sub, map=data, map_href=href,
                     classification=classification, gaps=gaps, rules=gap_rules(gaps))


def place_views(atlas: Atlas) -> Iterator[PlaceView]:
    """:func:`place_view` of every place, territories first, one at a time."""
    for place in atlas.places:
        yield place_view(atlas, place)
