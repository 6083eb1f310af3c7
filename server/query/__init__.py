"""SPARQL queries: the /sparql route, the protocol, query texts, result serialisers and
cache, the service description.
"""
