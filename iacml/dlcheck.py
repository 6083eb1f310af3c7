"""OWL 2 DL checks with the tools ontology users run: the OWL API's OWL 2 DL profile
checker, HermiT and Pellet, as shipped by the PyPI package owlready2, on a Java runtime.

HermiT.jar (with the OWL API 3 inside) runs ``iacml/java/DlCheck.java`` through Java's
source-file launcher: the profile check and HermiT's consistency and unsatisfiable
classes in one JVM. Pellet runs through its own command line, or through owlready2's
Python API exactly as docs/design.md shows DL users (``owlready2_check``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_CHECKER = Path(__file__).resolve().parent / "java" / "DlCheck.java"
JAVA_MEMORY = "2g"


class DlToolMissing(RuntimeError):
    """Java or owlready2 is not installed (``make java`` and ``make setup`` install them)."""


@dataclass
class DlReport:
    """What one tool said about one ontology document."""

    tool: str
    violations: list[str] = field(default_factory=list)
    consistent: bool | None = None
    unsatisfiable: list[str] = field(default_factory=list)
    output: str = ""

    @property
    def ok(self) -> bool:
        """In OWL 2 DL, consistent, and no named class unsatisfiable."""
        return not self.violations and self.consistent is True and not self.unsatisfiable


def java() -> str:
    """The Java runtime (``make java`` installs Debian's)."""
    found = shutil.which("java")
    if not found:
        raise DlToolMissing("no java on PATH: run `make java` (Debian's default-jre-headless)")
    return found


def owlready2_dir() -> Path:
    """The folder of the installed owlready2 package (its hermit/ and pellet/ jars)."""
    try:
        import owlready2
    except ImportError as exc:
        raise DlToolMissing("owlready2 is not installed: run `make setup`") from exc
    return Path(owlready2.__file__).resolve().parent


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          check=False)


def hermit_check(document: Path, timeout: float = 300) -> DlReport:
    """OWL API profile violations, then HermiT's consistency and unsatisfiable classes."""
    jar = owlready2_dir() / "hermit" / "HermiT.jar"
    done = _run([java(), f"-Xmx{JAVA_MEMORY}", "-cp", str(jar), str(_CHECKER),
                 str(document)], timeout)
    report = DlReport("OWL API 3 + HermiT", output=done.stdout + done.stderr)
    for line in done.stdout.splitlines():
        key, _, value = line.partition(": ")
        if key == "violation":
            report.violations.append(value)
        elif key == "consistent":
            report.consistent = value.strip() == "true"
        elif key == "unsatisfiable":
            report.unsatisfiable.append(value.strip())
    if done.returncode != 0 and report.consistent is None:
        report.violations.append(f"HermiT could not load the document: {_last_error(done)}")
    return report


def pellet_check(document: Path, loader: str = "Jena", timeout: float = 300) -> DlReport:
    """Pellet's ``unsat`` command: consistency, then the unsatisfiable classes.

    ``loader`` "Jena" reads the file as owlready2 has Pellet read it; "OWLAPIv3" through
    the OWL API, as Protégé does.
    """
    folder = owlready2_dir() / "pellet"
    classpath = ":".join(str(p) for p in sorted(folder.glob("*.jar")))
    done = _run([java(), f"-Xmx{JAVA_MEMORY}", "-cp", classpath, "pellet.Pellet", "unsat",
                 "--loader", loader, str(document)], timeout)
    output = "\n".join(ln for ln in (done.stdout + done.stderr).splitlines()
                       if "% complete in" not in ln)  # progress lines
    report = DlReport(f"Pellet ({loader} loader)", output=output)
    found = re.search(r"^Found (no|\d+) unsatisfiable concept", output, re.MULTILINE)
    if "Ontology is inconsistent" in output:
        report.consistent = False
    elif found:
        report.consistent = True
        if found.group(1) != "no":
            listed = output[found.end():].split(":", 1)[-1]
            report.unsatisfiable = [ln.strip() for ln in listed.splitlines() if ln.strip()]
    else:
        report.violations.append(f"Pellet could not load the document: {_last_error(done)}")
    return report


_OWLREADY2_SCRIPT = """
import sys
from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner_hermit, \\
    sync_reasoner_pellet
world = World()
world.get_ontology("file://" + sys.argv[1]).load()
reason = sync_reasoner_pellet if sys.argv[2] == "pellet" else sync_reasoner_hermit
try:
    reason(world, debug=0)
except OwlReadyInconsistentOntologyError:
    print("consistent: false")
    sys.exit(0)
print("consistent: true")
for cls in world.inconsistent_classes():
    if cls.iri != "http://www.w3.org/2002/07/owl#Nothing":
        print("unsatisfiable: " + cls.iri)
"""


def owlready2_check(document: Path, reasoner: str = "pellet", timeout: float = 300) -> DlReport:
    """Load ``document`` with owlready2 and run its Pellet (or HermiT), in a child
    process (owlready2 keeps global state): the route docs/design.md gives DL users."""
    import sys
    owlready2_dir()  # a clear error when it is missing
    done = _run([sys.executable, "-c", _OWLREADY2_SCRIPT, str(document.resolve()), reasoner],
                timeout)
    report = DlReport(f"owlready2 + {reasoner}", output=done.stdout + done.stderr)
    for line in done.stdout.splitlines():
        key, _, value = line.partition(": ")
        if key == "consistent":
            report.consistent = value.strip() == "true"
        elif key == "unsatisfiable":
            report.unsatisfiable.append(value.strip())
    if report.consistent is None:
        report.violations.append(f"owlready2 could not reason over the document: "
                                 f"{_last_error(done)}")
    return report


def _last_error(done: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
    exceptions = [ln for ln in lines if "Exception" in ln or "Error" in ln]
    return (exceptions or lines or [f"exit status {done.returncode}"])[0][:500]
