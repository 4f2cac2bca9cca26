"""Network measures: the whole analysis and its centrality part, against exact NetworkX."""

from __future__ import annotations

from bench.harness import GOVATLAS, Clock, Engine, Job, Outcome

from .data import Prepared, memory_store


def _top(values: dict[str, float], n: int = 20) -> list[str]:
    return sorted(values, key=lambda node: (-values[node], node))[:n]


def network_govatlas(clock: Clock, prepared: Prepared) -> Outcome:
    """`govatlas analyze --country XX`: projection, centrality, brokerage, structure,
    decoupling, classification and the gap counts."""
    from govatlas.graph.analysis.analyze import analyze

    store = memory_store(prepared)
    with clock:
        result = analyze(store, country="XX", top=20)
    method = result.centrality_method
    sampled = f"sampled, k={method.get('k')}" if method.get("sampled") else "exact"
    return Outcome(note=f"{result.classification.get('label')}; betweenness {sampled}",
                   compare=[row["actor"] for row in result.centrality])


def centrality_govatlas(clock: Clock, prepared: Prepared) -> Outcome:
    """The part of the analysis the NetworkX baseline does: projection and centrality table."""
    from govatlas.graph.analysis.centrality import centrality_table
    from govatlas.graph.analysis.projection import project

    store = memory_store(prepared)
    with clock:
        graph = project(store, country="XX")
        table = centrality_table(graph)
    values = {row["actor"]: row["betweenness"] or 0.0 for row in table}
    return Outcome(note=f"{graph.number_of_nodes():,} actors, {graph.number_of_edges():,} links",
                   compare=_top(values))


def network_networkx(clock: Clock, prepared: Prepared) -> Outcome:
    """Exact betweenness and PageRank with NetworkX, on the simple graph of ties govatlas
    computes on (the same projection, collapsed the same way)."""
    import networkx as nx

    from govatlas.graph.analysis.centrality import collapse
    from govatlas.graph.analysis.projection import project

    store = memory_store(prepared)
    with clock:
        simple = collapse(project(store, country="XX"))
        betweenness = nx.betweenness_centrality(simple)
        nx.pagerank(simple)
    return Outcome(note=f"{simple.number_of_nodes():,} actors, {simple.number_of_edges():,} "
                        "ties; exact betweenness", compare=_top(betweenness))


NETWORK = Job("network measures", (
    Engine(GOVATLAS, network_govatlas),
    Engine("govatlas centrality only", centrality_govatlas),
    Engine("NetworkX exact", network_networkx, baseline=True)), compare="overlap",
    description=(
        "govatlas: `analyze(store, country='XX')`, the whole report (projection, "
        "igraph centrality with sampled betweenness above 5,000 actors, brokerage, "
        "structure, decoupling, classification, gap counts), and its centrality part "
        "alone (`project` + `centrality_table`); baseline: `project`, `collapse`, "
        "exact `networkx.betweenness_centrality` and `networkx.pagerank`. The ratio "
        "is against the whole report. The note compares the top 20 actors by "
        "betweenness."))
