"""Errors back into the spreadsheet: the input written again with every finding on its cell.

A validator fixes data where they entered it. ``govatlas validate data.xlsx --annotate
checked.xlsx`` writes the workbook again (a CSV folder becomes a workbook with a sheet per
file) with each problem as a comment on the offending cell and that cell highlighted: the
column's cell when the finding names a column of the template, else the row's first cell (a
row-level problem, a data-quality shape, a gap on the row it concerns); a problem of a whole
file goes on its header. A "Summary" sheet, first, lists the cases largest first, then the
findings no cell can hold (an RDF input, a coverage finding about data the dataset lacks).

Every value is written again through :func:`govatlas.ontology.cells.neutralise`: a formula of
an input workbook is its cached value (what the validation read) or, with none, its text made
inert, so the annotated file runs nothing the input's authors typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from govatlas.loaders.rdf_files import is_rdf_file
from govatlas.loaders.tables import TEMPLATES, Record, display_path
from govatlas.ontology.cells import neutralise

from .cases import Case
from .gaps import Finding

#: Highlight of a cell by the worst severity of its findings (Excel's own "bad", "neutral"
#: and a light blue).
FILLS = {"Violation": "FFC7CE", "Warning": "FFEB9C", "Info": "DDEBF7"}
ORDER = ("Violation", "Warning", "Info")
SUMMARY = "Summary"
#: Excel's limit on a sheet name
SHEET_NAME_CHARS = 31


@dataclass
class Sheet:
    """One sheet of the annotated workbook: its rows, and which row each input line is."""

    title: str
    rows: list[list[str]] = field(default_factory=list)
    row_of_line: dict[int, int] = field(default_factory=dict)

    @property
    def header(self) -> list[str]:
        return [cell.strip() for cell in self.rows[0]] if self.rows else []


def _csv_rows(path: Path) -> tuple[list[list[str]], dict[int, int]]:
    """The records of a CSV file and the sheet row of each record's first line (a quoted
    value may span lines, and the findings name lines)."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""))
    rows: list[list[str]] = []
    row_of_line: dict[int, int] = {}
    start = 1
    try:
        for values in reader:
            rows.append(values)
            row_of_line[start] = len(rows)
            start = reader.line_num + 1
    except csv.Error:  # reported by the validation; what was read is kept
        pass
    return rows, row_of_line


def _workbook_sheets(path: Path) -> Iterator[tuple[str, list[list[str]]]]:
    """Each sheet's rows as text: a formula's cached value, as the validation read it, or the
    formula itself when the file holds no value for it (it is neutralised when written)."""
    from openpyxl import load_workbook

    values = load_workbook(path, read_only=True, data_only=True)
    formulas = load_workbook(path, read_only=True, data_only=False)
    try:
        for sheet, typed in zip(values.worksheets, formulas.worksheets, strict=True):
            rows = []
            for cached, entered in zip(sheet.iter_rows(values_only=True),
                                       typed.iter_rows(values_only=True), strict=False):
                rows.append([_text(value if value is not None else formula)
                             for value, formula in zip(cached, entered, strict=False)])
            yield sheet.title, rows
    finally:
        values.close()
        formulas.close()


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if hasattr(cell, "isoformat"):
        return cell.isoformat()[:10]  # type: ignore[attr-defined]
    return str(cell)


def _sheet_title(name: str, prefix: str, taken: set[str]) -> str:
    title = (f"{prefix}.{name}" if prefix else name)[:SHEET_NAME_CHARS]
    for character in "[]:*?/\\":
        title = title.replace(character, "_")
    base, number = title, 2
    while title.casefold() in taken or title.casefold() == SUMMARY.casefold():
        suffix = f"~{number}"
        title, number = base[:SHEET_NAME_CHARS - len(suffix)] + suffix, number + 1
    taken.add(title.casefold())
    return title


def read_sheets(paths: Iterable[Path]) -> dict[str, Sheet]:
    """The sheets of the tabular inputs, keyed by the file part of the records that point at
    them (``folder/actors.csv``, ``book.xlsx[actors]``); RDF inputs have none."""
    paths = [path for path in paths if path.exists() and not is_rdf_file(path)]
    taken: set[str] = set()
    sheets: dict[str, Sheet] = {}
    for path in paths:
        prefix = path.stem if len(paths) > 1 else ""
        if path.is_file() and path.suffix.lower() == ".xlsx":
            for title, rows in _workbook_sheets(path):
                sheets[f"{path}[{title}]"] = Sheet(
                    _sheet_title(title, prefix, taken), rows,
                    {number: number for number in range(1, len(rows) + 1)})
            continue
        if not path.is_dir():
            continue
        for name in TEMPLATES:
            file = path / f"{name}.csv"
            rows, row_of_line = _csv_rows(file) if file.is_file() else ([], {})
            sheet = Sheet(_sheet_title(name, prefix, taken), rows, row_of_line)
            sheets[display_path(file)] = sheet
            sheets.setdefault(str(file), sheet)  # a missing file is named as given
    return sheets


def _column(sheet: Sheet, finding: Finding) -> int:
    """The 1-based column a finding names (a template column), else 1: the row's first cell."""
    if finding.shape == "template" and finding.path and finding.path in sheet.header:
        return sheet.header.index(finding.path) + 1
    return 1


def _note(finding: Finding) -> str:
    kind = ("Error" if finding.severity == "Violation"
            else f"{finding.gap.capitalize()} gap" if finding.gap else finding.severity)
    column = f" [{finding.path}]" if finding.path and finding.shape == "template" else ""
    return f"{kind}{column}: {finding.message}"


def place(findings: Iterable[Finding], sheets: dict[str, Sheet],
          ) -> tuple[dict[tuple[str, int, int], list[Finding]], list[Finding]]:
    """Each finding's cell (sheet title, row, column), and the findings no cell can hold."""
    cells: dict[tuple[str, int, int], list[Finding]] = {}
    unplaced: list[Finding] = []
    for finding in findings:
        record = Record.parse(finding.record) if finding.record else None
        sheet = sheets.get(record.file) if record else None
        if sheet is None:
            unplaced.append(finding)
            continue
        row = sheet.row_of_line.get(record.line or 1, 1) if record.line else 1
        cells.setdefault((sheet.title, row, _column(sheet, finding)), []).append(finding)
    return cells, unplaced


def write_annotated(paths: Iterable[Path], findings: list[Finding], cases: list[Case],
                    output: Path) -> Path:
    """Write the inputs with ``findings`` on their cells, and the summary, to ``output``."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    sheets = read_sheets(paths)
    cells, unplaced = place(findings, sheets)
    workbook = Workbook()
    summary = workbook.active
    summary.title = SUMMARY
    written: dict[str, object] = {}
    for sheet in sheets.values():
        if sheet.title in written:
            continue
        target = workbook.create_sheet(sheet.title)
        written[sheet.title] = target
        for row in sheet.rows:
            target.append([neutralise(value) for value in row])
        if sheet.rows:
            for cell in target[1]:
                cell.font = Font(bold=True)
    for (title, row, column), members in cells.items():
        cell = written[title].cell(row=row, column=column)  # type: ignore[attr-defined]
        text = "\n".join(_note(finding) for finding in members)
        comment = Comment(text, "govatlas validate")
        comment.width, comment.height = 400, min(60 + 40 * len(members), 600)
        cell.comment = comment
        worst = min((f.severity for f in members), key=lambda s: ORDER.index(s))
        cell.fill = PatternFill("solid", fgColor=FILLS[worst])
    _write_summary(summary, findings, cases, unplaced, Font(bold=True))
    output.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(output)
    return output


def _write_summary(sheet, findings: list[Finding], cases: list[Case],
                   unplaced: list[Finding], bold) -> None:
    counts = {severity: sum(1 for f in findings if f.severity == severity)
              for severity in ORDER}
    sheet.append([f"{counts['Violation']} error(s), {counts['Warning']} gap warning(s), "
                  f"{counts['Info']} gap note(s); each is a comment on its cell in the other "
                  "sheets"])
    sheet.append([])
    columns = ["severity", "case", "covers", "findings", "places", "rule", "closed by",
               "examples", "case id"]
    sheet.append(columns)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for case in cases:
        sheet.append([neutralise(value) for value in (
            case.severity, case.title, case.covers, case.findings, case.places, case.rule,
            case.closed_by, "; ".join(case.examples), case.id)])
    if unplaced:
        sheet.append([])
        sheet.append(["Findings on no cell of the inputs"])
        sheet[sheet.max_row][0].font = bold
        for finding in unplaced:
            sheet.append([neutralise(value) for value in (
                finding.severity, finding.shape_name, finding.record or finding.focus,
                finding.message)])
    sheet.column_dimensions["B"].width = 50
    sheet.column_dimensions["F"].width = 60
