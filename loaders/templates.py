"""Writing empty dataset templates: CSV files with their headers, or one XLSX workbook."""

from __future__ import annotations

import csv
from pathlib import Path

from govatlas.ontology.cells import neutralise_row

from .tables import TEMPLATES


def write_csv_templates(folder: Path, with_optional: bool = True) -> list[Path]:
    """Write one CSV per template into ``folder`` (existing files are left alone)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, template in TEMPLATES.items():
        if not template.mandatory_file and not with_optional:
            continue
        path = folder / f"{name}.csv"
        if path.exists():
            continue
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerow(neutralise_row(list(template.columns)))
        written.append(path)
    return written


def write_xlsx_template(path: Path) -> Path:
    """Write a workbook with one sheet per template, headers in bold and frozen.

    The only XLSX govatlas writes; its cells are the templates' column names, passed through
    :func:`govatlas.ontology.cells.neutralise_row` like every other tabular output so that a
    future column name can never become a formula.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, template in TEMPLATES.items():
        sheet = workbook.create_sheet(name)
        sheet.append(neutralise_row(list(template.columns)))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
