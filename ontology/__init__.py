"""govatlas.ontology."""
