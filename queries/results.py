"""Query results: what a query gave, written in the SPARQL 1.1 results formats, shown as a
table for people, and as a typed pandas DataFrame for notebooks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pyoxigraph as ox

from govatlas.ontology.cells import looks_like_formula, neutralise
from govatlas.ontology.namespaces import PREFIXES, XSD

from .library import QueryError

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


@dataclass
class QueryResult:
    """What a query gave: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT)."""

    kind: str
    variables: list[str]
    rows: list[tuple]
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None

    def serialize(self, fmt: str) -> bytes:
        """The result in a standard format: SPARQL JSON/XML/CSV/TSV, or an RDF syntax."""
        if self.kind in ("CONSTRUCT", "DESCRIBE"):
            if fmt not in GRAPH_FORMATS:
                raise QueryError(f"a {self.kind} query gives triples: use --format ttl, nt, "
                                 "jsonld or xml")
            return ox.serialize(self.triples or [], format=GRAPH_FORMATS[fmt],
                                prefixes=PREFIXES) or b""
        if fmt not in RESULT_FORMATS:
            raise QueryError(f"a {self.kind} query gives solutions: use --format table, csv, "
                             "tsv, json or xml")
        return _serialize_solutions(self, fmt)


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    item = {"type": "literal", "value": term.value}
    if term.language:
        item["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        item["datatype"] = term.datatype.value
    return item


def _xml_term(term) -> str:
    from xml.sax.saxutils import escape, quoteattr

    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD + "string":
        return (f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}"
                "</literal>")
    return f"<literal>{escape(term.value)}</literal>"


def _serialize_solutions(result: QueryResult, fmt: str) -> bytes:
    """SPARQL 1.1 results in JSON, XML, CSV or TSV, written from the W3C specifications (the
    rows may hold blank nodes, which a rebuilt query could not).

    CSV and TSV are W3C formats that programs read, but people open them in spreadsheets,
    which run a cell beginning with ``=``, ``+``, ``-`` or ``@`` as a formula. So in those two
    a literal's text that looks like a formula (not a number: ``-3`` stays) gets a leading
    single quote (:mod:`govatlas.ontology.cells`). Only values change, never the header, the
    quoting or the row layout, so the file still parses as SPARQL CSV/TSV; IRIs and blank
    nodes cannot begin with those characters. A program that needs every value byte for byte
    asks for JSON or XML, which are left exactly as the data holds them.
    """
    import csv
    import io
    import json

    if fmt == "json":
        if result.kind == "ASK":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}).encode()
        bindings = [{name: _json_term(term) for name, term in zip(result.variables, row,
                                                                    strict=True)
                     if term is not None} for row in result.rows]
        return json.dumps({"head": {"vars": result.variables},
                           "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if fmt == "xml":
        head = "".join(f'<variable name="{name}"/>' for name in result.variables)
        if result.kind == "ASK":
            body = f"<boolean>{'true' if result.boolean else 'false'}</boolean>"
        else:
            rows = "".join(
                "<result>" + "".join(f'<binding name="{name}">{_xml_term(term)}</binding>'
                                     for name, term in zip(result.variables, row, strict=True)
                                     if term is not None) + "</result>"
                for row in result.rows)
            body = f"<results>{rows}</results>"
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head>{head}</head>{body}</sparql>\n").encode()
    if result.kind == "ASK":
        return (b"true\n" if result.boolean else b"false\n")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow(["" if term is None else
                             (f"_:{term.value}" if isinstance(term, ox.BlankNode)
                              else neutralise(term.value)) for term in row])
        return buffer.getvalue().encode()
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines += ["\t".join("" if term is None else str(_tsv_term(term)) for term in row)
              for row in result.rows]
    return ("\n".join(lines) + "\n").encode()


def _tsv_term(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> object:
    """A literal whose text a spreadsheet would run, with a quote put in front of its text.

    A TSV literal is written in Turtle form (``"=HYPERLINK(...)"``), but a spreadsheet
    importing the file strips the double quotes and runs what is left, so the lexical form is
    neutralised inside the quotes (its datatype and language kept).
    """
    if isinstance(term, ox.Literal) and looks_like_formula(term.value):
        if term.language:
            return ox.Literal("'" + term.value, language=term.language)
        return ox.Literal("'" + term.value, datatype=term.datatype)
    return term




# --- values for people and for pandas ---------------------------------------------------------

INTEGER_TYPES = frozenset(XSD + name for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte"))
FLOAT_TYPES = frozenset(XSD + name for name in ("decimal", "double", "float"))
BOOLEAN = XSD + "boolean"
DATE = XSD + "date"
DATETIME_TYPES = frozenset(XSD + name for name in ("dateTime", "dateTimeStamp"))
GYEAR = XSD + "gYear"


def _number(text: str, datatype: str) -> int | float:
    if datatype in INTEGER_TYPES:
        return int(text)
    return float(text.replace("INF", "inf"))


def _date(text: str) -> date:
    # xsd:date may carry a time zone ("2020-01-01Z", "2020-01-01+02:00"): the day is kept
    return date.fromisoformat(text[:10] if len(text) > 10 else text)


def _datetime(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def python_value(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> object:
    """A term as the Python value its datatype names (``None`` when unbound); a literal whose
    text does not fit its datatype stays text rather than being dropped."""
    if term is None:
        return None
    if not isinstance(term, ox.Literal):
        return term.value
    datatype, text = term.datatype.value, term.value
    try:
        if datatype in INTEGER_TYPES or datatype in FLOAT_TYPES:
            return _number(text, datatype)
        if datatype == BOOLEAN:
            return {"true": True, "1": True, "false": False, "0": False}[text]
        if datatype == DATE:
            return _date(text)
        if datatype in DATETIME_TYPES:
            return _datetime(text)
        if datatype == GYEAR:
            return int(text[:4] if text[0] != "-" else text[:5])
    except (ValueError, KeyError, IndexError):
        return text
    return text


def _column_kind(terms: list) -> str:
    """What pandas type a column takes: the one family all its bound literals share."""
    kinds = set()
    for term in terms:
        if term is None:
            continue
        if not isinstance(term, ox.Literal):
            kinds.add("text")
            continue
        datatype = term.datatype.value
        if datatype in INTEGER_TYPES or datatype == GYEAR:
            kinds.add("integer")
        elif datatype in FLOAT_TYPES:
            kinds.add("float")
        elif datatype == BOOLEAN:
            kinds.add("boolean")
        elif datatype == DATE:
            kinds.add("date")
        elif datatype in DATETIME_TYPES:
            kinds.add("datetime")
        else:
            kinds.add("text")
    if not kinds:
        return "empty"
    if kinds <= {"integer", "float"}:
        return "float" if "float" in kinds else "integer"
    return kinds.pop() if len(kinds) == 1 else "mixed"


PANDAS_DTYPES = {"integer": "Int64", "float": "Float64", "boolean": "boolean",
                 "text": "string", "empty": "string"}


def _column(terms: list):
    """One typed pandas column: numbers, booleans and text are nullable (``pd.NA`` when
    unbound), dates and date-times are datetime64 (``NaT`` when unbound)."""
    import pandas as pd

    kind = _column_kind(terms)
    values = [python_value(term) for term in terms]
    if kind in ("integer", "float", "boolean"):
        if any(isinstance(value, str) for value in values):  # a literal that did not parse
            kind = "mixed"
        else:
            return pd.array([pd.NA if value is None else value for value in values],
                            dtype=PANDAS_DTYPES[kind])
    if kind in PANDAS_DTYPES:
        return pd.array([pd.NA if value is None else str(value) for value in values],
                        dtype="string")
    if kind == "date" and not any(isinstance(value, str) for value in values):
        return pd.to_datetime(pd.Series(values, dtype=object), errors="coerce").array
    if kind == "datetime" and not any(isinstance(value, str) for value in values):
        aware = any(value is not None and value.tzinfo is not None for value in values)
        return pd.to_datetime(pd.Series(values, dtype=object), utc=aware,
                              errors="coerce").array
    return pd.array([pd.NA if value is None else value for value in values], dtype=object)


def short(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    """A term as a person reads it in a table: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace):]}"
        return term.value
    return term.value


def to_dataframe(result: QueryResult):
    """A pandas DataFrame of a SELECT result, one column per variable, typed by the RDF
    datatypes of its values.

    integers (and ``xsd:gYear``) are ``Int64``, decimals and doubles ``Float64``, booleans
    ``boolean``, ``xsd:date`` and ``xsd:dateTime`` ``datetime64`` (``NaT`` when unbound), IRIs
    and text ``string``; an unbound value is ``pd.NA``. A column mixing kinds (a number in
    one row, text in another) is ``object`` holding each value as its own Python type.
    """
    import pandas as pd

    columns = list(zip(*result.rows, strict=True)) if result.rows else [
        () for _ in result.variables]
    return pd.DataFrame({name: _column(list(terms))
                         for name, terms in zip(result.variables, columns, strict=True)},
                        columns=result.variables)
