"""The competence matrix as a heatmap: territories as rows, competences as columns, cells
coloured by the level of government that holds the competence there.

Why this layout and not the MC2CM one (territory x level, competences listed in the cells):
the MC2CM table answers "what does each level hold in this city?", which a reader gets by
reading one row; its cells are lists of free text, so comparing cities means reading every
list. The question a reader of that table asks next is the comparative one: "who holds
housing in Vienna, and in Lyon, and in Tunis?". A grid with one column per competence answers
it at a glance (one colour per level, so a column that changes colour is a competence that
sits at different levels in different places), while keeping the table's rows (its cities, in
its order) and its levels (as the colour key). The MC2CM layout itself stays available
(:func:`mc2cm_table`, ``govatlas matrix --format html``) and the report shows both.

Shared and delegated competences (``ga:qualifierKind`` ``qk:shared`` / ``qk:delegated``)
are marked S and D in their cell; every cell's hover lists the holders, the source's words,
the qualifier and the source file and lines. Every value from the data is HTML-escaped.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path

from govatlas.graph.store import GraphStore
from govatlas.graph.views.matrix import (
    ALWAYS_SHOWN_LEVELS,
    Allocation,
    Cell,
    CompetenceMatrix,
    competence_matrix,
)
from govatlas.ontology import ontology_files
from govatlas.ontology.vocabulary import vocabulary

from .matrix import cell_html
from .network_map import page_shell

__all__ = ["HEATMAP_CSS", "LEVEL_COLOURS", "build_heatmap", "competence_order",
           "heatmap_table", "mc2cm_table", "placed_matrix", "qualifier_kinds", "sub_matrix"]

#: Level -> colour, from the widest level (dark violet) to the narrowest (brown): ordered hues
#: a reader can name ("blue is national, green regional, orange local").
LEVEL_COLOURS: dict[str, str] = {
    "international": "#4a148c",
    "supranational": "#8e24aa",
    "national": "#1565c0",
    "regional": "#2e7d32",
    "intermediate": "#9e9d24",
    "local": "#ef6c00",
    "neighbourhood": "#8d6e63",
}
MARKS = {"shared": "S", "delegated": "D"}

HEATMAP_CSS = """
.heatmap { border-collapse: collapse; font: 12.5px/1.3 system-ui, sans-serif; }
.heatmap th, .heatmap td { border: 1px solid #fff; padding: 0; }
.heatmap thead th { background: #fff; color: #333; font-weight: 600; vertical-align: bottom; }
.heatmap th.group { border-bottom: 2px solid #90a4ae; border-left: 1px solid #90a4ae;
                    font-size: 11.5px; padding: 2px 3px; text-align: left; }
.heatmap th.group > div { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.heatmap th.rot { height: 150px; width: 28px; }
.heatmap th.rot > div { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
                        padding: 4px 0; margin: 0 auto; max-height: 146px; overflow: hidden;
                        text-overflow: ellipsis; }
.heatmap tbody th { text-align: right; padding: 0 8px; white-space: nowrap; font-weight: 600;
                    background: #fafafa; }
.heatmap tbody th .cc { color: #888; font-weight: normal; margin-left: 4px; }
.heatmap td { width: 28px; height: 28px; background: #f2f2f2; position: relative;
              text-align: center; color: #fff; font-weight: 700; }
.heatmap td.full { cursor: help; }
.heatmap td.full:hover, .heatmap td.full:focus { outline: 2px solid #000; z-index: 3; }
.heatmap td .mark { text-shadow: 0 0 2px #000, 0 0 2px #000; font-size: 12px; }
.heatmap td .tip { display: none; position: absolute; left: 30px; top: 0; z-index: 5;
                   width: 340px; background: #fffef6; color: #222; border: 1px solid #888;
                   box-shadow: 0 2px 6px rgba(0,0,0,.2); padding: 6px 8px; text-align: left;
                   font-weight: normal; font-size: 12px; }
.heatmap td.right .tip { left: auto; right: 30px; }
.heatmap td:hover .tip, .heatmap td:focus .tip { display: block; }
.heatmap .tip b { display: block; margin-bottom: 2px; }
.heatmap .tip ul { margin: 2px 0; padding-left: 16px; }
.heatmap .tip .src { color: #666; }
.heatmap-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 8px 0 12px;
                  font: 13px system-ui, sans-serif; align-items: center; }
.heatmap-legend .sw { display: inline-block; width: 16px; height: 16px; vertical-align: middle;
                      margin-right: 4px; border-radius: 2px; }
.heatmap-wrap { overflow-x: auto; padding-bottom: 200px; }
table.mc2cm { border-collapse: collapse; font: 13px/1.35 system-ui, sans-serif; }
table.mc2cm td, table.mc2cm th { border: 1px solid #bbb; padding: 4px 6px; vertical-align: top;
                                 text-align: left; }
table.mc2cm ul { margin: 0; padding-left: 1.1em; }
table.mc2cm .holder { font-style: italic; color: #444; }
table.mc2cm .lv { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
                  margin-right: 4px; }
"""

KINDS_QUERY = """
SELECT ?a ?kind WHERE { ?a a ga:CompetenceAllocation ; ga:qualifierKind ?k .
                        ?k skos:notation ?kind }
"""


PLACED_QUERY = """
SELECT DISTINCT ?a ?territory WHERE {
  ?a a ga:CompetenceAllocation ; ga:holder ?holder .
  { ?a ga:territory/rdfs:label ?territory }
  UNION
  { FILTER NOT EXISTS { ?a ga:territory ?any } ?holder ga:territory/rdfs:label ?territory }
}
"""


def placed_matrix(store: GraphStore, territories: list[str] | None = None,
                  as_of: date | None = None) -> CompetenceMatrix:
    """:func:`~govatlas.graph.views.matrix.competence_matrix`, keeping only the (allocation,
    territory) pairs the graph states: the allocation's own territory or, failing that, its
    holder's. An allocation with neither has no row (the matrix query would otherwise pair it
    with every label in the store)."""
    placed = {(row["a"].value, row["territory"].value) for row in store.select(PLACED_QUERY)}
    return competence_matrix(store, territories, as_of=as_of,
                             keep=lambda a: (a.iri, a.territory) in placed)


def sub_matrix(matrix: CompetenceMatrix, territories: list[str]) -> CompetenceMatrix:
    """The rows of ``territories`` (case-insensitive) of an already built matrix, with the
    levels they use plus national, regional and local: building the matrix once and cutting
    it is what keeps a report of seventy pages fast."""
    wanted = {name.casefold() for name in territories}
    rows = {name: cells for name, cells in matrix.rows.items() if name.casefold() in wanted}
    used = {code for cells in rows.values() for code, cell in cells.items() if cell.holders}
    levels = [(code, label) for code, label in matrix.levels
              if code in used or code in ALWAYS_SHOWN_LEVELS]
    return CompetenceMatrix(levels=levels, rows=rows,
                            countries={name: matrix.countries.get(name, "") for name in rows})


def qualifier_kinds(store: GraphStore) -> dict[str, set[str]]:
    """Allocation IRI -> its qualifier kinds (``shared``, ``delegated``, ...)."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in store.select(KINDS_QUERY):
        kinds[row["a"].value].add(row["kind"].value)
    return dict(kinds)


@cache
def competence_order() -> dict[str, int]:
    """Competence code -> position in the competence vocabulary file, which lists each field
    followed by its narrower parts in the MC2CM table's order (borders, migration, integration,
    health, education, employment, ...): the column order a reader of that table expects."""
    order: dict[str, int] = {}
    for path in ontology_files():
        if path.name == "competences.ttl":
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(r'skos:notation\s+"([^"]+)"', text):
                order.setdefault(match[1], len(order))
    return order


def _top(code: str) -> str:
    """The top concept a competence belongs to (itself if it has no broader one)."""
    vocab = vocabulary()
    concept = vocab.lists["competence"].by_code.get(code)
    seen = set()
    while concept is not None and concept.broader and concept.code not in seen:
        seen.add(concept.code)
        parent = vocab.by_iri.get(concept.broader[0])
        if parent is None:
            break
        concept = parent
    return concept.code if concept else code


def _competence_label(code: str) -> str:
    concept = vocabulary().lists["competence"].by_code.get(code)
    return concept.label if concept else code


def _level_label(code: str) -> str:
    concept = vocabulary().lists["level"].by_code.get(code)
    return concept.label if concept else code


def _background(levels: list[str]) -> str:
    """A solid colour for one level, equal vertical stripes for several (widest first)."""
    colours = [LEVEL_COLOURS.get(level, "#757575") for level in levels]
    if len(colours) == 1:
        return colours[0]
    step = 100 / len(colours)
    stops = ", ".join(f"{colour} {index * step:.0f}% {(index + 1) * step:.0f}%"
                      for index, colour in enumerate(colours))
    return f"linear-gradient(to right, {stops})"


def _tip(territory: str, competence: str, items: list[Allocation],
         kinds: dict[str, set[str]]) -> str:
    lines = []
    for a in items:
        marks = sorted(kinds.get(a.iri, set()) & set(MARKS))
        details = [f"“{a.stated_as or a.competence_label}”"]
        if a.qualifier:
            details.append(f"qualifier: {a.qualifier}")
        if marks:
            details.append(" and ".join(marks) + " competence")
        if a.note:
            details.append(f"note: {a.note}")
        if a.valid_from or a.valid_until:
            details.append(f"valid {a.valid_from or '…'} – {a.valid_until or '…'}")
        lines.append(
            f"<li><b>{html.escape(_level_label(a.level))}: {html.escape(a.holder_label)}</b>"
            + "<br>".join(html.escape(detail) for detail in details)
            + f"<br><span class='src'>source: {html.escape(a.source or '?')} lines "
            f"{html.escape(a.locator or '?')}</span></li>")
    return (f"<div class='tip' role='tooltip'><b>{html.escape(territory)} — "
            f"{html.escape(_competence_label(competence))}</b><ul>{''.join(lines)}</ul></div>")


def heatmap_table(matrix: CompetenceMatrix, kinds: dict[str, set[str]],
                  links: dict[str, str] | None = None) -> str:
    """The heatmap as an HTML fragment (legend and table); ``links`` maps a territory to the
    relative address of its page (the report links rows to territory pages)."""
    cells: dict[tuple[str, str], list[Allocation]] = defaultdict(list)
    for territory, by_level in matrix.rows.items():
        for code, _label in matrix.levels:
            for allocation in by_level.get(code, Cell()).items():
                cells[(territory, allocation.competence)].append(allocation)
    order = competence_order()
    columns = sorted({competence for _, competence in cells},
                     key=lambda code: (order.get(_top(code), 999), order.get(code, 999), code))
    groups: list[tuple[str, int]] = []
    for code in columns:
        top = _top(code)
        if groups and groups[-1][0] == top:
            groups[-1] = (top, groups[-1][1] + 1)
        else:
            groups.append((top, 1))
    head_groups = "".join(
        f"<th class='group' colspan='{span}' title='{html.escape(_competence_label(top))}'>"
        f"<div style='width:{span * 29 - 6}px'>"
        f"{html.escape(_competence_label(top)) if span > 1 else ''}</div></th>"
        for top, span in groups)
    head = "".join(f"<th class='rot' scope='col' data-competence='{html.escape(code)}'>"
                   f"<div>{html.escape(_competence_label(code))}</div></th>" for code in columns)
    rank = {code: index for index, (code, _label) in enumerate(matrix.levels)}
    body = []
    for territory in matrix.rows:
        name = html.escape(territory)
        if links and territory in links:
            name = f"<a href='{html.escape(links[territory])}'>{name}</a>"
        country = html.escape(matrix.countries.get(territory, "") or "")
        tds = []
        for index, code in enumerate(columns):
            items = sorted(cells.get((territory, code), []),
                           key=lambda a: (rank.get(a.level, 99), a.holder_label))
            attrs = (f"data-territory='{html.escape(territory)}' "
                     f"data-competence='{html.escape(code)}'")
            if not items:
                tds.append(f"<td {attrs} data-levels=''></td>")
                continue
            levels = list(dict.fromkeys(a.level for a in items))
            marks = sorted({kind for a in items for kind in kinds.get(a.iri, set())
                            if kind in MARKS})
            placeholder = all(a.placeholder for a in items)
            text = "".join(MARKS[kind] for kind in marks) or ("?" if placeholder else "")
            side = " right" if index > len(columns) * 0.6 else ""
            tds.append(
                f"<td class='full{side}' tabindex='0' {attrs} "
                f"data-levels='{html.escape(' '.join(levels))}' "
                f"data-marks='{html.escape(' '.join(marks))}' "
                f"style='background:{_background(levels)}'>"
                f"<span class='mark'>{text}</span>"
                f"{_tip(territory, code, items, kinds)}</td>")
        body.append(f"<tr><th scope='row'>{name}<span class='cc'>{country}</span></th>"
                    f"{''.join(tds)}</tr>")
    legend = "".join(
        f"<span><span class='sw' style='background:{LEVEL_COLOURS.get(code, '#757575')}'>"
        f"</span>{html.escape(label)}</span>" for code, label in matrix.levels
        if any(a.level == code for items in cells.values() for a in items))
    legend += ("<span><span class='sw' style='background:linear-gradient(to right,"
               f"{LEVEL_COLOURS['national']} 0 50%,{LEVEL_COLOURS['regional']} 50% 100%)'>"
               "</span>held at several levels</span><span><b>S</b> shared</span>"
               "<span><b>D</b> delegated</span><span><b>?</b> not provided by the source"
               "</span><span>grey: not listed</span>")
    return (f"<div class='heatmap-legend'>{legend}</div><div class='heatmap-wrap'>"
            "<table class='heatmap'><thead>"
            f"<tr><th></th>{head_groups}</tr><tr><th scope='col'>Territory</th>{head}</tr>"
            f"</thead><tbody>{''.join(body)}</tbody></table></div>")


def mc2cm_table(matrix: CompetenceMatrix) -> str:
    """The MC2CM layout as an HTML fragment: a row per territory, a column per level, each
    cell listing the holders in parentheses and their competences in the source's words."""
    head = "".join(f"<th><span class='lv' style='background:"
                   f"{LEVEL_COLOURS.get(code, '#757575')}'></span>{html.escape(label)}</th>"
                   for code, label in matrix.levels)
    rows = []
    for territory, by_level in matrix.rows.items():
        tds = []
        for code, _label in matrix.levels:
            tds.append(f"<td>{cell_html(by_level.get(code, Cell()))}</td>")
        rows.append(f"<tr><th>{html.escape(territory)}</th>{''.join(tds)}</tr>")
    return (f"<table class='mc2cm'><thead><tr><th>Territory</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def build_heatmap(store: GraphStore, output: Path | str, territories: list[str] | None = None,
                  as_of: date | None = None) -> Path:
    """Write the competence heatmap of ``territories`` (default: all) as it stood ``as_of``
    (default: today, as ``govatlas matrix``) to ``output``, a self-contained HTML page.

    Returns
    -------
    Path
        ``output``.
    """
    matrix = placed_matrix(store, territories, as_of)
    day = (as_of or date.today()).isoformat()
    what = ", ".join(territories) if territories else "all territories"
    body = (f"<h1>Distribution of competences</h1><p class='sub'>{html.escape(what)}, as of "
            f"{html.escape(day)}: each cell is the level of government that holds the "
            "competence in that territory. Hover a cell for the holders, the source's words, "
            "the qualifier and the source lines.</p>"
            + heatmap_table(matrix, qualifier_kinds(store)))
    head = ("<style>body{font-family:system-ui,sans-serif;margin:16px;color:#222}"
            "h1{font-size:20px;margin:0 0 4px}.sub{color:#555;margin:0 0 8px}"
            f"{HEATMAP_CSS}</style>")
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page_shell("Distribution of competences", body, head), encoding="utf-8")
    return target
