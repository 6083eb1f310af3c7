"""Write tokens, and the submission graphs each may write.

``IACML_WRITE_TOKEN`` holds ``name:token`` pairs. The token named ``alice`` may
write ``graph/submissions/alice`` and the graphs whose name starts with
``alice-`` (``alice-2026``...); since token names contain no ``-``, no writer's
graphs are another's. ``IACML_ADMIN_TOKEN`` holds tokens (``name:token`` too)
that may write every submission graph. A token is compared with every
configured token in constant time.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from flask import Request

from iacml.journal import SUBMISSIONS_PREFIX, submission_name

WRITES_OFF = ("writes are off: this endpoint is read-only (no IACML_WRITE_TOKEN is "
              "configured; the guarded write path needs one)")
#: A token name: it starts every graph name its token may write, so it has no '-'.
TOKEN_NAME = re.compile(r"^[a-z0-9]{1,64}$")


class TokenRefused(Exception):
    """A request the tokens do not allow: HTTP status, message, headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Writer:
    """Who holds a valid token: its name, and whether it is an admin token."""

    name: str
    admin: bool = False

    def may_write(self, graph: str) -> bool:
        """True if this writer may change the submission graph ``graph``."""
        name = submission_name(graph)
        if name is None:
            return False
        return self.admin or name == self.name or name.startswith(self.name + "-")

    def allowed(self) -> str:
        """The graphs this writer may write, for a 403 message."""
        if self.admin:
            return f"every submission graph <{SUBMISSIONS_PREFIX}NAME>"
        return (f"<{SUBMISSIONS_PREFIX}{self.name}> and <{SUBMISSIONS_PREFIX}{self.name}-...> "
                "(lower-case letters, digits and hyphens after the hyphen)")

    def check(self, graph: str) -> None:
        """TokenRefused 403 naming the allowed graphs unless this writer may write ``graph``."""
        if not self.may_write(graph):
            raise TokenRefused(403, f"the token '{self.name}' may not write <{graph}>: it may "
                                    f"write {self.allowed()}")


def parse_tokens(setting: str, admin: bool = False) -> dict[str, Writer]:
    """``name:token`` pairs (space or comma separated) → {token: Writer}; a token without
    a name is called ``writer`` (``admin`` for admin tokens). ValueError for a name that
    is not lower-case letters and digits."""
    tokens: dict[str, Writer] = {}
    for part in setting.replace(",", " ").split():
        name, sep, token = part.partition(":")
        if not sep:
            name, token = ("admin" if admin else "writer"), part
        if not TOKEN_NAME.match(name):
            setting = "IACML_ADMIN_TOKEN" if admin else "IACML_WRITE_TOKEN"
            raise ValueError(f"token name {name!r} in {setting}: use 1-64 lower-case letters "
                             "and digits (no '-': a name starts the names of the graphs it "
                             "may write)")
        if token:
            tokens[token] = Writer(name, admin)
    return tokens


def authorise(request: Request, write_setting: str, admin_setting: str = "") -> Writer:
    """The writer holding the request's bearer token; TokenRefused 403 when writes are
    off or the token is wrong, 401 when it is missing."""
    tokens = {**parse_tokens(write_setting), **parse_tokens(admin_setting, admin=True)}
    if not tokens:
        raise TokenRefused(403, WRITES_OFF)
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise TokenRefused(401, "a write needs the header Authorization: Bearer <token>",
                           headers={"WWW-Authenticate": 'Bearer realm="iacml"'})
    given_b = given.strip().encode("utf-8")
    found = None
    for token, writer in tokens.items():  # compare with every token, in constant time
        if hmac.compare_digest(given_b, token.encode("utf-8")):
            found = writer
    if found is None:
        raise TokenRefused(403, "the bearer token is not a write token of this server",
                           headers={"WWW-Authenticate": 'Bearer realm="iacml", '
                                                        'error="invalid_token"'})
    return found
