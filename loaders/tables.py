"""Reading the dataset templates: a folder of CSV files or one XLSX workbook, as rows.

This is the public contract of govatlas's data: the file names and column names below are what
users fill in, so they are defined here once and used by the loader, the template writer and the
documentation checks.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO

from govatlas.ontology.cells import looks_like_formula

from .errors import DataError, Problem, check_size, warn


@dataclass(frozen=True)
class Template:
    """The columns of one template file."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    mandatory_file: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


PROVENANCE = ("source", "locator")

MAX_LABEL_CHARS = 300
"""The longest name a ``label``, ``title``, ``name`` or one ``alt_labels`` entry may be: the
bundled data's longest is 165 characters; past this a cell holds a paragraph pasted into the
wrong column."""
MAX_CELL_CHARS = 5_000
"""The longest any cell may be (the bundled data's longest note is 536 characters)."""
LABEL_COLUMNS = ("label", "title", "alt_labels", "name")

TEMPLATES: dict[str, Template] = {
    template.name: template
    for template in (
        Template(
            "actors",
            ("id", "label", "type", "level", "country", "parent", "territory", *PROVENANCE),
            ("alt_labels", "valid_from", "valid_until", "note", "located_in"),
            mandatory_file=True,
        ),
        Template(
            "competences",
            ("holder", "competence", "level", "qualifier", "valid_from", "valid_until",
             *PROVENANCE),
            ("note", "stated_as", "territory", "stated_in", "id", "conflicts_with",
             "dispute_note"),
            mandatory_file=True,
        ),
        Template(
            "links",
            ("from_actor", "to_actor", "type", "instrument", "valid_from", "valid_until",
             *PROVENANCE),
            ("id", "status", "note", "competence", "stated_in", "allocation"),
            mandatory_file=True,
        ),
        Template(
            "instruments",
            ("id", "label", "type", "country", "territory", "valid_from", "valid_until",
             "succeeds", "status", *PROVENANCE),
            ("alt_labels", "note", "owner", "aligns"),
        ),
        Template(
            "quantities",
            ("subject", "kind", "value", "unit", "year", "about", *PROVENANCE),
            ("id", "status", "stated_as", "stated_in", "conflicts_with", "dispute_note"),
        ),
        Template(
            "gap_evidence",
            ("instrument", "gap", "effect", "about", *PROVENANCE),
        ),
        Template("sources", ("id", "title"), ("publisher", "year", "url")),
        Template(
            "events",
            ("id", "type", "original", "resulting", "date", *PROVENANCE),
            ("note",),
        ),
        Template("names", ("subject", "name", *PROVENANCE), ("note",)),
    )
}


@dataclass(frozen=True)
class Record:
    """Where a statement was read: a file and, for a row, its line (``actors.csv:12``).

    The one owner of the record locator format. The loader writes it into the graph
    (``ga:record``) and the validator onto its findings with :meth:`format`; views that sort
    by it or point back at the file read it with :meth:`parse`. For a sheet of a workbook the
    file is ``book.xlsx[actors]`` and the line the sheet's row number.
    """

    file: str
    line: int | None = None

    def format(self) -> str:
        """``file:line``, or the file alone when no line is known.

        >>> Record("data/paris/actors.csv", 12).format()
        'data/paris/actors.csv:12'
        """
        return self.file if self.line is None else f"{self.file}:{self.line}"

    __str__ = format

    @classmethod
    def parse(cls, text: str) -> Record:
        """The record ``text`` names; the line is everything after the last ``:`` when that is
        a number (a Windows drive letter or an IRI keeps its colons in the file part).

        >>> Record.parse("data/paris/actors.csv:12")
        Record(file='data/paris/actors.csv', line=12)
        >>> Record.parse("country.ttl")
        Record(file='country.ttl', line=None)
        """
        file, colon, line = text.rpartition(":")
        if colon and line.isdigit():
            return cls(file, int(line))
        return cls(text)


@dataclass
class Row:
    """One data row: where it is, and its values by column (empty strings for blanks)."""

    file: str
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()

    @property
    def record(self) -> str:
        return Record(self.file, self.line).format()


class Rows:
    """The rows of one table, read again from their file each time they are iterated.

    Held whole, the rows of a CSV took about 12 times the file's size in memory (a dict of
    strings a row); read lazily, a table costs its header and its count, and a pass over it
    one row at a time (the converter makes two or three passes; parsing CSV is cheap next to
    converting it). The first read, with the checks, counts them.
    """

    def __init__(self, source: Callable[[], Iterator[Row]] | None = None,
                 count: int = 0) -> None:
        self._source = source
        self._count = count

    def __iter__(self) -> Iterator[Row]:
        return iter(()) if self._source is None else self._source()

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __getitem__(self, index: int) -> Row:
        if not 0 <= index < self._count:
            raise IndexError(index)
        return next(islice(iter(self), index, None))


@dataclass
class Table:
    """The rows of one template file, and the required columns its header lacks (their
    values read as blanks, so the header problem is reported once, not once per row)."""

    template: Template
    file: str
    rows: Rows = field(default_factory=Rows)
    missing_columns: frozenset[str] = frozenset()


def _check_header(header: list[str], template: Template, file: str) -> list[Problem]:
    problems = []
    cleaned = [column.strip() for column in header]
    for column in cleaned:
        if column and column not in template.columns:
            guess = difflib.get_close_matches(column, template.columns, n=1)
            fix = (f"rename it '{guess[0]}'" if guess
                   else f"remove it; the columns of {template.name} are "
                        f"{', '.join(template.columns)}")
            problems.append(Problem(file, 1, column, "is not a column of the "
                                    f"{template.name} template", fix))
    for column in template.required:
        if column not in cleaned:
            problems.append(Problem(
                file, 1, column, "required column is missing",
                f"add a '{column}' column to the header (the header of {template.name} is "
                f"{','.join(template.required)})"))
    duplicates = {column for column in cleaned if cleaned.count(column) > 1 and column}
    for column in sorted(duplicates):
        problems.append(Problem(file, 1, column, "appears twice in the header",
                                "keep one of them"))
    return problems


def _cell_problems(file: str, line: int, name: str, value: str) -> list[Problem]:
    """What is wrong with one cell's text: control characters, undecodable bytes, length."""
    problems = []
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        problems.append(Problem(file, line, name, "contains a control character",
                                "remove it; values must be plain text"))
    if len(value) > MAX_CELL_CHARS:
        problems.append(Problem(file, line, name,
                                f"is {len(value):,} characters long, more than the "
                                f"{MAX_CELL_CHARS:,} a cell may hold",
                                "shorten it; a long text belongs in the source document, "
                                "cited by its locator"))
    elif name in LABEL_COLUMNS:
        longest = max(value.split("|") if name == "alt_labels" else [value], key=len)
        if len(longest.strip()) > MAX_LABEL_CHARS:
            problems.append(Problem(file, line, name,
                                    f"has a name of {len(longest.strip()):,} characters, more "
                                    f"than the {MAX_LABEL_CHARS} a name may have",
                                    "give the name alone; a description belongs in 'note'"))
    return problems


def _rows(header: list[str], cells: Iterator[tuple[int, list[str]]], file: str,
          problems: list[Problem] | None) -> Iterator[Row]:
    """The non-blank rows of ``cells``; a row with more values than the header has columns
    is left out (its values cannot be placed). With ``problems`` (the first read) every cell
    is checked and what is wrong appended to it; the later reads only rebuild the rows."""
    names = [column.strip() for column in header]
    formulas: dict[str, list[int]] = {}
    for line, values in cells:
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(names):
            if problems is not None:
                problems.append(Problem(
                    file, line, None, f"has {len(values)} values for {len(names)} columns",
                    "quote values that contain a comma, or remove the extra values"))
            continue
        padded = values + [""] * (len(names) - len(values))
        if problems is not None:
            for name, value in zip(names, padded, strict=True):
                problems.extend(_cell_problems(file, line, name, value))
                if name in LABEL_COLUMNS and any(looks_like_formula(text.strip())
                                                 for text in value.split("|")):
                    formulas.setdefault(name, []).append(line)
        yield Row(file, line, dict(zip(names, padded, strict=True)))
    for name, lines in formulas.items():
        _warn_formulas(file, name, lines)


def _warn_formulas(file: str, column: str, lines: list[int]) -> None:
    """One warning per column naming the rows whose names a spreadsheet would run as a
    formula (``=HYPERLINK(...)``): stored as written, they are made inert in every CSV and
    XLSX output (:mod:`govatlas.ontology.cells`), but a name that begins with ``=`` is more
    likely an attack or a paste error than a name."""
    shown = ", ".join(str(line) for line in lines[:10])
    more = f" and {len(lines) - 10} more" if len(lines) > 10 else ""
    where = f"line {shown}" if len(lines) == 1 else f"lines {shown}{more}"
    warn(Problem(file, lines[0], column,
                 f"the names on {where} begin with =, +, -, @ or a tab, which a spreadsheet "
                 "runs as a formula; govatlas's CSV and XLSX outputs write such names with a "
                 "leading quote so they are shown, not run",
                 "check these names: remove the leading character if it is not part of "
                 "the name"))


def _missing_columns(header: list[str], template: Template) -> frozenset[str]:
    cleaned = {column.strip() for column in header}
    return frozenset(column for column in template.required if column not in cleaned)


def _lines(handle: BinaryIO, file: str, problems: list[Problem] | None) -> Iterator[str]:
    """The lines of a CSV file as text, line ending kept (what the csv module wants), a BOM
    dropped. A line holding bytes that are not UTF-8 is reported at its own line (decoding
    the whole file at once names only the first) when ``problems`` is given, and its bytes
    replaced so the rest of the row can still be checked."""
    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            if problems is not None:
                byte = raw[error.start:error.start + 1]
                guess = byte.decode("cp1252", errors="replace")
                problems.append(Problem(
                    file, number, None,
                    f"is not UTF-8 text (byte 0x{byte.hex().upper()} at character "
                    f"{error.start + 1}, '{guess}' in Latin-1/Windows-1252)",
                    "save the file as UTF-8 (CSV UTF-8 in spreadsheet programs)"))
            yield raw.decode("utf-8", errors="replace")


def read_csv(path: Path, template: Template, display: str | None = None,
             problems: list[Problem] | None = None) -> Table:
    """Read one CSV file of ``template``: its header and every row are checked now, and the
    table's rows are read again from the file when they are used (see :class:`Rows`).

    With ``problems`` given, every problem is appended to it and the rows that could be read
    are returned (a validator sees every problem in one run); without it, :class:`DataError`
    names them all (a load takes nothing from a file with a problem).
    """
    file = display or str(path)
    table = Table(template, file)
    found: list[Problem] = []
    try:
        check_size(path, file)
        size = path.stat().st_size
        undecoded: list[Problem] = []
        bad: dict[int, str] = {}  # line of a row -> its column holding an undecodable byte
        with path.open("rb") as handle:
            shape = _read_csv_lines(_lines(handle, file, undecoded), template, table, found,
                                    size, bad)
        if shape is not None:
            delimiter, header = shape

            def reread() -> Iterator[Row]:
                with path.open("rb") as again:
                    yield from _csv_rows(_lines(again, file, None), delimiter, header, file,
                                         size)

            table.rows = Rows(reread, len(table.rows))
        found[:0] = [replace(problem, column=bad.get(problem.line or 0))
                     for problem in undecoded]
    except DataError as error:
        found.extend(error.problems)
    except OSError as error:
        found.append(Problem(file, None, None, f"cannot be read ({error.strerror})",
                             "check the path and permissions"))
    if problems is not None:
        problems.extend(found)
    elif found:
        raise DataError(found)
    return table


DELIMITERS = {";": "semicolons", "\t": "tabs"}
"""Delimiters a spreadsheet writes instead of commas (a semicolon where the decimal mark is a
comma, as in France, Germany and Italy; a tab for "text" exports), read as such with a warning."""


def _delimiter(text: str, file: str) -> str:
    """The delimiter of ``text``: a comma unless the header has none and semicolons or tabs
    separate it, in which case a warning says so (nine "required column is missing" errors
    would not tell a person that the file is fine but for its separator)."""
    header = text.split("\n", 1)[0]
    if "," in header:
        return ","
    for delimiter, name in DELIMITERS.items():
        if delimiter in header:
            warn(Problem(file, 1, None, f"is separated by {name}, not commas; read as such",
                         "nothing to do, or save it as \"CSV UTF-8 (comma delimited)\" to "
                         "match the templates"))
            return delimiter
    return ","


@contextmanager
def _field_limit(size: int) -> Iterator[None]:
    """Let the csv module read a value of up to ``size`` characters, so an over-long value is
    reported against govatlas's own cell limit (with its column and line) rather than as the
    csv module's "field larger than field limit". ``size`` is bounded by the input limit."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _empty(table: Table, template: Template) -> Problem:
    """The problem of a file with no header row, and the row to start it with."""
    return Problem(table.file, None, None, "is empty",
                   f"start it with the header row {','.join(template.required)} "
                   "(govatlas template DIR writes one)")


def _read_csv_lines(lines: Iterator[str], template: Template, table: Table,
                    problems: list[Problem], size: int, bad: dict[int, str],
                    ) -> tuple[str, list[str]] | None:
    """The first read of a CSV file: check its header and every row, count the rows, keep
    none (``bad`` receives the column of each row holding an undecodable byte). Returns the
    delimiter and header the later reads use, or None for an empty file."""
    first = next(lines, None)
    if first is None:
        problems.append(_empty(table, template))
        return None
    delimiter = _delimiter(first, table.file)
    reader = csv.reader(chain([first], lines), delimiter=delimiter)
    count = 0
    try:
        with _field_limit(size):
            header = next(reader, None)
            if header is None:
                problems.append(_empty(table, template))
                return None
            problems.extend(_check_header(header, template, table.file))
            table.missing_columns = _missing_columns(header, template)
            for row in _rows(header, _cells(reader), table.file, problems):
                count += 1
                if any("\ufffd" in value for value in row.values.values()):
                    bad[row.line] = next(
                        name for name, value in row.values.items() if "\ufffd" in value)
    except csv.Error as error:
        problems.append(Problem(table.file, reader.line_num, None, f"is not valid CSV ({error})",
                                "check the quotes on this line"))
    table.rows = Rows(None, count)
    return delimiter, header


def _cells(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """The records of a csv reader with the line each starts at."""
    start = reader.line_num + 1
    for values in reader:
        yield start, values
        start = reader.line_num + 1


def _csv_rows(lines: Iterator[str], delimiter: str, header: list[str], file: str,
              size: int) -> Iterator[Row]:
    """The rows of a CSV file read again (checked by the first read): a record the csv
    module cannot parse ends them, where the first read reported it."""
    reader = csv.reader(lines, delimiter=delimiter)
    with _field_limit(size):
        try:
            next(reader, None)  # the header
            yield from _rows(header, _cells(reader), file, None)
        except csv.Error:
            return


def read_xlsx_sheets(path: Path, problems: list[Problem] | None = None) -> dict[str, Table]:
    """Read every template sheet of an XLSX workbook; problems are collected in ``problems``
    when given (the readable rows are returned), else raised as :class:`DataError`."""
    found: list[Problem] = []
    tables = _read_workbook(path, found)
    if problems is not None:
        problems.extend(found)
    elif found:
        raise DataError(found)
    return tables


def _read_workbook(path: Path, problems: list[Problem]) -> dict[str, Table]:
    from openpyxl import load_workbook

    check_size(path, display_path(path))
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise DataError([Problem(str(path), None, None,
                                 f"is not a readable XLSX workbook ({error})",
                                 "save it again as .xlsx from a spreadsheet program")]) from error
    tables: dict[str, Table] = {}
    try:
        for sheet in workbook.worksheets:
            template = TEMPLATES.get(sheet.title.strip())
            if template is None:
                warn(Problem(str(path), None, None,
                             f"has a sheet '{sheet.title}' that is no template; it is ignored",
                             _rename_hint(sheet.title, "sheet")))
                continue
            file = f"{path}[{sheet.title}]"
            rows = sheet.iter_rows(values_only=True)
            header_cells = next(rows, None)
            if header_cells is None:
                problems.append(Problem(file, None, None, "is empty",
                                        f"start it with the header row "
                                        f"{','.join(template.required)}"))
                continue
            header = ["" if cell is None else str(cell) for cell in header_cells]
            while header and not header[-1].strip():
                header.pop()
            problems.extend(_check_header(header, template, file))
            table = Table(template, file, missing_columns=_missing_columns(header, template))

            count = sum(1 for _ in _rows(header, _sheet_cells(rows, len(header)), file,
                                         problems))
            table.rows = Rows(partial(_sheet_rows, path, sheet.title, header, file), count)
            tables[template.name] = table
    finally:
        workbook.close()
    return tables


def _sheet_rows(path: Path, title: str, header: list[str], file: str) -> Iterator[Row]:
    """The rows of one sheet read again (checked by the first read)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook[title].iter_rows(values_only=True)
        next(rows, None)  # the header
        yield from _rows(header, _sheet_cells(rows, len(header)), file, None)
    finally:
        workbook.close()


def _sheet_cells(rows: Iterator[tuple], width: int) -> Iterator[tuple[int, list[str]]]:
    """Sheet rows as (row number, texts), trailing empty cells past the header dropped."""
    for number, values in enumerate(rows, start=2):
        texts = ["" if cell is None else _cell_text(cell) for cell in values]
        while len(texts) > width and not texts[-1].strip():
            texts.pop()
        yield number, texts


def _cell_text(cell: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (years stay '2019', not '2019.0')."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if hasattr(cell, "isoformat"):
        return cell.isoformat()[:10]  # type: ignore[attr-defined]
    return str(cell)


def display_path(path: Path) -> str:
    """``path`` as a person would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_tables(path: Path, problems: list[Problem] | None = None) -> dict[str, Table]:
    """The template tables of a dataset folder or workbook, by template name.

    With ``problems`` given, every problem of every file is appended to it and what could be
    read is returned, so a validator lists them all in one run; without it, :class:`DataError`
    names them all. Only a path that is no dataset at all raises in both cases.
    """
    found: list[Problem] = []
    if path.is_file() and path.suffix.lower() == ".xlsx":
        tables = read_xlsx_sheets(path, found)
        missing = [name for name, template in TEMPLATES.items()
                   if template.mandatory_file and name not in tables]
        if missing:
            found.append(Problem(str(path), None, None,
                                 f"has no sheet named {', '.join(missing)}",
                                 "add the sheet (govatlas template --xlsx writes them all)"))
    elif not path.is_dir():
        raise DataError([Problem(display_path(path), None, None,
                                 "is neither a dataset folder nor an XLSX workbook",
                                 "give a folder of CSV files, an .xlsx, a .ttl or a .jsonld "
                                 "file")])
    else:
        _warn_unknown_files(path)
        tables = {}
        for name, template in TEMPLATES.items():
            file = path / f"{name}.csv"
            if file.exists():
                tables[name] = read_csv(file, template, display_path(file), found)
            elif template.mandatory_file:
                tables[name] = Table(template, str(file))  # checked as empty, reported once
                found.append(Problem(str(file), None, None, "is missing",
                                     f"add {name}.csv with the header "
                                     f"{','.join(template.required)} and its rows"))
    if tables and not any(table.rows for table in tables.values()) and not found:
        found.append(Problem(display_path(path), None, None, "holds no rows: the dataset is empty",
                             "fill in the templates, one actor, competence or link a row "
                             "(see docs/data-format.md)"))
    if problems is not None:
        problems.extend(found)
    elif found:
        raise DataError(found)
    return tables


def _rename_hint(name: str, kind: str) -> str:
    """What to rename a file or sheet that is no template to: the template it nearly spells
    (``Quantities``, ``gap-evidence``), else the list of template names."""
    normal = name.strip().lower().replace("-", "_").replace(" ", "_")
    guess = normal if normal in TEMPLATES else next(
        iter(difflib.get_close_matches(normal, TEMPLATES, n=1, cutoff=0.7)), None)
    if guess is None:
        return (f"nothing to do if it holds notes; a {kind} of data must be named after a "
                f"template: {', '.join(TEMPLATES)}")
    target = f"{guess}.csv" if kind == "file" else guess
    return f"rename it '{target}' if it holds the {guess} of the dataset"


def _warn_unknown_files(folder: Path) -> None:
    """A warning for each CSV file of ``folder`` that is no template: it is not read, and a
    misspelt name (``gap-evidence.csv``) would otherwise drop its rows without a word."""
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() == ".csv" and file.stem not in TEMPLATES:
            warn(Problem(display_path(file), None, None, "is no template file; it is ignored",
                         _rename_hint(file.stem, "file")))


def empty_required(tables: dict[str, Table], found: list[Problem]) -> list[Problem]:
    """A required file that was read but holds no row, unless ``found`` already says why.

    A dataset checked on its own says who acts, what they may do and how they are linked, so
    `govatlas validate` asks for all three; a load may add rows to what other datasets hold
    (actors alone, or links between stored actors), so it only refuses a dataset with no rows.
    """
    reported = {problem.file for problem in found if problem.line is None}
    return [Problem(table.file, None, None, "has no rows",
                    f"add the {name} of the dataset below the header, one a row "
                    "(see docs/data-format.md)")
            for name, table in tables.items()
            if TEMPLATES[name].mandatory_file and not table.rows and table.file not in reported]
