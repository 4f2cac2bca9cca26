"""IRIs of the govatlas namespaces and of the vocabularies it reuses.

Kept as plain strings so that both pyoxigraph and rdflib code can use them; ``term()`` turns one
into a pyoxigraph node.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

BASE = "https://w3id.org/govatlas/"
GA = BASE + "ontology#"
LEVEL = BASE + "level/"
COMPETENCE = BASE + "competence/"
LINK_TYPE = BASE + "link-type/"
LINK_FAMILY = BASE + "link-family/"
INSTRUMENT_TYPE = BASE + "instrument-type/"
GAP = BASE + "gap/"
IDEAL_TYPE = BASE + "ideal-type/"
STATUS = BASE + "status/"
QUALIFIER_KIND = BASE + "qualifier-kind/"
QUANTITY = BASE + "quantity/"
GAP_EFFECT = BASE + "gap-effect/"
COFOG = BASE + "cofog/"
CHANGE_TYPE = BASE + "change-type/"

# Data: actors, instruments and territories have readable IRIs built from their ids; statements
# get IRIs built from a digest of their content so that reloading the same row gives the same IRI.
ACTOR = BASE + "actor/"
INSTRUMENT = BASE + "instrument/"
TERRITORY = BASE + "territory/"
STATEMENT = BASE + "statement/"
SOURCE = BASE + "source/"
EVENT = BASE + "event/"
PLACE = BASE + "place/"
GRAPH = BASE + "graph/"
ONTOLOGY_GRAPH = GRAPH + "ontology"
DATASET_GRAPH = GRAPH + "dataset/"
DERIVED_GRAPH = GRAPH + "derived"

ORG = "http://www.w3.org/ns/org#"
CPOV = "http://data.europa.eu/m8g/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "ga": GA,
    "level": LEVEL,
    "comp": COMPETENCE,
    "lt": LINK_TYPE,
    "lf": LINK_FAMILY,
    "it": INSTRUMENT_TYPE,
    "gap": GAP,
    "ideal": IDEAL_TYPE,
    "status": STATUS,
    "qk": QUALIFIER_KIND,
    "qty": QUANTITY,
    "effect": GAP_EFFECT,
    "cofog": COFOG,
    "ct": CHANGE_TYPE,
    "actor": ACTOR,
    "instrument": INSTRUMENT,
    "territory": TERRITORY,
    "event": EVENT,
    "org": ORG,
    "cpov": CPOV,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sh": SH,
}


def sparql_prefixes() -> str:
    """PREFIX declarations for every namespace above, to put in front of a query."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def term(iri: str) -> NamedNode:
    """A pyoxigraph named node for ``iri``."""
    return NamedNode(iri)
