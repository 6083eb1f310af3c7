"""Size limits and slow clients against the real server (issue 19, items 4 and 5).

Every input goes over a real socket to the server `make serve` runs (nginx in
front of granian), and the size limits also to granian alone (IACML_FRONT=none),
where the app has to hold them by itself.
"""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import quote, urlsplit

import pytest
import requests

from server import settings
from tests.sparql_live import ROOT, LiveServer, live_server

TOKEN = "front-token"
GRAPH = "https://w3id.org/iacml/graph/submissions/front"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
# a cooperation the data declares: a comment on it is a valid submission
SUBJECT = "https://w3id.org/iacml/id/cooperation/20/col-hnd-child-labor"
MIB = 1048576


def _settings(**more: str) -> dict[str, str]:
    return {"IACML_WRITE_TOKEN": f"front:{TOKEN}", "IACML_CLIENT_TIMEOUT": "2", **more}


@pytest.fixture(scope="module")
def fronted(tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    """Nginx in front of granian, writes on, clients given 2 s to send more."""
    journal = tmp_path_factory.mktemp("front") / "journal.jsonl"
    return live_server(**_settings(IACML_JOURNAL=str(journal)))


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    """Granian alone on the port: the app's own limits."""
    journal = tmp_path_factory.mktemp("alone") / "journal.jsonl"
    return live_server(**_settings(IACML_JOURNAL=str(journal), IACML_FRONT="none"))


def _address(server: LiveServer) -> tuple[str, int]:
    parts = urlsplit(server.base)
    return parts.hostname or "127.0.0.1", parts.port or 80


def raw(server: LiveServer, head: bytes, body_parts: list[bytes] = (),  # type: ignore[assignment]
        source: str = "127.0.0.1", half_close: bool = False, timeout: float = 30) -> bytes:
    """Send ``head`` and ``body_parts`` on one socket; return what the server answered
    before it closed (or ``timeout``)."""
    with socket.create_connection(_address(server), timeout=timeout,
                                  source_address=(source, 0)) as sock:
        try:
            sock.sendall(head)
            for part in body_parts:
                sock.sendall(part)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:  # the server may answer and close before reading it all
            pass
        answer = b""
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
                if b"\r\n\r\n" in answer and not half_close and _complete(answer):
                    break
        except OSError:
            pass
        return answer


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


def chunked(data: bytes, size: int = 65536) -> list[bytes]:
    """``data`` in HTTP/1.1 chunks, with the last chunk."""
    out = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size])
           for i in range(0, len(data), size)]
    return out + [b"0\r\n\r\n"]


def update_head(server: LiveServer, extra: bytes) -> bytes:
    host, port = _address(server)
    return (b"POST /sparql HTTP/1.1\r\nHost: %s:%d\r\n" % (host.encode(), port)
            + b"Content-Type: application/sparql-update\r\n"
            + b"Authorization: Bearer " + TOKEN.encode() + b"\r\n" + extra + b"\r\n")


def comments(server: LiveServer) -> set[str]:
    query = f"SELECT ?c WHERE {{ GRAPH <{GRAPH}> {{ <{SUBJECT}> <{COMMENT}> ?c }} }}"
    answer = requests.get(server.endpoint, params={"query": query}, timeout=30,
                          headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return {b["c"]["value"] for b in answer.json()["results"]["bindings"]}


def long_update(tag: str) -> bytes:
    """The finding's shape: an INSERT before the 1 MiB mark, padding, a DELETE and an
    INSERT after it (1,048,996 bytes in all)."""
    first = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{SUBJECT}> <{COMMENT}> "{tag} before" }} }} ;\n'
    last = (f'DELETE DATA {{ GRAPH <{GRAPH}> {{ <{SUBJECT}> <{COMMENT}> "{tag} before" }} }} ;\n'
            f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{SUBJECT}> <{COMMENT}> "{tag} after" }} }}\n')
    pad = 1048996 - len(first) - len(last)
    return (first + "#" + "x" * (pad - 2) + "\n" + last).encode()


@pytest.mark.parametrize("which", ["fronted", "alone"])
def test_a_chunked_update_over_the_limit_is_413_and_nothing_is_applied(
        which: str, request: pytest.FixtureRequest) -> None:
    server = request.getfixturevalue(which)
    body = long_update(which)
    assert len(body) == 1048996 > MIB
    answer = raw(server, update_head(server, b"Transfer-Encoding: chunked\r\n"), chunked(body))
    assert status(answer) == 413, answer[:300]
    assert b"IACML_MAX_REQUEST_BYTES" in answer
    assert not comments(server) & {f"{which} before", f"{which} after"}


@pytest.mark.parametrize("which", ["fronted", "alone"])
def test_a_chunked_query_over_the_limit_is_413(which: str,
                                               request: pytest.FixtureRequest) -> None:
    server = request.getfixturevalue(which)
    host, port = _address(server)
    query = b"ASK {} #" + b"x" * (3 * MIB)
    head = (b"POST /sparql HTTP/1.1\r\nHost: %s:%d\r\n" % (host.encode(), port)
            + b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n")
    assert status(raw(server, head, chunked(query))) == 413


@pytest.mark.parametrize("which", ["fronted", "alone"])
def test_a_chunked_update_within_the_limit_is_applied_whole(
        which: str, request: pytest.FixtureRequest) -> None:
    """The limit cuts nothing: a chunked update under it is read to its end."""
    server = request.getfixturevalue(which)
    update = (f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{SUBJECT}> <{COMMENT}> "{which} whole" }} }}'
              " #" + "y" * 200000 + "\n").encode()
    answer = raw(server, update_head(server, b"Transfer-Encoding: chunked\r\n"),
                 chunked(update, 4096))
    assert status(answer) in (200, 204), answer[:400]
    assert f"{which} whole" in comments(server)


@pytest.mark.parametrize("which", ["fronted", "alone"])
def test_a_body_that_stops_short_is_never_applied(which: str,
                                                  request: pytest.FixtureRequest) -> None:
    """A client announces an update, sends part of it and hangs up: nothing is applied."""
    server = request.getfixturevalue(which)
    update = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{SUBJECT}> <{COMMENT}> "{which} cut" }} }}'
    body = update.encode()
    head = update_head(server, b"Content-Length: %d\r\n" % (len(body) + 5000))
    answer = raw(server, head, [body], half_close=True)
    assert status(answer) not in (200, 204), answer[:300]
    assert f"{which} cut" not in comments(server)


@pytest.mark.parametrize("which", ["fronted", "alone"])
@pytest.mark.parametrize("route", ["/id/", "/sparql?query=", "/search?q=", "/health?x=",
                                   "/graph?graph=", "/download/", "/nowhere/"])
def test_a_url_over_the_limit_is_414_on_every_route(which: str, route: str,
                                                    request: pytest.FixtureRequest) -> None:
    server = request.getfixturevalue(which)
    answer = requests.get(server.base + route + "a" * 40000, timeout=60)
    assert answer.status_code == 414
    assert "IACML_MAX_URL_BYTES" in answer.text
    assert len(answer.content) < 1000  # the URL is not echoed back


@pytest.mark.parametrize("which", ["fronted", "alone"])
def test_an_8_mb_path_gets_a_short_refusal(which: str, request: pytest.FixtureRequest) -> None:
    """The finding: an 8 MB /id/ path got a 16 MB 404 echoing it twice.  nginx refuses
    it with 414; granian alone refuses a request line past its HTTP/1 buffer (408 KiB)
    with 431 before the app sees it (and a URI past 64 KiB with an empty 414)."""
    server = request.getfixturevalue(which)
    answer = requests.get(server.base + "/id/" + "a" * (8 * MIB), timeout=60)
    assert answer.status_code == (414 if which == "fronted" else 431)
    assert len(answer.content) < 1000


def test_long_search_terms_are_400(fronted: LiveServer) -> None:
    answer = requests.get(fronted.base + "/search", params={"q": "labor " * 60}, timeout=30)
    assert answer.status_code == 400 and "IACML_SEARCH_MAX_CHARS" in answer.text
    assert requests.get(fronted.base + "/search", params={"q": "labor"},
                        timeout=30).status_code == 200


LIMITS = ("IACML_MAX_REQUEST_BYTES", "IACML_MAX_URL_BYTES", "IACML_SEARCH_MAX_CHARS",
          "IACML_CLIENT_TIMEOUT", "IACML_MAX_CONNECTIONS_PER_CLIENT", "IACML_CLIENT_QUERIES",
          "IACML_CLIENT_QUERY_SECONDS", "IACML_QUERY_MEMORY_MB", "IACML_QUERY_TIMEOUT",
          "IACML_FRONT")


def test_every_setting_is_documented_and_every_limit_in_security_md() -> None:
    docs = "".join((ROOT / name).read_text(encoding="utf-8")
                   for name in ("README.md", "docs/endpoint.md"))
    assert [s.name for s in settings.SETTINGS if s.name not in docs] == []
    security = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert [name for name in LIMITS if name not in security] == []


# ---- slow clients (item 5) ----

def _open(server: LiveServer, source: str, opening: bytes, rcvbuf: int = 0) -> socket.socket:
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.bind((source, 0))
    sock.settimeout(10)
    sock.connect(_address(server))
    sock.sendall(opening)
    return sock


def test_slow_clients_do_not_hold_the_server(fronted: LiveServer) -> None:
    """Stalled headers, bodies that stop short and readers taking a byte at a time,
    from 100 addresses at once: /health and a query from another client are answered
    meanwhile, and the front drops the stalled ones after IACML_CLIENT_TIMEOUT."""
    host, port = _address(fronted)
    head = b"Host: %s:%d\r\n" % (host.encode(), port)
    big = ("/sparql?format=json&query=" + quote("SELECT * WHERE { ?s ?p ?o }")).encode()
    requests.get(fronted.base + big.decode(), timeout=60)  # the large answer is cached
    sockets: list[socket.socket] = []
    try:
        for i in range(300):
            source = f"127.0.2.{1 + i % 100}"
            kind = i % 3
            if kind == 0:  # headers that never end
                sockets.append(_open(fronted, source, b"GET /health HTTP/1.1\r\n" + head))
            elif kind == 1:  # a body that stops short of its Content-Length
                sockets.append(_open(fronted, source, b"POST /sparql HTTP/1.1\r\n" + head +
                                     b"Content-Type: application/sparql-query\r\n"
                                     b"Content-Length: 65536\r\n\r\nASK {"))
            else:  # a reader that takes nothing
                sockets.append(_open(fronted, source, b"GET " + big + b" HTTP/1.1\r\n" + head
                                     + b"\r\n", rcvbuf=2048))
        for _ in range(4):
            assert requests.get(fronted.base + "/health", timeout=10).status_code == 200
            ask = requests.get(fronted.endpoint, params={"query": "ASK { ?s ?p ?o }"},
                               timeout=10, headers={"Accept": "application/sparql-results+json"})
            assert ask.status_code == 200 and ask.json()["boolean"] is True
        time.sleep(4)  # past the 2 s client timeout: stalled requests are dropped
        dropped = 0
        for sock in sockets[:200]:
            if sockets.index(sock) % 3 == 2:
                continue
            try:
                sock.settimeout(5)
                data = sock.recv(4096)
                dropped += not data or data.startswith(b"HTTP/1.1 408")
            except OSError:
                dropped += 1
        assert dropped == len([i for i in range(200) if i % 3 != 2])
    finally:
        for sock in sockets:
            sock.close()


def test_one_address_cannot_take_more_connections_than_its_cap() -> None:
    """A client address beyond IACML_MAX_CONNECTIONS_PER_CLIENT stalled bodies gets 429
    for the next one; another address is served."""
    server = live_server(IACML_MAX_CONNECTIONS_PER_CLIENT="4", IACML_CLIENT_TIMEOUT="5")
    host, port = _address(server)
    head = b"POST /sparql HTTP/1.1\r\nHost: %s:%d\r\n" % (host.encode(), port)
    stalled = [_open(server, "127.0.0.9", head + b"Content-Type: application/sparql-query\r\n"
                     b"Content-Length: 1000\r\n\r\nASK {") for _ in range(4)]
    try:
        time.sleep(0.5)
        results: list[int] = []

        def one() -> None:
            conn = socket.create_connection((host, port), source_address=("127.0.0.9", 0))
            conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            results.append(status(conn.recv(4096)))
            conn.close()

        thread = threading.Thread(target=one)
        thread.start()
        thread.join(10)
        assert results == [429]
        assert requests.get(server.base + "/health", timeout=10).status_code == 200
    finally:
        for sock in stalled:
            sock.close()
