"""The ``iacml`` command: build, query, validate, serve, export-submissions, iris, coverage,
release, diff, backup, restore.

Errors are one line each, ``file:line:column: what`` where the place is known,
and exit with status 2; ``--debug`` shows the traceback as well.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import traceback
from pathlib import Path

from .backup import Instance
from .errors import BuildError
from .paths import ProjectPaths
from .pipeline.report import REPORT_FORMATS

#: Exit status of an error (a file that cannot be read, a query or entry that does not
#: parse, a failed build); ``iacml validate`` exits 1 for an entry with violations.
EXIT_ERROR = 2


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    report = build(ProjectPaths.default())
    print(f"build {report.build_id}: 0 quote mismatches, 0 QC rows, "
          f"{report.violations} violations, {report.warnings} warnings")
    return 0


_KEYWORD = re.compile(r"(?i)(SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE)\b")


def query_text(argument: str) -> tuple[str, str]:
    """(text, name) of the query ``argument`` gives: a file's content, or the text itself.

    An argument that starts with no SPARQL keyword and has no space and no brace
    names a file, so a mistyped file name is reported as a missing file, never run
    as a query.
    """
    path = Path(argument)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise BuildError(f"{argument}: cannot read: {exc}") from exc
    if not re.search(r"[\s{]", argument) and not _KEYWORD.match(argument):
        raise BuildError(f"{argument}: no such file (give the text of a query, or the path "
                         "of a .rq file)")
    return argument, "<query>"


def _syntax_message(exc: SyntaxError, text: str, name: str) -> str:
    """The ``error at L:C: ...`` of pyoxigraph as ``name:L:C: SPARQL syntax error: ...``."""
    message = " ".join(str(exc).split())
    m = re.match(r"error at (\d+):(\d+): (.*)", message)
    if not m:
        return f"{name}: SPARQL syntax error: {message[:300]}"
    line, column, reason = int(m.group(1)), int(m.group(2)), m.group(3)
    if "Prefix not found" in reason:
        before = (text.splitlines()[line - 1] if line <= len(text.splitlines()) else "")
        prefixed = re.search(r"([A-Za-z][\w.-]*)?:[\w.-]*$", before[:column - 1])
        prefix = (prefixed.group(1) or "") if prefixed else ""
        reason = f"unknown prefix {prefix}: (declare it: PREFIX {prefix}: <...>)"
    elif len(reason) > 200:
        reason = reason[:200] + "..."
    return f"{name}:{line}:{column}: SPARQL syntax error: {reason}"


def _print_rows(names: list[str], rows: list[dict[str, str | None]], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
    else:
        widths = {n: max([len(n)] + [len(r[n] or "") for r in rows]) for n in names}
        print("  ".join(n.ljust(widths[n]) for n in names))
        for r in rows:
            print("  ".join((r[n] or "").ljust(widths[n]) for n in names))


def _cmd_query(args: argparse.Namespace) -> int:
    import pyoxigraph as ox

    from .namespaces import prefix_map
    from .store import load_dump, term_text

    text, name = query_text(args.query)
    dataset = ProjectPaths.default().dataset_nq
    if not dataset.exists():
        raise BuildError(f"{dataset} is missing: run `iacml build` first")
    store = load_dump(dataset)
    try:
        result = store.query(text, prefixes=prefix_map())  # the default graph: the merge
    except SyntaxError as exc:
        raise BuildError(_syntax_message(exc, text, name)) from exc
    if isinstance(result, ox.QueryBoolean):
        print("true" if result else "false")
    elif isinstance(result, ox.QueryTriples):  # CONSTRUCT / DESCRIBE
        sys.stdout.write((result.serialize(format=ox.RdfFormat.TURTLE) or b"").decode())
    else:
        names = [v.value for v in result.variables]
        _print_rows(names, [{n: term_text(row[n]) for n in names} for row in result],
                    args.format)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from rdflib import Graph

    from .entries import parse_entry
    from .pipeline import check_entry, render_outcome

    entry = Graph()
    files = [Path(name) for name in args.files]
    for path in files:
        for triple in parse_entry(path):
            entry.add(triple)
    outcome = check_entry(entry, ProjectPaths.default(), files=files)
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


def _cmd_release(args: argparse.Namespace) -> int:
    from .release.cut import cut, next_steps

    paths = ProjectPaths.default()
    print(next_steps(cut(paths, args.version, build=not args.no_build), paths))
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from .release.cut import compare
    from .release.diff import render
    from .release.make import BASE

    sys.stdout.write(render(compare(ProjectPaths.default(), args.old, args.new), BASE))
    return 0


def _instance(args: argparse.Namespace) -> Instance:
    """The instance ``iacml backup``/``restore`` act on: the options, else the settings'."""
    paths = ProjectPaths.default()
    journal = Path(args.journal or "instance/journal.jsonl")
    config = Path(args.config or "instance/config.py")
    return Instance(journal if journal.is_absolute() else paths.root / journal,
                    config if config.is_absolute() else paths.root / config)


def _cmd_backup(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from .backup import backup
    out = Path(args.out or datetime.now(UTC).strftime("iacml-backup-%Y%m%dT%H%M%SZ.tar.gz"))
    manifest = backup(_instance(args), out)
    print(f"{out}: {manifest['records']} writes, {len(manifest['files'])} files")  # type: ignore[arg-type]
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from .backup import restore
    manifest = restore(Path(args.archive), _instance(args), replace=args.replace)
    print(f"restored {manifest['records']} writes from {args.archive} (made "
          f"{manifest['created']}); start the server")
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
    # The launcher (server/front/launch.py) runs nginx in front of granian; exec keeps the pid,
    # so whoever started `iacml serve` can stop the server with one signal.
    os.chdir(paths.root)
    argv = [sys.executable, "-m", "server.front.launch", "--host", args.host,
            "--port", str(args.port)]
    os.execv(argv[0], argv)
    return 0  # not reached


def parser() -> argparse.ArgumentParser:
    """The command line: every command and option (``tests/test_docs.py`` checks that
    the README documents each)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="on an error, show the traceback too")
    main_parser = argparse.ArgumentParser(prog="iacml", description=__doc__.splitlines()[0],
                                          parents=[common])
    sub = main_parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", parents=[common],
                   help="parse, check terms and quotes, reason, QC, validate, write build/")
    q = sub.add_parser("query", parents=[common],
                       help="run a SPARQL query (text or .rq file) on the built dataset")
    q.add_argument("query", help="the query text, or the path of a file holding it")
    q.add_argument("-f", "--format", choices=["table", "json", "csv"], default="table")
    v = sub.add_parser("validate", parents=[common],
                       help="validate entries as a graph of their own "
                            "(exit 0 conforms, 1 violations, 2 error)")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.add_argument("-f", "--format", choices=REPORT_FORMATS, default="human")
    e = sub.add_parser("export-submissions", parents=[common],
                       help="write the journal's accepted submission graphs as "
                            "data/ttl/submission-NAME.ttl, then start a new journal")
    e.add_argument("--out", help="folder for the Turtle files (default data/ttl)")
    e.add_argument("--journal", help="the journal (default: IACML_JOURNAL, else "
                                     "instance/journal.jsonl; relative to the project root)",
                   default=os.environ.get("IACML_JOURNAL"))
    e.add_argument("--no-rotate", action="store_true",
                   help="write the files but keep the journal as it is")
    i = sub.add_parser("iris", parents=[common],
                       help="list every IRI the built dataset serves (for "
                            "data/iris/served-YYYY-MM.txt at a release)")
    i.add_argument("--out", help="write the list to this file instead of stdout")
    c = sub.add_parser("coverage", parents=[common],
                       help="per source, the sentences no fact covers and the covered share")
    c.add_argument("source", nargs="*", help="source keys (default: every source)")
    c.add_argument("--summary", action="store_true", help="only the table of shares")
    c.add_argument("--check", action="store_true",
                   help="exit 1 unless every sentence is covered or marked")
    c.add_argument("--split", metavar="NNN",
                   help="write the sentence split of a new source (never rewrites one)")
    r = sub.add_parser("release", parents=[common],
                       help="stamp the ontology's version, build, and write a dated, immutable "
                            "release to releases/VERSION/ (docs/design.md, 'Releases')")
    r.add_argument("--version", help="the release's version (default: today, YYYY-MM-DD)")
    r.add_argument("--no-build", action="store_true",
                   help="release build/ as it is (it must be built from the current inputs)")
    d = sub.add_parser("diff", parents=[common],
                       help="what changed between two versions: per graph, resources, "
                            "Discrepancies (Markdown)")
    d.add_argument("old", help="a release version, 'build', or a dump file (.nq, .trig, .gz)")
    d.add_argument("new", help="the same kinds")
    b = sub.add_parser("backup", parents=[common],
                       help="save the write journal and the instance settings (docs/deploy.md)")
    b.add_argument("--out", help="the archive (default iacml-backup-<time>.tar.gz)")
    o = sub.add_parser("restore", parents=[common],
                       help="restore a backup into an instance (stop the server first)")
    o.add_argument("archive", help="a file written by iacml backup")
    o.add_argument("--replace", action="store_true",
                   help="replace a journal that holds writes (the old files are kept aside)")
    for command in (b, o):
        command.add_argument("--journal", default=os.environ.get("IACML_JOURNAL"),
                             help="the journal (default: IACML_JOURNAL, else "
                                  "instance/journal.jsonl)")
        command.add_argument("--config", help="the settings file (default instance/config.py)")
    s = sub.add_parser("serve", parents=[common],
                       help="serve the built dataset (nginx in front of granian)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=5000)
    return main_parser


_HANDLERS = {"build": _cmd_build, "query": _cmd_query, "validate": _cmd_validate,
             "serve": _cmd_serve, "export-submissions": _cmd_export, "iris": _cmd_iris,
             "coverage": _cmd_coverage, "release": _cmd_release, "diff": _cmd_diff,
             "backup": _cmd_backup, "restore": _cmd_restore}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``iacml`` console script."""
    args = parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    try:
        return _HANDLERS[args.command](args)
    except BuildError as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
    except Exception as exc:  # a bug, or a failure the library did not foresee
        if debug:
            traceback.print_exc()
        detail = " ".join(str(exc).split())[:300]
        print(f"error: {type(exc).__name__}: {detail} (iacml --debug {args.command} ... shows "
              "where; please report it)", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
