"""Rendering rows of values as a terminal table, Markdown, CSV, TSV or JSON.

Every tabular command shares this, so ``--format`` means the same thing everywhere.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from govatlas.ontology.cells import neutralise_row

FORMATS = ("table", "md", "csv", "tsv", "json")


def render_rows(columns: Sequence[str], rows: Sequence[Sequence[object]], fmt: str,
                title: str | None = None) -> str:
    """``rows`` under ``columns`` in ``fmt`` (one of :data:`FORMATS`)."""
    texts = [["" if value is None else str(value) for value in row] for row in rows]
    if fmt == "json":
        return json.dumps([dict(zip(columns, row, strict=True)) for row in texts],
                          ensure_ascii=False, indent=2)
    if fmt in ("csv", "tsv"):
        # a spreadsheet opens these: formula-like labels get a leading quote (numbers stay)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t",
                            lineterminator="\n")
        writer.writerow(neutralise_row(list(columns)))
        writer.writerows(neutralise_row(row) for row in texts)
        return buffer.getvalue()
    if fmt == "md":
        def escape(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", "<br>")

        lines = [f"### {title}", ""] if title else []
        lines.append("| " + " | ".join(escape(c) for c in columns) + " |")
        lines.append("|" + "---|" * len(columns))
        lines.extend("| " + " | ".join(escape(v) for v in row) + " |" for row in texts)
        return "\n".join(lines) + "\n"
    if fmt == "table":
        width = terminal_width()
        if too_wide(columns, texts, width):
            return records(columns, texts, title)
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in texts:
            table.add_row(*(_plain(value) for value in row))
        console = Console(record=True, width=width, file=io.StringIO())
        console.print(table)
        return console.export_text()
    raise ValueError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")


def terminal_width() -> int:
    """The terminal's width (``$COLUMNS`` when set), 160 when output is not a terminal."""
    import shutil

    return shutil.get_terminal_size(fallback=(160, 24)).columns


def too_wide(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> bool:
    """Whether a table would be folded into strips a person cannot read: more columns than
    fit when each column keeps at least a dozen characters (or its widest value, if less)."""
    needed = sum(min(12, max([len(column), *(len(row[i]) for row in rows)]))
                 for i, column in enumerate(columns))
    return needed + 3 * len(columns) > width


def records(columns: Sequence[str], rows: Sequence[Sequence[str]], title: str | None) -> str:
    """One block per row, ``column: value`` a line, for tables wider than the terminal.

    >>> print(records(("a", "bb"), [("1", "2")], "T"), end="")
    T
    <BLANKLINE>
    -- 1 --
    a  : 1
    bb : 2
    """
    pad = max(len(column) for column in columns)
    lines = [title, ""] if title else []
    for number, row in enumerate(rows, start=1):
        lines.append(f"-- {number} --")
        lines.extend(f"{column:<{pad}} : {value}" for column, value in zip(columns, row,
                                                                         strict=True) if value)
    return "\n".join(lines) + "\n"


def _plain(text: str):
    """Data shown in a rich table must not be read as rich markup."""
    from rich.text import Text

    return Text(text)
