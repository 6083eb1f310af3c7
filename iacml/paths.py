"""Where the project's files are. Everything is relative to one project root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_root() -> Path:
    """The project root: ``$IACML_ROOT`` if set, else the checkout this package lives in."""
    env = os.environ.get("IACML_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ProjectPaths:
    """The hand-edited inputs and the generated outputs of one project checkout."""

    root: Path

    @classmethod
    def default(cls) -> ProjectPaths:
        """The checkout this package lives in, or ``$IACML_ROOT``."""
        return cls(default_root())

    @property
    def ontology_dir(self) -> Path:
        """``ontology/``: the OWL ontology, hand-edited."""
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        """``shapes/``: the SHACL shapes, hand-edited."""
        return self.root / "shapes"

    @property
    def ttl_dir(self) -> Path:
        """``data/ttl/``: the transcribed triples, one named graph per file name."""
        return self.root / "data" / "ttl"

    @property
    def sources_dir(self) -> Path:
        """``data/sources/``: the source texts the transcription quotes."""
        return self.root / "data" / "sources"

    @property
    def reference_dir(self) -> Path:
        """``data/reference/``: the checked reference tables."""
        return self.root / "data" / "reference"

    @property
    def qc_dir(self) -> Path:
        """``queries/qc/``: the QC queries, each must return no row."""
        return self.root / "queries" / "qc"

    @property
    def build_dir(self) -> Path:
        """``build/``: everything the build writes (generated, never edited)."""
        return self.root / "build"

    @property
    def dataset_nq(self) -> Path:
        """``build/iacml.nq``: the dataset as N-Quads, which the server loads."""
        return self.build_dir / "iacml.nq"

    @property
    def dataset_trig(self) -> Path:
        """``build/iacml.trig``: the dataset as TriG."""
        return self.build_dir / "iacml.trig"

    @property
    def dataset_owl_dl(self) -> Path:
        """The artefact for OWL 2 DL tools (iacml/pipeline/dlexport.py)."""
        return self.build_dir / "iacml-dl.owl"

    @property
    def cache_dir(self) -> Path:
        """``build/cache/``: what the checks compute once per dump (the context's closure)."""
        return self.build_dir / "cache"

    @property
    def bundle_dir(self) -> Path:
        """``build/served/``: the served bundle, the inputs the server reads besides the
        dump, laid out as in a checkout (iacml/bundle.py writes it)."""
        return self.build_dir / "served"

    @property
    def reports_dir(self) -> Path:
        """``build/reports/``: the validation report and the build summary."""
        return self.build_dir / "reports"

    # ---- releases (issue 17: iacml/release/) ----

    @property
    def ontology_file(self) -> Path:
        """``ontology/iacml.ttl``: the ontology, whose header a release stamps."""
        return self.ontology_dir / "iacml.ttl"

    @property
    def releases_dir(self) -> Path:
        """``releases/``: one folder per release, dumps included (committed: the next
        release reads them to say what changed)."""
        return self.root / "releases"

    @property
    def iris_dir(self) -> Path:
        """``data/iris/``: the IRIs each release served, and the retired ones."""
        return self.root / "data" / "iris"

    @property
    def changelog(self) -> Path:
        """``CHANGELOG.md``: one entry per release (Keep a Changelog)."""
        return self.root / "CHANGELOG.md"

    @property
    def citation_cff(self) -> Path:
        """``CITATION.cff``: how to cite the latest release."""
        return self.root / "CITATION.cff"


@dataclass(frozen=True)
class ServedPaths(ProjectPaths):
    """A served bundle read as a checkout (``root`` is the bundle: its shapes, QC queries
    and source texts), with what the checks compute kept in ``cache`` (the server's
    instance folder), so a running server writes nothing under ``build/``."""

    cache: Path

    @property
    def cache_dir(self) -> Path:
        """The server's cache folder for what the checks compute."""
        return self.cache
