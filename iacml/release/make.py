"""``iacml release``: write a dated, immutable release from a built dump.

The release folder ``releases/<version>/`` is written whole in a temporary
folder and renamed into place, and never overwritten. It holds:

- ``dumps/``: TriG, N-Quads, JSON-LD and a Turtle file per named graph, gzipped,
  from canonical quads (the same inputs give the same bytes); gitignored;
- ``ontology.ttl``: the ontology with the release's version IRI
  (``{base}ontology/<version>``), ``owl:priorVersion`` the version before;
- ``void.ttl``: the DCAT/VoID description of the release (``{base}release/<version>``),
  a version of the dataset and a revision of the release before it;
- ``changes.md``: ``iacml diff`` from the previous release;
- ``release.json`` and ``SHA256SUMS``: every file with its size and sha256.

Beside it: ``data/iris/served-<version>.txt`` (every IRI the release serves), the
entry in ``CHANGELOG.md``, and ``CITATION.cff`` for the new release. A release is
refused when an IRI that an earlier release served would break (neither served
nor in ``data/iris/retired.csv``).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import citation
from ..errors import BuildError
from ..iris import read_retired, read_served_lists, served_iris
from ..namespaces import prefix_map
from ..paths import ProjectPaths
from ..void import Dump, Meta, describe, store_select
from . import changelog
from .canonical import canonical, read_canonical
from .diff import Diff, diff, render
from .dumps import sha256_file, write_dumps
from .records import SUMS, VERSION, Release, ReleaseFile, latest, version_key

BASE = "https://w3id.org/iacml/"
OWL = "http://www.w3.org/2002/07/owl#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class Made:
    """What ``make_release`` wrote."""

    release: Release
    diff: Diff
    iris: Path
    first: bool


# ---- the ontology's version header ----

_HEADER = re.compile(r"(<https://w3id\.org/iacml/ontology>\s+a\s+owl:Ontology\s*;)(.*?)\.\s*\n",
                     re.DOTALL)


def stamp_ontology(text: str, base: str, version: str, date: str) -> tuple[str, str | None]:
    """``text`` with the header of release ``version``: ``owl:versionIRI``,
    ``owl:versionInfo``, ``dcterms:modified`` and ``owl:priorVersion`` (the version IRI
    the text had, when it differs); return the text and the prior version IRI."""
    header = _HEADER.search(text)
    if not header:
        raise BuildError("ontology/iacml.ttl: no '<https://w3id.org/iacml/ontology> a "
                         "owl:Ontology ;' header to stamp the version on")
    body = header.group(2)
    current = re.search(r"owl:versionIRI\s+<([^>]+)>", body)
    if not current or not re.search(r'owl:versionInfo\s+"[^"]*"', body):
        raise BuildError("ontology/iacml.ttl: the header needs owl:versionIRI and "
                         "owl:versionInfo lines for a release to stamp")
    new_iri = f"{base}ontology/{version}"
    prior_now = re.search(r"owl:priorVersion\s+<([^>]+)>", body)
    prior = prior_now.group(1) if prior_now else None
    if current.group(1) != new_iri:
        prior = current.group(1)
    body = re.sub(r"owl:versionIRI\s+<[^>]+>", f"owl:versionIRI <{new_iri}>", body, count=1)
    body = re.sub(r'owl:versionInfo\s+"[^"]*"', f'owl:versionInfo "{version}"', body, count=1)
    body = re.sub(r'dcterms:modified\s+"[^"]*"\^\^xsd:date', f'dcterms:modified "{date}"^^xsd:date',
                  body, count=1)
    if prior:
        line = f"owl:priorVersion <{prior}>"
        body = (re.sub(r"owl:priorVersion\s+<[^>]+>", line, body, count=1) if prior_now else
                re.sub(r'(owl:versionInfo "[^"]*" ;)', rf"\1\n    {line} ;", body, count=1))
    return text[:header.start(2)] + body + text[header.end(2):], prior


def stamp_quads(quads: list[ox.Quad], base: str, version: str, date: str,
                prior: str | None) -> list[ox.Quad]:
    """The dump's ontology graph with the same version header as :func:`stamp_ontology`
    writes (a no-op when the build already read the stamped file)."""
    graph = ox.NamedNode(base + "graph/ontology")
    ontology = ox.NamedNode(base + "ontology")
    stamped = {OWL + "versionIRI", OWL + "versionInfo", OWL + "priorVersion",
               DCTERMS + "modified"}
    kept = [q for q in quads if not (q.subject == ontology and q.graph_name == graph
                                     and q.predicate.value in stamped)]
    header: list[tuple[str, ox.NamedNode | ox.Literal]] = [
        (OWL + "versionIRI", ox.NamedNode(f"{base}ontology/{version}")),
        (OWL + "versionInfo", ox.Literal(version)),
        (DCTERMS + "modified", ox.Literal(date, datatype=ox.NamedNode(XSD + "date")))]
    if prior:
        header.append((OWL + "priorVersion", ox.NamedNode(prior)))
    return canonical(kept + [ox.Quad(ontology, ox.NamedNode(p), o, graph) for p, o in header])


# ---- checks ----

def check_new(paths: ProjectPaths, version: str) -> Release | None:
    """Refuse a version that is malformed, exists, or is not after the latest release;
    return the latest release."""
    if not VERSION.match(version):
        raise BuildError(f"release version {version!r}: write it YYYY-MM-DD (a second "
                         "release the same day: YYYY-MM-DD.2)")
    if (paths.releases_dir / version).exists() or \
            (paths.iris_dir / f"served-{version}.txt").exists():
        raise BuildError(f"release {version} exists: a release is never rewritten "
                         "(make a new one with a later version)")
    previous = latest(paths.releases_dir)
    if previous and version_key(version) <= version_key(previous.version):
        raise BuildError(f"release {version} is not after the latest, {previous.version}")
    return previous


def broken_iris(paths: ProjectPaths, served: set[str]) -> list[str]:
    """IRIs an earlier list promised that the new release neither serves nor retires."""
    retired = read_retired(paths.iris_dir / "retired.csv")
    return sorted({iri for iris in read_served_lists(paths.iris_dir).values() for iri in iris
                   if iri not in served and iri not in retired
                   and not iri.startswith(BASE + "ontology/")})  # versions: priorVersion chain


# ---- writing ----

def _description(quads: list[ox.Quad], version: str, date: str, previous: Release | None,
                 files: list[dict[str, object]], base: str) -> list[ox.Triple]:
    store = ox.Store()
    store.extend(quads)
    iri = f"{base}release/{version}"
    dumps = [Dump(url=f"{iri}/{f['file']}", media_type=str(f["media_type"]),
                  size=int(str(f["size"])), sha256=str(f["sha256"]),
                  graph=str(f["graph"]) if f["graph"] else None) for f in files]
    meta = Meta(base=base, endpoint=base + "sparql", modified=f"{date}T00:00:00Z",
                dumps=dumps, iri=iri, version=version, version_of=base + "dataset",
                previous=previous.iri if previous else "")
    return describe(store_select(store), meta)


def _listed(folder: Path, name: str, media_type: str, title: str) -> ReleaseFile:
    path = folder / name
    return ReleaseFile(name, media_type, path.stat().st_size, sha256_file(path), title)


def _previous_quads(previous: Release) -> list[ox.Quad]:
    dump = previous.folder / "dumps" / "iacml.nq.gz"
    if not dump.exists():
        raise BuildError(f"{dump} is missing: the previous release's dumps are needed to "
                         f"say what changed (see docs/deploy.md, 'Releases')")
    return read_canonical(dump)


def make_release(paths: ProjectPaths, dump: Path, version: str, date: str, build_id: str,
                 base: str = BASE) -> Made:
    """Write release ``version`` of ``date`` from the built ``dump`` (see the module)."""
    previous = check_new(paths, version)
    ontology_text, prior = stamp_ontology(paths.ontology_file.read_text(encoding="utf-8"),
                                          base, version, date)
    quads = stamp_quads(read_canonical(dump), base, version, date, prior)
    store = ox.Store()
    store.extend(quads)
    folder = paths.releases_dir / version
    work = paths.releases_dir / f".{version}.{os.getpid()}.tmp"
    shutil.rmtree(work, ignore_errors=True)
    (work / "dumps").mkdir(parents=True)
    try:
        (work / "dumps" / "iacml.nq").write_bytes(
            ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
        served = served_iris(work / "dumps" / "iacml.nq", base)
        (work / "dumps" / "iacml.nq").unlink()
        broken = broken_iris(paths, set(served))
        if broken:
            raise BuildError(f"{len(broken)} IRIs an earlier release served would break "
                             f"(add them to data/iris/retired.csv): " + ", ".join(broken[:10]))
        files = write_dumps(quads, work / "dumps", base + "graph/", prefix_map())
        (work / "ontology.ttl").write_text(ontology_text, encoding="utf-8")
        triples = _description(quads, version, date, previous, files, base)
        (work / "void.ttl").write_bytes(ox.serialize(  # sorted: one block per subject
            sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=prefix_map()) or b"")
        first = previous is None
        old = [] if previous is None else _previous_quads(previous)
        changes = diff(old, quads, base, read_retired(paths.iris_dir / "retired.csv"),
                       ("nothing" if first else previous.version, version))  # type: ignore[union-attr]
        (work / "changes.md").write_text(  # the first release: every resource is new
            f"# Release {version}\n\n" + render(changes, base, 20 if first else None),
            encoding="utf-8")
        listed = [ReleaseFile(f"dumps/{f['file']}", f["media_type"], f["size"], f["sha256"],
                              f["title"], f["graph"], f["quads"]) for f in files]
        listed += [_listed(work, "ontology.ttl", "text/turtle", "Ontology"),
                   _listed(work, "void.ttl", "text/turtle", "Description (DCAT/VoID)"),
                   _listed(work, "changes.md", "text/markdown", "Changes")]
        distinct = len({(q.subject, q.predicate, q.object) for q in quads})
        release = Release(version, date, f"{base}release/{version}",
                          previous.version if previous else None, build_id,
                          f"{base}ontology/{version}", len(quads), distinct, folder, listed)
        (work / "release.json").write_text(release.to_json(), encoding="utf-8")
        sums = [f"{f.sha256}  {f.file}" for f in listed]
        sums.append(f"{sha256_file(work / 'release.json')}  release.json")
        (work / SUMS).write_text("\n".join(sums) + "\n", encoding="utf-8")
        beside = _beside(paths, release, changes, first, ontology_text, served, base)
        os.rename(work, folder)  # fails if the folder appeared meanwhile: never overwritten
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for path, text in beside.items():
        path.write_text(text, encoding="utf-8")
    return Made(release, changes, paths.iris_dir / f"served-{version}.txt", first)


def _beside(paths: ProjectPaths, release: Release, changes: Diff, first: bool,
            ontology_text: str, served: list[str], base: str) -> dict[Path, str]:
    """The repository's files that follow a release, with their new text: the list of
    served IRIs, the ontology's header, the changelog entry, CITATION.cff (computed
    before the release is moved into place, so a changelog that cannot take the entry
    stops the release)."""
    log = paths.changelog.read_text(encoding="utf-8") if paths.changelog.exists() else ""
    section = changelog.data_section(changes, release.version, base, first)
    try:
        log = changelog.file_entry(log, release.version, release.date, section, base)
    except ValueError as exc:
        raise BuildError(str(exc)) from exc
    cited = citation.dataset(release.version, release.date, release.iri)
    iris = (f"# IRIs served by release {release.version} (build {release.build_id}): each "
            "must keep answering (200, 301 or 410, docs/editing.md)\n" + "\n".join(served)
            + "\n")
    return {paths.iris_dir / f"served-{release.version}.txt": iris,
            paths.ontology_file: ontology_text, paths.changelog: log,
            paths.citation_cff: citation.cff(cited, base)}
