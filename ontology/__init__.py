"""The govatlas ontology, its SKOS vocabularies, SHACL shapes and derivation rules, as
package data.

The Turtle and SPARQL files are the source of truth; this package only knows where they are
and how to read the code lists out of them (:mod:`govatlas.ontology.vocabulary`).
"""

from pathlib import Path

from .namespaces import GA, PREFIXES

ONTOLOGY_DIR = Path(__file__).resolve().parent
CORE_FILE = ONTOLOGY_DIR / "govatlas.ttl"
VOCAB_DIR = ONTOLOGY_DIR / "vocab"
SHAPES_DIR = ONTOLOGY_DIR / "shapes"
DERIVATIONS_DIR = ONTOLOGY_DIR / "derivations"


def ontology_files() -> list[Path]:
    """The core ontology followed by every vocabulary file, in a stable order."""
    return [CORE_FILE, *sorted(VOCAB_DIR.glob("*.ttl"))]


def derivation_rules() -> list[tuple[str, str]]:
    """The rules of the derived graph, in the order they run: ``(property IRI, query)``.

    One file per derived property in ``derivations/``, named ``NN-property.rq``: the number
    orders them (a rule may read what an earlier one derived), the rest is the ``ga:``
    property each row ``?x ?y`` of the query becomes, or ``prefix_local`` for a property of
    another vocabulary (``70-rdf_type.rq`` derives ``rdf:type``). Each ``ga:`` property is
    defined in ``govatlas.ttl``; each file says in a comment what it derives and how it grows.
    """
    return [(derived_property(path.stem.split("-", 1)[1]), path.read_text(encoding="utf-8"))
            for path in sorted(DERIVATIONS_DIR.glob("*.rq"))]


def derived_property(name: str) -> str:
    """The IRI a derivation file's name stands for: ``takesPartIn`` is ``ga:takesPartIn``,
    ``rdf_type`` is ``rdf:type`` (a prefix of :data:`PREFIXES`, an underscore, a local name)."""
    prefix, separator, local = name.partition("_")
    if separator and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return GA + name
