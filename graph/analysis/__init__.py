"""Network analysis of the actor graph.

Projection, centrality, brokerage, structure, decoupling and ideal types. The SPARQL these
modules ask lives in ``queries/NAME.rq`` beside them, one file per query, read with
:func:`govatlas.ontology.sparql.load_query`.
"""
