"""The zygote: one process that opens the dataset once and forks query workers.

Started by :class:`server.workers.pool.QueryPool` as ``python -m server.workers.zygote DATASET``
with a control socket on file descriptor ``--fd``.  It opens the build's on-disk store
read-only (``--store``) or loads the dump into memory (server/workers/served.py), says
``ready N`` (or ``error ...``), then for each ``fork`` request (which carries the
worker's end of a fresh socket pair) forks a worker that inherits the opened
store (copy-on-write), after moving to the newest snapshot of the accepted writes.
A replacement worker is therefore ready in a millisecond and costs almost no CPU, and
the workers share the dataset's pages (the page cache's, on disk).
It exits when the control socket closes (its web process is gone).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from iacml.diskstore import DiskStore
from server.query import querytext
from server.workers import sandbox, worker
from server.workers.served import ServedStore


def _child(job_fd: int, ctrl: socket.socket, served: ServedStore) -> None:
    ctrl.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        # every job runs on one thread with a stack of a known size (see above)
        threading.stack_size(WORKER_STACK_BYTES)
        jobs = threading.Thread(target=worker.serve, args=(Connection(job_fd), served),
                                name="iacml-worker")
        jobs.start()
        jobs.join()
    finally:
        os._exit(0)


#: Stack of the thread on which every worker parses and evaluates. pyoxigraph recurses
#: once per level of nesting and per operator in a row (about 3 KiB each, 10 KiB for
#: EXISTS): 256 MiB keeps the deepest text the lexer lets through (IACML_MAX_NESTING,
#: IACML_MAX_OPERATORS) tens of times below an overflow, whatever stack size the
#: server was started with. It is address space: only the pages a query touches are used.
WORKER_STACK_BYTES = 256 << 20


def main(argv: list[str] | None = None) -> int:
    """Load the dataset, report, then fork workers on request until the socket closes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", nargs="?", default="")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--journal", default="")
    parser.add_argument("--store", default="",
                        help="the on-disk store of the dataset to open read-only")
    parser.add_argument("--network", choices=("isolated", "host"), default="isolated")
    parser.add_argument("--allow", action="append", default=[],
                        help="an endpoint the workers may reach (IACML_SERVICE_ALLOWLIST)")
    args = parser.parse_args(argv)
    ctrl = socket.socket(fileno=args.fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if args.network == "isolated":  # before loading anything: no thread may run yet
        try:
            sandbox.isolate(args.allow)
        except (sandbox.SandboxError, OSError) as exc:
            ctrl.sendall(f"error cannot isolate the query workers from the network: {exc} "
                         "(IACML_WORKER_NETWORK=host runs them unisolated)".replace("\n", " ")
                         .encode() + b"\n")
            return 1
    try:
        # it forks: never advances the snapshots itself (see ServedStore.advance)
        served = ServedStore(args.dataset or None, args.journal or None,
                             DiskStore.described(Path(args.store)) if args.store else None,
                             advance=False)
        quads = served.open()  # with the journal's writes so far: forked workers start current
    except Exception as exc:
        ctrl.sendall(f"error cannot load {args.dataset}: {exc}".replace("\n", " ").encode()
                     + b"\n")
        return 1
    querytext.preload()  # workers inherit rdflib's SPARQL parser, used for SERVICE checks
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished workers
    ctrl.sendall(f"ready {quads}\n".encode())
    while True:
        try:
            _msg, fds, _flags, _addr = socket.recv_fds(ctrl, 16, 1)
        except OSError:
            return 0
        if not fds:
            return 0  # control socket closed
        try:
            served.to_newest()
        except OSError:
            pass  # the worker catches up at its first job
        pid = os.fork()
        if pid == 0:
            _child(fds[0], ctrl, served)
        os.close(fds[0])
        ctrl.sendall(f"{pid}\n".encode())


if __name__ == "__main__":
    sys.exit(main())
