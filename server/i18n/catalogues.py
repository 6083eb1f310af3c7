"""The message catalogues: one ``.po`` file per area and language, read at start.

Each area of the interface keeps its own catalogue
(``server/i18n/catalogs/<area>/<language>/LC_MESSAGES/messages.po``) so work on one area
never conflicts with another's. They are compiled in memory when the app starts (a few
milliseconds): the server writes no compiled ``.mo`` file anywhere, and a broken
catalogue stops the start with its file and line rather than showing English.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import current_app, has_request_context
from flask_babel import Domain, get_locale

CATALOGUE_ROOT = Path(__file__).resolve().parent / "catalogs"
EXTENSION_KEY = "iacml.catalogues"


def catalogue_files(language: str, root: Path = CATALOGUE_ROOT) -> list[Path]:
    """Every area's catalogue for ``language``, in a stable order."""
    return sorted(root.glob(f"*/{language}/LC_MESSAGES/messages.po"))


def compile_language(language: str, root: Path = CATALOGUE_ROOT) -> Translations:
    """All areas' catalogues of ``language`` merged into one set of translations
    (fuzzy and empty entries left out: they show the English text)."""
    merged = Translations()
    for path in catalogue_files(language, root):
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=language)
        buffer = BytesIO()
        write_mo(buffer, catalogue)
        buffer.seek(0)
        merged.merge(Translations(fp=buffer))
    return merged


class CatalogueDomain(Domain):  # type: ignore[misc]
    """Flask-Babel's domain, reading the translations compiled at start instead of
    ``.mo`` files from a ``translations/`` folder."""

    def get_translations(self) -> Any:
        """The translations of the request's locale (none outside a request)."""
        if not has_request_context():
            return NullTranslations()
        compiled: dict[str, Translations] = current_app.extensions[EXTENSION_KEY]
        return compiled.get(str(get_locale()), NullTranslations())
