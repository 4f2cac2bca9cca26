"""`govatlas analyze`: the network measures and the ideal type of a territory, in one report,
a what-if for an added link, and the results written back into the graph as RDF.

The measures live in their own modules (centrality, brokerage, structure, decoupling,
ideal_types); this module only gathers them for one scope (a city, a country, or all), so the
command line, the report and the RDF write-back all show the same numbers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyoxigraph as ox

from govatlas.graph.store import GraphStore
from govatlas.graph.validation.kept import gap_findings
from govatlas.ontology.namespaces import (
    ACTOR,
    BASE,
    GA,
    GRAPH,
    IDEAL_TYPE,
    LINK_TYPE,
    RDF,
    RDFS,
    STATEMENT,
    XSD,
)
from govatlas.ontology.sparql import load_query

from .brokerage import brokerage_roles
from .centrality import centrality_table
from .decoupling import competence_fields, decoupling
from .ideal_types import classify_network
from .projection import all_allocations, country_network, keep_allocations, project
from .structure import level_matrix, vertical_horizontal

ANALYSIS_GRAPH = GRAPH + "analysis"
WHAT_IF_GRAPH = GRAPH + "what-if"


@dataclass
class Analysis:
    """Everything `govatlas analyze` reports for one scope."""

    scope: str
    as_of: str | None
    classification: dict[str, Any]
    centrality: list[dict[str, Any]]
    centrality_method: dict[str, Any]
    brokerage: list[dict[str, Any]]
    structure: dict[str, Any]
    level_matrix: dict[str, dict[str, int]]
    decoupling: dict[str, Any]
    decoupled_pairs: list[dict[str, str]]
    gaps: dict[str, int] = field(default_factory=dict)


def _scope(territory: str | None, country: str | None) -> str:
    if territory and country:
        return f"{territory} ({country})"
    return territory or country or "all"


def analyze(store: GraphStore, territory: str | None = None, country: str | None = None,
            as_of: date | None = None, top: int = 10) -> Analysis:
    """Measures, classification and gap counts of a territory, a country, or the whole graph."""
    # the store is read once: the whole network and every allocation, then cut here to the
    # country and the territory (the classification reads the whole network too, for the
    # connectivity of the place's actors)
    everything = all_allocations(store)
    full = project(store, as_of=as_of, held=keep_allocations(everything, as_of))
    graph = country_network(full, country) if country else full
    if territory:
        keep = [node for node, data in graph.nodes(data=True)
                if territory.casefold() in {t.casefold() for t in data.get("territories", [])}]
        scoped = graph.subgraph(keep).copy()
    else:
        scoped = graph
    table = centrality_table(scoped)
    labels = {node: data.get("label", node) for node, data in scoped.nodes(data=True)}
    roles = brokerage_roles(scoped)
    role_names = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
    brokers = sorted(({"actor": node, "label": labels.get(node, node),
                       **{role: counts.get(role, 0) for role in role_names},
                       "total": sum(counts.get(role, 0) for role in role_names)}
                      for node, counts in roles.items()
                      if any(counts.get(role, 0) for role in role_names)),
                     key=lambda row: (-row["total"], str(row["label"]), row["actor"]))[:top]
    held = keep_allocations(everything, as_of, country, territory)
    fields = competence_fields(store)
    decoupled = decoupling(graph, held, fields=fields)
    if territory or country:
        classification = classify_network(full, held, territory=territory, country=country,
                                          fields=fields).as_dict()
    else:
        classification = {"scope": "all", "label": "not classified",
                          "explanation": "name a territory (--city) or a country (--country) "
                                         "to classify it", "scores": {}, "measures": {},
                          "thresholds": {}}
    wanted = (territory or "").casefold()
    found = [f for f in gap_findings(store)
             if (not country or f.country.upper() == country.upper())
             and (not territory or f.territory.casefold() == wanted)]
    gap_counts: dict[str, int] = {}
    for finding in found:
        gap_counts[finding.gap or ""] = gap_counts.get(finding.gap or "", 0) + 1
    pairs = [dict(zip(("territory", "competence", "holder_a", "level_a", "holder_b", "level_b"),
                      row, strict=True))
             for row in decoupled.decoupled_rows()
             if not territory or row[0].casefold() == wanted]
    for pair in pairs:
        pair["holder_a"] = labels.get(pair["holder_a"], graph.nodes.get(
            pair["holder_a"], {}).get("label", pair["holder_a"]))
        pair["holder_b"] = labels.get(pair["holder_b"], graph.nodes.get(
            pair["holder_b"], {}).get("label", pair["holder_b"]))
    summary = (decoupled.by_territory.get(territory, {}) if territory
               else {"pairs": len(decoupled.pairs), "decoupled": len(decoupled.decoupled_pairs),
                     "index": decoupled.index})
    # ties (a country's many actors at betweenness 0) go by PageRank, then by name: not by
    # the order the projection met them
    ranked = sorted(table, key=lambda row: (-(row.get("betweenness") or 0),
                                            -(row.get("pagerank") or 0),
                                            str(row.get("label") or "")))[:top]
    return Analysis(
        scope=_scope(territory, country), as_of=as_of.isoformat() if as_of else None,
        classification=classification, centrality=ranked,
        centrality_method=dict(table.metadata), brokerage=brokers,
        structure=vertical_horizontal(scoped), level_matrix=level_matrix(scoped),
        decoupling=summary, decoupled_pairs=pairs, gaps=dict(sorted(gap_counts.items())))


def with_link(store: GraphStore, from_id: str, to_id: str, link_type: str) -> GraphStore:
    """A copy of the store with one more (reported) link FROM -type-> TO, for a what-if."""
    from govatlas.ontology.vocabulary import vocabulary

    vocabulary().resolve("link type", link_type)  # raises UnknownCode for a wrong type
    copy = store.in_memory_copy()
    for actor in (from_id, to_id):
        if not copy.select(load_query(__package__, "has-label"),
                           {"thing": ox.NamedNode(ACTOR + actor)}):
            raise LookupError(f"no actor has the id '{actor}'")
    link = ox.NamedNode(STATEMENT + "link/what-if-" + hashlib.sha1(
        f"{from_id}|{to_id}|{link_type}".encode()).hexdigest()[:12])
    target = ox.NamedNode(WHAT_IF_GRAPH)
    copy.add_quads([
        ox.Quad(link, ox.NamedNode(RDF + "type"), ox.NamedNode(GA + "CoordinationLink"), target),
        ox.Quad(link, ox.NamedNode(GA + "fromActor"), ox.NamedNode(ACTOR + from_id), target),
        ox.Quad(link, ox.NamedNode(GA + "toActor"), ox.NamedNode(ACTOR + to_id), target),
        ox.Quad(link, ox.NamedNode(GA + "linkType"), ox.NamedNode(LINK_TYPE + link_type),
                target),
    ])
    return copy


def compare(before: Analysis, after: Analysis) -> list[tuple[str, str, str]]:
    """(measure, before, after) for everything the added link changed."""
    def text(value: Any) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    rows = [("ideal type", before.classification["label"], after.classification["label"])]
    for key in sorted(set(before.classification.get("measures", {}))
                      | set(after.classification.get("measures", {}))):
        rows.append((key, text(before.classification.get("measures", {}).get(key)),
                     text(after.classification.get("measures", {}).get(key))))
    for key in ("vertical_share", "top_down_share", "bottom_up_share"):
        rows.append((key, text(before.structure.get(key)), text(after.structure.get(key))))
    rows.append(("decoupling index", text(before.decoupling.get("index")),
                 text(after.decoupling.get("index"))))
    rows.append(("decoupled pairs", text(len(before.decoupled_pairs)),
                 text(len(after.decoupled_pairs))))
    for gap in sorted(set(before.gaps) | set(after.gaps)):
        rows.append((f"{gap} gaps", text(before.gaps.get(gap, 0)), text(after.gaps.get(gap, 0))))
    return [row for row in rows if row[1] != row[2] or row[0] == "ideal type"]


def analysis_quads(result: Analysis) -> list[ox.Quad]:
    """The classification and the actors' measures as RDF, in the analysis graph."""
    graph = ox.NamedNode(ANALYSIS_GRAPH)
    key = hashlib.sha1(f"{result.scope}|{result.as_of}".encode()).hexdigest()[:12]
    node = ox.NamedNode(BASE + f"analysis/{key}")
    quads = [
        ox.Quad(node, ox.NamedNode(RDF + "type"), ox.NamedNode(GA + "AnalysisResult"), graph),
        ox.Quad(node, ox.NamedNode(GA + "scope"), ox.Literal(result.scope), graph),
        ox.Quad(node, ox.NamedNode(GA + "explanation"),
                ox.Literal(result.classification.get("explanation", "")), graph),
    ]
    if result.as_of:
        quads.append(ox.Quad(node, ox.NamedNode(GA + "asOf"),
                             ox.Literal(result.as_of, datatype=ox.NamedNode(XSD + "date")),
                             graph))
    label = result.classification.get("label", "")
    if label in ("centralist", "localist", "decoupled", "multilevel"):
        quads.append(ox.Quad(node, ox.NamedNode(GA + "idealType"),
                             ox.NamedNode(IDEAL_TYPE + label), graph))
    else:
        quads.append(ox.Quad(node, ox.NamedNode(RDFS + "comment"), ox.Literal(label), graph))

    def measure(subject: ox.NamedNode, name: str, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return
        digest = hashlib.sha1((subject.value + name).encode()).hexdigest()[:12]
        measure_node = ox.NamedNode(f"{node.value}/{digest}")
        quads.extend([
            ox.Quad(subject, ox.NamedNode(GA + "hasMeasure"), measure_node, graph),
            ox.Quad(measure_node, ox.NamedNode(GA + "measureName"), ox.Literal(name), graph),
            ox.Quad(measure_node, ox.NamedNode(RDF + "value"),
                    ox.Literal(repr(float(value)), datatype=ox.NamedNode(XSD + "double")),
                    graph),
            ox.Quad(measure_node, ox.NamedNode(GA + "scope"), ox.Literal(result.scope), graph),
        ])

    for name, value in result.classification.get("measures", {}).items():
        measure(node, name, value)
    measure(node, "decoupling_index", result.decoupling.get("index"))
    for row in result.centrality:
        actor = ox.NamedNode(row["actor"])
        for name in ("degree", "betweenness", "pagerank"):
            measure(actor, name, row.get(name))
    return quads
