"""What a network map shows, gathered from the store: the actors and links of a scope, the
gaps found there as of a day, the sources of every statement and the centrality that sizes
the nodes.

The renderer (:mod:`govatlas.viz.network_map`) draws a :class:`MapData` and runs no query;
this module runs them all. Its queries are files in ``queries/`` beside it.

Gaps as of a day. A gap is an absence (delivery without funding, a level without a forum), so
it cannot be dated by filtering today's findings: a gap closed in 2018 by a new contract is
not among today's findings at all, yet it is on the map of 2015. So for ``as_of`` the gap
shapes run on a scratch copy of the graph from which every statement not valid that day has
been removed (:func:`snapshot`), with the derived graph recomputed from what is left. The
city and country scope reaches the gaps too: a finding placed in another territory or country
is not drawn on this one's map (:func:`in_scope`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from govatlas.graph.analysis.projection import project
from govatlas.graph.store import GraphStore
from govatlas.graph.validation.gaps import Finding, with_evidence
from govatlas.graph.validation.kept import gap_findings
from govatlas.graph.views.overview import OVERVIEW_THRESHOLD, Overview, overview, steps_of
from govatlas.ontology import derivation_rules
from govatlas.ontology.namespaces import DERIVED_GRAPH, XSD
from govatlas.ontology.vocabulary import vocabulary

__all__ = [
    "SIZE_MEASURES",
    "TIMELINE_GAPS_LIMIT",
    "MapData",
    "Timeline",
    "actor_names",
    "gap_timeline",
    "gaps_as_of",
    "in_scope",
    "link_competences",
    "map_data",
    "query_text",
    "sizes",
    "snapshot",
    "statement_sources",
]

QUERIES = Path(__file__).resolve().parent / "queries"

#: Node size follows one of these measures (graph/analysis/centrality.py defines them).
SIZE_MEASURES = ("degree", "betweenness", "pagerank")


@cache
def query_text(name: str) -> str:
    """The text of the query ``queries/<name>``."""
    return (QUERIES / name).read_text(encoding="utf-8")


def statement_sources(store: GraphStore) -> dict[str, list[str]]:
    """Actor or link IRI -> ``file lines L`` for every source that states it, sorted."""
    found: dict[str, list[str]] = defaultdict(list)
    for row in store.select(query_text("statement-sources.rq")):
        line = f"{row['source'].value} lines {row['locator'].value}"
        if line not in found[row["x"].value]:
            found[row["x"].value].append(line)
    return {key: sorted(lines) for key, lines in found.items()}


def link_competences(store: GraphStore) -> dict[str, str]:
    """Link IRI -> the code of the competence the link names (``links.csv``, ``competence``)."""
    return {row["link"].value: row["code"].value
            for row in store.select(query_text("link-competences.rq"))}


def snapshot(store: GraphStore, day: date) -> GraphStore:
    """A scratch in-memory copy of ``store`` holding only what is valid on ``day``.

    Actors, links, allocations and instruments whose period excludes the day are removed
    (a link with no period of its own takes its instrument's), then the links and allocations
    of removed actors, and the derived graph is recomputed from the rest. The stored graph is
    not touched.
    """
    copy = store.in_memory_copy()
    day_term = ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    _remove_subjects(copy, copy.select(query_text("not-valid-on.rq"), {"day": day_term}))
    _remove_subjects(copy, copy.select(query_text("orphan-statements.rq")))
    copy.materialize(DERIVED_GRAPH, derivation_rules())
    return copy


def _remove_subjects(store: GraphStore, rows: list[dict]) -> None:
    """Remove every quad whose subject is a row's ``?x``, in every graph."""
    for row in rows:
        for quad in list(store.store.quads_for_pattern(row["x"], None, None, None)):
            store.store.remove(quad)


def gaps_as_of(store: GraphStore, day: date | None = None,
               gap_types: Iterable[str] | None = None) -> list[Finding]:
    """The gaps the shapes find in the graph as it stood on ``day`` (today's graph, every
    statement whatever its period, when ``day`` is None), with the sources' evidence."""
    graph = snapshot(store, day) if day is not None else store
    return with_evidence(graph, gap_findings(graph, gap_types))


#: Above this many quads the gaps are found for the map's first date only: the shapes run
#: once per date of the time slider, which costs seconds on the bundled graph and minutes on
#: a country of millions of triples (bench/RESULTS.md).
TIMELINE_GAPS_LIMIT = 300_000


@dataclass
class Timeline:
    """The dates of a map's time slider and the gaps of the graph as of each.

    ``steps`` are ISO dates (1 July of each year the periods span, and the map's ``as_of``);
    ``gaps`` maps a step to the findings of that day, for every step when ``gaps_follow``,
    else none (the store is too large to run the shapes for every date).
    """

    steps: list[str]
    gaps: dict[str, list[Finding]] = field(default_factory=dict)
    gaps_follow: bool = True


def gap_timeline(store: GraphStore, as_of: date | None = None, gaps: bool = True,
             gap_types: Iterable[str] | None = None,
             limit: int = TIMELINE_GAPS_LIMIT) -> Timeline:
    """The slider's dates and, on a graph under ``limit`` quads, the gaps as of each.

    The shapes run again only on a date whose set of statements differs from the date
    before: the gaps are a function of what is valid, so between two changes they are the
    same.
    """
    span = store.select(query_text("period-span.rq"))
    first = span[0]["first"] if span else None
    last = span[0]["last"] if span else None
    if first is None or last is None:
        return Timeline([as_of.isoformat()] if as_of else [], gaps_follow=False)
    years = range(int(first.value), max(int(last.value), date.today().year) + 1)
    days = sorted({date(year, 7, 1) for year in years} | ({as_of} if as_of else set()))
    result = Timeline([day.isoformat() for day in days],
                      gaps_follow=gaps and not store.holds_more_than(limit))
    if not result.gaps_follow:
        return result
    previous: frozenset[str] | None = None
    found: list[Finding] = []
    for day in days:
        gone = frozenset(row["x"].value for row in store.select(
            query_text("not-valid-on.rq"),
            {"day": ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))}))
        if gone != previous:
            found = gaps_as_of(store, day, gap_types)
            previous = gone
        result.gaps[day.isoformat()] = found
    return result


def actor_names(store: GraphStore) -> dict[str, list[str]]:
    """Actor IRI -> its other names (acronyms first: the shortest, then alphabetical)."""
    names: dict[str, set[str]] = defaultdict(set)
    for row in store.select(query_text("actor-names.rq")):
        names[row["a"].value].add(row["name"].value)
    return {actor: sorted(found, key=lambda n: (len(n), n)) for actor, found in names.items()}


def in_scope(finding: Finding, city: str | None = None, country: str | None = None) -> bool:
    """Whether a finding belongs on the map of ``city`` / ``country``: one placed in another
    territory or country does not (one with no place is kept; the map then draws it only if
    it touches the map's actors)."""
    if city and finding.territory and finding.territory.casefold() != city.casefold():
        return False
    return not (country and finding.country
                and finding.country.casefold() != country.casefold())


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


@dataclass
class MapData:
    """Everything one network map draws, as values.

    ``graph`` is the projection (:func:`~govatlas.graph.analysis.projection.project`) of the
    scope, ``findings`` the gaps in scope, ``sources`` the source lines of each actor and
    link, ``measure`` the centrality named ``size_by`` of each actor.
    """

    graph: nx.MultiDiGraph
    findings: list[Finding] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)
    measure: dict[Hashable, float] = field(default_factory=dict)
    size_by: str = "degree"
    title: str = "Governance network"
    subtitle: str = ""
    as_of: date | None = None
    scope: dict[str, str] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)
    timeline: Timeline | None = None
    #: set when the map has more actors than its ``overview_threshold``: the page then opens
    #: as groups drilled into (:mod:`govatlas.graph.views.overview`)
    overview: Overview | None = None


def _matches(value: str | None, wanted: str) -> bool:
    """Whether an IRI or its last segment equals ``wanted`` (case-insensitively)."""
    if not value:
        return False
    wanted = wanted.casefold()
    return value.casefold() == wanted or value.replace("#", "/").rsplit("/", 1)[-1].casefold() \
        == wanted


def narrow(graph: nx.MultiDiGraph, instrument: str | None = None,
           competence: str | None = None) -> nx.MultiDiGraph:
    """Keep the links of ``instrument`` (IRI, id or label) and their actors, then the actors
    holding ``competence`` (code or label) and the links among them."""
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
    return graph


def _valid_on(data: dict, day: date | None) -> bool:
    """Whether a node's or edge's period (ISO strings, either open) contains ``day``."""
    if day is None:
        return True
    iso = day.isoformat()
    start, end = data.get("valid_from"), data.get("valid_until")
    return (not start or start[:10] <= iso) and (not end or iso <= end[:10])


def map_data(store: GraphStore, *, city: str | None = None, country: str | None = None,
             instrument: str | None = None, competence: str | None = None,
             as_of: date | None = None, size_by: str = "degree", gaps: bool = True,
             findings: list[Finding] | None = None, title: str | None = None,
             sources: dict[str, list[str]] | None = None,
             graph: nx.MultiDiGraph | None = None, slider: bool = True,
             timeline: Timeline | None = None,
             names: dict[str, list[str]] | None = None,
             overview_threshold: int = OVERVIEW_THRESHOLD,
             country_names: dict[str, str] | None = None) -> MapData:
    """The network of a scope, ready to draw.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    city, country : str, optional
        Keep the actors of this territory (label, case-insensitive) or ISO country code and
        the links among them; gaps placed elsewhere are left out.
    instrument, competence : str, optional
        See :func:`narrow`.
    as_of : date, optional
        The day the map shows: the actors and links valid then, and the gaps of the graph as
        it stood then (:func:`gaps_as_of`). With ``slider`` it is where the time slider
        starts, and the map holds every statement so the slider can move. Default: every
        statement, whatever its period, and today's gaps.
    size_by : {"degree", "betweenness", "pagerank"}
        The centrality that sizes the nodes.
    gaps : bool
        Find the gaps (the costliest step on a large graph).
    findings : list of Finding, optional
        Gaps already found for ``as_of`` (the atlas finds them once for all its maps); they
        are still scoped to ``city`` / ``country``.
    title : str, optional
        The page heading (default: built from the scope).
    sources, graph, names : optional
        The statement sources, the scope's projection and the actors' other names, when the
        caller has them already.
    slider : bool
        Give the map a time slider (:func:`gap_timeline`); ``timeline`` is one already computed.
        An overview's slider moves its lines (the links of each pair of groups valid on each
        date, :func:`~govatlas.graph.views.overview.step_counts`); its gaps follow the date
        only on a graph small enough to run the shapes for every date.
    overview_threshold : int
        Above this many actors the map is an overview of groups
        (:func:`~govatlas.graph.views.overview.overview`); ``country_names`` names the
        country groups of a map of several countries.

    Returns
    -------
    MapData
    """
    if size_by not in SIZE_MEASURES:
        raise ValueError(f"size_by must be one of {', '.join(SIZE_MEASURES)}, not {size_by!r}")
    if graph is None:
        graph = project(store, as_of=None if slider else as_of, country=country,
                        territory=city)
    graph = narrow(graph, instrument, competence)
    # the map's details name the competence a link is about; a graph given without a store
    # (a generated country drawn straight from its rows) names none
    concerned = link_competences(store) if store is not None else {}
    for _, _, key, data in graph.edges(keys=True, data=True):
        if str(key) in concerned:
            data["competence"] = concerned[str(key)]
    large = graph.number_of_nodes() > overview_threshold
    if slider and timeline is None:
        # a graph given without a store (a generated country) takes its dates from itself
        timeline = gap_timeline(store, as_of, gaps) if store is not None else \
            Timeline(steps_of(graph, as_of), gaps_follow=False)
    found: list[Finding] = []
    if gaps:
        if findings is None and timeline is not None and as_of is not None \
                and timeline.gaps_follow:
            findings = timeline.gaps[as_of.isoformat()]
        found = findings if findings is not None else gaps_as_of(store, as_of)
        found = [f for f in found if f.gap and in_scope(f, city, country)]
        if timeline is not None:
            timeline = Timeline(timeline.steps, {
                step: [f for f in items if f.gap and in_scope(f, city, country)]
                for step, items in timeline.gaps.items()}, timeline.gaps_follow)
    elif timeline is not None:
        timeline = Timeline(timeline.steps, {}, False)
    scope = {name: value for name, value in (
        ("city", city), ("country", country), ("instrument", instrument),
        ("competence", competence), ("as of", as_of.isoformat() if as_of else None)) if value}
    heading = title or ("Governance network" + (f" — {city}" if city else "")
                        + (f" — {country}" if country and not city else ""))
    actors = sum(1 for _, d in graph.nodes(data=True) if _valid_on(d, as_of))
    links = sum(1 for _, _, d in graph.edges(data=True) if _valid_on(d, as_of))
    subtitle = (f"{actors:,} {'actor' if actors == 1 else 'actors'}, "
                f"{links:,} {'link' if links == 1 else 'links'}"
                + (f" ({'; '.join(f'{k} {v}' for k, v in scope.items())})" if scope else "")
                + ". National level at the top, local at the bottom.")
    grouped = None
    if large:
        touched: Counter[Hashable] = Counter()
        for finding in found:
            for actor in {finding.actor, finding.value}:
                if actor and actor in graph:
                    touched[actor] += 1
        root = (country_names or {}).get(country or "", country) if country else \
            (city or "All actors")
        grouped = overview(graph, root_label=root, country_names=country_names,
                           gap_actors=touched, type_labels={
                               code: concept.label for code, concept in
                               vocabulary().lists["actor type"].by_code.items()})
    return MapData(graph=graph, findings=found,
                   sources=sources if sources is not None else statement_sources(store),
                   measure=sizes(graph, size_by), size_by=size_by, title=heading,
                   subtitle=subtitle, as_of=as_of, scope=scope,
                   names=names if names is not None else actor_names(store),
                   timeline=timeline, overview=grouped)
