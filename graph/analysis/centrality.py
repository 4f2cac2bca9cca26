"""Centrality of governance actors: who is linked to many, who lies between others, who
receives links from well-linked actors.

One table per projection (:func:`centrality_table`): degree, in-degree, out-degree,
betweenness and PageRank for every actor, with its rank overall and among the actors of its
level, so a reader can see both "the Diair is the most central actor in France" and "the
Lyon Metropolis is the most central local actor".

Why two engines: NetworkX is the reference whose definitions the docstrings cite, but its
pure-Python betweenness and PageRank are 25-40 times slower than igraph's C code (shared
PERFORMANCE.md). With ``backend="auto"`` the table is computed by igraph when it is installed
and by NetworkX otherwise; both compute the same quantities on the same simple graph, with the
same normalisation and, for sampled betweenness, the same sample of sources, so the results
are identical up to floating-point rounding (the tests check it).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Hashable
from typing import Any

import networkx as nx

__all__ = [
    "CentralityTable",
    "betweenness",
    "centrality_table",
    "collapse",
    "pagerank",
]

#: Above this many actors, betweenness is estimated from ``k`` sampled sources.
EXACT_LIMIT = 5_000
#: Sources sampled for approximate betweenness (Brandes & Pich 2007).
DEFAULT_K = 256
MEASURES = ("degree", "in_degree", "out_degree", "betweenness", "pagerank")


class CentralityTable(list):
    """The rows of :func:`centrality_table`, a ``list`` of dicts with a ``metadata`` dict
    saying how the numbers were computed (engine, exact or sampled betweenness, ``k``,
    seed), so a table can be cited with its method."""

    def __init__(self, rows: list[dict[str, Any]], metadata: dict[str, Any]) -> None:
        super().__init__(rows)
        self.metadata = metadata


def _has_igraph() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def _backend(backend: str) -> str:
    if backend == "auto":
        return "igraph" if _has_igraph() else "networkx"
    if backend not in ("igraph", "networkx"):
        raise ValueError(f"unknown backend {backend!r}: use 'auto', 'igraph' or 'networkx'")
    return backend


def collapse(graph: nx.Graph, directed: bool = True) -> nx.DiGraph:
    """The simple graph of ties behind a multigraph of links.

    Two links between the same actors (a contract and the funding under it) are one tie for
    path-based measures: a shortest path does not become twice as likely because two
    instruments join the same pair. Self-loops are dropped (an actor does not lie between
    itself and another). The edge attribute ``links`` counts the links a tie stands for.

    Parameters
    ----------
    graph : networkx graph
        A projection (usually a ``MultiDiGraph``).
    directed : bool, default True
        If False, every tie is made mutual (``a -> b`` and ``b -> a``), which is how the
        undirected measures are computed on both engines.

    Returns
    -------
    networkx.DiGraph
        Same nodes in the same order, with their attributes.

    Examples
    --------
    >>> g = nx.MultiDiGraph([("state", "city"), ("state", "city"), ("city", "city")])
    >>> list(collapse(g).edges(data=True))
    [('state', 'city', {'links': 2})]
    """
    counts: Counter[tuple[Hashable, Hashable]] = Counter(
        (u, v) for u, v in graph.edges() if u != v)
    if not (directed and graph.is_directed()):
        mutual: Counter[tuple[Hashable, Hashable]] = Counter()
        for (u, v), links in counts.items():
            mutual[(u, v)] += links
            mutual[(v, u)] += links
        counts = mutual
    simple = nx.DiGraph()
    simple.add_nodes_from(graph.nodes(data=True))
    simple.add_edges_from((u, v, {"links": links}) for (u, v), links in counts.items())
    return simple


def _igraph(simple: nx.DiGraph) -> tuple[Any, list[Hashable]]:
    import igraph as ig

    nodes = list(simple)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in simple.edges()]
    return ig.Graph(n=len(nodes), edges=edges, directed=True), nodes


def _sample(nodes: list[Hashable], k: int | None, seed: int) -> list[Hashable] | None:
    """The sources NetworkX samples for ``k`` and an integer ``seed`` (``random.Random(seed)
    .sample(list(G), k)``), so that both engines estimate from the same sources."""
    if k is None or k >= len(nodes):
        return None
    return random.Random(seed).sample(nodes, k)


def _rescale(raw: dict[Hashable, float], n: int,
             sources: list[Hashable] | None) -> dict[Hashable, float]:
    """NetworkX's normalisation (``normalized=True, endpoints=False``), sampled or not."""
    big_n = n - 1
    if big_n < 2:
        return {v: 0.0 for v in raw}
    if sources is None:
        scale = 1 / (big_n * (big_n - 1))
        return {v: value * scale for v, value in raw.items()}
    k = len(sources)
    chosen = set(sources)
    scale_source = 1 / ((k - 1) * (big_n - 1)) if k > 1 else math.nan
    scale_other = 1 / (k * (big_n - 1))
    return {v: value * (scale_source if v in chosen else scale_other)
            for v, value in raw.items()}


def betweenness(graph: nx.Graph, k: int | None = None, seed: int = 0, directed: bool = True,
                backend: str = "auto") -> dict[Hashable, float]:
    r"""Shortest-path betweenness of every actor, exact or estimated from ``k`` sources.

    Parameters
    ----------
    graph : networkx graph
        A projection; it is collapsed to simple ties first (:func:`collapse`).
    k : int, optional
        Estimate from ``k`` source actors sampled at random (``None``: exact).
    seed : int, default 0
        Seed of the sample, so an estimate can be reproduced.
    directed : bool, default True
        Follow links in their direction (funding flows from the funder to the funded).
    backend : {"auto", "igraph", "networkx"}
        The engine; both give the same numbers.

    Returns
    -------
    dict
        Actor -> normalised betweenness in [0, 1].

    Notes
    -----
    .. math::

       c_B(v) = \frac{1}{(n-1)(n-2)} \sum_{s \ne v \ne t} \frac{\sigma(s, t | v)}{\sigma(s, t)}

    where :math:`\sigma(s, t)` is the number of shortest paths from :math:`s` to :math:`t` and
    :math:`\sigma(s, t | v)` those through :math:`v` (Brandes 2001), exactly as
    ``networkx.betweenness_centrality(G, normalized=True)``. With ``k`` sources the sum runs
    over the sampled sources and is rescaled as NetworkX does (Brandes & Pich 2007), so the
    estimate is unbiased for the exact value.

    References
    ----------
    .. [1] Brandes, U. (2001). A faster algorithm for betweenness centrality. Journal of
       Mathematical Sociology 25(2), 163-177.
    .. [2] Brandes, U., & Pich, C. (2007). Centrality estimation in large networks.
       International Journal of Bifurcation and Chaos 17(7), 2303-2318.

    Examples
    --------
    The region lies on the one shortest path from the state to the city, of the
    :math:`(n-1)(n-2) = 2` ordered pairs it is not an end of:

    >>> g = nx.MultiDiGraph([("state", "region"), ("region", "city")])
    >>> betweenness(g)["region"]
    0.5
    """
    return _betweenness(collapse(graph, directed=directed), k, seed, directed,
                        _backend(backend))


def _betweenness(simple: nx.DiGraph, k: int | None, seed: int, directed: bool, engine: str,
                 converted: tuple[Any, list[Hashable]] | None = None,
                 ) -> dict[Hashable, float]:
    """:func:`betweenness` on ties already collapsed (and, for igraph, already converted)."""
    sources = _sample(list(simple), k, seed)
    if engine == "networkx":
        reference = simple if directed else simple.to_undirected()
        return nx.betweenness_centrality(reference, k=None if sources is None else len(sources),
                                         normalized=True, seed=seed)
    ig_graph, order = converted or _igraph(simple)
    index = {node: i for i, node in enumerate(order)}
    if sources is None:
        values = ig_graph.betweenness(directed=True)
    else:
        values = ig_graph.betweenness(directed=True, sources=[index[s] for s in sources])
    return _rescale(dict(zip(order, values, strict=True)), len(order), sources)


def pagerank(graph: nx.Graph, alpha: float = 0.85, directed: bool = True,
             backend: str = "auto") -> dict[Hashable, float]:
    r"""PageRank of every actor: a link from a well-linked actor counts more.

    Parameters
    ----------
    graph : networkx graph
        A projection, collapsed to simple ties first (:func:`collapse`).
    alpha : float, default 0.85
        Damping factor.
    directed : bool, default True
        Follow links in their direction.
    backend : {"auto", "igraph", "networkx"}
        The engine; both give the same numbers (to the solvers' tolerance, 1e-6).

    Returns
    -------
    dict
        Actor -> PageRank; the values sum to 1.

    Notes
    -----
    .. math::

       PR(v) = \frac{1 - \alpha}{n} + \alpha \Big( \sum_{u \to v} \frac{PR(u)}{d^+(u)}
               + \sum_{u : d^+(u) = 0} \frac{PR(u)}{n} \Big)

    Actors with no outgoing link spread their weight evenly, as in ``networkx.pagerank``.

    References
    ----------
    .. [1] Page, L., Brin, S., Motwani, R., & Winograd, T. (1999). The PageRank citation
       ranking: bringing order to the web. Stanford InfoLab.

    Examples
    --------
    Two actors linked both ways share the weight:

    >>> ranks = pagerank(nx.DiGraph([("state", "city"), ("city", "state")]))
    >>> round(ranks["state"], 6), round(ranks["city"], 6)
    (0.5, 0.5)
    """
    return _pagerank(collapse(graph, directed=directed), alpha, _backend(backend))


def _pagerank(simple: nx.DiGraph, alpha: float, engine: str,
              converted: tuple[Any, list[Hashable]] | None = None) -> dict[Hashable, float]:
    """:func:`pagerank` on ties already collapsed (and, for igraph, already converted)."""
    if len(simple) == 0:
        return {}
    if engine == "networkx":
        try:
            import scipy  # noqa: F401
        except ImportError:  # NetworkX's default solver needs SciPy; its Python one does not
            from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

            return _pagerank_python(simple, alpha=alpha, weight=None)
        return nx.pagerank(simple, alpha=alpha, weight=None)
    ig_graph, order = converted or _igraph(simple)
    values = ig_graph.pagerank(directed=True, damping=alpha)
    return dict(zip(order, values, strict=True))


def _ranks(values: dict[Hashable, float], order_key: dict[Hashable, str],
           ) -> dict[Hashable, int]:
    """Competition ranks ("1224"), highest value first; values equal to 12 significant digits
    tie, so that two engines' rounding never reorders actors."""
    rounded = {node: float(f"{value:.12g}") for node, value in values.items()}
    ordered = sorted(rounded, key=lambda node: (-rounded[node], order_key[node]))
    ranks: dict[Hashable, int] = {}
    previous: float | None = None
    for position, node in enumerate(ordered, start=1):
        if previous is None or rounded[node] != previous:
            rank = position
        ranks[node] = rank
        previous = rounded[node]
    return ranks


def centrality_table(graph: nx.Graph, *, rank_by: str = "betweenness",
                     exact_limit: int = EXACT_LIMIT, k: int = DEFAULT_K, seed: int = 0,
                     directed: bool = True, backend: str = "auto") -> CentralityTable:
    """Degree, betweenness and PageRank of every actor, ranked overall and within its level.

    Parameters
    ----------
    graph : networkx graph
        A projection (:func:`govatlas.graph.analysis.projection.project`).
    rank_by : str, default "betweenness"
        The measure the ranks follow: one of degree, in_degree, out_degree, betweenness,
        pagerank. Betweenness by default because the question asked of a governance network
        is most often "through whom does coordination pass?".
    exact_limit : int, default 5000
        Above this many actors, betweenness is estimated from ``k`` sampled sources and the
        metadata says so.
    k : int, default 256
        Sources sampled when estimating.
    seed : int, default 0
        Seed of the sample.
    directed : bool, default True
        Follow links in their direction for betweenness and PageRank.
    backend : {"auto", "igraph", "networkx"}
        The engine for betweenness and PageRank.

    Returns
    -------
    CentralityTable
        One dict per actor: ``actor``, ``label``, ``level``, ``degree``, ``in_degree``,
        ``out_degree`` (links, counting each coordination link), ``betweenness``,
        ``pagerank``, ``rank`` (overall, by ``rank_by``) and ``level_rank`` (among the actors
        of the same ``level``), sorted by ``rank``. ``.metadata`` records the method.

    Notes
    -----
    Degrees count links (two links between a pair count twice: two instruments are two
    channels); betweenness and PageRank use ties (:func:`collapse`). See :func:`betweenness`
    and :func:`pagerank` for the formulas.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from([("state", {"level": "national"}), ("region", {"level": "regional"}),
    ...                   ("city", {"level": "local"})])
    >>> _ = g.add_edge("state", "region"); _ = g.add_edge("region", "city")
    >>> table = centrality_table(g)
    >>> [(row["actor"], row["betweenness"], row["rank"]) for row in table]
    [('region', 0.5, 1), ('city', 0.0, 2), ('state', 0.0, 2)]
    >>> table.metadata["betweenness"]
    'exact'
    """
    if rank_by not in MEASURES:
        raise ValueError(f"rank_by must be one of {', '.join(MEASURES)}, not {rank_by!r}")
    engine = _backend(backend)
    n = graph.number_of_nodes()
    sampled = n > exact_limit and k < n
    simple = collapse(graph, directed=directed)
    converted = _igraph(simple) if engine == "igraph" else None
    between = _betweenness(simple, k if sampled else None, seed, directed, engine, converted)
    ranks_pr = _pagerank(simple, 0.85, engine, converted)
    directed_input = graph.is_directed()
    rows: dict[Hashable, dict[str, Any]] = {}
    for node, data in graph.nodes(data=True):
        in_degree = graph.in_degree(node) if directed_input else graph.degree(node)
        out_degree = graph.out_degree(node) if directed_input else graph.degree(node)
        rows[node] = {
            "actor": node,
            "label": data.get("label", str(node)),
            "level": data.get("level") or "(no level)",
            "degree": graph.degree(node),
            "in_degree": in_degree,
            "out_degree": out_degree,
            "betweenness": between.get(node, 0.0),
            "pagerank": ranks_pr.get(node, 0.0),
        }
    tie_break = {node: f"{row['label']}\x00{node}" for node, row in rows.items()}
    overall = _ranks({node: float(row[rank_by]) for node, row in rows.items()}, tie_break)
    by_level: dict[str, dict[Hashable, float]] = {}
    for node, row in rows.items():
        by_level.setdefault(row["level"], {})[node] = float(row[rank_by])
    for members in by_level.values():
        for node, rank in _ranks(members, tie_break).items():
            rows[node]["level_rank"] = rank
    for node, rank in overall.items():
        rows[node]["rank"] = rank
    ordered = sorted(rows.values(), key=lambda row: (row["rank"], tie_break[row["actor"]]))
    metadata = {
        "actors": n,
        "links": graph.number_of_edges(),
        "ties": simple.number_of_edges(),
        "backend": engine,
        "directed": directed,
        "rank_by": rank_by,
        "betweenness": "sampled" if sampled else "exact",
        "k": k if sampled else None,
        "seed": seed if sampled else None,
        "exact_limit": exact_limit,
        "note": (f"betweenness estimated from {k} sampled sources (seed {seed}) because the "
                 f"graph has {n} actors, more than {exact_limit}" if sampled
                 else "betweenness exact"),
    }
    return CentralityTable(ordered, metadata)
