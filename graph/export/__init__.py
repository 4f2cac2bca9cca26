"""Handing the graph to other tools.

Property graphs (Neo4j over Bolt, neo4j-admin CSV, GraphML, GEXF), RDF files, remote stores.
The SPARQL these modules ask lives in ``queries/NAME.rq`` beside them, one file per query,
read with :func:`govatlas.ontology.sparql.load_query`.
"""
