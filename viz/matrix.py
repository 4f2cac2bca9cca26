"""The competence matrix as a terminal table, Markdown, CSV, JSON or a small HTML page.

The layout follows the MC2CM table (seed 004, Appendix C): a row per territory, a column per
level, and in each cell the named holder in parentheses followed by its competences.
"""

from __future__ import annotations

import html
import json

from govatlas.graph.views.matrix import Allocation, Cell, CompetenceMatrix

from .tables import render_rows

MATRIX_FORMATS = ("table", "md", "csv", "json", "html")


def cell_lines(cell: Cell) -> list[str]:
    """A cell as lines of text: ``(Holder)`` then ``• item`` for each of its competences, each
    followed by what the graph adds to the source's words (``  [owner: ...]``)."""
    lines: list[str] = []
    for holder, items in cell.holders.items():
        lines.append(f"({holder})")
        for item in items:
            lines.append(f"• {item.text}")
            lines.extend(f"  [{remark}]" for remark in item.remarks)
    return lines


def apart_lines(matrix: CompetenceMatrix) -> list[str]:
    """The chosen source's claims made outside its table, one line each with its lines."""
    return [f"- {a.territory}, {a.level}: ({a.holder_label}) {a.text} "
            f"[{a.stated_in}, {a.source} line {a.locator}]" for a in matrix.apart]


def render_matrix(matrix: CompetenceMatrix, fmt: str) -> str:
    if fmt == "csv":
        return render_rows(LONG_COLUMNS, [_long_row(a) for a in [*_all(matrix), *matrix.apart]],
                           "csv")
    if fmt == "json":
        return json.dumps(_as_json(matrix), ensure_ascii=False, indent=2)
    if fmt == "html":
        return render_html(matrix)
    columns = ["Territory", *(label for _, label in matrix.levels)]
    rows = []
    for territory, cells in matrix.rows.items():
        rows.append([territory, *("\n".join(cell_lines(cells.get(code, Cell())))
                                  for code, _ in matrix.levels)])
    if fmt in ("table", "md"):
        text = render_rows(columns, rows, fmt, title="Distribution of competences")
        if matrix.apart:
            text = text.rstrip("\n") + "\n\nStated outside the table (listed apart):\n" + (
                "\n".join(apart_lines(matrix)) + "\n")
        return text
    raise ValueError(f"unknown format '{fmt}': use one of {', '.join(MATRIX_FORMATS)}")


LONG_COLUMNS = ("territory", "country", "level", "holder", "competence", "text", "qualifier",
                "note", "valid_from", "valid_until", "source", "locator", "stated_in",
                "country_wide", "owner", "exercised_by")


def _long_row(a: Allocation) -> list[str]:
    return [a.territory, a.country, a.level, a.holder_label, a.competence, a.text, a.qualifier,
            a.note, a.valid_from, a.valid_until, a.source, a.locator, a.stated_in,
            "yes" if a.country_wide else "", "|".join(a.owners), "|".join(a.exercisers)]


def _all(matrix: CompetenceMatrix) -> list[Allocation]:
    return [item for cells in matrix.rows.values() for code, _ in matrix.levels
            for item in cells.get(code, Cell()).items()]


def _as_json(matrix: CompetenceMatrix) -> dict:
    return {
        "levels": [code for code, _ in matrix.levels],
        "territories": {
            territory: {
                code: [{"holder": holder,
                        "items": [dict(zip(LONG_COLUMNS, _long_row(a), strict=True))
                                  for a in items]}
                       for holder, items in cells.get(code, Cell()).holders.items()]
                for code, _ in matrix.levels
            }
            for territory, cells in matrix.rows.items()
        },
        "apart": [dict(zip(LONG_COLUMNS, _long_row(a), strict=True)) for a in matrix.apart],
    }


def cell_html(cell: Cell) -> str:
    """One cell as HTML: each holder in parentheses, then its competences in the source's
    words, with the source lines on hover; every value escaped."""
    parts = []
    for holder, items in cell.holders.items():
        entries = "".join(
            f'<li title="{html.escape(f"{a.source} lines {a.locator}")}">'
            + (f"<i>{html.escape(a.text)}</i>" if a.placeholder else html.escape(a.text))
            + "".join(f' <span class="remark">[{html.escape(remark)}]</span>'
                      for remark in a.remarks)
            + "</li>"
            for a in items)
        parts.append(f'<div class="holder">({html.escape(holder)})</div><ul>{entries}</ul>')
    return "".join(parts)


def render_html(matrix: CompetenceMatrix) -> str:
    """A self-contained page; every value from the data is escaped."""
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in matrix.levels)
    body = []
    for territory, cells in matrix.rows.items():
        tds = []
        for code, _ in matrix.levels:
            tds.append(f"<td>{cell_html(cells.get(code, Cell()))}</td>")
        body.append(f"<tr><th>{html.escape(territory)}</th>{''.join(tds)}</tr>")
    apart = ("<h2>Stated outside the table</h2><ul>" + "".join(
        f"<li>{html.escape(line[2:])}</li>" for line in apart_lines(matrix)) + "</ul>"
        if matrix.apart else "")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Distribution of competences</title><style>"
            "body{font-family:sans-serif}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:4px;vertical-align:top;text-align:left}"
            "ul{margin:0;padding-left:1.2em}.holder{font-style:italic;color:#444}"
            "</style></head><body><h1>Distribution of competences</h1>"
            f"<table><thead><tr><th>Territory</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>{apart}</body></html>\n")
