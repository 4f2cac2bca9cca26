"""Handing the graph to other tools.

Property graphs (Neo4j over Bolt, neo4j-admin CSV, GraphML, GEXF), RDF files, remote stores.
"""
