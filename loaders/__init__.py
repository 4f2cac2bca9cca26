"""govatlas.loaders."""
