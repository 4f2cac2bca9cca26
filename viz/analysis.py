"""The network analysis of a scope as tables for people (terminal, Markdown or CSV).

Numbers are shown as what they mean: shares as percentages, scores with two decimals. The
classification's measures count only links between government actors, while "Vertical and
horizontal links" counts every link of the scope; the two vertical shares are named apart and
a legend under each table says what it counts.
"""

from __future__ import annotations

from typing import Any

from govatlas.graph.analysis.analyze import Analysis
from govatlas.ontology.vocabulary import vocabulary

from .tables import render_rows

#: measures whose value is a share of something: shown as a percentage
SHARES = {"vertical_share", "horizontal_share", "top_down_share", "bottom_up_share",
          "downward_control_share", "upward_share", "horizontal_local_share",
          "local_autonomy", "vertical_balance", "decoupling_index"}

#: the classification's measures, named for a reader (they count government links only)
GOVERNMENT_NAMES = {"vertical_share": "vertical share of government links",
                    "vertical": "vertical government links",
                    "horizontal": "horizontal government links",
                    "top_down": "top-down government links",
                    "bottom_up": "bottom-up government links"}
#: the structure's measures (every link of the scope)
ALL_LINK_NAMES = {"vertical_share": "vertical share of all links",
                  "horizontal_share": "horizontal share of all links",
                  "top_down_share": "top-down share of vertical links",
                  "bottom_up_share": "bottom-up share of vertical links"}


def number(name: str, value: Any) -> str:
    """``value`` as a person reads it: a share as a percentage, a score with two decimals.

    >>> number("vertical_share", 0.3333333)
    '33.3%'
    >>> number("score", 0.54391)
    '0.54'
    >>> number("levels", ["national", "local"])
    'national, local'
    """
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if name in SHARES and isinstance(value, int | float):
        return f"{100 * value:.1f}%"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def readable(name: str, names: dict[str, str]) -> str:
    return names.get(name, name.replace("_", " "))


def level_order(levels: set[str]) -> list[str]:
    """Level codes from the widest to the narrowest (the vocabulary's ranks), then others."""
    ranks = {code: concept.rank for code, concept in vocabulary().lists["level"].by_code.items()}
    return sorted(levels, key=lambda code: (ranks.get(code) is None, ranks.get(code) or 0, code))


#: decoupled pairs a table for people lists (a country has tens of thousands: they are
#: counted by field and levels above the first of them); CSV and JSON list every pair
PAIRS_SHOWN = 20


def _decoupled_pairs(result: Analysis, table_fmt: str) -> list[str]:
    """The decoupled pairs: every one in CSV; for people, past :data:`PAIRS_SHOWN`, their
    count per field and pair of levels, then the first of them and where the rest are."""
    pairs = [tuple(pair.values()) for pair in result.decoupled_pairs]
    title = f"Decoupled pairs (index {number('decoupling_index', result.decoupling.get('index'))})"
    columns = ("territory", "competence", "holder", "level", "holder", "level")
    if table_fmt == "csv" or len(pairs) <= PAIRS_SHOWN:
        return [render_rows(columns, pairs, table_fmt, title=title)]
    counts: dict[tuple[str, str, str], int] = {}
    for _territory, competence, _a, level_a, _b, level_b in pairs:
        key = (competence, level_a, level_b)
        counts[key] = counts.get(key, 0) + 1
    grouped = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [render_rows(("competence", "level", "level", "decoupled pairs"),
                        [(*key, f"{count:,}") for key, count in grouped], table_fmt,
                        title=f"{title}: {len(pairs):,} pairs, by field and levels"),
            render_rows(columns, pairs[:PAIRS_SHOWN], table_fmt,
                        title=f"The first {PAIRS_SHOWN} of the {len(pairs):,} decoupled pairs"),
            f"{len(pairs) - PAIRS_SHOWN:,} more: `--format csv` or `--format json` lists every "
            "pair.\n"]


def render_analysis(result: Analysis, fmt: str = "table") -> str:
    """Every section of ``result`` (ideal type, its measures, centrality, brokerage, the
    vertical and horizontal links, the level-to-level matrix, decoupled pairs, gap counts)."""
    table_fmt = fmt if fmt in ("md", "csv") else "table"
    c = result.classification
    legend = "" if table_fmt == "csv" else "\n"
    parts = [render_rows(("scope", "ideal type", "explanation"),
                         [(result.scope, c["label"], c["explanation"])], table_fmt,
                         title="Ideal type")]
    parts.append(render_rows(
        ("measure", "value"),
        [(readable(name, GOVERNMENT_NAMES), number(name, value))
         for name, value in c["measures"].items()],
        table_fmt, title="Measures behind the classification"))
    if legend:
        parts.append("Counted over links between government actors (public bodies and their "
                     "networks); links with civil society are left out.\n")
    parts.append(render_rows(
        ("actor", "level", "degree", "betweenness", "pagerank"),
        [(r["label"], r["level"], r["degree"], f"{r['betweenness']:.3f}",
          f"{r['pagerank']:.3f}") for r in result.centrality], table_fmt,
        title=f"Centrality ({result.centrality_method.get('betweenness', '')})"))
    parts.append(render_rows(
        ("actor", "coordinator", "itinerant", "gatekeeper", "representative", "liaison"),
        [(r["label"], r["coordinator"], r["itinerant"], r["gatekeeper"], r["representative"],
          r["liaison"]) for r in result.brokerage], table_fmt,
        title="Brokerage across levels (Gould & Fernandez)"))
    parts.append(render_rows(
        ("measure", "value"),
        [(readable(name, ALL_LINK_NAMES), number(name, value))
         for name, value in result.structure.items()],
        table_fmt, title="Vertical and horizontal links"))
    if legend:
        parts.append("Counted over every link of the scope, civil society included.\n")
    levels = level_order(set(result.level_matrix)
                         | {level for row in result.level_matrix.values() for level in row})
    parts.append(render_rows(("from level", *levels),
                             [(level, *(result.level_matrix.get(level, {}).get(k, 0)
                                        for k in levels))
                              for level in levels if level in result.level_matrix], table_fmt,
                             title="Links from level to level"))
    parts.extend(_decoupled_pairs(result, table_fmt))
    parts.append(render_rows(("gap", "found"), list(result.gaps.items()), table_fmt,
                             title="Governance gaps found"))
    return "\n".join(parts)
