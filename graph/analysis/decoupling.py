"""Multi-level decoupling: the same field of policy held at several levels with no coordination
between the holders.

Scholten (2016) calls a setting *decoupled* when "migrant integration policies at different
levels are dissociated" (seed 004, line 68). In the graph that is a pattern one can count: in
a territory, a competence is held at two or more levels (from the competence allocations), and
the holders at different levels are not connected by coordination links, neither directly nor
through one intermediary. This module lists those pairs and gives the share of cross-level
holder pairs that are not connected: the *decoupling index*, per territory, per field and
overall.

Rules, so that the index can be cited with them:

- **Fields.** Competences related by ``skos:broader`` are one field: every competence counts
  as the top concept of its ``skos:broader`` chain ("Language learning" and "Reception" are
  the field "Migrant integration"; "Asylum" is "Borders & residency"). A competence with
  several broader concepts belongs to each of their fields. Two levels acting on parts of one
  field must coordinate as much as two levels acting on the same part.
- **A holder's level in a field** is the widest level at which it holds any competence of the
  field in that territory; a pair of holders is *cross-level* when those levels differ. One
  actor holding a field at two levels (Paris as a département and as a commune) is not a pair.
- **Connected** means a path of at most ``max_steps`` coordination links in the undirected
  projection (default 2: directly, or through one broker). Succession links ("the ANCT
  succeeds the CGET") are not coordination and are ignored; so are links the projection left
  out (planned ones, or ones outside ``as_of``).
- **Territory.** An allocation's own territory, else its holder's; an allocation with neither
  is grouped under "(CC: no territory)" for its holder's country CC, never across countries.
- **Index** = not connected pairs / cross-level pairs; ``None`` where there is no
  cross-level pair (nothing can be decoupled there).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import networkx as nx

from govatlas.graph.store import GraphStore
from govatlas.ontology.namespaces import sparql_prefixes
from govatlas.ontology.sparql import load_query
from govatlas.ontology.vocabulary import load_ontology_store

from .projection import Allocation

__all__ = [
    "DecouplingResult",
    "HolderPair",
    "competence_fields",
    "decoupling",
]


def _fields_from(rows: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    fields: dict[str, set[str]] = {}
    for row in rows:
        fields.setdefault(row["code"].value, set()).add(row["rootCode"].value)
    return {code: tuple(sorted(roots)) for code, roots in fields.items()}


@cache
def _bundled_fields() -> dict[str, tuple[str, ...]]:
    return _fields_from(load_ontology_store().query(
        sparql_prefixes() + load_query(__package__, "competence-fields")))


def competence_fields(store: GraphStore | None = None) -> dict[str, tuple[str, ...]]:
    """Competence code -> the field(s) it belongs to (top concepts of its broader chain).

    Parameters
    ----------
    store : GraphStore, optional
        Read the competence scheme from this store (which may extend the bundled one);
        by default the bundled vocabulary.

    Returns
    -------
    dict
        ``{"language-learning": ("migrant-integration",), "asylum": ("borders-residency",),
        "housing": ("housing",), ...}``.
    """
    fields = dict(_bundled_fields())
    if store is not None:
        fields.update(_fields_from(store.select(load_query(__package__, "competence-fields"))))
    return fields


@dataclass(frozen=True)
class HolderPair:
    """Two holders of one field in one territory, at different levels (``a`` the wider)."""

    territory: str
    competence: str
    holder_a: str
    level_a: str
    holder_b: str
    level_b: str
    connected: bool
    steps: int | None


@dataclass
class DecouplingResult:
    """Cross-level holder pairs and the decoupling index per territory, field and overall."""

    max_steps: int
    pairs: list[HolderPair]
    by_territory: dict[str, dict[str, Any]]
    by_competence: dict[str, dict[str, Any]]
    index: float | None
    missing_holders: list[str] = field(default_factory=list)

    @property
    def decoupled_pairs(self) -> list[HolderPair]:
        """The pairs that are not connected within ``max_steps``."""
        return [pair for pair in self.pairs if not pair.connected]

    def decoupled_rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """(territory, competence, holder A, level A, holder B, level B) of each decoupled
        pair, the form a table or CSV export needs."""
        return [(p.territory, p.competence, p.holder_a, p.level_a, p.holder_b, p.level_b)
                for p in self.decoupled_pairs]


def _adjacency(graph: nx.Graph, ignore_families: frozenset[str],
               via_hierarchy: bool) -> dict[Hashable, set[Hashable]]:
    neighbours: dict[Hashable, set[Hashable]] = {node: set() for node in graph}
    for u, v, data in graph.edges(data=True):
        if u != v and data.get("family") not in ignore_families:
            neighbours[u].add(v)
            neighbours[v].add(u)
    if via_hierarchy:
        for node, data in graph.nodes(data=True):
            for parent in data.get("parents") or ():
                if parent in neighbours and parent != node:
                    neighbours[node].add(parent)
                    neighbours[parent].add(node)
    return neighbours


def _distance(neighbours: dict[Hashable, set[Hashable]], a: Hashable, b: Hashable,
              limit: int) -> int | None:
    """Steps from ``a`` to ``b`` if at most ``limit``, else None: a bidirectional BFS that
    always grows the side whose next layer is cheaper, so a pair with a hub (a ministry
    linked to thousands of municipalities) costs the small side's neighbourhood only."""
    if a == b:
        return 0
    seen_a, seen_b = {a: 0}, {b: 0}
    front_a, front_b = [a], [b]
    depth_a = depth_b = 0
    while depth_a + depth_b < limit and front_a and front_b:
        cost_a = sum(len(neighbours[x]) for x in front_a)
        cost_b = sum(len(neighbours[x]) for x in front_b)
        if cost_a <= cost_b:
            front, seen, other, depth_a = front_a, seen_a, seen_b, depth_a + 1
            depth = depth_a
        else:
            front, seen, other, depth_b = front_b, seen_b, seen_a, depth_b + 1
            depth = depth_b
        best: int | None = None
        layer = []
        for x in front:
            for y in neighbours[x]:
                if y in other:
                    steps = depth + other[y]
                    best = steps if best is None else min(best, steps)
                if y not in seen:
                    seen[y] = depth
                    layer.append(y)
        if best is not None:
            return best if best <= limit else None
        if front is front_a:
            front_a = layer
        else:
            front_b = layer
    return None


def decoupling(graph: nx.Graph, competences: nx.Graph | Iterable[Allocation],
               max_steps: int = 2, fields: dict[str, tuple[str, ...]] | None = None,
               ignore_families: Iterable[str] = ("succession",),
               via_hierarchy: bool = False) -> DecouplingResult:
    r"""Which cross-level holders of a field are not coordinated, per territory and field.

    Parameters
    ----------
    graph : networkx graph
        The projection whose links count as coordination (:func:`~.projection.project`). Give
        the widest one that fits the question: holders in a city may be coordinated through a
        national body placed in no city.
    competences : networkx.Graph or iterable of Allocation
        The allocations: a :func:`~.projection.bipartite_competences` graph or
        :func:`~.projection.allocations` records.
    max_steps : int, default 2
        Longest path that still counts as coordination (2 = directly or through one broker).
    fields : dict, optional
        Competence code -> field codes (default: :func:`competence_fields`).
    ignore_families : iterable of str, default ("succession",)
        Link families that are not coordination.
    via_hierarchy : bool, default False
        Also count ``org:subOrganizationOf`` (a prefecture and its ministry) as a connection.

    Returns
    -------
    DecouplingResult
        ``pairs`` (every cross-level pair, with ``connected`` and ``steps``),
        ``by_territory`` and ``by_competence`` (``{"pairs", "decoupled", "index"}``), the
        overall ``index``, and ``missing_holders`` (holders not in ``graph``, whose pairs are
        left out since nothing can be said of their links).

    Notes
    -----
    For a territory :math:`t`, let :math:`P_t` be the set of unordered pairs of distinct
    holders :math:`\{h, h'\}` of a common field :math:`f` with
    :math:`\ell_f(h) \ne \ell_f(h')`, where :math:`\ell_f(h)` is the widest level at which
    :math:`h` holds a competence of :math:`f` in :math:`t`. Then

    .. math::

       D_t = \frac{|\{\{h, h'\} \in P_t : d(h, h') > s\}|}{|P_t|}

    with :math:`d` the shortest-path distance in the undirected projection and :math:`s` =
    ``max_steps``. The per-field and overall indices pool the pairs the same way.

    References
    ----------
    .. [1] Scholten, P. (2016). Between national models and multi-level decoupling: the pursuit
       of multi-level governance in Dutch and UK policies towards migrant incorporation.
       Journal of International Migration and Integration 17, 973-994.
    .. [2] OECD (2019). Multi-level governance gaps (information and policy gaps), in
       Working Together for Local Integration of Migrants and Refugees.

    Examples
    --------
    A state and a town both hold housing in the town, at two levels, with no link: the one
    cross-level pair is decoupled; a funding link between them couples it.

    >>> from govatlas.graph.analysis.projection import Allocation
    >>> held = [Allocation("a1", "state", "housing", "national", 2, ("Town",), "XX"),
    ...         Allocation("a2", "town", "housing", "local", 5, ("Town",), "XX")]
    >>> network = nx.MultiDiGraph()
    >>> network.add_nodes_from(["state", "town"])
    >>> decoupling(network, held, fields={"housing": ("housing",)}).index
    1.0
    >>> _ = network.add_edge("state", "town", family="funding")
    >>> decoupling(network, held, fields={"housing": ("housing",)}).by_territory["Town"]
    {'pairs': 1, 'decoupled': 0, 'index': 0.0}
    """
    records = ([a for _, _, data in competences.edges(data=True)
                for a in data.get("allocations", ())]
               if isinstance(competences, nx.Graph) else list(competences))
    fields = fields if fields is not None else competence_fields()
    # (territory, field) -> holder -> (rank, level code) of its widest allocation there
    held: dict[tuple[str, str], dict[str, tuple[int, str]]] = {}
    for allocation in records:
        if allocation.rank is None:
            continue
        for territory in allocation.territories or (
                f"({allocation.country or 'no country'}: no territory)",):
            for field_code in fields.get(allocation.competence, (allocation.competence,)):
                holders = held.setdefault((territory, field_code), {})
                current = holders.get(allocation.holder)
                if current is None or allocation.rank < current[0]:
                    holders[allocation.holder] = (allocation.rank, allocation.level)
    neighbours = _adjacency(graph, frozenset(ignore_families), via_hierarchy)
    missing: set[str] = set()
    pairs: list[HolderPair] = []
    for (territory, field_code), holders in sorted(held.items()):
        ordered = sorted(holders.items(), key=lambda item: (item[1][0], item[0]))
        for i, (holder_a, (rank_a, level_a)) in enumerate(ordered):
            for holder_b, (rank_b, level_b) in ordered[i + 1:]:
                if rank_a == rank_b:
                    continue
                absent = [h for h in (holder_a, holder_b) if h not in neighbours]
                if absent:
                    missing.update(absent)
                    continue
                steps = _distance(neighbours, holder_a, holder_b, max_steps)
                pairs.append(HolderPair(territory, field_code, holder_a, level_a, holder_b,
                                        level_b, steps is not None, steps))

    def summary(selected: list[HolderPair]) -> dict[str, Any]:
        decoupled = sum(not pair.connected for pair in selected)
        return {"pairs": len(selected), "decoupled": decoupled,
                "index": decoupled / len(selected) if selected else None}

    by_territory: dict[str, list[HolderPair]] = {}
    by_competence: dict[str, list[HolderPair]] = {}
    for pair in pairs:
        by_territory.setdefault(pair.territory, []).append(pair)
        by_competence.setdefault(pair.competence, []).append(pair)
    overall = summary(pairs)
    return DecouplingResult(
        max_steps=max_steps, pairs=pairs,
        by_territory={key: summary(value) for key, value in sorted(by_territory.items())},
        by_competence={key: summary(value) for key, value in sorted(by_competence.items())},
        index=overall["index"], missing_holders=sorted(missing))
