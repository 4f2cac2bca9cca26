"""The ontology read by a reasoner: OWL 2 RL over the ontology and every bundled dataset infers
no wrong type and no merge; the derived graph states the ORG and CPOV classes for clients
without a reasoner; every concept scheme can be walked from its top concepts."""

from __future__ import annotations

import owlrl
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, SKOS

from govatlas.graph.pipeline import build, load_dataset
from govatlas.graph.store import GraphStore
from govatlas.ontology import ontology_files
from govatlas.ontology.namespaces import DERIVED_GRAPH, GA

ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
CPOV = rdflib.Namespace("http://data.europa.eu/m8g/")
GA_NS = rdflib.Namespace(GA)


def as_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def stated_graph(store: GraphStore) -> rdflib.Graph:
    """The ontology and the datasets' graphs, without the derived graph: what a reasoner
    given govatlas's files and data would start from."""
    graph = rdflib.Graph()
    for name in store.graphs():
        if name != DERIVED_GRAPH:
            for quad in store.quads(name):
                graph.add((as_rdflib(quad.subject), as_rdflib(quad.predicate),
                           as_rdflib(quad.object)))
    return graph


def merged(graph: rdflib.Graph) -> list[tuple[str, str]]:
    """owl:sameAs between two different terms (OWL RL's eq-ref gives every term itself)."""
    return [(str(a), str(b)) for a, b in graph.subject_objects(OWL.sameAs) if a != b]


@pytest.fixture(scope="module")
def closure() -> rdflib.Graph:
    store = GraphStore.in_memory()
    build(store)
    graph = stated_graph(store)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def test_owl_rl_types_no_actor_instrument_or_territory_as_a_statement(closure):
    actors = set(closure.subjects(RDF.type, GA_NS.Actor))
    assert len(actors) > 200
    for kind in (GA_NS.Actor, GA_NS.Instrument, GA_NS.Territory):
        wrong = [str(s) for s in closure.subjects(RDF.type, kind)
                 if (s, RDF.type, GA_NS.Statement) in closure]
        assert wrong == [], f"{kind} typed as ga:Statement: {wrong[:5]}"
    # ga:succeeds and ga:owner keep their domain: no actor becomes an instrument.
    assert not [s for s in actors if (s, RDF.type, GA_NS.Instrument) in closure]


def test_owl_rl_merges_nothing_over_the_bundled_data(closure):
    assert merged(closure) == []


def test_an_allocation_with_two_holders_merges_no_one(dataset, empty_store):
    """Under a functional ga:holder, two datasets giving one allocation node two holders made
    the holders owl:sameAs; the shapes, not the reasoner, must report it."""
    load_dataset(empty_store, dataset())
    graph = stated_graph(empty_store)
    allocation = next(graph.subjects(RDF.type, GA_NS.CompetenceAllocation))
    graph.add((allocation, GA_NS.holder, rdflib.URIRef("https://w3id.org/govatlas/actor/xx-ngo")))
    assert len(set(graph.objects(allocation, GA_NS.holder))) == 2
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert merged(graph) == []


def test_the_derived_graph_states_org_and_cpov_classes(bundled_store):
    assert bundled_store.store.query("ASK { ?x a <http://www.w3.org/ns/org#Organization> }",
                                     use_default_graph_as_union=True)
    derived = {(q.subject.value, q.object.value) for q in bundled_store.quads(DERIVED_GRAPH)
               if q.predicate.value == str(RDF.type)}
    actors = {q.subject.value for name in bundled_store.graphs() if name != DERIVED_GRAPH
              for q in bundled_store.quads(name)
              if q.predicate.value == str(RDF.type) and q.object.value == GA + "Actor"}
    organisations = {s for s, o in derived if o == str(ORG.Organization)}
    assert organisations == actors
    public = {s for s, o in derived if o == str(CPOV.PublicOrganisation)}
    assert "https://w3id.org/govatlas/actor/fr-diair" in public
    assert "https://w3id.org/govatlas/actor/de-ebb" not in public  # an NGO
    units = {s for s, o in derived if o == str(ORG.OrganizationalUnit)}
    assert "https://w3id.org/govatlas/actor/at-vienna-healthcare-group" in units


def test_the_derived_classes_agree_with_the_reasoner(closure, bundled_store):
    derived = {(q.subject.value, q.object.value) for q in bundled_store.quads(DERIVED_GRAPH)
               if q.predicate.value == str(RDF.type)}
    for cls in (ORG.Organization, CPOV.PublicOrganisation, ORG.OrganizationalUnit):
        inferred = {str(s) for s in closure.subjects(RDF.type, cls)
                    if (s, RDF.type, GA_NS.Actor) in closure}
        assert inferred == {s for s, o in derived if o == str(cls)}, cls


def test_every_concept_scheme_has_labels_and_top_concepts():
    graph = rdflib.Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) >= 14
    for scheme in schemes:
        assert {label.language for label in graph.objects(scheme, SKOS.prefLabel)} >= {"en"}, \
            scheme
        tops = set(graph.objects(scheme, SKOS.hasTopConcept))
        concepts = set(graph.subjects(SKOS.inScheme, scheme))
        assert tops and tops <= concepts, scheme
        roots = {c for c in concepts
                 if not any(b in concepts for b in graph.objects(c, SKOS.broader))}
        assert roots == tops, (scheme, sorted(map(str, roots ^ tops)))


def test_cofog_concepts_carry_the_official_codes():
    graph = rdflib.Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    scheme = rdflib.URIRef("https://w3id.org/govatlas/cofog/")
    codes = {str(graph.value(c, SKOS.notation)) for c in graph.subjects(SKOS.inScheme, scheme)}
    assert {"09", "09.1", "10.7", "06.1"} <= codes
    assert all(len(code) == 2 or (len(code) == 4 and code[2] == ".") for code in codes)
