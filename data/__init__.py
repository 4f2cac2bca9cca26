"""govatlas.data."""
