"""The ontology and vocabularies: they parse, they are OWL 2 / SKOS a reasoner accepts, and every
term has an English and French label and definition."""

from __future__ import annotations

import owlrl
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from govatlas.ontology import SHAPES_DIR, ontology_files
from govatlas.ontology.namespaces import GA
from govatlas.ontology.vocabulary import gap_types, vocabulary


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


def test_every_file_parses_with_rdflib():
    for path in ontology_files():
        assert len(rdflib.Graph().parse(path, format="turtle")) > 0, path


def languages(graph: rdflib.Graph, subject, predicate) -> set[str]:
    return {obj.language for obj in graph.objects(subject, predicate)
            if isinstance(obj, rdflib.Literal)}


def test_every_class_and_property_has_labels_and_definitions_in_english_and_french(ontology):
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        terms |= {s for s in ontology.subjects(RDF.type, kind) if str(s).startswith(GA)}
    assert len(terms) > 50
    missing = [(str(term), predicate.n3(ontology.namespace_manager))
               for term in terms for predicate in (RDFS.label, SKOS.definition)
               if not {"en", "fr"} <= languages(ontology, term, predicate)]
    assert missing == []


def test_every_concept_has_notation_labels_definition_and_a_scheme(ontology):
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 100
    problems = []
    for concept in concepts:
        if not list(ontology.objects(concept, SKOS.inScheme)):
            problems.append((str(concept), "no scheme"))
        if len(list(ontology.objects(concept, SKOS.notation))) != 1:
            problems.append((str(concept), "not exactly one notation"))
        label = SKOS.prefLabel if (concept, RDF.type, OWL.Class) not in ontology else RDFS.label
        for predicate in (label, SKOS.definition):
            if str(concept).startswith("https://w3id.org/govatlas/cofog/"):
                continue  # COFOG's own labels; its definitions are the UN's
            if not {"en", "fr"} <= languages(ontology, concept, predicate):
                problems.append((str(concept), f"{predicate} not in en and fr"))
        for lang in ("en", "fr"):
            count = sum(1 for label in ontology.objects(concept, SKOS.prefLabel)
                        if label.language == lang)
            if count > 1:
                problems.append((str(concept), f"{count} prefLabels in {lang}"))
    assert problems == []


def test_broader_and_close_match_point_to_existing_concepts(ontology):
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    dangling = [(str(s), str(o)) for predicate in (SKOS.broader, SKOS.closeMatch)
                for s, o in ontology.subject_objects(predicate) if o not in concepts]
    assert dangling == []


def test_notations_are_unique_within_each_scheme():
    for code_list in vocabulary().lists.values():
        assert len(code_list.by_code) == len({c.iri for c in code_list.by_code.values()})


def test_owl_rl_closure_finds_no_inconsistency(ontology):
    """The OWL 2 RL rules raise no error and put nothing in owl:Nothing."""
    graph = rdflib.Graph()
    for triple in ontology:
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = list(graph.objects(None, rdflib.URIRef("http://www.w3.org/2002/07/owl#Nothing")))
    assert errors == []
    assert not list(graph.subjects(RDF.type, OWL.Nothing))
    # Public and non-public actors are disjoint; no actor type is both.
    public = set(graph.subjects(RDFS.subClassOf, rdflib.URIRef(GA + "PublicActor")))
    non_public = set(graph.subjects(RDFS.subClassOf, rdflib.URIRef(GA + "NonPublicActor")))
    assert public and non_public and not (public & non_public) - {OWL.Nothing}


def test_actor_types_cover_the_issue_list():
    codes = set(vocabulary().codes("actor type"))
    assert {"ministry", "interministerial-delegation", "national-agency",
            "deconcentrated-service", "region", "department", "metropole", "municipality",
            "inter-municipal-body", "ngo", "migrant-association", "employer", "chamber",
            "foundation", "international-organisation", "network", "research-body"} <= codes


def test_link_types_and_gaps_and_ideal_types_are_complete():
    vocab = vocabulary()
    assert set(vocab.codes("link type")) == {
        "funds", "administers-funds-of", "contracts-with", "coordinates", "steers",
        "delegates-to", "implements-for", "reports-to", "informs", "consults", "member-of",
        "part-of", "partners-with", "monitors", "evaluates", "succeeds", "attached-to", "appoints"}
    assert set(vocab.codes("gap")) == {"information", "capacity", "fiscal", "administrative",
                                       "policy", "objective", "accountability", "participatory"}
    assert {"contract", "network", "monitor", "strategy", "platform", "pilot-programme",
            "action-plan"} <= set(vocab.codes("instrument type"))


def test_gap_types_list_every_gap_once_in_the_reports_order_each_with_its_shapes():
    """Seed 000 lines 177-179 name the gaps in this order; vocab/gaps.ttl keeps it."""
    assert gap_types() == ("information", "capacity", "fiscal", "administrative", "policy",
                           "objective", "accountability", "participatory")
    assert sorted(gap_types()) == sorted(vocabulary().codes("gap"))
    assert sorted(path.stem for path in (SHAPES_DIR / "gaps").glob("*.ttl")) == sorted(
        gap_types())


def test_ideal_types_are_in_their_scheme(ontology):
    scheme = rdflib.URIRef("https://w3id.org/govatlas/ideal-type/")
    notations = {str(ontology.value(c, SKOS.notation))
                 for c in ontology.subjects(SKOS.inScheme, scheme)}
    assert notations == {"centralist", "localist", "decoupled", "multilevel"}


def test_competences_match_cofog_where_a_division_exists():
    vocab = vocabulary()
    housing = vocab.resolve("competence", "housing")
    assert housing.label == "Housing"
    graph = rdflib.Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    match = graph.value(rdflib.URIRef(housing.iri), SKOS.closeMatch)
    assert str(graph.value(match, SKOS.notation)) == "06.1"
