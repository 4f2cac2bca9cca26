"""How long the network analysis takes on 100,000 actors, and what its approximations cost.

A synthetic projected graph (the shape that
:func:`govatlas.graph.analysis.projection.project` returns) is
generated with a fixed seed: one country, a national government with ministries, agencies,
committees and networks; regions, departments, and territories (cities) of municipalities,
municipal directorates and NGOs. Links follow the patterns the bundled sources describe:
ministries steer and fund regions, regions fund departments, departments and national agencies
fund or contract with municipalities (CTAIR-like), municipalities report up, cities partner
with each other inside a territory, NGOs implement for cities, regional committees gather
several levels, national networks of cities gather members. Competence allocations place a
field at several levels in each territory, so decoupling has pairs to check.

The full analysis (centrality with sampled betweenness, brokerage, structure, decoupling,
classification) is timed on 100,000 actors; each measure is printed next to its exact
NetworkX baseline where that is feasible, else on a 5,000-actor graph, with the error of each
approximation.

    python bench/analysis.py                 # 100,000 actors, baselines on 5,000
    python bench/analysis.py --actors 20000  # a quicker run
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from govatlas.graph.analysis import centrality
from govatlas.graph.analysis.brokerage import brokerage_by_group, brokerage_roles
from govatlas.graph.analysis.decoupling import competence_fields, decoupling
from govatlas.graph.analysis.ideal_types import classify_graph
from govatlas.graph.analysis.projection import Allocation, link_families
from govatlas.graph.analysis.structure import level_matrix, vertical_horizontal

RANKS = {"national": 2, "regional": 3, "intermediate": 4, "local": 5}
PUBLIC = {"national-government", "ministry", "national-agency", "committee", "region",
          "deconcentrated-service", "department", "municipality", "directorate"}


class Synthetic:
    """Builds the graph and the allocations; ``add`` keeps the attributes ``project`` sets."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.graph = nx.MultiDiGraph(synthetic=True, seed=seed)
        self.allocations: list[Allocation] = []
        self.families = link_families()
        self.links = 0

    def actor(self, kind: str, level: str, territory: str | None = None) -> str:
        node = f"syn:{len(self.graph)}"
        self.graph.add_node(node, label=f"{kind} {len(self.graph)}", type=kind,
                            public=kind in PUBLIC, levels=[level], level=level,
                            rank=RANKS[level], country="XX",
                            territories=[territory] if territory else [], parents=[],
                            competences=[])
        return node

    def link(self, source: str, target: str, kind: str, instrument: str | None = None,
             instrument_type: str | None = None) -> None:
        self.links += 1
        self.graph.add_edge(source, target, key=f"link:{self.links}", type=kind,
                            family=self.families[kind], instrument=instrument,
                            instrument_label=instrument, instrument_type=instrument_type,
                            status=None, valid_from=None, valid_until=None)

    def hold(self, holder: str, competence: str, territory: str) -> None:
        level = self.graph.nodes[holder]["level"]
        self.allocations.append(Allocation(f"alloc:{len(self.allocations)}", holder,
                                           competence, level, RANKS[level], (territory,), "XX"))
        self.graph.nodes[holder]["competences"].append(competence)


def synthetic_network(actors: int, seed: int = 0) -> tuple[nx.MultiDiGraph, list[Allocation]]:
    """A deterministic governance network of about ``actors`` actors (see the module doc)."""
    s = Synthetic(seed)
    rng = s.rng
    government = s.actor("national-government", "national")
    ministries = [s.actor("ministry", "national") for _ in range(20)]
    agencies = [s.actor("national-agency", "national") for _ in range(20)]
    networks = [s.actor("network", "national") for _ in range(9)]
    for ministry in ministries:
        s.link(government, ministry, "steers")
        for other in rng.sample(ministries, 2):
            if other != ministry:
                s.link(ministry, other, "coordinates")
    for agency in agencies:
        s.link(rng.choice(ministries), agency, "steers")
        s.link(agency, rng.choice(ministries), "reports-to")
    territories = max(1, actors // 50)
    regions = [s.actor("region", "regional") for _ in range(max(1, territories // 100))]
    prefects = [s.actor("deconcentrated-service", "regional") for _ in regions]
    for region, prefect in zip(regions, prefects, strict=True):
        s.link(rng.choice(ministries), region, "funds")
        s.link(government, prefect, "steers")
        s.link(prefect, government, "administers-funds-of")
        committee = s.actor("committee", "regional")
        for member in (region, prefect, rng.choice(ministries)):
            s.link(member, committee, "member-of", f"committee:{committee}", "committee")
            s.link(committee, member, "informs", f"committee:{committee}", "committee")
    remaining = max(4 * territories, actors - len(s.graph) - territories)  # less departments
    for t in range(territories):
        per_territory = remaining // territories + (t < remaining % territories)
        name = f"T{t}"
        r = t % len(regions)
        region, prefect = regions[r], prefects[r]
        department = s.actor("department", "intermediate", name)
        s.link(region, department, "funds")
        if rng.random() < 0.3:
            s.link(prefect, department, "monitors")
        members = []
        for _ in range(per_territory):
            roll = rng.random()
            kind = "municipality" if roll < 0.6 else "ngo" if roll < 0.9 else "directorate"
            members.append((s.actor(kind, "local", name), kind))
        cities = [node for node, kind in members if kind == "municipality"] or [members[0][0]]
        main = cities[0]
        s.link(department, main, "funds")
        if rng.random() < 0.3:
            agency = rng.choice(agencies)
            s.link(agency, main, "contracts-with", "ctair", "contract")
            s.link(agency, main, "funds", "ctair", "contract")
            s.link(main, agency, "reports-to", "ctair", "contract")
        if rng.random() < 0.1:
            s.link(main, region, "informs")
        if rng.random() < 0.2:
            s.link(main, rng.choice(networks), "member-of")
        for city in cities[1:]:
            for partner in rng.sample(cities, min(2, len(cities))):
                if partner != city:
                    s.link(city, partner, "partners-with")
            if rng.random() < 0.3:
                s.link(city, rng.choice(cities), "informs")
            if rng.random() < 0.5:
                s.link(department, city, "funds")
            if rng.random() < 0.2:
                s.link(city, department, "reports-to")
        for node, kind in members:
            if kind == "ngo":
                for city in rng.sample(cities, min(2, len(cities))):
                    s.link(node, city, "implements-for")
                if rng.random() < 0.5:
                    s.link(rng.choice(cities), node, "consults")
                if rng.random() < 0.3:
                    s.link(city, node, "funds")
            elif kind == "directorate":
                s.graph.nodes[node]["parents"] = [main]
                s.link(main, node, "steers")
                s.link(node, rng.choice(members)[0], "partners-with")
        # competences: one field at up to four levels in every territory
        s.hold(rng.choice(ministries), "integration-policy", name)
        s.hold(region, "language-learning", name)
        s.hold(department, "social-action", name)
        s.hold(main, "orientation", name)
        for city in cities[1:]:
            s.hold(city, rng.choice(["language-learning", "housing", "social-action"]), name)
        if rng.random() < 0.5:
            s.hold(rng.choice(ministries), "housing", name)
    return s.graph, s.allocations


def timed(label: str, function: Callable[[], Any], note: str = "") -> tuple[Any, float]:
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:8.2f} s  {note}")
    return result, seconds


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman rank correlation (average ranks for ties), without SciPy."""
    rx, ry = pd.Series(x).rank().to_numpy(), pd.Series(y).rank().to_numpy()
    return float(np.corrcoef(rx, ry)[0, 1])


def top_overlap(a: dict, b: dict, n: int = 20) -> int:
    def top(values: dict) -> set:
        return set(sorted(values, key=lambda node: (-values[node], str(node)))[:n])

    return len(top(a) & top(b))


def brute_brokerage(graph: nx.MultiDiGraph) -> dict:
    """Every open two-path enumerated, the definition as written, for checking."""
    simple = centrality.collapse(graph)
    groups = nx.get_node_attributes(simple, "level")
    out: dict = {}
    for b in simple:
        counts = dict.fromkeys(("coordinator", "itinerant", "representative", "gatekeeper",
                                "liaison"), 0)
        for x in simple.predecessors(b):
            for c in simple.successors(b):
                if x == c or simple.has_edge(x, c):
                    continue
                ga, gb, gc = groups[x], groups[b], groups[c]
                role = ("coordinator" if ga == gb == gc else "itinerant" if ga == gc
                        else "representative" if ga == gb else "gatekeeper" if gb == gc
                        else "liaison")
                counts[role] += 1
        out[b] = counts
    return out


def baselines(actors: int, seed: int, k: int) -> None:
    print(f"\nBaselines and errors on {actors:,} actors")
    graph, held = synthetic_network(actors, seed)
    simple = centrality.collapse(graph)
    print(f"  graph: {graph.number_of_nodes():,} actors, {graph.number_of_edges():,} links, "
          f"{simple.number_of_edges():,} ties")
    exact_nx, t_nx = timed("betweenness exact, NetworkX",
                           lambda: nx.betweenness_centrality(simple))
    exact_ig, t_ig = timed("betweenness exact, igraph",
                           lambda: centrality.betweenness(graph, backend="igraph"))
    print(f"  {'':<44} igraph = NetworkX: max |diff| "
          f"{max(abs(exact_nx[n] - exact_ig[n]) for n in exact_nx):.1e}; "
          f"speed-up {t_nx / t_ig:.0f}x")
    sampled_nx, _ = timed(f"betweenness sampled k={k}, NetworkX",
                          lambda: nx.betweenness_centrality(simple, k=k, seed=seed))
    sampled, _ = timed(f"betweenness sampled k={k}, igraph",
                       lambda: centrality.betweenness(graph, k=k, seed=seed, backend="igraph"))
    nodes = list(exact_ig)
    brokers = [n for n in nodes if exact_ig[n] > 0]
    print(f"  {'':<44} sampled vs exact: Spearman "
          f"{spearman([sampled[n] for n in nodes], [exact_ig[n] for n in nodes]):.3f} "
          f"(actors with exact > 0: "
          f"{spearman([sampled[n] for n in brokers], [exact_ig[n] for n in brokers]):.3f}), "
          f"top-20 overlap {top_overlap(sampled, exact_ig)}/20; same sample as NetworkX: "
          f"max |diff| {max(abs(sampled_nx[n] - sampled[n]) for n in nodes):.1e}")
    pr_nx, t_nx = timed("pagerank, NetworkX (pure Python; SciPy absent)",
                        lambda: centrality.pagerank(graph, backend="networkx"))
    pr_ig, t_ig = timed("pagerank, igraph",
                        lambda: centrality.pagerank(graph, backend="igraph"))
    print(f"  {'':<44} max |diff| {max(abs(pr_nx[n] - pr_ig[n]) for n in pr_nx):.1e}; "
          f"speed-up {t_nx / t_ig:.0f}x")
    fast, t_fast = timed("brokerage, govatlas (group counts)", lambda: brokerage_roles(graph))
    slow, t_slow = timed("brokerage, every two-path enumerated", lambda: brute_brokerage(graph))
    same = all({r: v for r, v in fast[n].items() if r != "total"} == slow[n] for n in slow)
    print(f"  {'':<44} identical: {same}; speed-up {t_slow / t_fast:.1f}x")
    result, t_fast = timed("decoupling, bidirectional search", lambda: decoupling(graph, held))
    undirected = nx.Graph(graph.to_undirected(as_view=True))

    def reference() -> int:
        return sum(1 for p in result.pairs
                   if p.holder_b not in nx.single_source_shortest_path_length(
                       undirected, p.holder_a, cutoff=2))

    decoupled, t_slow = timed("decoupling, NetworkX BFS per pair (cutoff 2)", reference)
    print(f"  {'':<44} identical: {decoupled == len(result.decoupled_pairs)} "
          f"({decoupled} of {len(result.pairs)} pairs); speed-up {t_slow / t_fast:.0f}x")


def full_analysis(actors: int, seed: int, k: int) -> None:
    print(f"Full analysis on {actors:,} actors (seed {seed})")
    (graph, held), _ = timed("generate synthetic projection", lambda: synthetic_network(
        actors, seed))
    print(f"  graph: {graph.number_of_nodes():,} actors, {graph.number_of_edges():,} links, "
          f"{len(held):,} allocations")
    total = 0.0
    table, seconds = timed("centrality table (igraph)", lambda: centrality.centrality_table(
        graph, k=k, seed=seed))
    total += seconds
    print(f"  {'':<44} {table.metadata['note']}")
    roles, seconds = timed("brokerage roles (levels as groups)", lambda: brokerage_roles(graph))
    total += seconds
    by_level, seconds = timed("brokerage by level", lambda: brokerage_by_group(graph, roles))
    total += seconds
    shares, seconds = timed("vertical/horizontal shares", lambda: vertical_horizontal(graph))
    total += seconds
    _, seconds = timed("level-to-level matrix", lambda: level_matrix(graph))
    total += seconds
    fields = competence_fields()
    result, seconds = timed("decoupling (max 2 steps)", lambda: decoupling(graph, held,
                                                                           fields=fields))
    total += seconds
    verdict, seconds = timed("ideal-type classification", lambda: classify_graph(
        graph, held, fields=fields, scope="synthetic country"))
    total += seconds
    print(f"  {'TOTAL analysis (without generation)':<44} {total:8.2f} s  target < 60 s")
    print(f"  vertical share {shares['vertical_share']:.2f}, top-down share "
          f"{shares['top_down_share']:.2f}; decoupling index {result.index:.3f} over "
          f"{len(result.pairs):,} pairs; liaison brokerage by regional level "
          f"{by_level.get('regional', {}).get('liaison', 0):,}")
    print(f"  classification: {verdict.label} {verdict.scores}")
    estimate_nx(graph, k, seed)


def estimate_nx(graph: nx.MultiDiGraph, k: int, seed: int) -> None:
    """NetworkX's sampled betweenness at this size, from a few sources (time is linear in the
    number of sources): the baseline that would not fit in the budget."""
    simple = centrality.collapse(graph)
    few = 4
    _, seconds = timed(f"betweenness NetworkX k={few} (to extrapolate)",
                       lambda: nx.betweenness_centrality(simple, k=few, seed=seed))
    print(f"  {'':<44} NetworkX k={k} at this size: about {seconds * k / few:,.0f} s")
    _, seconds = timed("pagerank, NetworkX (pure Python)",
                       lambda: centrality.pagerank(graph, backend="networkx"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--baseline-actors", type=int, default=5_000)
    parser.add_argument("--k", type=int, default=centrality.DEFAULT_K)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    full_analysis(args.actors, args.seed, args.k)
    baselines(args.baseline_actors, args.seed, args.k)


if __name__ == "__main__":
    main()
