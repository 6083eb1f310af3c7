"""The parameters of a browse list, read strictly: anything wrong is a 400 or a 404 with
a sentence saying what was wrong (issue 15 item 8).

``?country=PER&year=2019&page=2&size=50&sort=-date``: one value per facet (its key:
the path under ``id/`` without the facet's folder, an ontology term's local name or a
year), the page (1 to :data:`MAX_PAGE`), the page size (1 to :data:`MAX_SIZE`) and a
sort key. Unknown parameters are refused rather than ignored, as a mistyped facet
would otherwise show the whole list as if it were the filtered one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from server.browse.kinds import YEAR, Kind

MAX_PAGE = 10_000
DEFAULT_SIZE = 20
MAX_SIZE = 200
#: Parameters of every list (the rest are facet names).
RESERVED = ("page", "size", "sort", "format")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~/-]{0,119}")
_YEAR = re.compile(r"[0-9]{4}")
_NUMBER = re.compile(r"[0-9]{1,9}")


class BrowseError(Exception):
    """A request the list cannot answer: its HTTP status and what was wrong."""

    def __init__(self, status: int, message: str) -> None:
        """Keep the status (400 or 404) and the sentence shown to the client."""
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ListRequest:
    """What a browse URL asks for, checked."""

    filters: dict[str, str] = field(default_factory=dict)
    page: int = 1
    size: int = DEFAULT_SIZE
    sort: str = "label"

    def args(self, **changes: object) -> dict[str, object]:
        """The URL parameters of this request with ``changes`` (None drops one)."""
        out: dict[str, object] = dict(self.filters)
        if self.page != 1:
            out["page"] = self.page
        if self.size != DEFAULT_SIZE:
            out["size"] = self.size
        out["sort"] = self.sort
        out.update(changes)
        return {k: v for k, v in out.items()
                if v is not None and not (k == "page" and v == 1)}


def sorts(kind: Kind) -> tuple[str, ...]:
    """The sort keys of ``kind``: by title, and by date where it has dates."""
    keys = ("label", "-label")
    return ("date", "-date", *keys) if kind.date else keys


def _number(args: MultiDict[str, str], name: str, default: int, most: int) -> int:
    text = args.get(name)
    if text is None:
        return default
    if not _NUMBER.fullmatch(text):  # ASCII digits only: "²".isdigit() is True
        raise BrowseError(400, _("The %(name)s parameter must be a whole number from 1 "
                                 "to %(most)s, not “%(value)s”.",
                                 name=name, most=most, value=text[:40]))
    value = int(text)
    if not 1 <= value <= most:
        raise BrowseError(400, _("The %(name)s parameter must be from 1 to %(most)s, "
                                 "not %(value)s.", name=name, most=most, value=value))
    return value


def parse(kind: Kind, args: MultiDict[str, str]) -> ListRequest:
    """The checked request of ``args`` for the list ``kind`` (raises BrowseError)."""
    names = [f.name for f in kind.facets]
    for name in args:
        if name not in RESERVED and kind.facet(name) is None:
            raise BrowseError(400, _("This list has no facet or parameter “%(name)s”. "
                                     "Its facets are: %(facets)s.",
                                     name=name[:40], facets=", ".join(names)))
        if len(args.getlist(name)) > 1:
            raise BrowseError(400, _("Give the parameter “%(name)s” once: a list filters "
                                     "on one value per facet.", name=name))
    request = ListRequest(page=_number(args, "page", 1, MAX_PAGE),
                          size=_number(args, "size", DEFAULT_SIZE, MAX_SIZE),
                          sort=args.get("sort", sorts(kind)[0]))
    if request.sort not in sorts(kind):
        raise BrowseError(400, _("This list cannot be sorted by “%(sort)s”: use one of "
                                 "%(sorts)s.", sort=request.sort[:40],
                                 sorts=", ".join(sorts(kind))))
    for facet in kind.facets:
        value = args.get(facet.name)
        if value is None:
            continue
        shape = _YEAR if facet.space == YEAR else _KEY
        if not shape.fullmatch(value):
            hint = (_("a year of four digits") if facet.space == YEAR
                    else _("a key such as the ones the facet links to"))
            raise BrowseError(400, _("“%(value)s” is not a value of the facet %(facet)s: "
                                     "expected %(hint)s.", value=value[:40],
                                     facet=facet.name, hint=hint))
        request.filters[facet.name] = value
    return request
