"""Gould & Fernandez brokerage roles, with levels of government as the groups.

A broker is an actor that passes something between two others who are not linked
themselves. Which *kind* of broker it is depends on the groups of the three: a regional body
that passes national funding on to municipalities is a different broker (a *liaison* between
two levels it does not belong to, or a *gatekeeper* letting the national level into its own)
from a city that coordinates other cities (a *coordinator*). With levels as the groups, the
five roles describe how vertical coordination is mediated.

Roles of a broker ``b`` on an open two-path ``a -> b -> c`` (Gould & Fernandez 1989), with
``G(x)`` the group of ``x``:

============== ========= ==================================== ==========================
role           notation  groups                               two-path
============== ========= ==================================== ==========================
coordinator    w_I       G(a) = G(b) = G(c)                   A -> A -> A
itinerant      w_O       G(a) = G(c) != G(b)                  A -> B -> A
representative b_IO      G(a) = G(b) != G(c)                  A -> A -> B
gatekeeper     b_OI      G(a) != G(b) = G(c)                  A -> B -> B
liaison        b_O       G(a), G(b), G(c) all different       A -> B -> C
============== ========= ==================================== ==========================

The itinerant broker is also called the *consultant*.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable

import networkx as nx

__all__ = ["ROLES", "brokerage_by_group", "brokerage_roles"]

ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")

NO_GROUP = "(no level)"


def brokerage_roles(graph: nx.Graph, group: str = "level", open_only: bool = True,
                    ) -> dict[Hashable, dict[str, int]]:
    r"""How many times each actor plays each of Gould & Fernandez's five brokerage roles.

    Parameters
    ----------
    graph : networkx graph
        A projection; links are followed in their direction. Parallel links are collapsed
        into one tie and self-loops dropped before counting (see Notes).
    group : str, default "level"
        The node attribute that defines the groups: by default the actor's widest level of
        government. Actors without it form one group, ``"(no level)"``.
    open_only : bool, default True
        Count only two-paths ``a -> b -> c`` with no direct tie ``a -> c``, as Gould &
        Fernandez do: where ``a`` reaches ``c`` itself, ``b`` mediates nothing.

    Returns
    -------
    dict
        Actor -> ``{"coordinator": n, "itinerant": n, "representative": n, "gatekeeper": n,
        "liaison": n, "total": n}``.

    Notes
    -----
    The counts are over the simple directed graph of ties: a contract and the funding under
    it are two links but one path for the broker to sit on, so they count once. With
    :math:`N_b(g, h)` the number of open two-paths :math:`a \to b \to c` with :math:`a \ne c`,
    :math:`G(a) = g` and :math:`G(c) = h`, and :math:`B = G(b)`:

    .. math::

       \text{coordinator}(b) &= N_b(B, B) \\
       \text{itinerant}(b) &= \textstyle\sum_{g \ne B} N_b(g, g) \\
       \text{representative}(b) &= \textstyle\sum_{h \ne B} N_b(B, h) \\
       \text{gatekeeper}(b) &= \textstyle\sum_{g \ne B} N_b(g, B) \\
       \text{liaison}(b) &= \textstyle\sum_{g \ne h,\, g \ne B,\, h \ne B} N_b(g, h)

    :math:`N_b` is obtained from the group counts of ``b``'s predecessors and successors
    (all pairs), less the pairs with :math:`a = c` (mutual ties) and, for ``open_only``, less
    the closed pairs found by intersecting successor sets, so the cost is
    :math:`O(\sum_{(a, b)} \min(d^+(a), d^+(b)))` rather than the number of two-paths. The
    counts equal ``sna::brokerage(g, cl)$raw.nli`` in R.

    References
    ----------
    .. [1] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation: A formal approach
       to brokerage in transaction networks. Sociological Methodology 19, 89-126.
    .. [2] Butts, C. T. (2008). Social network analysis with sna. Journal of Statistical
       Software 24(6).

    Examples
    --------
    >>> g = nx.DiGraph()
    >>> g.add_nodes_from([("state", {"level": "national"}), ("region", {"level": "regional"}),
    ...                   ("city", {"level": "local"})])
    >>> g.add_edges_from([("state", "region"), ("region", "city")])
    >>> brokerage_roles(g)["region"]["liaison"]
    1
    """
    groups = {node: (data.get(group) if data.get(group) is not None else NO_GROUP)
              for node, data in graph.nodes(data=True)}
    if graph.is_directed():
        successors = {node: set(graph.succ[node]) - {node} for node in graph}
        predecessors = {node: set(graph.pred[node]) - {node} for node in graph}
    else:
        successors = {node: set(graph.adj[node]) - {node} for node in graph}
        predecessors = successors
    roles: dict[Hashable, dict[str, int]] = {}
    for broker in graph:
        into, out = predecessors[broker], successors[broker]
        own = groups[broker]
        if len(into) * len(out) <= _ENUMERATE_BELOW:
            roles[broker] = _enumerate(into, out, own, groups, successors, open_only)
        else:
            roles[broker] = _by_group_counts(into, out, own, groups, successors, open_only)
    return roles


#: Brokers with fewer two-paths than this are counted path by path (cheaper than grouping).
_ENUMERATE_BELOW = 64


def _roles(same: int, row: int, column: int, diagonal: int, total: int) -> dict[str, int]:
    return {"coordinator": same, "itinerant": diagonal - same, "representative": row - same,
            "gatekeeper": column - same,
            "liaison": total - (row - same) - (column - same) - (diagonal - same) - same,
            "total": total}


def _enumerate(into: set[Hashable], out: set[Hashable], own: Hashable,
               groups: dict[Hashable, Hashable], successors: dict[Hashable, set[Hashable]],
               open_only: bool) -> dict[str, int]:
    """The five counts of one broker, two-path by two-path."""
    same = row = column = diagonal = total = 0
    for a in into:
        ga, reach = groups[a], successors[a]
        for c in out:
            if c == a or (open_only and c in reach):
                continue
            gc = groups[c]
            total += 1
            row += ga == own
            column += gc == own
            diagonal += ga == gc
            same += ga == own and gc == own
    return _roles(same, row, column, diagonal, total)


def _by_group_counts(into: set[Hashable], out: set[Hashable], own: Hashable,
                     groups: dict[Hashable, Hashable],
                     successors: dict[Hashable, set[Hashable]],
                     open_only: bool) -> dict[str, int]:
    """The five counts of one broker from the group sizes of its predecessors and successors,
    less the pairs that do not count, so that a hub costs its excluded pairs only."""
    before = Counter(groups[a] for a in into)
    after = Counter(groups[c] for c in out)
    total = len(into) * len(out)
    row = before[own] * len(out)  # a in the broker's group
    column = len(into) * after[own]  # c in the broker's group
    diagonal = sum(n * after[g] for g, n in before.items())  # a and c in one group
    same = before[own] * after[own]  # all three in one group
    excluded = [(groups[a], groups[a]) for a in into & out]  # a -> b -> a goes nowhere
    if open_only:
        for a in into:
            reach = successors[a]
            small, large = (reach, out) if len(reach) < len(out) else (out, reach)
            excluded.extend((groups[a], groups[c]) for c in small if c in large and c != a)
    for ga, gc in excluded:
        total -= 1
        row -= ga == own
        column -= gc == own
        diagonal -= ga == gc
        same -= ga == own and gc == own
    return _roles(same, row, column, diagonal, total)


def brokerage_by_group(graph: nx.Graph, roles: dict[Hashable, dict[str, int]] | None = None,
                       group: str = "level") -> dict[str, dict[str, int]]:
    """Brokerage roles summed over the actors of each group (level).

    Parameters
    ----------
    graph : networkx graph
        The projection the roles were counted on.
    roles : dict, optional
        The result of :func:`brokerage_roles` (computed if not given).
    group : str, default "level"
        The node attribute of the groups.

    Returns
    -------
    dict
        Group -> role -> count: which level mediates, and how ("the regional level is a
        liaison between national and local in 40 two-paths").
    """
    roles = roles if roles is not None else brokerage_roles(graph, group=group)
    totals: dict[str, dict[str, int]] = {}
    for node, counts in roles.items():
        key = graph.nodes[node].get(group)
        key = key if key is not None else NO_GROUP
        summed = totals.setdefault(key, dict.fromkeys((*ROLES, "total"), 0))
        for role, count in counts.items():
            summed[role] += count
    return totals
