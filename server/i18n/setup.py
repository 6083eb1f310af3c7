"""Wiring of the interface languages into the app: the URL prefix, Flask-Babel, the
first-visit landing and what every template needs to link the other language."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, redirect, request
from flask_babel import Babel

from server.i18n.catalogues import EXTENSION_KEY, CatalogueDomain, compile_language
from server.i18n.languages import (
    LANGUAGES,
    NAMES,
    chosen_by_url,
    current_language,
    page_url,
    preferred_by_client,
)
from server.i18n.prefix import LanguagePrefix


def init_app(app: Flask) -> None:
    """Give ``app`` its language prefixes, catalogues and language hooks."""
    app.wsgi_app = LanguagePrefix(app.wsgi_app)  # type: ignore[method-assign]
    app.extensions[EXTENSION_KEY] = {lang: compile_language(lang) for lang in LANGUAGES[1:]}
    babel = Babel(app, default_locale=LANGUAGES[0], locale_selector=current_language)
    babel.domain_instance = CatalogueDomain()
    app.after_request(_land_and_label)
    app.context_processor(_language_context)


def _land_and_label(response: Response) -> Response:
    """An unprefixed HTML page goes to the client's language on a first visit; every
    HTML page says its language."""
    if response.mimetype != "text/html":
        return response
    if not chosen_by_url():
        response.vary.add("Accept-Language")
        landing = preferred_by_client()
        if (landing != LANGUAGES[0] and request.method in ("GET", "HEAD")
                and response.status_code == 200):
            moved = redirect(page_url(landing), code=303)
            moved.vary.add("Accept-Language")
            return moved  # type: ignore[return-value]
    response.headers["Content-Language"] = current_language()
    return response


def _language_context() -> dict[str, Any]:
    """``page_language``, the language switch and the ``hreflang`` alternates."""
    here = current_language()
    return {
        "page_language": here,
        "language_links": [
            {"code": lang, "name": NAMES[lang], "href": page_url(lang), "current": lang == here}
            for lang in LANGUAGES],
        "default_page_url": page_url(None),
    }
