"""The languages of the interface and the language of the current request."""

from __future__ import annotations

from urllib.parse import quote

from flask import has_request_context, request

#: The interface languages, the default first.
LANGUAGES: tuple[str, ...] = ("en", "es")

#: The WSGI environ keys :mod:`server.i18n.prefix` sets.
LANGUAGE_KEY = "iacml.language"
ROOT_KEY = "iacml.script_root"

#: Each language's name in itself, for the language switch.
NAMES = {"en": "English", "es": "Español"}


def current_language() -> str:
    """The language of the page being answered: its URL prefix, else the default."""
    if not has_request_context():
        return LANGUAGES[0]
    return str(request.environ.get(LANGUAGE_KEY, LANGUAGES[0]))


def chosen_by_url() -> bool:
    """Whether the request's URL names its language (``/en/...`` or ``/es/...``)."""
    return LANGUAGE_KEY in request.environ


def preferred_by_client() -> str:
    """The interface language the request's Accept-Language ranks first (the default
    when it names neither)."""
    best = request.accept_languages.best_match(LANGUAGES)
    return best or LANGUAGES[0]


def page_url(language: str | None) -> str:
    """The current page's URL in ``language`` (``None``: the unprefixed x-default URL),
    path and query string kept."""
    root = str(request.environ.get(ROOT_KEY, request.script_root))
    prefix = f"/{language}" if language else ""
    # the decoded path encoded again: what a client sent (a line break, a quote) can
    # only reach a Location header or an href as %-escapes
    path = quote(request.path, safe="/:@!$&'()*+,;=~")
    query = quote(request.query_string.decode("latin-1"), safe="=&+%/:,;@!$'()*~?")
    return root + prefix + path + (f"?{query}" if query else "")
