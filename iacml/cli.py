"""The ``iacml`` command: build, query, validate, serve."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

from .errors import BuildError
from .paths import ProjectPaths


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    report = build(ProjectPaths.default())
    print(f"build {report.build_id}: 0 quote mismatches, 0 QC rows, "
          f"{report.violations} violations, {report.warnings} warnings")
    return 0


def _cmd_query(args: argparse.Namespace) -> int:
    import pyoxigraph as ox

    from .namespaces import sparql_prefixes
    from .store import load_dump, term_text

    text = args.query
    if Path(text).is_file():
        text = Path(text).read_text(encoding="utf-8")
    store = load_dump(ProjectPaths.default().dataset_nq)
    result = store.query(sparql_prefixes() + text, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        print("true" if result else "false")
        return 0
    if isinstance(result, ox.QueryTriples):  # CONSTRUCT / DESCRIBE
        sys.stdout.write(result.serialize(format=ox.RdfFormat.TURTLE).decode())
        return 0
    names = [v.value for v in result.variables]
    rows = [{n: term_text(row[n]) for n in names} for row in result]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
    else:
        widths = {n: max([len(n)] + [len(r[n] or "") for r in rows]) for n in names}
        print("  ".join(n.ljust(widths[n]) for n in names))
        for r in rows:
            print("  ".join((r[n] or "").ljust(widths[n]) for n in names))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from rdflib import Graph

    from .entries import parse_entry
    from .pipeline.entry import check_entry, render_outcome

    entry = Graph()
    for name in args.files:
        for triple in parse_entry(Path(name)):
            entry.add(triple)
    outcome = check_entry(entry, ProjectPaths.default())
    print(render_outcome(outcome, args.format))
    return 0 if outcome.conforms else 1


def _cmd_export(args: argparse.Namespace) -> int:
    from .export import export_submissions

    paths = ProjectPaths.default()
    journal = Path(args.journal or "instance/journal.jsonl")
    if not journal.is_absolute():  # as the server resolves IACML_JOURNAL
        journal = paths.root / journal
    out = Path(args.out) if args.out else paths.ttl_dir
    changed = export_submissions(journal, out, rotate=not args.no_rotate)
    for path in changed:
        print(("wrote " if path.exists() else "removed ") + str(path))
    print(f"{len(changed)} submission files changed"
          + ("" if args.no_rotate else "; the journal was rotated"))
    return 0


def _cmd_iris(args: argparse.Namespace) -> int:
    from .iris import served_iris

    paths = ProjectPaths.default()
    if not paths.dataset_nq.exists():
        raise BuildError(f"{paths.dataset_nq} is missing: run `iacml build` first")
    build = (paths.build_dir / "build-id").read_text().strip()
    iris = served_iris(paths.dataset_nq)
    text = (f"# IRIs served by build {build}: each must keep answering "
            f"(200, 301 or 410, docs/editing.md)\n" + "\n".join(iris) + "\n")
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"{len(iris)} IRIs written to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def _cmd_coverage(args: argparse.Namespace) -> int:
    from .coverage import measure, render, stale_marks, write_split
    from .store import load_dump

    paths = ProjectPaths.default()
    if args.split:
        print(f"wrote {write_split(paths, args.split)}: review it, then commit it")
        return 0
    if not paths.dataset_nq.exists():
        raise BuildError(f"{paths.dataset_nq} is missing: run `iacml build` first")
    results = measure(paths, load_dump(paths.dataset_nq), args.source or None)
    print(render(results, verbose=not args.summary))
    stale = stale_marks(paths, results) if not args.source else []
    for line in stale:
        print(f"stale mark: {line}")
    complete = all(r.covered_or_marked_share == 1.0 for r in results) and not stale
    return 0 if complete or not args.check else 1


def _cmd_serve(args: argparse.Namespace) -> int:
    paths = ProjectPaths.default()
    if not paths.dataset_nq.exists():
        raise BuildError(f"{paths.dataset_nq} is missing: run `iacml build` first")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    config = paths.root / "server" / "gunicorn_conf.py"
    argv = [str(gunicorn), "-c", str(config), "--bind", f"{args.host}:{args.port}",
            "--chdir", str(paths.root), "server.wsgi:app"]
    os.execv(argv[0], argv)
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``iacml`` console script."""
    parser = argparse.ArgumentParser(prog="iacml", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="parse, check quotes, reason, QC, validate, write build/")
    q = sub.add_parser("query", help="run a SPARQL query (text or file) on the built dataset")
    q.add_argument("query")
    q.add_argument("-f", "--format", choices=["table", "json", "csv"], default="table")
    v = sub.add_parser("validate", help="validate entries as a graph of their own "
                                        "(exit 0 conforms, 1 violations, 2 error)")
    v.add_argument("files", nargs="+")
    v.add_argument("-f", "--format", choices=["human", "turtle", "json", "json-ld"],
                   default="human")
    e = sub.add_parser("export-submissions",
                       help="write the journal's accepted submission graphs as "
                            "data/ttl/submission-NAME.ttl, then start a new journal")
    e.add_argument("--out", help="folder for the Turtle files (default data/ttl)")
    e.add_argument("--journal", help="the journal (default: IACML_JOURNAL, else "
                                     "instance/journal.jsonl; relative to the project root)",
                   default=os.environ.get("IACML_JOURNAL"))
    e.add_argument("--no-rotate", action="store_true",
                   help="write the files but keep the journal as it is")
    i = sub.add_parser("iris", help="list every IRI the built dataset serves (for "
                                    "data/iris/served-YYYY-MM.txt at a release)")
    i.add_argument("--out", help="write the list to this file instead of stdout")
    c = sub.add_parser("coverage", help="per source, the sentences no fact covers and "
                                        "the covered share")
    c.add_argument("source", nargs="*", help="source keys (default: every source)")
    c.add_argument("--summary", action="store_true", help="only the table of shares")
    c.add_argument("--check", action="store_true",
                   help="exit 1 unless every sentence is covered or marked")
    c.add_argument("--split", metavar="NNN",
                   help="write the sentence split of a new source (never rewrites one)")
    s = sub.add_parser("serve", help="serve the built dataset with gunicorn")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=5000)
    args = parser.parse_args(argv)
    handlers = {"build": _cmd_build, "query": _cmd_query, "validate": _cmd_validate,
                "serve": _cmd_serve, "export-submissions": _cmd_export,
                "iris": _cmd_iris, "coverage": _cmd_coverage}
    try:
        return handlers[args.command](args)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
