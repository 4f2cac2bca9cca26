"""Checking data and finding governance gaps: the SHACL shapes, run on the store or pySHACL.

The shapes are Turtle in ``ontology/shapes/``; the other SPARQL these modules ask lives in
``queries/NAME.rq`` beside them, one file per query, read with
:func:`govatlas.ontology.sparql.load_query`.
"""
