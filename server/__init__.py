"""The IACML SPARQL endpoint and linked-data server (Flask).

One package per area: ``query`` (the /sparql route, protocol, serialisers), ``workers``
(the query worker processes and the backends), ``write`` (guarded writes, the Graph
Store, /validate), ``ld`` (linked-data pages), ``ops`` (health, metrics, limits,
rate limits), ``front`` (nginx and the launcher), ``ui`` (the query page), ``untrusted``
(parsing of request bodies). :func:`server.app.create_app` builds the app.

The package imports nothing: a query worker's zygote (``python -m server.workers.zygote``)
imports this package first, and must not load Flask and every route to fork workers
(about 0.5 s of each zygote's start, on the path to ready).
"""
