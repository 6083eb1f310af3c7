"""The validation pipeline: one set of named stages for the build and for entries.

Stages, in the order they run (each a module of this package):

``parse``
    files → named graphs (:mod:`.parse`); syntax errors with file and line.
``terms``
    unknown terms of known vocabularies, impossible values (:mod:`.terms`).
``quotes``
    every quote located in its source text, passages named (:mod:`.quotes`);
    two facts claiming one passage for the same statement (:mod:`.claims`).
``reasoning``
    the OWL 2 RL closure with owlrl (:mod:`.reasoning`), or an entry's
    entailments by the fast rules (:mod:`.entry_reasoning`).
``qc``
    the SPARQL queries of ``queries/qc`` (:mod:`.qc`).
``shapes``
    SHACL (:mod:`.shapes`, pySHACL only through :mod:`.shacl`).
``report``
    the rows and the SHACL report of all of them (:mod:`.report`).

Two compositions: the build (:func:`iacml.build.build`) runs them over whole
graphs and fails on any problem; the entry checker (:mod:`.entry`: ``iacml
validate``, ``POST /validate``, guarded writes) runs them over the nodes an
entry touches and reports every problem.
"""


# The names below are loaded on first use (PEP 562): a process that needs one stage only
# (a query worker's zygote reads entries with .parse) does not import pySHACL, owlrl and
# every other stage with the package (~0.26 s of each zygote's start, on the path to ready).
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import data_version
    from .entry import EntryChecker, check_entry, checker_for, validate_entry
    from .report import REPORT_FORMATS, ValidationOutcome, ValidationResult, render_outcome

_WHERE = {"data_version": ".base", "EntryChecker": ".entry", "check_entry": ".entry",
          "checker_for": ".entry", "validate_entry": ".entry", "REPORT_FORMATS": ".report",
          "ValidationOutcome": ".report", "ValidationResult": ".report",
          "render_outcome": ".report"}

__all__ = ["REPORT_FORMATS", "EntryChecker", "ValidationOutcome", "ValidationResult",
           "check_entry", "checker_for", "data_version", "render_outcome", "validate_entry"]


def __getattr__(name: str) -> Any:
    """The exported name ``name``, imported from its stage module on first use."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_WHERE[name], __name__), name)
