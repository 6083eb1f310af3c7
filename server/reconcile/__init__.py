"""The reconciliation service (issue 16): ``/reconcile`` and its suggest, preview and
data extension routes, for people matching their own tables to the graph.

Its blueprint is :data:`server.reconcile.routes.bp`; this package file imports nothing
(so the dumps of :mod:`server.ld` can use its linkset without loading its routes).
"""
