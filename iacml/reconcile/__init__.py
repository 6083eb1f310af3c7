"""Match names people write to the resources of the graph (issue 16).

:mod:`.folding` folds text for comparison, :mod:`.aliases` reads the names the graph's
labels do not hold (acronyms as the reports define them, country names and codes of the
reference tables), each with where it comes from, and :mod:`.matcher` scores candidates.
The web service (``server/reconcile/``) feeds them the labels read from the graph.
"""

from iacml.reconcile.aliases import Alias, load_aliases
from iacml.reconcile.matcher import Candidate, Entity, Matcher, Name

__all__ = ["Alias", "Candidate", "Entity", "Matcher", "Name", "load_aliases"]
