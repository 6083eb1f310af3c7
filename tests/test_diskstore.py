"""The on-disk store (issue 18): the build writes the dump as a RocksDB folder that every
server process opens read-only (iacml/diskstore.py), accepted writes reach the readers as
snapshots (iacml/snapshots.py, server/workers/served.py), and a dump without a store of
its own, or with another dump's, is loaded into memory as before.

The expected values come from the N-Quads text each test writes, or from the build's
dump read as a file, never from the store under test.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from iacml.diskstore import description_path, served_store, store_folder, write_store
from iacml.journal import Journal, Record
from iacml.snapshots import Snapshots
from server.workers.served import ServedStore
from tests.sparql_live import dataset, live_server

G1, G2 = "http://example.org/g1", "http://example.org/g2"
SUBMISSION = "https://w3id.org/iacml/graph/submissions/disk-test"
DUMP = (f'<http://example.org/a> <http://example.org/p> "one" <{G1}> .\n'
        f'<http://example.org/b> <http://example.org/p> "two" <{G2}> .\n'
        f'<http://example.org/a> <http://example.org/p> "one" <{G2}> .\n')
EX = "http://example.org/"


def tiny_dump(folder: Path, text: str = DUMP) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "data.nq"
    path.write_text(text, encoding="utf-8")
    return path


def folder_state(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of a folder with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def objects(store: ox.Store, subject: str, graph: str | None = None) -> set[str]:
    """The literal values of ``subject``'s ex:p in ``graph`` (None: the default graph)."""
    where = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    return {q.object.value for q in store.quads_for_pattern(
        ox.NamedNode(subject), ox.NamedNode(EX + "p"), None, where)}


def record(seq: int, added: str = "", removed: str = "") -> Record:
    return Record(seq=seq, graph=SUBMISSION, time="2026-12-02T08:00:00Z", base="test",
                  by="tester", log="", triples_before=0, triples_after=1,
                  added=added, removed=removed)


def triple(subject: str, value: str) -> str:
    return f'<{EX}{subject}> <{EX}p> "{value}" .\n'


def commit(journal: Journal, snapshots: Snapshots | None, rec: Record) -> int:
    """Append ``rec`` as the write path does (under the lock; the snapshot before the
    2xx when ``snapshots`` is given, else as a writer killed right after its append)."""
    with journal.locked():
        end = journal.append(rec)
        if snapshots is not None:
            snapshots.advance()
    return end


# ---------------- the build's store, and which dump a store belongs to ----------------

def test_the_build_writes_the_store_of_its_dump(dataset_path: Path) -> None:
    disk = served_store(dataset_path)
    assert disk is not None, "make build writes build/iacml.oxigraph beside the dump"
    quads = default = 0
    for quad in ox.parse(path=str(dataset_path), format=ox.RdfFormat.N_QUADS):
        quads += 1
        default += isinstance(quad.graph_name, ox.DefaultGraph)
    assert default > 0  # the build writes the merge into the dump's default graph
    store = ox.Store.read_only(str(disk.folder))
    assert disk.quads == len(store) == quads
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())) \
        == default


def test_a_store_serves_only_the_dump_it_was_written_from(tmp_path: Path) -> None:
    dump = tiny_dump(tmp_path / "a")
    disk = write_store(dump)
    assert served_store(dump) == disk and disk.quads == 3 + 2  # + the merge: a and b once
    store = ox.Store.read_only(str(disk.folder))
    assert objects(store, EX + "a") == {"one"} and objects(store, EX + "b") == {"two"}
    # the same bytes copied without their times: the SHA-256 says it is the same dump
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copyfile(dump, copy / dump.name)
    shutil.copytree(disk.folder, store_folder(copy / dump.name))
    shutil.copyfile(description_path(disk.folder), description_path(store_folder(copy / dump.name)))
    assert served_store(copy / dump.name) is not None
    # another dump of the same size beside a's store: not used
    other = tiny_dump(tmp_path / "other", DUMP.replace('"one"', '"uno"'))
    assert other.stat().st_size == dump.stat().st_size
    shutil.copytree(disk.folder, store_folder(other))
    shutil.copyfile(description_path(disk.folder), description_path(store_folder(other)))
    assert served_store(other) is None
    # the dump rewritten after its store (a build stopped before the store step): stale
    dump.write_text(DUMP + triple("c", "three").replace(" .", f" <{G1}> ."), encoding="utf-8")
    assert served_store(dump) is None
    # a folder without its description (a store being written) is never used
    description_path(disk.folder).unlink()
    assert served_store(dump) is None


def test_a_dump_without_a_store_is_loaded_into_memory(tmp_path: Path) -> None:
    dump = tiny_dump(tmp_path)
    assert served_store(dump) is None
    served = ServedStore(str(dump), str(tmp_path / "journal.jsonl"), served_store(dump))
    assert served.open() == 5 and not served.on_disk
    assert objects(served.store, EX + "a") == {"one"}  # the merge made at load


# ---------------- snapshots: writes over a read-only store ----------------

def test_readers_open_the_snapshot_of_each_write_and_the_base_is_never_changed(
        tmp_path: Path) -> None:
    disk = write_store(tiny_dump(tmp_path / "build"))
    base_before = folder_state(disk.folder)
    path = tmp_path / "instance" / "journal.jsonl"
    journal, snapshots = Journal(path), Snapshots(disk, path)
    reader = ServedStore(None, str(path), disk)
    reader.open()
    assert reader.on_disk and objects(reader.store, EX + "c", SUBMISSION) == set()

    end = commit(journal, snapshots, record(1, added=triple("c", "three")))
    reader.catch_up(end)
    assert objects(reader.store, EX + "c", SUBMISSION) == {"three"}
    assert objects(reader.store, EX + "c") == {"three"}  # the merge follows
    assert reader.opened.number == 1

    end = commit(journal, snapshots, record(2, added=triple("d", "four"),
                                            removed=triple("c", "three")))
    # snapshot 1 is held by the reader: kept; 2 is the newest
    assert sorted(p.name for p in snapshots.folder.glob("snap-*")) == ["snap-1", "snap-2"]
    reader.catch_up(end)  # lets 1 go
    assert objects(reader.store, EX + "c") == set()
    assert objects(reader.store, EX + "d", SUBMISSION) == {"four"}
    end = commit(journal, snapshots, record(3, added=triple("e", "five")))
    assert sorted(p.name for p in snapshots.folder.glob("snap-*")) == ["snap-2", "snap-3"]
    reader.catch_up(end)
    end = commit(journal, snapshots, record(4, added=triple("f", "six")))
    assert sorted(p.name for p in snapshots.folder.glob("snap-*")) == ["snap-3", "snap-4"]
    assert folder_state(disk.folder) == base_before


def test_a_write_whose_snapshot_was_never_made_is_still_read(tmp_path: Path) -> None:
    """The writer killed between its durable append and its snapshot: the first reader
    that needs the record makes the snapshot itself."""
    disk = write_store(tiny_dump(tmp_path / "build"))
    path = tmp_path / "journal.jsonl"
    end = commit(Journal(path), None, record(1, added=triple("c", "three")))
    reader = ServedStore(None, str(path), disk)
    reader.open()  # current with the journal's end
    assert objects(reader.store, EX + "c", SUBMISSION) == {"three"}
    end = commit(Journal(path), None, record(2, added=triple("d", "four")))
    reader.catch_up(end)
    assert objects(reader.store, EX + "d", SUBMISSION) == {"four"}


def test_a_replaced_journal_is_replayed_on_the_base_alone(tmp_path: Path) -> None:
    """A restored (or rotated) journal: the primary is made again from the base store,
    so the served data is the base + this journal, not + the old one too."""
    disk = write_store(tiny_dump(tmp_path / "build"))
    path = tmp_path / "journal.jsonl"
    commit(Journal(path), Snapshots(disk, path), record(1, added=triple("c", "old")))
    replacement = tmp_path / "restored.jsonl"
    Journal(replacement).append(record(1, added=triple("d", "new")))
    os.replace(replacement, path)
    reader = ServedStore(None, str(path), disk)
    reader.open()
    assert objects(reader.store, EX + "c", SUBMISSION) == set()
    assert objects(reader.store, EX + "d", SUBMISSION) == {"new"}


def test_a_rotated_journal_keeps_the_exported_writes_until_a_new_build(
        tmp_path: Path) -> None:
    """`iacml export-submissions` rotates the journal: the exported records stay served
    (as a running server replaying in memory keeps them) and the new journal's follow."""
    disk = write_store(tiny_dump(tmp_path / "build"))
    path = tmp_path / "journal.jsonl"
    journal, snapshots = Journal(path), Snapshots(disk, path)
    commit(journal, snapshots, record(1, added=triple("c", "exported")))
    with journal.locked():
        assert journal.rotate("test") is not None
    end = commit(journal, snapshots, record(1, added=triple("d", "after")))
    reader = ServedStore(None, str(path), disk)
    reader.open()
    reader.catch_up(end)
    assert objects(reader.store, EX + "c", SUBMISSION) == {"exported"}
    assert objects(reader.store, EX + "d", SUBMISSION) == {"after"}


def _reader(dump: str, journal: str, folder: str, conn: Connection) -> None:
    """A separate process reading as a web worker does: open, then catch up on request."""
    from iacml.diskstore import DiskStore

    served = ServedStore(dump, journal, DiskStore.described(Path(folder)), advance=False)
    served.open()
    conn.send("ready")
    while (end := conn.recv()) is not None:
        served.catch_up(end)
        conn.send(sorted(objects(served.store, EX + "c", SUBMISSION)))


def test_a_write_is_read_by_every_process_that_opened_the_store_before_it(
        tmp_path: Path) -> None:
    """Read-your-writes across processes (two web workers' readers, one writer)."""
    dump = tiny_dump(tmp_path / "build")
    disk = write_store(dump)
    path = tmp_path / "journal.jsonl"
    context = multiprocessing.get_context("fork")  # nothing is open yet: a fork is safe
    readers = []
    for _ in range(2):
        ours, theirs = context.Pipe()
        process = context.Process(target=_reader, args=(str(dump), str(path),
                                                        str(disk.folder), theirs))
        process.start()
        readers.append((process, ours))
    try:
        for _, conn in readers:
            assert conn.poll(60) and conn.recv() == "ready"
        journal, snapshots = Journal(path), Snapshots(disk, path)
        for seq, value in enumerate(["three", "drei"], start=1):
            end = commit(journal, snapshots, record(
                seq, added=triple("c", value),
                removed=triple("c", "three") if value == "drei" else ""))
            for _, conn in readers:
                conn.send(end)
                assert conn.poll(60)
                assert conn.recv() == [value]
    finally:
        for process, conn in readers:
            conn.send(None)
            process.join(10)


# ---------------- the server on the build's store ----------------

TOKEN = "disk-token"


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.fixture(scope="module")
def two_web_workers(tmp_path_factory: pytest.TempPathFactory):
    journal = tmp_path_factory.mktemp("disk") / "journal.jsonl"
    return live_server(IACML_WEB_WORKERS="2", IACML_QUERY_WORKERS="1",
                       IACML_WRITE_TOKEN=f"disk:{TOKEN}", IACML_JOURNAL=str(journal)), journal


def test_the_server_opens_the_store_read_only_and_every_web_worker_reads_a_write(
        two_web_workers) -> None:
    server, journal = two_web_workers
    folder = store_folder(dataset())
    if served_store(dataset()) is None:
        pytest.fail("the test servers' dump has no store of its own: run `make build`")
    before = folder_state(folder)
    assert requests.get(server.base + "/health", timeout=30).json()["store"] == "disk"
    # each zygote holds the store's table files open, and never the dump
    forked = {pid: _parent(pid) for pid in server.pids()
              if b"server.workers.zygote" in Path(f"/proc/{pid}/cmdline").read_bytes()}
    zygotes = [pid for pid, parent in forked.items() if parent not in forked]  # not workers
    assert len(zygotes) == 2
    for pid in zygotes:
        opened = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        assert any(name.startswith(str(folder)) and name.endswith(".sst") for name in opened)
        assert str(dataset()) not in opened
    graph = "https://w3id.org/iacml/graph/submissions/disk-live"
    body = (Path(__file__).parent / "fixtures" / "entries" / "valid-cooperation.ttl").read_bytes()
    put = requests.put(server.base + "/graph", params={"graph": graph}, data=body, timeout=120,
                       headers={"Authorization": f"Bearer {TOKEN}",
                                "Content-Type": "text/turtle"})
    assert put.status_code == 201, put.text
    expected = put.json()["triples_after"]
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    for _ in range(12):  # a new connection each: either web worker, any query worker
        answer = requests.get(server.endpoint, params={"query": query}, timeout=60,
                              headers={"Accept": "application/sparql-results+json",
                                       "Connection": "close"})
        assert answer.status_code == 200
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == expected
    assert folder_state(folder) == before  # serving and writing left the store as built
    assert list((journal.parent / "journal.snapshots").glob("snap-*"))
