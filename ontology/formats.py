"""The RDF formats govatlas reads and writes: one table, by file suffix and by name.

Loaders pick a parser by a file's suffix, exports and query results pick a serializer by the
name a user gives (``ttl``, ``jsonld``, ...); both read this table so a format added here is
known everywhere.
"""

from __future__ import annotations

import pyoxigraph as ox

#: name (as given to ``--format``) -> format
RDF_FORMATS_BY_NAME: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

#: file suffix -> format (``.json`` is read as JSON-LD, ``.owl`` as RDF/XML)
RDF_FORMATS_BY_SUFFIX: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


def rdf_format(name: str) -> ox.RdfFormat:
    """The format called ``name``; :class:`KeyError` lists the names known."""
    try:
        return RDF_FORMATS_BY_NAME[name.lower()]
    except KeyError:
        raise KeyError(f"unknown RDF format '{name}': use one of "
                       f"{', '.join(RDF_FORMATS_BY_NAME)}") from None
