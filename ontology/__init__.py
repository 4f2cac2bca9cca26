"""The govatlas ontology, its SKOS vocabularies and SHACL shapes, as package data.

The Turtle files are the source of truth; this package only knows where they are and how to
read the code lists out of them (:mod:`govatlas.ontology.vocabulary`).
"""

from pathlib import Path

ONTOLOGY_DIR = Path(__file__).resolve().parent
CORE_FILE = ONTOLOGY_DIR / "govatlas.ttl"
VOCAB_DIR = ONTOLOGY_DIR / "vocab"
SHAPES_DIR = ONTOLOGY_DIR / "shapes"


def ontology_files() -> list[Path]:
    """The core ontology followed by every vocabulary file, in a stable order."""
    return [CORE_FILE, *sorted(VOCAB_DIR.glob("*.ttl"))]
