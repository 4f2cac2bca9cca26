"""Running queries: parameters bound as terms, a timeout that really stops the query, results in
the SPARQL results formats, tables for people and DataFrames for notebooks."""

from __future__ import annotations

import multiprocessing
import re
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from govatlas.graph.store import GraphStore, bind
from govatlas.ontology.namespaces import PREFIXES, XSD, sparql_prefixes

from .library import LibraryQuery, QueryError, QueryTimeout, ResultTooLarge

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
    rows may hold blank nodes, which a rebuilt query could not)."""
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
                              else term.value) for term in row])
        return buffer.getvalue().encode()
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row)
              for row in result.rows]
    return ("\n".join(lines) + "\n").encode()


def prepared_text(query: LibraryQuery, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query ready for the engine: govatlas prefixes unless it declares its own, bindings."""
    text = query.text
    declared = {m.group(1) for m in re.finditer(r"PREFIX\s+(\w*):", text, re.IGNORECASE)}
    # All the prefixes on one line, so a syntax error's line number is the user's line + 1.
    head = " ".join(line for line in sparql_prefixes().splitlines()
                    if line.split()[1].rstrip(":") not in declared) + "\n"
    try:
        return head + bind(text, bindings)
    except ValueError as error:
        raise QueryError(f"query '{query.name}' has parameters but no WHERE {{ ... }} group "
                         "to bind them in") from error


def _execute(store: ox.Store, text: str, kind: str) -> QueryResult:
    try:
        results = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as error:
        message = str(error)
        where = re.search(r"(\d+):(\d+)", message)
        # the first line of the text is the govatlas prefixes
        position = f" at line {int(where[1]) - 1}, column {where[2]}" if where else ""
        message = re.sub(r"^error at \d+:\d+: ", "", message)
        raise QueryError(f"syntax error{position}: {message}") from error
    if isinstance(results, ox.QueryBoolean):
        return QueryResult("ASK", [], [], boolean=bool(results))
    if isinstance(results, ox.QueryTriples):
        return QueryResult(kind if kind in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", [], [],
                           triples=list(results))
    variables = [variable.value for variable in results.variables]
    return QueryResult("SELECT", variables,
                       [tuple(solution[name] for name in variables) for solution in results])


def _child(store: ox.Store, text: str, kind: str, connection) -> None:
    """Run in a forked process: send back the serialized result or the error message."""
    try:
        result = _execute(store, text, kind)
        if result.kind in ("CONSTRUCT", "DESCRIBE"):
            payload = ("graph", result.kind, ox.serialize(result.triples or [],
                                                          format=ox.RdfFormat.N_TRIPLES) or b"")
        else:
            payload = ("solutions", result.kind, result.serialize("json"))
        connection.send(payload)
    except QueryError as error:
        connection.send(("error", str(error), b""))
    except Exception as error:
        connection.send(("error", f"the query failed: {error}", b""))
    finally:
        connection.close()


def _from_payload(kind: str, data: bytes, graph: bool) -> QueryResult:
    if graph:
        return QueryResult(kind, [], [], triples=list(
            ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))
    parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return QueryResult("ASK", [], [], boolean=bool(parsed))
    variables = [variable.value for variable in parsed.variables]
    return QueryResult("SELECT", variables,
                       [tuple(solution[name] for name in variables) for solution in parsed])


def run_query(store: GraphStore, query: LibraryQuery, values: dict[str, str] | None = None,
              timeout: float | None = None, max_rows: int | None = None) -> QueryResult:
    """Run a library (or ad hoc) query on the store with parameter ``values``.

    With ``timeout`` the query runs in a forked process that is stopped when time is up, so a
    runaway query never keeps the machine busy; ``max_rows`` refuses larger results.
    """
    text = prepared_text(query, query.bindings(values or {}))
    if timeout is None:
        result = _execute(store.store, text, query.kind)
    else:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(store.store, text, query.kind, sender))
        process.start()
        sender.close()
        if not receiver.poll(timeout):
            process.kill()
            process.join()
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped: narrow "
                             "it (a LIMIT, a more selective pattern) or raise --timeout")
        status, detail, data = receiver.recv()
        process.join()
        if status == "error":
            raise QueryError(detail)
        result = _from_payload(detail, data, graph=status == "graph")
    if max_rows is not None and len(result.rows) + len(result.triples or []) > max_rows:
        raise ResultTooLarge(f"the result has more than {max_rows} rows: add a LIMIT or narrow the "
                         "query")
    return result


def python_value(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> object:
    """A term as the Python value a DataFrame should hold."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in (XSD + "integer", XSD + "int", XSD + "long"):
            return int(term.value)
        if datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
            return float(Decimal(term.value))
        if datatype == XSD + "boolean":
            return term.value == "true"
        return term.value
    return term.value


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
    """A pandas DataFrame of a SELECT result, one column per variable."""
    import pandas as pd

    return pd.DataFrame([[python_value(term) for term in row] for row in result.rows],
                        columns=result.variables)
