"""The IACML SPARQL endpoint and linked-data server (Flask).

One package per area: ``query`` (the /sparql route, protocol, serialisers), ``workers``
(the query worker processes and the backends), ``write`` (guarded writes, the Graph
Store, /validate), ``ld`` (linked-data pages), ``ops`` (health, metrics, limits,
rate limits), ``front`` (nginx and the launcher), ``ui`` (the query page), ``untrusted``
(parsing of request bodies). :func:`server.app.create_app` builds the app.
"""

from server.app import create_app

__all__ = ["create_app"]
