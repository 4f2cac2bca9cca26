"""What the atlas shows, gathered from the store once: the places it has a page for, the
network of each, the gaps, the competence matrix, the classifications and the sources.

The renderer (:func:`govatlas.viz.report.render_atlas`) turns an :class:`Atlas` into pages
and runs no query. The network is projected once and each place's map is cut from it
(:func:`place_graph`) instead of projecting the store again for each of a country's thousand
territories; the matrix is built once and cut the same way (:func:`sub_matrix`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from govatlas.graph.analysis import projection
from govatlas.graph.analysis.decoupling import competence_fields
from govatlas.graph.analysis.ideal_types import Classification, classify_network
from govatlas.graph.store import GraphStore
from govatlas.graph.validation.gaps import Finding
from govatlas.graph.views import stats
from govatlas.graph.views.matrix import ALWAYS_SHOWN_LEVELS, CompetenceMatrix, competence_matrix

from .network import (
    MapData,
    actor_names,
    gap_timeline,
    gaps_as_of,
    map_data,
    query_text,
    statement_sources,
)

__all__ = ["COUNTRY_NAMES", "Atlas", "Place", "allocations_by_place", "atlas_data", "documents",
           "gap_types", "gaps_by_place", "place_allocations", "place_graph", "placed_matrix",
           "places", "qualifier_kinds", "sub_matrix"]

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
    that have a place (their own territory or their holder's, read with the one pattern of
    ``queries/placed-allocations.rq``): an allocation with none has no row."""
    placed = {(row["a"].value, row["territory"].value)
              for row in store.select(query_text("placed-allocations.rq"))}
    return competence_matrix(store, territories, as_of=as_of,
                             keep=lambda a: (a.iri, a.territory) in placed)


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


# --- the atlas -------------------------------------------------------------------------------

@dataclass
class Atlas:
    """Everything the atlas shows, as values."""

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
    maps: dict[str, MapData]  # place page -> its map (places with actors only)
    graphs: dict[str, nx.MultiDiGraph]  # place page -> its network
    classifications: dict[str, Classification | str]  # place page -> result, or why not
    gaps: dict[str, list[Finding]]  # place page -> the gaps found there
    gap_types: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _classification(graph: nx.MultiDiGraph, held: list[projection.Allocation],
                    place: Place, fields: dict[str, tuple[str, ...]]) -> Classification | str:
    """The place's ideal type (:func:`classify_network` on the atlas's one projection and
    the place's allocations), or the reason it could not be computed: one place whose
    analysis fails must not stop the whole atlas, and the page says why it shows none."""
    try:
        where = {"territory": place.key} if place.kind == "territory" else {"country": place.key}
        return classify_network(graph, held, fields=fields, **where)
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
               day: date | None = None) -> Atlas:
    """Gather the atlas of the store.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    findings : list of Finding, optional
        The gaps to report (default: :func:`~govatlas.graph.views.network.gaps_as_of` with
        the sources' evidence), for a caller that has already found them.
    day : date, optional
        The date the atlas says it was made (default: today).

    Returns
    -------
    Atlas
    """
    graph = projection.project(store)
    held = projection.allocations(store)
    if findings is None:
        findings = gaps_as_of(store)
    findings = [f for f in findings if f.gap]
    sources = statement_sources(store)
    matrix = placed_matrix(store)
    territories, countries = places(store, graph, matrix)
    timeline = gap_timeline(store)  # once: the shapes run for each date that changes
    names = actor_names(store)
    shared: dict[str, Any] = {"sources": sources, "timeline": timeline, "names": names,
                              "country_names": COUNTRY_NAMES}
    overview = map_data(store, graph=graph, title="Governance network — all actors",
                        findings=findings, **shared)
    maps: dict[str, MapData] = {}
    graphs: dict[str, nx.MultiDiGraph] = {}
    classifications: dict[str, Classification | str] = {}
    gaps = gaps_by_place(findings, territories + countries)
    # a gap placed nowhere and about no actor (an instrument's) may be on any place's map
    unplaced = [f for f in findings if not f.territory and not f.actor]
    by_place = allocations_by_place(held)
    fields = competence_fields(store)
    for place in territories + countries:
        sub = place_graph(graph, by_place, place)
        graphs[place.page] = sub
        if place.actors:
            scope = {"city": place.key} if place.kind == "territory" else {"country": place.key}
            maps[place.page] = map_data(store, graph=sub, **shared, **scope,
                                        title=f"Governance network — {place.name}",
                                        findings=gaps[place.page]
                                        + (unplaced if place.kind == "territory" else []))
        classifications[place.page] = _classification(
            graph, place_allocations(by_place, place), place, fields)
    return Atlas(day=day or date.today(), totals=stats.totals(store), findings=findings,
                 sources=sources, documents=documents(store), kinds=qualifier_kinds(store),
                 matrix=matrix, territories=territories, countries=countries,
                 overview=overview, maps=maps, graphs=graphs, classifications=classifications,
                 gaps=gaps, gap_types=gap_types(store))
