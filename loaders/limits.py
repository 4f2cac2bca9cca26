"""Bounds on what a small hostile file may unpack to, checked before the real parser runs.

The input limit (``$GOVATLAS_MAX_INPUT_MB``, :func:`govatlas.loaders.errors.input_limit_mb`)
is meant to bound memory, but two kinds of file are far bigger in memory than on disk:

- **RDF/XML with entity declarations.** pyoxigraph's RDF/XML parser (oxrdfxml, 0.5.13)
  expands internal entities and has no switch to turn that off: a 675-byte "billion laughs"
  file (ten entities of ten references each) makes it allocate gigabytes and the process
  aborts, past any ``except``. So :func:`check_rdf_xml` first streams the file through
  expat, which keeps nothing but counts the text and attribute values it delivers after
  expansion; a file that expands beyond the input limit, or that expat itself stops for its
  amplification factor (expat 2.4 and later), is refused with a clear error. Flat entities
  such as the ``&owl;`` namespace abbreviations that ontology editors write keep working.
- **XLSX workbooks.** An XLSX is a zip archive; a 4 MB file can hold a sheet of 1.8 GB that
  openpyxl then reads whole. :func:`check_xlsx` reads only the archive's directory (the
  sizes each member declares) and refuses a workbook whose members unpack to more than the
  input limit, or any member compressed more than :data:`MAX_XLSX_RATIO` times. It must be
  called before ``openpyxl.load_workbook`` (in ``loaders/tables.py``, ``read_xlsx_sheets``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.parsers import expat

from .errors import DataError, Problem, input_limit_mb

#: The most an XLSX member may be compressed (unpacked size / packed size). Sheets of real
#: data compress 5 to 30 times; zip bombs 1,000 times and more.
MAX_XLSX_RATIO = 200

#: Below this unpacked size a member's compression ratio is not checked (a sheet of one
#: repeated value compresses well and is harmless while small).
RATIO_FLOOR_BYTES = 10_000_000

_CHUNK = 1 << 16


class _Expanded(Exception):
    """The expanded text passed the limit (raised from inside expat's callbacks)."""


def check_rdf_xml(path: Path, display: str, limit_bytes: int | None = None) -> None:
    """Refuse an RDF/XML file whose entities expand it beyond ``limit_bytes`` (default: the
    input limit), before pyoxigraph (which cannot be told not to expand them) reads it.

    Memory stays bounded: expat is fed 64 KiB at a time and keeps no text. A file that is not
    well-formed XML is left for pyoxigraph to report, with its own line and message.
    """
    limit = int(input_limit_mb() * 1_000_000) if limit_bytes is None else limit_bytes
    parser = expat.ParserCreate()
    # no external entity or external DTD is ever read (the default, said explicitly)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    total = 0

    def count(length: int) -> None:
        nonlocal total
        total += length
        if total > limit:
            raise _Expanded

    parser.CharacterDataHandler = lambda data: count(len(data))
    parser.StartElementHandler = lambda _name, attributes: count(
        sum(len(value) for value in attributes.values()))
    refusal = None
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Expanded:
        refusal = f"its entities expand it to more than {limit / 1_000_000:,.0f} MB of text"
    except expat.ExpatError as error:
        if error.code != expat.errors.codes.get(
                "limit on input amplification factor (from DTD and entities) breached"):
            return  # a plain syntax error: pyoxigraph says where
        refusal = (f"its entities expand it more than the XML parser allows (line "
                   f"{error.lineno}: an entity-expansion attack such as \"billion laughs\")")
    if refusal:
        raise DataError([Problem(display, None, None, f"is refused: {refusal}",
                                 "replace the entity references (&name;) by their text and "
                                 "remove the <!DOCTYPE ...> declarations, or convert the file "
                                 "to Turtle")])


def check_xlsx(path: Path, display: str, limit_bytes: int | None = None) -> None:
    """Refuse a workbook that would unpack to more than ``limit_bytes`` (default: the input
    limit) or holds a member compressed more than :data:`MAX_XLSX_RATIO` times.

    Only the zip directory is read (the sizes are declared there), so this costs
    milliseconds whatever the file holds. A file that is not a zip archive is left for
    openpyxl's own error.
    """
    limit = int(input_limit_mb() * 1_000_000) if limit_bytes is None else limit_bytes
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit:
        raise DataError([Problem(
            display, None, None,
            f"unpacks to {unpacked / 1_000_000:,.0f} MB, more than the "
            f"{limit / 1_000_000:,.0f} MB a single input may hold in memory",
            "save the sheets as CSV files in a dataset folder, split the workbook, or raise "
            "GOVATLAS_MAX_INPUT_MB if this machine has the memory")])
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_XLSX_RATIO:
            raise DataError([Problem(
                display, None, None,
                f"holds {member.filename}, compressed {ratio:,.0f} times (more than "
                f"{MAX_XLSX_RATIO}: a zip bomb, not a sheet of data)",
                "save the workbook again from a spreadsheet program, or give CSV files")])
