"""The interface in English and Spanish.

The language is part of every page's URL: ``/es/...`` is Spanish, ``/en/...`` English
(:mod:`server.i18n.prefix` moves the prefix into ``SCRIPT_NAME``, so ``url_for`` keeps
the language without any route knowing about it). An unprefixed page is the
``x-default`` one: English, unless the request's Accept-Language prefers Spanish, when
it answers 303 to the ``/es/`` page (a first visit lands in its language; a link or a
bookmark with a prefix never moves). Interface strings come from the message
catalogues of :mod:`server.i18n.catalogues` through Flask-Babel.
"""

from __future__ import annotations

from server.i18n.languages import LANGUAGES, current_language
from server.i18n.setup import init_app

__all__ = ["LANGUAGES", "current_language", "init_app"]
