"""The WSGI middleware that reads the language prefix of a URL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from server.i18n.languages import LANGUAGE_KEY, LANGUAGES, ROOT_KEY

WSGIApp = Any


class LanguagePrefix:
    """Moves a leading ``/en`` or ``/es`` from ``PATH_INFO`` to ``SCRIPT_NAME``.

    Every route then answers under both prefixes with no change to its rule, and
    ``url_for`` (which starts every URL with ``SCRIPT_NAME``) keeps the page's language
    in every link it builds. The language found is left in the environ for
    :func:`server.i18n.current_language`.
    """

    def __init__(self, app: WSGIApp) -> None:
        """Wrap the WSGI application ``app``."""
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Answer one request, its language prefix moved out of the path."""
        path = environ.get("PATH_INFO", "")
        root = environ.get("SCRIPT_NAME", "")
        environ[ROOT_KEY] = root
        for language in LANGUAGES:
            prefix = "/" + language
            if path == prefix or path.startswith(prefix + "/"):
                environ["SCRIPT_NAME"] = root + prefix
                environ["PATH_INFO"] = path[len(prefix):] or "/"
                environ[LANGUAGE_KEY] = language
                break
        result: Iterable[bytes] = self.app(environ, start_response)
        return result
