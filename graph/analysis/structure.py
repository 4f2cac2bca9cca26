"""Vertical and horizontal structure of a governance network.

Multi-level governance is about links *between* levels (vertical) as much as links *within* a
level (horizontal); which way the vertical links run, from the wider level down or from the
narrower level up, is the first thing that tells a hierarchy from a bottom-up arrangement.
This module counts links, not ties: each coordination link is one channel (a contract and the
funding under it are two), which is what a reader of the sources counts too.

Level order comes from ``ga:levelRank``: 0 international, 1 supranational, 2 national,
3 regional, 4 intermediate, 5 local, 6 neighbourhood. An actor's rank is the rank of its widest
level (node attribute ``rank`` of :func:`govatlas.graph.analysis.projection.project`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import networkx as nx

__all__ = [
    "BOTTOM_UP",
    "HORIZONTAL",
    "TOP_DOWN",
    "level_matrix",
    "link_orientation",
    "vertical_horizontal",
]

HORIZONTAL = "horizontal"
TOP_DOWN = "top-down"
BOTTOM_UP = "bottom-up"


def link_orientation(graph: nx.Graph, u: Hashable, v: Hashable,
                     shared_level_horizontal: bool = False) -> str | None:
    """Whether a link from ``u`` to ``v`` is horizontal, top-down or bottom-up.

    Parameters
    ----------
    graph : networkx graph
        Nodes carry ``rank`` (and ``levels`` for ``shared_level_horizontal``).
    u, v : node
        The link's ends, in its direction.
    shared_level_horizontal : bool, default False
        Also call a link horizontal when its ends share a level, even if their widest levels
        differ: the City of Paris (intermediate and local) and a local NGO meet at the local
        level. Without it, the rule is the plain one: the ends' ranks differ.

    Returns
    -------
    str or None
        ``"horizontal"``, ``"top-down"`` (from the wider to the narrower level),
        ``"bottom-up"``, or ``None`` when an end has no rank.
    """
    rank_u, rank_v = graph.nodes[u].get("rank"), graph.nodes[v].get("rank")
    if rank_u is None or rank_v is None:
        return None
    if rank_u == rank_v:
        return HORIZONTAL
    if shared_level_horizontal and set(graph.nodes[u].get("levels") or ()) & set(
            graph.nodes[v].get("levels") or ()):
        return HORIZONTAL
    return TOP_DOWN if rank_u < rank_v else BOTTOM_UP


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def vertical_horizontal(graph: nx.Graph, shared_level_horizontal: bool = False,
                        ) -> dict[str, Any]:
    r"""Shares of vertical and horizontal links, and the direction of the vertical ones.

    Parameters
    ----------
    graph : networkx graph
        A projection; each edge is one coordination link.
    shared_level_horizontal : bool, default False
        See :func:`link_orientation`.

    Returns
    -------
    dict
        ``links`` (all), ``unranked`` (an end without a level), ``vertical``, ``horizontal``,
        ``top_down``, ``bottom_up`` (counts), ``vertical_share`` and ``horizontal_share``
        (of ranked links), ``top_down_share`` and ``bottom_up_share`` (of vertical links);
        a share is ``None`` when there is nothing to divide.

    Notes
    -----
    With :math:`r(a)` the rank of actor :math:`a`'s widest level, a link :math:`a \to b` is

    .. math::

       \text{vertical} \iff r(a) \ne r(b), \qquad
       \text{top-down} \iff r(a) < r(b), \qquad \text{bottom-up} \iff r(a) > r(b),

    and ``vertical_share`` :math:`= V / (V + H)`. Direction is the link's as recorded
    ("A funds B" runs from A): reading what the link *does* (a report sent up is control from
    above) is left to :mod:`govatlas.graph.analysis.ideal_types`.

    References
    ----------
    .. [1] Hooghe, L., & Marks, G. (2003). Unraveling the central state, but how? Types of
       multi-level governance. American Political Science Review 97(2), 233-243.
    .. [2] OECD (2018). Working Together for Local Integration of Migrants and Refugees,
       OECD Publishing, Paris (vertical and horizontal coordination).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([("state", {"rank": 2}), ("city", {"rank": 5}), ("town", {"rank": 5})])
    >>> _ = g.add_edge("state", "city"); _ = g.add_edge("city", "town")
    >>> vertical_horizontal(g)["vertical_share"]
    0.5
    """
    counts = {HORIZONTAL: 0, TOP_DOWN: 0, BOTTOM_UP: 0, None: 0}
    for u, v in graph.edges():
        counts[link_orientation(graph, u, v, shared_level_horizontal)] += 1
    vertical = counts[TOP_DOWN] + counts[BOTTOM_UP]
    ranked = vertical + counts[HORIZONTAL]
    return {
        "links": graph.number_of_edges(),
        "unranked": counts[None],
        "vertical": vertical,
        "horizontal": counts[HORIZONTAL],
        "top_down": counts[TOP_DOWN],
        "bottom_up": counts[BOTTOM_UP],
        "vertical_share": _share(vertical, ranked),
        "horizontal_share": _share(counts[HORIZONTAL], ranked),
        "top_down_share": _share(counts[TOP_DOWN], vertical),
        "bottom_up_share": _share(counts[BOTTOM_UP], vertical),
    }


def level_matrix(graph: nx.Graph) -> dict[str, dict[str, int]]:
    """Links counted by the level they come from and the level they go to.

    Parameters
    ----------
    graph : networkx graph
        Nodes carry ``level`` (code of the widest level) and ``rank``.

    Returns
    -------
    dict
        ``matrix[from_level][to_level]`` = number of links, with every level present in the
        graph as a row and a column, widest first (so the part above the diagonal is the
        top-down links and the part below the bottom-up ones); actors without a level appear
        as ``"(no level)"``, last.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([("state", {"level": "national", "rank": 2}),
    ...                   ("city", {"level": "local", "rank": 5})])
    >>> _ = g.add_edge("state", "city"); _ = g.add_edge("state", "city")
    >>> level_matrix(g)
    {'national': {'national': 0, 'local': 2}, 'local': {'national': 0, 'local': 0}}
    """
    ranks: dict[str, int] = {}
    for _, data in graph.nodes(data=True):
        level = data.get("level") or "(no level)"
        rank = data.get("rank")
        ranks[level] = min(ranks.get(level, 99), rank if rank is not None else 99)
    order = sorted(ranks, key=lambda level: (ranks[level], level))
    matrix = {row: dict.fromkeys(order, 0) for row in order}
    for u, v in graph.edges():
        row = graph.nodes[u].get("level") or "(no level)"
        column = graph.nodes[v].get("level") or "(no level)"
        matrix[row][column] += 1
    return matrix
