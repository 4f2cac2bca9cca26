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

from govatlas.graph.views.matrix import Allocation, Cell, CompetenceMatrix
from govatlas.ontology import ontology_files
from govatlas.ontology.vocabulary import vocabulary

from .matrix import cell_html
from .templating import Markup, asset, render

__all__ = ["LEVEL_COLOURS", "competence_order", "heatmap_page", "heatmap_table", "mc2cm_table"]

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


#: holders a cell's tooltip lists; the others are counted. A territory of a real country has
#: a cell held by each of its hundred municipalities: a tooltip of a hundred entries is read by
#: nobody, and such cells made the France-sized atlas's heatmap 16 MB.
TIP_HOLDERS = 12


def _tip(territory: str, competence: str, items: list[Allocation],
         kinds: dict[str, set[str]]) -> str:
    lines = []
    for a in items[:TIP_HOLDERS]:
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
    if len(items) > TIP_HOLDERS:
        rest = len(items) - TIP_HOLDERS
        lines.append(f"<li class='more'>and {rest} more holder{'s' if rest > 1 else ''}: "
                     "the MC2CM table of the territory's atlas page, or `govatlas matrix "
                     f'--territory "{html.escape(territory)}"`, lists them all</li>')
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


def heatmap_page(matrix: CompetenceMatrix, kinds: dict[str, set[str]], what: str,
                 day: date) -> str:
    """The heatmap of ``matrix`` as a self-contained page; ``what`` names the territories
    shown and ``day`` the date the matrix stands for."""
    return render("heatmap-page.html", title="Distribution of competences", what=what,
                  day=day.isoformat(), css=Markup(asset("heatmap.css")),
                  table=Markup(heatmap_table(matrix, kinds)))
