"""govatlas.queries."""
