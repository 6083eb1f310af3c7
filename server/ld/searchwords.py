"""The bilingual word table of the search (issue 15 item 7): generic words and phrases of
the reports' domain in Spanish and English, so that "Ministerio de Trabajo" finds the
Ministries of Labor and "trabajo infantil" the activities on child labor, whichever
language the labels are in.

Only generic words of the domain are here, never a name: a name's Spanish form is a
label of its resource when a source or reference table gives one, and the search
matches labels in both languages already. Words are written folded (lower case, no
accents), as :func:`server.ld.search.fold` leaves a query.
"""

from __future__ import annotations

import re

#: (Spanish, English) pairs; a longer phrase is replaced before the words in it
PAIRS: tuple[tuple[str, str], ...] = (
    ("ministerios de trabajo", "ministries of labor"),
    ("ministerio del trabajo", "ministry of labor"),
    ("ministerio de trabajo", "ministry of labor"),
    ("grupos de trabajo", "working groups"),
    ("grupo de trabajo", "working group"),
    ("trabajo infantil", "child labor"),
    ("trabajo forzoso", "forced labor"),
    ("inspeccion del trabajo", "labor inspection"),
    ("inspeccion laboral", "labor inspection"),
    ("seguridad y salud en el trabajo", "occupational health and safety"),
    ("salud y seguridad ocupacional", "occupational health and safety"),
    ("seguridad social", "social security"),
    ("proteccion social", "social protection"),
    ("dialogo social", "social dialogue"),
    ("igualdad de genero", "gender equality"),
    ("formacion profesional", "professional training"),
    ("servicios de empleo", "employment services"),
    ("empleo juvenil", "youth employment"),
    ("economia informal", "informal economy"),
    ("plan de accion", "plan of action"),
    ("cooperacion bilateral", "bilateral cooperation"),
    ("visita de expertos", "experts visit"),
    ("ministerios", "ministries"),
    ("ministerio", "ministry"),
    ("trabajo", "labor"),
    ("empleo", "employment"),
    ("teletrabajo", "telework"),
    ("conferencia", "conference"),
    ("cooperacion", "cooperation"),
    ("taller", "workshop"),
    ("talleres", "workshops"),
    ("reunion", "meeting"),
    ("reuniones", "meetings"),
    ("genero", "gender"),
    ("migracion", "migration"),
    ("discriminacion", "discrimination"),
    ("informe", "report"),
    ("declaracion", "declaration"),
    ("recomendacion", "recommendation"),
    ("recomendaciones", "recommendations"),
    ("pais", "country"),
    ("paises", "countries"),
    ("organizacion", "organization"),
    ("pandemia", "pandemic"),
    ("capacitacion", "training"),
    ("juventud", "youth"),
)
#: spelling variants within English (the reports write "labor"; the ILO "labour")
VARIANTS: tuple[tuple[str, str], ...] = (("labour", "labor"),)


def _replace_all(text: str, pairs: list[tuple[str, str]]) -> str:
    """``text`` with every phrase of ``pairs`` (longest first) replaced, whole words only,
    each part of the text replaced at most once."""
    ordered = sorted(pairs, key=lambda pair: -len(pair[0]))
    pattern = re.compile(r"\b(" + "|".join(re.escape(a) for a, _ in ordered) + r")\b")
    table = dict(ordered)
    return pattern.sub(lambda m: table[m.group(1)], text)


_TO_ENGLISH = list(PAIRS) + list(VARIANTS)
_TO_SPANISH = [(en, es) for es, en in PAIRS]


def variants(folded: str) -> list[str]:
    """The folded query and its readings in the other language (the query first; no
    duplicates): "ministerio de trabajo" also reads "ministry of labor"."""
    out = [folded]
    for pairs in (_TO_ENGLISH, _TO_SPANISH):
        other = _replace_all(folded, pairs)
        if other not in out:
            out.append(other)
    return out
