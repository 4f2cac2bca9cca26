"""Network analysis of the actor graph.

Projection, centrality, brokerage, structure, decoupling and ideal types.
"""
