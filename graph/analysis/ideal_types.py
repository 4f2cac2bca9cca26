"""Scholten's four ideal types of multi-level settings, read off the network of a territory.

Scholten (2016) distinguishes four ideal-typical configurations of relations between levels of
government on migrant integration (seed 004, lines 51-70): *centralist* (a clear hierarchy,
top-down control), *localist* (subsidiarity, local policy-making, horizontal exchange among
local governments), *decoupled* (no meaningful coordination between levels) and *multilevel
governance* (interaction between levels without one dominating, through fora where levels
meet). Scholten describes them in words; he gives no measures and no thresholds.

**The measures and thresholds below are this module's operational reading of those
descriptions, not Scholten's.** They are stated in :data:`THRESHOLDS` and returned with every
classification, so a reader can disagree with a threshold and re-run with another. What they
measure:

========================== =========================================================================
measure                    definition (over *government links*: both ends public actors/networks)
========================== =========================================================================
``vertical_share``         vertical links / ranked links; ends sharing a level are horizontal
``downward_control_share`` vertical links that carry control downward / vertical links: top-down
                           steering, funding, contracting, delegation, monitoring or evaluation,
                           or bottom-up reporting, implementing or administering funds *for* the
                           wider level
``upward_share``           other bottom-up links (the narrower level informs, consults, joins,
                           partners with or steers the wider one) / vertical links
``national_control``       1 if some downward-control link starts at the national level (or
                           wider), else 0
``horizontal_local_share`` horizontal links between two local actors (acting at the
                           intermediate, local or neighbourhood level) / ranked links
``local_autonomy``         fields held at a local level and at no wider level in the same
                           territory / fields held in the territory (from allocations)
``decoupling_index``       cross-level holder pairs not connected within 2 steps / such pairs
                           (:mod:`govatlas.graph.analysis.decoupling`); undefined with no such pair
``multilevel_fora``        committees or networks (actors), or instruments that are committees,
                           networks or platforms or made only of cooperation and membership
                           links (the EU relocation programme partnering EU, state and Lisbon),
                           through which at least 3 government actors of at least 2 levels meet
``vertical_balance``       min(top-down, bottom-up) / max(top-down, bottom-up), as recorded
========================== =========================================================================

Succession links ("the Metropolitan City succeeds the Province") are not coordination and are
not counted. Local means acting at the intermediate, local or neighbourhood level (rank 4 or
more); national means rank 2 or less.

Thresholds (this module's reading, not Scholten's; * marks a defining condition):

=========== ===============================================================================
type        conditions
=========== ===============================================================================
centralist  vertical_share >= 0.5 *, downward_control_share >= 0.6 *, national_control >= 1,
            upward_share <= 0.2, horizontal_local_share <= 0.2
localist    horizontal_local_share >= 0.4 *, local_autonomy >= 0.5, vertical_share <= 0.3
decoupled   decoupling_index >= 0.5 * (from 2 cross-level pairs on), vertical_share <= 0.2
multilevel  multilevel_fora >= 1 *, vertical_balance >= 0.5, downward_control_share <= 0.5,
            vertical_share >= 0.3
=========== ===============================================================================

A label needs a score of at least 0.5 and a lead of more than 0.1 over the runner-up; fewer
than 3 government actors, 3 government links or 2 allocations is "insufficient data".

Scoring. Each type has conditions ``measure >= t`` or ``measure <= t``. A condition's
*satisfaction* is 1 when it holds and otherwise falls off linearly: ``value / t`` for ``>=`` (0
at 0), ``1 - (value - t) / t`` for ``<=`` (0 at twice the threshold); an undefined measure
satisfies nothing. A type's score is the satisfaction of its *defining* conditions (those
without which the type makes no sense: vertical dominance and downward control for centralist,
horizontal local exchange for localist, decoupled pairs for decoupled, a multilevel forum for
multilevel) times the mean satisfaction of all its conditions. The decoupling index counts only
from ``min_cross_level_pairs`` pairs on: one pair is an anecdote. The label is the best-scoring
type if its score is at least ``min_score``; "mixed" if the runner-up is within ``mixed_margin``
of it or no type reaches ``min_score``; "insufficient data" below the minimum counts of
government actors, government links and allocations, because a share of two links says nothing.

References
----------
.. [1] Scholten, P. (2016). Between national models and multi-level decoupling: the pursuit of
   multi-level governance in Dutch and UK policies towards migrant incorporation. Journal of
   International Migration and Integration 17, 973-994.
.. [2] Scholten, P., & Penninx, R. (2016). The multilevel governance of migration and
   integration. In Garcés-Mascareñas & Penninx (eds.), Integration Processes and Policies in
   Europe, 91-108. Springer.
.. [3] MC2CM (2018), seed 004_0e103ae030b175d8.txt, lines 51-70: the four types as used here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

import networkx as nx

from govatlas.graph.store import GraphStore
from govatlas.ontology.sparql import load_query
from govatlas.ontology.vocabulary import vocabulary

from .decoupling import competence_fields, decoupling
from .projection import Allocation, allocations, project
from .structure import BOTTOM_UP, HORIZONTAL, TOP_DOWN, link_orientation

__all__ = [
    "IDEAL_TYPES",
    "THRESHOLDS",
    "Classification",
    "classify",
    "classify_graph",
    "classify_network",
    "classify_territories",
    "placed_in",
    "type_measures",
]

IDEAL_TYPES = ("centralist", "localist", "decoupled", "multilevel")

#: Link families and types that carry control from the wider level when they run top-down.
CONTROL_FAMILIES = frozenset({"steering", "funding"})
CONTROL_TYPES = frozenset({"monitors", "evaluates"})
#: Link types by which the narrower level acts *for* the wider one when they run bottom-up.
SUBORDINATE_TYPES = frozenset({"reports-to", "implements-for", "administers-funds-of"})
#: Actor types (besides ga:PublicActor) that take part in government coordination.
GOVERNMENT_EXTRA_TYPES = frozenset({"network"})
FORUM_ACTOR_TYPES = frozenset({"committee", "network"})
FORUM_INSTRUMENT_TYPES = frozenset({"committee", "network", "platform"})
#: Link families by which partners meet as equals (an instrument made only of them is a forum).
FORUM_FAMILIES = frozenset({"cooperation", "membership"})
#: Link families that are not coordination ("the Metropolitan City succeeds the Province").
NOT_COORDINATION = frozenset({"succession"})
#: Competences that record missing information, not a field of action.
PLACEHOLDER_COMPETENCES = frozenset({"information-not-provided"})
NATIONAL_RANK = 2
LOCAL_RANK = 4

#: The operational thresholds (see the module docstring). Each condition is
#: ``measure: (operator, threshold)``; ``defining`` names the condition a type needs.
THRESHOLDS: dict[str, Any] = {
    "minimum": {"government_actors": 3, "government_links": 3, "allocations": 2},
    "min_cross_level_pairs": 2,
    "min_score": 0.5,
    "mixed_margin": 0.1,
    "max_steps": 2,
    "types": {
        "centralist": {
            "defining": ["vertical_share", "downward_control_share"],
            "conditions": {
                "vertical_share": (">=", 0.5),
                "downward_control_share": (">=", 0.6),
                "national_control": (">=", 1.0),
                "upward_share": ("<=", 0.2),
                "horizontal_local_share": ("<=", 0.2),
            },
        },
        "localist": {
            "defining": ["horizontal_local_share"],
            "conditions": {
                "horizontal_local_share": (">=", 0.4),
                "local_autonomy": (">=", 0.5),
                "vertical_share": ("<=", 0.3),
            },
        },
        "decoupled": {
            "defining": ["decoupling_index"],
            "conditions": {
                "decoupling_index": (">=", 0.5),
                "vertical_share": ("<=", 0.2),
            },
        },
        "multilevel": {
            "defining": ["multilevel_fora"],
            "conditions": {
                "multilevel_fora": (">=", 1),
                "vertical_balance": (">=", 0.5),
                "downward_control_share": ("<=", 0.5),
                "vertical_share": (">=", 0.3),
            },
        },
    },
}


@dataclass
class Classification:
    """The ideal type of one territory, with everything needed to check it."""

    scope: str
    label: str
    scores: dict[str, float]
    measures: dict[str, Any]
    thresholds: dict[str, Any]
    explanation: str
    runner_up: str | None = None
    fora: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _narrowest_rank(levels: Iterable[str]) -> int | None:
    by_code = vocabulary().lists["level"].by_code
    ranks = [by_code[code].rank for code in levels if code in by_code
             and by_code[code].rank is not None]
    return max(ranks) if ranks else None


def _is_government(data: dict[str, Any]) -> bool:
    return bool(data.get("public")) or data.get("type") in GOVERNMENT_EXTRA_TYPES


def _is_local(data: dict[str, Any]) -> bool:
    rank = _narrowest_rank(data.get("levels") or ())
    if rank is None:
        rank = data.get("rank")
    return rank is not None and rank >= LOCAL_RANK


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _fora(graph: nx.MultiDiGraph, government: set[Hashable]) -> list[dict[str, Any]]:
    """Committees, networks and forum instruments where 3+ government actors of 2+ levels
    meet: Scholten's "fora or networks in which organisations from different government
    levels meet"."""
    found = []
    for node in sorted(government, key=str):
        data = graph.nodes[node]
        if data.get("type") not in FORUM_ACTOR_TYPES:
            continue
        members = {other for other in (*graph.predecessors(node), *graph.successors(node))
                   if other in government and other != node}
        levels = {graph.nodes[m].get("level") for m in members} - {None}
        if len(members) >= 3 and len(levels) >= 2:
            found.append({"forum": node, "label": data.get("label", str(node)),
                          "kind": "actor", "members": len(members), "levels": sorted(levels)})
    through: dict[str, set[Hashable]] = {}
    labels: dict[str, str] = {}
    forum_like: dict[str, bool] = {}
    for u, v, data in graph.edges(data=True):
        instrument = data.get("instrument")
        if (instrument and u in government and v in government
                and data.get("family") not in NOT_COORDINATION):
            through.setdefault(instrument, set()).update((u, v))
            labels[instrument] = data.get("instrument_label") or instrument
            forum_like[instrument] = forum_like.get(instrument, True) and (
                data.get("instrument_type") in FORUM_INSTRUMENT_TYPES
                or data.get("family") in FORUM_FAMILIES)
    named = {forum["label"].casefold() for forum in found}
    for instrument, members in sorted(through.items()):
        levels = {graph.nodes[m].get("level") for m in members} - {None}
        if labels[instrument].casefold() in named:  # the instrument of a forum actor
            continue
        if forum_like[instrument] and len(members) >= 3 and len(levels) >= 2:
            found.append({"forum": instrument, "label": labels[instrument],
                          "kind": "instrument", "members": len(members),
                          "levels": sorted(levels)})
    return found


def type_measures(graph: nx.MultiDiGraph, held: list[Allocation],
                  connectivity: nx.Graph | None = None,
                  fields: dict[str, tuple[str, ...]] | None = None,
                  max_steps: int = 2) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The measures the ideal types are scored on (see the module docstring).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The territory's network (a projection).
    held : list of Allocation
        The competence allocations of the territory.
    connectivity : networkx graph, optional
        The network in which decoupled holders are looked for paths (default ``graph``).
    fields : dict, optional
        Competence -> fields (default: the bundled vocabulary's).
    max_steps : int, default 2
        Path length that still counts as coordination for the decoupling index.

    Returns
    -------
    (dict, list)
        The measures, and the multilevel fora found.
    """
    fields = fields if fields is not None else competence_fields()
    government = {node for node, data in graph.nodes(data=True) if _is_government(data)}
    counts = {HORIZONTAL: 0, TOP_DOWN: 0, BOTTOM_UP: 0}
    down = upward = horizontal_local = 0
    national_control = 0.0
    links = 0
    for u, v, data in graph.edges(data=True):
        if u not in government or v not in government or data.get("family") in NOT_COORDINATION:
            continue
        links += 1
        orientation = link_orientation(graph, u, v, shared_level_horizontal=True)
        if orientation is None:
            continue
        counts[orientation] += 1
        if orientation == HORIZONTAL:
            horizontal_local += _is_local(graph.nodes[u]) and _is_local(graph.nodes[v])
            continue
        kind, family = data.get("type"), data.get("family")
        upper = None
        if orientation == TOP_DOWN and (family in CONTROL_FAMILIES or kind in CONTROL_TYPES):
            upper = u
        elif orientation == BOTTOM_UP and kind in SUBORDINATE_TYPES:
            upper = v
        elif orientation == BOTTOM_UP:
            upward += 1
        if upper is not None:
            down += 1
            rank = graph.nodes[upper].get("rank")
            if rank is not None and rank <= NATIONAL_RANK:
                national_control = 1.0
    vertical = counts[TOP_DOWN] + counts[BOTTOM_UP]
    ranked = vertical + counts[HORIZONTAL]
    # local autonomy: (territory, field) held locally and at no wider level
    where: dict[tuple[str, str], set[bool]] = {}
    relevant = [a for a in held if a.competence not in PLACEHOLDER_COMPETENCES
                and a.rank is not None]
    for allocation in relevant:
        for territory in allocation.territories or ("",):
            for field_code in fields.get(allocation.competence, (allocation.competence,)):
                where.setdefault((territory, field_code), set()).add(
                    allocation.rank >= LOCAL_RANK)
    autonomous = sum(1 for sides in where.values() if sides == {True})
    result = decoupling(connectivity if connectivity is not None else graph, relevant,
                        max_steps=max_steps, fields=fields)
    fora = _fora(graph, government)
    top_down, bottom_up = counts[TOP_DOWN], counts[BOTTOM_UP]
    measures = {
        "government_actors": len(government),
        "government_links": links,
        "allocations": len(relevant),
        "levels": sorted({graph.nodes[n].get("level") for n in government} - {None},
                         key=lambda code: vocabulary().lists["level"].by_code[code].rank
                         if code in vocabulary().lists["level"].by_code else 99),
        "vertical": vertical,
        "horizontal": counts[HORIZONTAL],
        "top_down": top_down,
        "bottom_up": bottom_up,
        "vertical_share": _share(vertical, ranked),
        "downward_control_share": _share(down, vertical),
        "upward_share": _share(upward, vertical),
        "national_control": national_control if vertical else None,
        "horizontal_local_share": _share(horizontal_local, ranked),
        "local_autonomy": _share(autonomous, len(where)),
        "decoupling_index": result.index,
        "cross_level_pairs": len(result.pairs),
        "decoupled_pairs": len(result.decoupled_pairs),
        "multilevel_fora": len(fora),
        "vertical_balance": (min(top_down, bottom_up) / max(top_down, bottom_up)
                             if vertical else None),
    }
    return measures, fora


def _satisfaction(value: float | None, operator: str, threshold: float) -> float:
    if value is None:
        return 0.0
    if operator == ">=":
        return 1.0 if value >= threshold else max(0.0, value / threshold)
    if value <= threshold:
        return 1.0
    return max(0.0, 1 - (value - threshold) / threshold) if threshold > 0 else 0.0


def _scores(measures: dict[str, Any], thresholds: dict[str, Any]) -> dict[str, float]:
    scores = {}
    for name, spec in thresholds["types"].items():
        met = {measure: _satisfaction(measures.get(measure), *condition)
               for measure, condition in spec["conditions"].items()}
        if (measures.get("cross_level_pairs", 0) < thresholds.get("min_cross_level_pairs", 0)
                and "decoupling_index" in met):
            met["decoupling_index"] = 0.0  # one pair is an anecdote, not an index
        gate = 1.0
        for measure in spec["defining"]:
            gate *= met[measure]
        scores[name] = round(gate * sum(met.values()) / len(met), 4)
    return scores


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{round(100 * value)}%"


def _value_text(value: Any) -> str:
    if value is None:
        return "undefined"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _reasons(label: str, m: dict[str, Any], thresholds: dict[str, Any]) -> str:
    """The facts behind a type's score, in words, and the conditions it misses."""
    if label == "centralist":
        facts = (f"{_percent(m['vertical_share'])} of the links between government actors are "
                 f"vertical; {_percent(m['downward_control_share'])} of those carry control "
                 "downward (steering, funding, contracts, monitoring, or reporting and "
                 "implementing for the wider level), "
                 f"{'some' if m['national_control'] else 'none'} of it from the national level; "
                 f"{_percent(m['upward_share'])} are bottom-up initiatives; horizontal exchange "
                 f"among local governments is {_percent(m['horizontal_local_share'])} of links")
    elif label == "localist":
        facts = (f"horizontal exchange among local governments is "
                 f"{_percent(m['horizontal_local_share'])} of the links between government "
                 f"actors; {_percent(m['local_autonomy'])} of the fields held in the territory "
                 f"are held locally and at no wider level; {_percent(m['vertical_share'])} of "
                 "the links are vertical")
    elif label == "decoupled":
        facts = (f"{m['decoupled_pairs']} of {m['cross_level_pairs']} pairs of holders of one "
                 f"field at different levels ({_percent(m['decoupling_index'])}) are not "
                 "linked directly or through one intermediary; "
                 f"{_percent(m['vertical_share'])} of the links are vertical")
    else:
        facts = (f"{m['multilevel_fora']} forum(s) where government actors of several levels "
                 f"meet; vertical links are {_percent(m['vertical_share'])} of all, "
                 f"{m['top_down']} top-down and {m['bottom_up']} bottom-up (balance "
                 f"{_percent(m['vertical_balance'])}); {_percent(m['downward_control_share'])} "
                 "of them carry control downward")
    conditions = thresholds["types"][label]["conditions"]
    unmet = [f"{measure.replace('_', ' ')} {operator} {threshold} (is "
             f"{_value_text(m.get(measure))})"
             for measure, (operator, threshold) in conditions.items()
             if _satisfaction(m.get(measure), operator, threshold) < 1.0]
    return facts + (f" [not met: {'; '.join(unmet)}]" if unmet else "")


def classify_graph(graph: nx.MultiDiGraph, held: list[Allocation], *,
                   connectivity: nx.Graph | None = None,
                   fields: dict[str, tuple[str, ...]] | None = None,
                   thresholds: dict[str, Any] | None = None,
                   scope: str = "") -> Classification:
    """Classify a territory's network into one of Scholten's ideal types.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The territory's network (a projection).
    held : list of Allocation
        The territory's competence allocations.
    connectivity : networkx graph, optional
        The network searched for paths between decoupled holders (default ``graph``).
    fields : dict, optional
        Competence -> fields (default: the bundled vocabulary's).
    thresholds : dict, optional
        Replaces :data:`THRESHOLDS`.
    scope : str
        A name for the territory, used in the explanation.

    Returns
    -------
    Classification
        ``label`` (centralist, localist, decoupled, multilevel, mixed or insufficient data),
        ``scores`` per type, ``measures``, the ``thresholds`` used, the ``fora`` found and a
        plain-language ``explanation``.

    Notes
    -----
    See the module docstring for the measures and the score
    :math:`S_T = s_{d(T)} \\cdot \\frac{1}{|C_T|} \\sum_{c \\in C_T} s_c`.
    """
    thresholds = thresholds or THRESHOLDS
    measures, fora = type_measures(graph, held, connectivity, fields,
                                   thresholds.get("max_steps", 2))
    scores = _scores(measures, thresholds)
    name = scope or "this territory"
    minimum = thresholds["minimum"]
    short = [f"{measures[key]} {key.replace('_', ' ')} (minimum {value})"
             for key, value in minimum.items() if measures[key] < value]
    if short:
        return Classification(
            scope, "insufficient data", scores, measures, thresholds,
            f"{name}: insufficient data: {'; '.join(short)}. A type read off fewer statements "
            "would be a guess; add the missing links or allocations from the sources.",
            None, fora)
    ordered = sorted(scores, key=lambda t: (-scores[t], IDEAL_TYPES.index(t)))
    best, second = ordered[0], ordered[1]
    if scores[best] < thresholds["min_score"]:
        label = "mixed"
        explanation = (f"{name}: mixed: no ideal type reaches a score of "
                       f"{thresholds['min_score']} (best {best} {scores[best]}, then {second} "
                       f"{scores[second]}); elements of several types, none dominant. "
                       f"Closest: {_reasons(best, measures, thresholds)}.")
    elif scores[second] >= scores[best] - thresholds["mixed_margin"]:
        label = "mixed"
        explanation = (f"{name}: mixed: {best} ({scores[best]}) and {second} "
                       f"({scores[second]}) score within {thresholds['mixed_margin']} of each "
                       f"other. {best.capitalize()}: {_reasons(best, measures, thresholds)}. "
                       f"{second.capitalize()}: {_reasons(second, measures, thresholds)}.")
    else:
        label = best
        explanation = (f"{name}: {best} (score {scores[best]}, next {second} "
                       f"{scores[second]}): {_reasons(best, measures, thresholds)}.")
    return Classification(scope, label, scores, measures, thresholds, explanation, second, fora)


def _territory_network(full: nx.MultiDiGraph, territory: str) -> nx.MultiDiGraph:
    """The links among the territory's actors, plus every link of its *local* actors (those
    acting at the intermediate, local or neighbourhood level) with actors elsewhere.

    A city's setting includes the ministry that contracts with it and the other cities it
    exchanges with, even when the data place them in no territory or in another; but the
    national bodies a dataset places in the city (a report on Paris lists the Diair) bring
    their links to other cities, which say nothing about this one, so those are left out.
    """
    wanted = territory.casefold()
    members = {node for node, data in full.nodes(data=True)
               if wanted in {t.casefold() for t in data.get("territories", ())}}
    local = {node for node in members if _is_local(full.nodes[node])}
    scoped = nx.MultiDiGraph(**full.graph)
    scoped.graph["territory"] = territory
    scoped.add_nodes_from((node, full.nodes[node]) for node in members)
    # only the links touching a member can be kept: reading those, not every link of the
    # country, is what lets the atlas classify each of a country's thousand territories
    touching = sorted({(u, v, key) for node in members
                       for u, v, key in (*full.out_edges(node, keys=True),
                                         *full.in_edges(node, keys=True))},
                      key=lambda edge: tuple(map(str, edge)))
    for u, v, key in touching:
        if (u in members and v in members) or u in local or v in local:
            for end in (u, v):
                if end not in scoped:
                    scoped.add_node(end, **full.nodes[end])
            scoped.add_edge(u, v, key=key, **full.edges[u, v, key])
    return scoped


def classify(store: GraphStore, territory: str | None = None, country: str | None = None,
             as_of: date | None = None, include_planned: bool = False,
             thresholds: dict[str, Any] | None = None) -> Classification:
    """Classify a city or country of the store into one of Scholten's ideal types.

    Parameters
    ----------
    store : GraphStore
        The store.
    territory : str, optional
        A territory (city) label: the links among its actors, the links of its local actors
        with actors elsewhere (see ``_territory_network``), and the allocations in it.
    country : str, optional
        An ISO country code: its actors, the links among them and their allocations.
    as_of : date, optional
        The day to classify (default: every statement, whatever its period).
    include_planned : bool, default False
        Count planned, expected and recommended links.
    thresholds : dict, optional
        Replaces :data:`THRESHOLDS`.

    Returns
    -------
    Classification
        See :func:`classify_graph`.

    Examples
    --------
    >>> from govatlas.graph.pipeline import build
    >>> store = GraphStore.in_memory(); _ = build(store)
    >>> classify(store, territory="Tunis").label
    'insufficient data'
    """
    if territory is None and country is None:
        raise ValueError("name a territory or a country to classify")
    full = project(store, as_of=as_of, include_planned=include_planned)
    return classify_network(full, allocations(store, as_of=as_of, country=country,
                                              territory=territory),
                            territory=territory, country=country,
                            fields=competence_fields(store), thresholds=thresholds)


def placed_in(held: list[Allocation], territory: str) -> list[Allocation]:
    """``held`` with each allocation's places cut to ``territory`` (case-insensitive).

    A national allocation stated for a whole country is placed in every territory of the
    country (``ontology/derivations/61-territory.rq``); a territory's measures count the
    pairs of holders *in that territory*, so its other places are dropped. Left in, they made
    each territory's decoupling index pool the pairs of every territory of the country, and
    each of a country's thousand classifications cost as much as the country's.
    An allocation that does not name the territory (one placed nowhere) is kept as it is.
    """
    wanted = territory.casefold()
    cut = []
    for allocation in held:
        if len(allocation.territories) > 1:
            here = tuple(t for t in allocation.territories if t.casefold() == wanted)
            if here:
                allocation = replace(allocation, territories=here)
        cut.append(allocation)
    return cut


def classify_network(full: nx.MultiDiGraph, held: list[Allocation], *,
                     territory: str | None = None, country: str | None = None,
                     fields: dict[str, tuple[str, ...]] | None = None,
                     thresholds: dict[str, Any] | None = None) -> Classification:
    """:func:`classify` on a projection already made: ``full`` is the whole network
    (:func:`~govatlas.graph.analysis.projection.project` of the store) and ``held`` the
    allocations of the territory or country, so a caller classifying many places (the atlas)
    projects the store once."""
    if territory is None and country is None:
        raise ValueError("name a territory or a country to classify")
    if territory is not None:
        held = placed_in(held, territory)
        graph = _territory_network(full, territory)
        if country is not None:
            keep = [n for n, d in graph.nodes(data=True)
                    if (d.get("country") or "").casefold() == country.casefold()]
            graph = nx.MultiDiGraph(graph.subgraph(keep))
    else:
        keep = [n for n, d in full.nodes(data=True)
                if (d.get("country") or "").casefold() == country.casefold()]
        graph = nx.MultiDiGraph(full.subgraph(keep))
    scope = territory or ""
    if country:
        scope = f"{scope} ({country})" if scope else country
    return classify_graph(graph, held, connectivity=full, fields=fields,
                          thresholds=thresholds, scope=scope)


def classify_territories(store: GraphStore, as_of: date | None = None,
                         include_planned: bool = False) -> dict[str, Classification]:
    """Every territory and every country of the store, classified.

    Returns
    -------
    dict
        Territory label or country code -> :class:`Classification`, territories first.
    """
    territories = sorted({row["t"].value
                          for row in store.select(load_query(__package__, "territory-labels"))})
    countries = sorted({row["c"].value
                        for row in store.select(load_query(__package__, "actor-countries"))})
    results = {name: classify(store, territory=name, as_of=as_of,
                              include_planned=include_planned) for name in territories}
    for code in countries:
        results.setdefault(code, classify(store, country=code, as_of=as_of,
                                          include_planned=include_planned))
    return results
