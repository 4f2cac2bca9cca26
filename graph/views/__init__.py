"""Read-only views of the stored graph: the competence matrix, counts, statements with sources."""
