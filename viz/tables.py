"""Rendering rows of values as a terminal table, Markdown, CSV, TSV or JSON.

Every tabular command shares this, so ``--format`` means the same thing everywhere.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

FORMATS = ("table", "md", "csv", "tsv", "json")


def render_rows(columns: Sequence[str], rows: Sequence[Sequence[object]], fmt: str,
                title: str | None = None) -> str:
    """``rows`` under ``columns`` in ``fmt`` (one of :data:`FORMATS`)."""
    texts = [["" if value is None else str(value) for value in row] for row in rows]
    if fmt == "json":
        return json.dumps([dict(zip(columns, row, strict=True)) for row in texts],
                          ensure_ascii=False, indent=2)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t",
                            lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(texts)
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
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in texts:
            table.add_row(*(_plain(value) for value in row))
        console = Console(record=True, width=160, file=io.StringIO())
        console.print(table)
        return console.export_text()
    raise ValueError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")


def _plain(text: str):
    """Data shown in a rich table must not be read as rich markup."""
    from rich.text import Text

    return Text(text)
