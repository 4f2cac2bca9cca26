"""govatlas.graph."""
