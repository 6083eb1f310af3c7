"""Query workers without a network of their own, and one egress path: the allow-list.

The SPARQL checks (rdflib reading every update, the SERVICE allow-list on every
query) run before pyoxigraph evaluates a text, but pyoxigraph parses the text
again itself; a text the two parsers read differently could make pyoxigraph
fetch what the check never saw. So the processes that parse and evaluate are
kept off the network below the parsers, by the kernel:

- the zygote (and so every worker it forks) moves into a network namespace of
  its own (``unshare(CLONE_NEWNET)``; unprivileged, inside a user namespace),
  where no interface leads anywhere: a LOAD, a SERVICE or a redirect to any
  address fails to connect;
- when ``IACML_SERVICE_ALLOWLIST`` names endpoints, the namespace gets one door
  per endpoint host and port: its loopback interface is brought up, each host
  name is mapped to a loopback address of its own in a private ``/etc/hosts``
  (in a mount namespace of its own), a socket listens there, and an egress
  process left outside the namespace relays each connection to that one host and
  port, and nowhere else. TLS runs end to end (the relay copies bytes), so an
  ``https`` endpoint is checked as usual. A host not on the list has no address:
  a redirect to it fails too.

Nothing here is Python-level sandboxing: the worker could run any code and still
reach only what the egress relays.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import ipaddress
import os
import selectors
import signal
import socket
import struct
import tempfile
import threading
from urllib.parse import urlsplit

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
PR_SET_PDEATHSIG = 1
#: Loopback addresses given to the allowed host names, away from 127.0.0.1.
_HOST_ADDRESSES = "127.77.0.{}"


class SandboxError(Exception):
    """The workers could not be isolated (the message says what the kernel refused)."""


def routes(allow_list: list[str]) -> dict[tuple[str, int], tuple[str, int]]:
    """Where each allowed endpoint is reached from inside the namespace:
    {(loopback address, port): (host, port) outside}; SandboxError for an endpoint
    that names a non-loopback address (it could not be given a door)."""
    doors: dict[tuple[str, int], tuple[str, int]] = {}
    names: dict[str, str] = {}
    for url in allow_list:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not host or parts.scheme not in ("http", "https"):
            raise SandboxError(f"IACML_SERVICE_ALLOWLIST: {url!r} is not an http(s) URL")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is not None and not address.is_loopback:
            raise SandboxError(f"IACML_SERVICE_ALLOWLIST: {url!r} names the address {host}; "
                               "name the endpoint by its host name")
        if address is not None:
            inside = str(address)
        elif host == "localhost":
            inside = "127.0.0.1"
        else:
            inside = names.setdefault(host, _HOST_ADDRESSES.format(len(names) + 1))
        doors[(inside, port)] = (host, port)
    return doors


def zygote_args(mode: str, allow_list: list[str]) -> tuple[str, ...]:
    """The zygote's arguments for the workers' network (IACML_WORKER_NETWORK: isolated
    or host; the allow-list names the doors)."""
    if mode not in ("isolated", "host"):
        raise ValueError(f"IACML_WORKER_NETWORK must be 'isolated' or 'host', not {mode!r}")
    args = ["--network", mode]
    for url in allow_list:
        args += ["--allow", url]
    return tuple(args)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        raise SandboxError(f"{what} failed: {os.strerror(ctypes.get_errno())}")


def _unshare(with_mounts: bool) -> None:
    flags = CLONE_NEWNET | (CLONE_NEWNS if with_mounts else 0)
    uid, gid = os.getuid(), os.getgid()
    if uid != 0:  # unprivileged: a user namespace of our own grants what the rest needs
        flags |= CLONE_NEWUSER
    _check(_libc().unshare(flags), "unshare (a network namespace for the query workers)")
    if uid != 0:
        for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"),
                           ("gid_map", f"0 {gid} 1")):
            with open(f"/proc/self/{name}", "w", encoding="ascii") as handle:
                handle.write(text)


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def _private_hosts(doors: dict[tuple[str, int], tuple[str, int]]) -> None:
    """Mount a hosts file naming only the allowed hosts over /etc/hosts, in this
    process's own mount namespace."""
    libc = _libc()
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    lines = ["127.0.0.1 localhost", "::1 localhost"]
    lines += sorted({f"{inside} {host}" for (inside, _), (host, _) in doors.items()
                     if inside.startswith("127.77.")})
    handle, path = tempfile.mkstemp(prefix="iacml-hosts-")
    try:
        os.write(handle, ("\n".join(lines) + "\n").encode("ascii", "replace"))
        os.close(handle)
        os.chmod(path, 0o644)
        _check(libc.mount(path.encode(), b"/etc/hosts", None, MS_BIND, None),
               "bind-mounting the workers' hosts file")
    finally:
        os.unlink(path)


def isolate(allow_list: list[str]) -> None:
    """Move this process (the zygote, before it loads anything or starts a thread) into
    a network namespace of its own, with one relayed door per allowed endpoint."""
    doors = routes(allow_list)
    channel = None
    if doors:
        ours, theirs = socket.socketpair()
        if os.fork() == 0:  # the egress process: it stays outside the namespace
            _close_fds_but(theirs.fileno())
            _relay(theirs)
        theirs.close()
        channel = ours
    try:
        _unshare(with_mounts=bool(doors))
        if channel is not None:
            _loopback_up()
            _private_hosts(doors)
            for (inside, port), (host, outside_port) in doors.items():
                family = socket.AF_INET6 if ":" in inside else socket.AF_INET
                with socket.socket(family, socket.SOCK_STREAM) as listener:
                    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    listener.bind((inside, port))
                    listener.listen(64)
                    socket.send_fds(channel, [f"{host} {outside_port}".encode()],
                                    [listener.fileno()])
    finally:
        if channel is not None:
            channel.close()  # the egress has every door: it serves them until we exit


def _close_fds_but(keep: int) -> None:
    """Close every file descriptor above stderr but ``keep`` (the egress must not hold
    the zygote's control socket open after the zygote is gone)."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd != keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _relay(channel: socket.socket) -> None:
    """The egress process: receive the doors, then relay each connection to its host."""
    try:
        _check(_libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL), "prctl")  # dies with us
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        selector = selectors.DefaultSelector()
        while True:
            message, fds, _flags, _address = socket.recv_fds(channel, 1024, 1)
            if not message:
                break
            host, port = message.decode().rsplit(" ", 1)
            listener = socket.socket(fileno=fds[0])
            selector.register(listener, selectors.EVENT_READ, (host, int(port)))
        channel.close()
        while True:
            for key, _events in selector.select():
                with contextlib.suppress(OSError):
                    conn, _ = key.fileobj.accept()  # type: ignore[union-attr]
                    threading.Thread(target=_pipe, args=(conn, *key.data), daemon=True).start()
    finally:
        os._exit(0)


def _pipe(inside: socket.socket, host: str, port: int) -> None:
    """Copy bytes both ways between a worker's connection and ``host``:``port``."""
    try:
        outside = socket.create_connection((host, port), timeout=30)
    except OSError:
        inside.close()
        return
    outside.settimeout(None)

    def copy(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    back = threading.Thread(target=copy, args=(outside, inside), daemon=True)
    back.start()
    copy(inside, outside)
    back.join()
    inside.close()
    outside.close()
