"""``/cite/...``: the citation of what a page shows, in BibTeX, RIS and CSL-JSON.

``/cite/dataset.bib`` cites the data this server shows (its release, or the
unreleased build), ``/cite/release/<version>.ris`` one release,
``/cite/id/<...>.json`` one resource in the shown release. The box that offers
them on the pages is the template part ``cite.html`` (the landing page,
``/dataset``, every resource page, every release page).
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, abort
from markupsafe import Markup, escape

from iacml import citation
from server.ld import datasource, releaseindex, titles
from server.ld.datasource import QueryFailed
from server.ld.urls import href, iri_of

bp = Blueprint("ld_cite", __name__)
#: Characters an IRI reference may not hold (SPARQL's IRIREF): such a path names nothing.
IRI_UNSAFE = re.compile(r'[<>"{}|\\^`\x00-\x20]')

FORMATS = {  # suffix -> (media type, renderer)
    "bib": ("application/x-bibtex; charset=utf-8", citation.bibtex),
    "ris": ("application/x-research-info-systems; charset=utf-8", citation.ris),
    "json": ("application/vnd.citationstyles.csl+json",
             lambda c: json.dumps(citation.csl_json(c), indent=1, ensure_ascii=False) + "\n"),
}


@bp.app_template_global("citation_text")
def citation_text(cited: citation.Citation) -> Markup:
    """The citation as a sentence (for the box on the pages), its IRI a link to the
    page that answers it (the local page of a project IRI)."""
    sentence = citation.text(cited)
    if not sentence.endswith(cited.url):
        return escape(sentence)
    link = href(cited.url)
    shown = Markup("<a href=\"{}\">{}</a>").format(link, cited.url) if link else cited.url
    return escape(sentence[:-len(cited.url)]) + shown


def cited(target: str) -> citation.Citation | None:
    """What ``target`` (``dataset``, ``release/<version>``, ``id/...``) cites, or None."""
    if target == "dataset":
        return releaseindex.shown()
    if target.startswith("release/"):
        release = releaseindex.find(target.removeprefix("release/"))
        return citation.dataset(release.version, release.date, release.iri) if release else None
    if target.startswith("id/"):
        iri = iri_of(target)
        if IRI_UNSAFE.search(iri) or not datasource.ask(f"ASK {{ <{iri}> ?p ?o }}"):
            return None
        return citation.resource(titles.namer().title(iri).text, iri, releaseindex.shown())
    return None


@bp.route("/cite/<path:target>")
def cite(target: str) -> Response:
    """The citation of ``target`` in the format its suffix names."""
    stem, _, suffix = target.rpartition(".")
    if suffix not in FORMATS:
        abort(404)
    try:
        found = cited(stem)
    except (QueryFailed, ValueError):
        found = None
    if found is None:
        return Response(f"nothing to cite at {stem}\n", status=404,
                        content_type="text/plain; charset=utf-8")
    media, render = FORMATS[suffix]
    return Response(render(found), content_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{found.key}.{suffix}"',
                             "Access-Control-Allow-Origin": "*"})
