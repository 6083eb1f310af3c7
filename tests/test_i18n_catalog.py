"""Every interface string has its Spanish (issue 15 item 7): the strings marked for
translation in server/ (as ``babel.cfg`` says where to look) against the Spanish
catalogues of every area (``server/i18n/catalogs/*/es``)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from server.i18n.catalogues import catalogue_files

ROOT = Path(__file__).resolve().parents[1]


def _marked_strings() -> dict[str, str]:
    """Every msgid marked in server/ -> where it was first found."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, str] = {}
    # Flask-Babel's lazy forms too (module-level strings, translated when shown)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
    for filename, line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"{filename}:{line}")
    return found


def _spanish() -> dict[str, str]:
    translated: dict[str, str] = {}
    for path in catalogue_files("es"):
        with path.open("rb") as handle:
            for entry in read_po(handle, locale="es"):
                if entry.id and entry.string and not entry.fuzzy:
                    key = entry.id[0] if isinstance(entry.id, tuple) else entry.id
                    translated[key] = path.parent.parent.parent.name
    return translated


def test_the_interface_marks_strings_for_translation() -> None:
    marked = _marked_strings()
    assert "IACML knowledge graph" in marked  # base.html's title: the extraction works


def test_every_marked_string_has_its_spanish() -> None:
    spanish = _spanish()
    missing = [f"{where}: {msgid!r}" for msgid, where in sorted(_marked_strings().items())
               if msgid not in spanish]
    assert not missing, "strings without Spanish (add them to your area's catalogue):\n" + \
        "\n".join(missing)
