"""Projections of the RDF graph onto NetworkX graphs for network analysis.

The knowledge graph stores coordination links and competence allocations as nodes of their own
(n-ary statements with a period, a status and a source). Network measures need the plain
picture: actors as nodes, links as edges. This module draws that picture once, with the filters
a researcher needs to say *which* network was measured (a day, a country, a territory, whether
announced links count), and keeps every statement's identity (the link IRI is the edge key), so
that a finding can always be traced back to the statement, and from there to the source line.

Rules the projection applies, so that a measure can be cited with them:

- An actor or link is *valid on* ``as_of`` when ``valid_from <= as_of <= valid_until``, a
  missing bound being open. A link that belongs to an instrument and lacks a bound of its own
  takes the instrument's bound: a link made through the CTAIR cannot exist before the CTAIR.
- A link whose status is planned, expected or recommended is not (yet) a link and is left out
  unless ``include_planned``; a link with no status of its own takes its instrument's status.
- ``country`` and ``territory`` keep the actors of that country or territory and the links
  among them. An actor can belong to several territories (one per dataset that places it).
- An actor's ``level`` is the widest of its levels (lowest ``ga:levelRank``), the level it can
  act *for*; ``levels`` lists them all, narrowest last.

Every projection is a cut of the whole network (:class:`Network`: every actor and link with
its facts, before any filter). Reading it costs 15 s of CPU on the France-sized country, and it
changes only when the store is written, so each write keeps it beside the store
(:func:`keep_network`, through :mod:`govatlas.graph.computed`) and the projections after it
read that file (about 2 s) instead of the store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx

from govatlas.graph import computed
from govatlas.graph.store import GraphStore
from govatlas.ontology.namespaces import sparql_prefixes
from govatlas.ontology.sparql import load_query
from govatlas.ontology.vocabulary import code_of, load_ontology_store, vocabulary

__all__ = [
    "NOT_REAL_STATUSES",
    "Allocation",
    "add_link",
    "all_allocations",
    "allocations",
    "bipartite_competences",
    "country_network",
    "keep_allocations",
    "link_families",
    "project",
]

#: Statuses that say a link is announced, not in place (ontology/vocab/statuses.ttl).
NOT_REAL_STATUSES = frozenset({"planned", "expected", "recommended"})

def _valid_on(day: date | None, valid_from: str | None, valid_until: str | None) -> bool:
    """Whether a period (ISO dates, either open) contains ``day``; no day keeps everything."""
    if day is None:
        return True
    iso = day.isoformat()
    return (not valid_from or valid_from[:10] <= iso) and (not valid_until
                                                           or iso <= valid_until[:10])


def _code(iri: str | None) -> str | None:
    """The notation of a concept IRI, or the IRI's last segment for a concept not in the
    bundled vocabularies (a dataset may bring its own)."""
    if iri is None:
        return None
    concept = vocabulary().by_iri.get(iri)
    if concept is not None:
        return concept.code
    return code_of(iri)


def _rank(iri: str) -> int | None:
    concept = vocabulary().by_iri.get(iri)
    return concept.rank if concept is not None else None


@cache
def link_families() -> dict[str, str]:
    """Link-type code -> link-family code, read from the bundled link-type vocabulary.

    The :class:`~govatlas.ontology.vocabulary.Vocabulary` does not carry ``ga:linkFamily``, and
    :func:`add_link` needs it without a store at hand.
    """
    query = sparql_prefixes() + load_query(__package__, "link-families")
    return {row["code"].value: row["family"].value
            for row in load_ontology_store().query(query)}


@dataclass(frozen=True)
class Allocation:
    """One competence allocation, as the network measures need it.

    ``territories`` are the labels of the allocation's ``ga:territory``: its own or, where it
    states none, its holder's, as the derived graph holds it (the same rule everywhere:
    ``ontology/derivations/50-territory.rq``).
    """

    iri: str
    holder: str
    competence: str
    level: str
    rank: int | None
    territories: tuple[str, ...]
    country: str | None
    qualifier: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


def grouped(store: GraphStore, query: str, key: str) -> dict[str, dict[str, set[str]]]:
    """The rows of the query ``query`` (a file of ``queries/``) grouped by ``key``: for each
    value of ``key``, each other variable's distinct values. The grouping is done here, not
    with SPARQL's GROUP BY: Oxigraph's aggregates cost ten times the rows on a country (15 s
    of CPU for 113,000 links). Where a thing has several values of what should be one (two
    datasets disagree), the callers take the smallest (:func:`_lowest`): a fixed pick."""
    results = store.store.query(sparql_prefixes() + load_query(__package__, query),
                                **store.query_options())
    names = [variable.value for variable in results.variables]
    at = names.index(key)
    found: dict[str, dict[str, set[str]]] = {}
    for solution in results:  # a solution's terms in the variables' order: read by position
        terms = list(solution)
        values = found.get(terms[at].value)
        if values is None:  # a variable's set is made when it is read or has a value
            values = found[terms[at].value] = defaultdict(set)
        for name, term in zip(names, terms, strict=True):
            if term is not None:
                values[name].add(term.value)
    return found


def _lowest(values: set[str]) -> str | None:
    return min(values) if values else None


def allocations(store: GraphStore, as_of: date | None = None, country: str | None = None,
                territory: str | None = None) -> list[Allocation]:
    """Every competence allocation valid ``as_of``, of ``country`` and in ``territory``.

    Parameters
    ----------
    store : GraphStore
        The store to read.
    as_of : date, optional
        Keep allocations whose period contains this day (default: all).
    country : str, optional
        Keep allocations whose holder is of this ISO country code.
    territory : str, optional
        Keep allocations in this territory (label, case-insensitive).

    Returns
    -------
    list of Allocation
        Sorted by territory, level rank, holder and competence, so results are reproducible.
    """
    return keep_allocations(all_allocations(store), as_of, country, territory)


def all_allocations(store: GraphStore) -> list[Allocation]:
    """Every competence allocation of the store, whatever its period or place, sorted as
    :func:`allocations` sorts them: read once by a caller that needs several cuts of them
    (:func:`keep_allocations`), as `govatlas analyze` does (a country's 71,000 allocations
    cost seconds to read)."""
    found: list[Allocation] = []
    for iri, values in grouped(store, "allocations", "x").items():
        level_iri = _lowest(values["level"])
        holder, competence = _lowest(values["holder"]), _lowest(values["competence"])
        if level_iri is None or holder is None or competence is None:
            continue
        found.append(Allocation(
            iri=iri, holder=holder, competence=_code(competence) or competence,
            level=_code(level_iri) or level_iri, rank=_rank(level_iri),
            territories=tuple(sorted(values["place"])), country=_lowest(values["cc"]),
            qualifier=_lowest(values["q"]), valid_from=_lowest(values["from"]),
            valid_until=max(values["until"], default=None)))
    return sorted(found, key=lambda a: (a.territories, a.rank if a.rank is not None else 99,
                                        a.holder, a.competence, a.iri))


def keep_allocations(found: list[Allocation], as_of: date | None = None,
                     country: str | None = None, territory: str | None = None
                     ) -> list[Allocation]:
    """The allocations of ``found`` valid ``as_of``, of ``country`` (the holder's) and in
    ``territory`` (label, case-insensitive), in their order: the filters of
    :func:`allocations`."""
    wanted_country = country.casefold() if country else None
    wanted_territory = territory.casefold() if territory else None
    return [allocation for allocation in found
            if _valid_on(as_of, allocation.valid_from, allocation.valid_until)
            and (not wanted_country or (allocation.country or "").casefold() == wanted_country)
            and (not wanted_territory
                 or wanted_territory in {t.casefold() for t in allocation.territories})]


def project(store: GraphStore, as_of: date | None = None, country: str | None = None,
            territory: str | None = None, include_planned: bool = False,
            held: list[Allocation] | None = None) -> nx.MultiDiGraph:
    """The actor network: actors as nodes, one directed edge per coordination link.

    Parameters
    ----------
    store : GraphStore
        The store to read (the union of its graphs).
    as_of : date, optional
        Keep only the actors and links valid on that day (see the module's rules). ``None``
        keeps every statement whatever its period.
    country : str, optional
        Keep the actors of this ISO 3166-1 code (``ga:country``) and the links among them.
    territory : str, optional
        Keep the actors placed in this territory (label, case-insensitive) and the links
        among them.
    include_planned : bool, default False
        Keep links whose status is planned, expected or recommended.
    held : list of Allocation, optional
        The allocations to take the actors' competences from, when the caller has read them
        already (:func:`all_allocations`); by default those :func:`allocations` gives for
        ``as_of``, ``country`` and ``territory``.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes are actor IRIs with ``label``, ``type`` (actor-type code), ``public`` (a
        ``ga:PublicActor``), ``levels`` (codes, widest first), ``level`` and ``rank`` (the widest
        level), ``country``, ``territories``, ``parents`` (``org:subOrganizationOf``) and
        ``competences`` (codes of the allocations the actor holds under the same filters).
        Edges go from ``ga:fromActor`` to ``ga:toActor`` with key = link IRI and ``type``,
        ``family``, ``instrument`` (IRI or None), ``instrument_label``, ``instrument_type``,
        ``status``, ``valid_from``, ``valid_until`` (ISO strings or None).

    Notes
    -----
    Two links between the same actors (a contract and the funding under it) are two edges:
    measures that need a simple graph say how they collapse it.

    Examples
    --------
    >>> from govatlas.graph.pipeline import build
    >>> store = GraphStore.in_memory(); _ = build(store)
    >>> graph = project(store, as_of=date(2021, 6, 1), country="FR")
    >>> graph.nodes["https://w3id.org/govatlas/actor/fr-diair"]["level"]
    'national'
    """
    graph = nx.MultiDiGraph(as_of=as_of.isoformat() if as_of else None, country=country,
                            territory=territory, include_planned=include_planned)
    wanted_country = country.casefold() if country else None
    wanted_territory = territory.casefold() if territory else None
    network = network_of(store)
    for actor, *values in network.actors:
        data = dict(zip(ACTOR_FIELDS, values, strict=True))
        if not _valid_on(as_of, data["valid_from"], data["valid_until"]):
            continue
        if wanted_country and (data["country"] or "").casefold() != wanted_country:
            continue
        if wanted_territory and wanted_territory not in {t.casefold()
                                                         for t in data["territories"]}:
            continue
        graph.add_node(actor, **{name: data[name] for name in ACTOR_FIELDS[:-2]},
                       competences=[], valid_from=data["valid_from"],
                       valid_until=data["valid_until"])
    if held is None:
        held = allocations(store, as_of, country, territory)
    for allocation in held:
        if allocation.holder in graph:
            competences = graph.nodes[allocation.holder]["competences"]
            if allocation.competence not in competences:
                competences.append(allocation.competence)
    for node in graph:
        graph.nodes[node]["competences"].sort()
    for source, target, link, *values in network.links:
        if source not in graph or target not in graph:
            continue
        data = dict(zip(LINK_FIELDS, values, strict=True))
        if data["status"] in NOT_REAL_STATUSES and not include_planned:
            continue
        if not _valid_on(as_of, data["valid_from"], data["valid_until"]):
            continue
        graph.add_edge(source, target, key=link, **data)
    return graph


#: an actor node's attributes as :func:`project` gives them, competences aside (the order
#: of :attr:`Network.actors`' values and of the kept file's)
ACTOR_FIELDS = ("label", "type", "public", "levels", "level", "rank", "country", "territories",
                "parents", "valid_from", "valid_until")
#: a link edge's attributes, in the order of :attr:`Network.links`' values
LINK_FIELDS = ("type", "family", "instrument", "instrument_label", "instrument_type", "status",
               "valid_from", "valid_until")
NETWORK_FILE = "network.json.gz"


@dataclass
class Network:
    """Every actor and coordination link of a store as :func:`project` draws them, before
    any filter: ``actors`` are ``(IRI, *ACTOR_FIELDS)``, ``links`` are ``(from, to, IRI,
    *LINK_FIELDS)`` (a link's period and status are its own or its instrument's), both in
    IRI order."""

    actors: list[list[Any]]
    links: list[list[Any]]


def read_network(store: GraphStore) -> Network:
    """The whole network, read from the store (the actors and the links, each as scans joined
    in Oxigraph and grouped here): 15 s of CPU on the France-sized country."""
    actors = []
    for actor, values in sorted(grouped(store, "actors", "a").items()):
        level_iris = sorted(values["level"],
                            key=lambda iri: (r if (r := _rank(iri)) is not None else 99, iri))
        levels = [_code(iri) or iri for iri in level_iris]
        widest = level_iris[0] if level_iris else None
        actors.append([actor, _lowest(values["label"]), _code(_lowest(values["type"])),
                       bool(values["public"]), levels, levels[0] if levels else None,
                       _rank(widest) if widest else None, _lowest(values["country"]),
                       sorted(values["territory"]), sorted(values["parent"]),
                       _lowest(values["from"]), max(values["until"], default=None)])
    links = []
    for link, values in sorted(grouped(store, "links", "l").items()):
        source, target = _lowest(values["from"]), _lowest(values["to"])
        kind = _lowest(values["type"])
        if source is None or target is None or kind is None:
            continue
        valid_from = _lowest(values["validFrom"]) or _lowest(values["iFrom"])
        valid_until = (max(values["validUntil"], default=None)
                       or max(values["iUntil"], default=None))
        links.append([source, target, link, _code(kind), _code(_lowest(values["family"])),
                      _lowest(values["instrument"]), _lowest(values["instrumentLabel"]),
                      _code(_lowest(values["instrumentType"])),
                      _code(_lowest(values["status"]) or _lowest(values["iStatus"])),
                      valid_from[:10] if valid_from else None,
                      valid_until[:10] if valid_until else None])
    return Network(actors, links)


def _network_stamp() -> str:
    here = Path(__file__).resolve().parent
    return computed.stamp("network", [Path(__file__), here / "queries" / "actors.rq",
                                      here / "queries" / "links.rq"])


def network_of(store: GraphStore) -> Network:
    """The whole network: kept beside the store by its last write (:func:`keep_network`,
    a second or two to read on a country), else read from it."""
    kept = computed.read(store, NETWORK_FILE, _network_stamp())
    if isinstance(kept, dict) and _rows(kept.get("actors"), 1 + len(ACTOR_FIELDS)) \
            and _rows(kept.get("links"), 3 + len(LINK_FIELDS)):
        return Network(kept["actors"], kept["links"])
    return read_network(store)  # none kept, or a file edited or damaged into other JSON


def _rows(rows: Any, width: int) -> bool:
    return isinstance(rows, list) and all(isinstance(row, list) and len(row) == width
                                          for row in rows)


def keep_network(store: GraphStore) -> bool:
    """Read the whole network of the on-disk ``store`` and keep it beside it, for the
    projections of the read commands after this write (False in memory: nothing kept)."""
    if store.computed_path(NETWORK_FILE) is None:
        return False
    network = read_network(store)
    return computed.write(store, NETWORK_FILE, _network_stamp(),
                          {"actors": network.actors, "links": network.links})


def country_network(full: nx.MultiDiGraph, country: str) -> nx.MultiDiGraph:
    """The part of a whole projection (:func:`project` with no country) that ``project(...,
    country=country)`` gives: the actors of ``country`` and the links among them, with the
    same attributes, so a caller that needs both projects the store once."""
    wanted = country.casefold()
    keep = [node for node, data in full.nodes(data=True)
            if (data.get("country") or "").casefold() == wanted]
    graph = nx.MultiDiGraph(full.subgraph(keep))
    graph.graph.update(full.graph, country=country)
    return graph


def bipartite_competences(store: GraphStore, as_of: date | None = None,
                          country: str | None = None, territory: str | None = None) -> nx.Graph:
    """Actors and competences as a two-mode graph; an edge says "holds".

    Parameters
    ----------
    store, as_of, country, territory
        As for :func:`project`; ``territory`` filters on the allocation's territory.

    Returns
    -------
    networkx.Graph
        Actor nodes (``bipartite=0``, ``kind="actor"``, ``label``) and competence nodes, keyed
        by code (``bipartite=1``, ``kind="competence"``, ``label``). An edge joins a holder and
        a competence; since a holder may hold one competence at several levels (Paris as a
        département and as a commune) or in several territories, the edge carries ``level``
        (the widest), ``levels``, ``qualifier`` (the qualifiers joined with "; "),
        ``territories`` and ``allocations`` (the :class:`Allocation` records).
    """
    graph = nx.Graph(as_of=as_of.isoformat() if as_of else None, country=country,
                     territory=territory)
    vocab = vocabulary()
    labels = {row["a"].value: row["name"].value
              for row in store.select(load_query(__package__, "actor-labels"))}
    for allocation in allocations(store, as_of, country, territory):
        if allocation.holder not in graph:
            graph.add_node(allocation.holder, bipartite=0, kind="actor",
                           label=labels.get(allocation.holder, allocation.holder))
        if allocation.competence not in graph:
            concept = vocab.lists["competence"].by_code.get(allocation.competence)
            graph.add_node(allocation.competence, bipartite=1, kind="competence",
                           label=concept.label if concept else allocation.competence)
        if graph.has_edge(allocation.holder, allocation.competence):
            data = graph.edges[allocation.holder, allocation.competence]
            data["allocations"].append(allocation)
        else:
            graph.add_edge(allocation.holder, allocation.competence, allocations=[allocation])
            data = graph.edges[allocation.holder, allocation.competence]
        held = sorted(data["allocations"], key=lambda a: a.rank if a.rank is not None else 99)
        data["levels"] = list(dict.fromkeys(a.level for a in held))
        data["level"] = data["levels"][0]
        data["qualifier"] = "; ".join(dict.fromkeys(a.qualifier for a in held if a.qualifier))
        data["territories"] = sorted({t for a in held for t in a.territories})
    return graph


def add_link(graph: nx.MultiDiGraph, from_iri: str, to_iri: str, link_type_code: str,
             instrument: str | None = None) -> nx.MultiDiGraph:
    """A copy of ``graph`` with one more link, for what-if analysis.

    The question "what if the region funded the city?" is answered by running the same
    measures on the copy and comparing; the original graph is left untouched.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection made by :func:`project`.
    from_iri, to_iri : str
        Actors already in ``graph``.
    link_type_code : str
        A link-type code (``govatlas codes 'link type'``); an unknown code raises
        :class:`~govatlas.ontology.vocabulary.UnknownCode` with the nearest valid one.
    instrument : str, optional
        The instrument IRI the hypothetical link would belong to.

    Returns
    -------
    networkx.MultiDiGraph
        The copy; the new edge's key is ``whatif:FROM->TO:TYPE`` and it has ``hypothetical=True``.
    """
    concept = vocabulary().resolve("link type", link_type_code)
    for iri in (from_iri, to_iri):
        if iri not in graph:
            raise KeyError(f"{iri} is not an actor of this projection: project a wider "
                           "network (no country/territory filter) or check the IRI")
    copy = graph.copy()
    key = f"whatif:{from_iri}->{to_iri}:{concept.code}"
    copy.add_edge(from_iri, to_iri, key=key, type=concept.code,
                  family=link_families().get(concept.code), instrument=instrument,
                  instrument_label=None, instrument_type=None, status="hypothetical",
                  valid_from=None, valid_until=None, hypothetical=True)
    return copy
