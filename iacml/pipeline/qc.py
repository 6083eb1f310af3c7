"""Quality-control queries: ``queries/qc/*.rq``, each must return no rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import sparql_prefixes
from ..store import select_rows


@dataclass
class QcFinding:
    """The rows one QC query returned."""

    query: str
    description: str
    rows: list[dict[str, str | None]]

    def __str__(self) -> str:
        lines = [f"QC {self.query}: {self.description} ({len(self.rows)} rows)"]
        for row in self.rows[:50]:
            lines.append("  " + ", ".join(f"{k}={v}" for k, v in row.items() if v is not None))
        if len(self.rows) > 50:
            lines.append(f"  ... and {len(self.rows) - 50} more")
        return "\n".join(lines)


def _description(text: str) -> str:
    """The first comment line of a query file says what it finds."""
    for line in text.splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def run_qc(store: ox.Store, qc_dir: Path) -> tuple[int, list[QcFinding]]:
    """Run every QC query over the store (default graph = union); return (count, findings)."""
    findings = []
    paths = sorted(qc_dir.glob("*.rq"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        rows = select_rows(store, sparql_prefixes() + text)
        if rows:
            findings.append(QcFinding(path.name, _description(text), rows))
    return len(paths), findings
