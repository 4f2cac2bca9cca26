"""The SPARQL 1.1 Protocol, as the endpoint reads requests and writes answers: the request's
query and dataset, content negotiation, and the Service Description.

Kept apart from the HTTP server so each rule of the W3C texts has one place, testable without
a socket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs

import pyoxigraph as ox

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "xml",
}
CONTENT_TYPES = {
    ("solutions", "json"): "application/sparql-results+json",
    ("solutions", "xml"): "application/sparql-results+xml",
    ("solutions", "csv"): "text/csv; charset=utf-8",
    ("solutions", "tsv"): "text/tab-separated-values; charset=utf-8",
    ("graph", "ttl"): "text/turtle; charset=utf-8",
    ("graph", "nt"): "application/n-triples",
    ("graph", "jsonld"): "application/ld+json",
    ("graph", "xml"): "application/rdf+xml",
}
FORMAT_IRIS = {
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "ttl": "http://www.w3.org/ns/formats/Turtle",
    "nt": "http://www.w3.org/ns/formats/N-Triples",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
}


class BadRequest(ValueError):
    """The request does not follow the protocol; the message says what to send instead."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def negotiate(accept: str, graph: bool) -> str:
    """The result format for an Accept header (q-values honoured, defaults per result kind)."""
    table = GRAPH_TYPES if graph else RESULT_TYPES
    offers = []
    for part in (accept or "").split(","):
        media, *params = [item.strip() for item in part.split(";")]
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if quality > 0:
            offers.append((quality, media.lower()))
    for _quality, media in sorted(offers, key=lambda offer: -offer[0]):
        if media in table:
            return table[media]
    return "ttl" if graph else "json"


@dataclass
class Request:
    """What a protocol request asks: a query or an update, and the dataset it names."""

    query: str | None = None
    update: bool = False
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


def _form(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=bool(text),
                        max_num_fields=1000)
    except ValueError as error:
        raise BadRequest(f"cannot read the parameters ({error}): send them URL-encoded, "
                         "e.g. query=SELECT%20...") from error


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"give '{name}' once (the protocol allows one {name} per request)")
    return values[0]


def read_request(url_query: str, content_type: str | None = None,
                 body: bytes | None = None) -> Request:
    """The protocol request from the URL's query string and, for a POST, its body."""
    params = _form(url_query)
    media = (content_type or "").split(";")[0].strip().lower()
    if body is not None:
        if media == "application/sparql-update":
            return Request(update=True)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadRequest(f"the body is not UTF-8 (byte {error.start})") from error
        if media == "application/sparql-query":
            params = {**params, "query": [text]}
        elif media == "application/x-www-form-urlencoded":
            form = _form(text)
            for name, values in form.items():
                params.setdefault(name, []).extend(values)
        else:
            raise BadRequest("send the query as application/sparql-query, or as a form "
                             "(application/x-www-form-urlencoded) with query=...", 415)
    if "update" in params or "using-graph-uri" in params:
        return Request(update=True)
    query = _one(params, "query")
    return Request(query=query, default_graphs=params.get("default-graph-uri", []),
                   named_graphs=params.get("named-graph-uri", []))


def service_description(endpoint_iri: str, graphs: dict[str, int], max_rows: int,
                        timeout: float, fmt: str = "ttl") -> bytes:
    """A SPARQL 1.1 Service Description of the endpoint (W3C, section 3), with the dataset:
    the default graph is the RDF merge of the named graphs (``sd:UnionDefaultGraph``), each
    named graph with its triple count (``void:triples``)."""
    sd = "http://www.w3.org/ns/sparql-service-description#"
    void = "http://rdfs.org/ns/void#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    comment = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
    service = ox.NamedNode(endpoint_iri)
    dataset, default = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, rdf_type, ox.NamedNode(sd + "Service")),
        ox.Triple(service, ox.NamedNode(sd + "endpoint"), service),
        ox.Triple(service, ox.NamedNode(sd + "supportedLanguage"),
                  ox.NamedNode(sd + "SPARQL11Query")),
        ox.Triple(service, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")),
        ox.Triple(service, ox.NamedNode(sd + "defaultDataset"), dataset),
        ox.Triple(service, comment, ox.Literal(
            f"govatlas read-only endpoint: queries stop after {timeout:g} s, results over "
            f"{max_rows} rows are refused (413), SERVICE and updates are refused.")),
        ox.Triple(dataset, rdf_type, ox.NamedNode(sd + "Dataset")),
        ox.Triple(dataset, ox.NamedNode(sd + "defaultGraph"), default),
        ox.Triple(default, rdf_type, ox.NamedNode(sd + "Graph")),
    ]
    for fmt_name in ("json", "xml", "csv", "tsv", "ttl", "nt", "jsonld", "rdfxml"):
        triples.append(ox.Triple(service, ox.NamedNode(sd + "resultFormat"),
                                 ox.NamedNode(FORMAT_IRIS[fmt_name])))
    for graph, size in sorted(graphs.items()):
        named, described = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, ox.NamedNode(sd + "namedGraph"), named),
            ox.Triple(named, rdf_type, ox.NamedNode(sd + "NamedGraph")),
            ox.Triple(named, ox.NamedNode(sd + "name"), ox.NamedNode(graph)),
            ox.Triple(named, ox.NamedNode(sd + "graph"), described),
            ox.Triple(described, rdf_type, ox.NamedNode(sd + "Graph")),
            ox.Triple(described, ox.NamedNode(void + "triples"), ox.Literal(
                str(size), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        ]
    formats = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
               "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}
    prefixes = {"sd": sd, "void": void} if fmt == "ttl" else None
    return ox.serialize(triples, format=formats[fmt], prefixes=prefixes) or b""
