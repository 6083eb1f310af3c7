"""The reconciliation service (issue 16): ``/reconcile`` and its suggest, preview and
data extension routes, for people matching their own tables to the graph."""

from server.reconcile.routes import bp

__all__ = ["bp"]
