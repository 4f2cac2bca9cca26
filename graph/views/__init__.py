"""Read-only views of the stored graph: the competence matrix, counts, statements with sources.

The SPARQL these modules ask lives in ``queries/NAME.rq`` beside them, one file per query,
read with :func:`govatlas.ontology.sparql.load_query`.
"""
