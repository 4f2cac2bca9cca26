"""The network analysis of a scope as tables for people (terminal, Markdown or CSV)."""

from __future__ import annotations

from govatlas.graph.analysis.analyze import Analysis

from .tables import render_rows


def render_analysis(result: Analysis, fmt: str = "table") -> str:
    """Every section of ``result`` (ideal type, its measures, centrality, brokerage, the
    vertical and horizontal links, the level-to-level matrix, decoupled pairs, gap counts)."""
    table_fmt = fmt if fmt in ("md", "csv") else "table"
    c = result.classification
    parts = [render_rows(("scope", "ideal type", "explanation"),
                         [(result.scope, c["label"], c["explanation"])], table_fmt,
                         title="Ideal type")]
    parts.append(render_rows(("measure", "value"), list(c["measures"].items()),
                             table_fmt, title="Measures behind the classification"))
    parts.append(render_rows(
        ("actor", "level", "degree", "betweenness", "pagerank"),
        [(r["label"], r["level"], r["degree"], f"{r['betweenness']:.4f}",
          f"{r['pagerank']:.4f}") for r in result.centrality], table_fmt,
        title=f"Centrality ({result.centrality_method.get('betweenness', '')})"))
    parts.append(render_rows(
        ("actor", "coordinator", "itinerant", "gatekeeper", "representative", "liaison"),
        [(r["label"], r["coordinator"], r["itinerant"], r["gatekeeper"], r["representative"],
          r["liaison"]) for r in result.brokerage], table_fmt,
        title="Brokerage across levels (Gould & Fernandez)"))
    parts.append(render_rows(("measure", "value"), list(result.structure.items()), table_fmt,
                             title="Vertical and horizontal links"))
    targets = sorted({level for row in result.level_matrix.values() for level in row})
    parts.append(render_rows(("from level", *targets),
                             [(level, *(row.get(k, 0) for k in targets))
                              for level, row in result.level_matrix.items()], table_fmt,
                             title="Links from level to level"))
    parts.append(render_rows(("territory", "competence", "holder", "level", "holder", "level"),
                             [tuple(p.values()) for p in result.decoupled_pairs], table_fmt,
                             title=f"Decoupled pairs (index {result.decoupling.get('index')})"))
    parts.append(render_rows(("gap", "found"), list(result.gaps.items()), table_fmt,
                             title="Governance gaps found"))
    return "\n".join(parts)
