"""govatlas.viz."""
