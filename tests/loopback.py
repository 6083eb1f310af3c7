"""A loopback listener that records every connection: the proof that nothing was fetched.

``with Listener() as listener:`` opens a TCP socket on 127.0.0.1 and a free port
and accepts in a background thread; every connection is recorded (with the
first bytes it sent) and answered with a small valid body, so a client that
did connect would have succeeded, not just failed quietly. ``listener.url``
is its base URL; ``listener.seen`` lists what arrived.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

JSON_LD = ("application/ld+json", b"{}")
NO_SOLUTIONS = ("application/sparql-results+json", b'{"head": {"vars": []}, "results": '
                                                   b'{"bindings": [{}]}}')


class Listener:
    """A TCP listener on 127.0.0.1 that records each connection's first bytes."""

    def __init__(self, answer: tuple[str, bytes] = JSON_LD) -> None:
        media_type, body = answer
        self.answer = (f"HTTP/1.1 200 OK\r\nContent-Type: {media_type}\r\nContent-Length: "
                       f"{len(body)}\r\nConnection: close\r\n\r\n").encode() + body
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)  # so the accept loop sees the stop flag
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.seen: list[bytes] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._stop = False

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.seen.append(conn.recv(4096) or b"(connected, sent nothing)")
                    conn.sendall(self.answer)
                except OSError:
                    self.seen.append(b"(connected)")

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop = True
        self._thread.join(5)
        self.sock.close()
