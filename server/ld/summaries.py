"""The one-line summary of every resource: what a reader first wants to know of it
(a figure's value, unit and source; a claim's value and source; a passage's quote; a
membership's holder and cycle), in the page's language, from the same cached facts
and labels as the titles (:mod:`server.ld.titles`).

Usage: ``summary(namer(), iri).text`` (plain) or ``.html(page_language)``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from server.ld.facts import DCTERMS, IACML, OA, ORG, SCHEMA
from server.ld.phrase import Phrase, fill, joined
from server.ld.titles import QUOTE_LENGTH, SOURCE_LANGUAGE, Namer, number, quoted


def summary(n: Namer, iri: str) -> Phrase:
    """One sentence on the resource (empty when there is nothing more to say)."""
    types = set(n.index.types.get(iri, []))
    rules: list[tuple[str, Callable[[Namer, str], Phrase]]] = [
        (IACML + "Membership", _membership_summary),
        (IACML + "Participation", _participation_summary),
        (IACML + "ReportedFigure", _figure_summary),
        (IACML + "Claim", _claim_summary),
        (IACML + "Discrepancy", _discrepancy_summary),
        (IACML + "Passage", _passage_summary),
        (IACML + "Ministry", _ministry_summary),
        (IACML + "Country", _country_summary),
        (IACML + "Contribution", _contribution_summary),
        (IACML + "BilateralCooperation", _cooperation_summary),
        (IACML + "Partnership", _partnership_summary),
        (IACML + "DocumentPart", _part_summary)]
    for kind, rule in rules:
        if kind in types:
            found = rule(n, iri)
            if found:
                return found
    if n.facts.linking(iri, OA + "hasSelector"):
        return _selector_summary(n, iri)
    return _general_summary(n, iri)


def _membership_summary(n: Namer, iri: str) -> Phrase:
    member = n.facts.iris(iri, ORG + "member")
    cycle = n.facts.iris(iri, IACML + "cycle")
    sources = n.sources(iri)
    if not (member and cycle and sources):
        return Phrase()
    return fill(_("Held by %(member)s (%(cycle)s), according to %(sources)s."),
                member=n.names(member), cycle=n.name(cycle[0]), sources=sources)


def _participation_summary(n: Namer, iri: str) -> Phrase:
    role = n.facts.iris(iri, IACML + "participantRole")
    who = n.facts.iris(iri, IACML + "participant")
    activity = n.facts.linking(iri, IACML + "participation")
    sources = n.sources(iri)
    if not (role and who and activity and sources):
        return Phrase()
    places = [n.name(p) for p in n.facts.iris(activity[0], SCHEMA + "location")]
    facts = joined([n.kind(activity[0]), n.when(activity[0]), *places])
    return fill(_("%(who)s as %(role)s; the activity: %(activity)s; according to "
                  "%(sources)s."), who=n.names(who), role=n.name(role[0]),
                activity=facts, sources=sources)


def _figure_summary(n: Namer, iri: str) -> Phrase:
    figure = n.figure(iri)
    about = n.facts.iris(iri, IACML + "about")
    sources = n.sources(iri)
    if not (figure and sources):
        return Phrase()
    as_of = n.facts.text(iri, IACML + "asOf")
    details = joined([fill(_("about %(about)s"), about=n.names(about)) if about
                      else Phrase(),
                      fill(_("as of %(date)s"), date=Phrase.of(as_of)) if as_of
                      else Phrase()])
    if details:
        return fill(_("%(figure)s (%(details)s), according to %(sources)s."),
                    figure=figure, details=details, sources=sources)
    return fill(_("%(figure)s, according to %(sources)s."), figure=figure,
                sources=sources)


def _claim_summary(n: Namer, iri: str) -> Phrase:
    discrepancy = n.facts.linking(iri, IACML + "claim")
    if not discrepancy:
        return Phrase()
    preferred = iri in n.facts.iris(discrepancy[0], IACML + "preferredClaim")
    template = (_("%(sources)s says %(value)s (the preferred claim of the %(discrepancy)s).")
                if preferred else
                _("%(sources)s says %(value)s (a claim of the %(discrepancy)s)."))
    return fill(template, sources=n.sources(iri),
                value=quoted(n.claimed(iri).shortened(QUOTE_LENGTH)),
                discrepancy=n.lowered(discrepancy[0]))


def _discrepancy_summary(n: Namer, iri: str) -> Phrase:
    preferred = set(n.facts.iris(iri, IACML + "preferredClaim"))
    sides = []
    for claim in n.facts.iris(iri, IACML + "claim"):
        template = (_("%(sources)s: %(value)s (preferred)") if claim in preferred
                    else _("%(sources)s: %(value)s"))
        sides.append(fill(template, sources=n.sources(claim),
                          value=quoted(n.claimed(claim).shortened(QUOTE_LENGTH // 2))))
    return joined(sides, "; ") + Phrase.of(".") if sides else Phrase()


def _passage_summary(n: Namer, iri: str) -> Phrase:
    selectors = n.facts.iris(iri, OA + "hasSelector")
    exact = next((n.facts.text(s, OA + "exact") for s in selectors
                  if n.facts.text(s, OA + "exact") is not None), None)
    source = n.facts.iris(iri, OA + "hasSource")
    if exact is None or not source:
        return Phrase()
    return fill(_("%(report)s: %(quote)s"), report=n.name(n.report(source[0])),
                quote=quoted(Phrase.of(exact, SOURCE_LANGUAGE).shortened(QUOTE_LENGTH)))


def _selector_summary(n: Namer, iri: str) -> Phrase:
    passage = n.facts.linking(iri, OA + "hasSelector")[0]
    exact = n.facts.text(iri, OA + "exact")
    if exact is not None:
        return quoted(Phrase.of(exact, SOURCE_LANGUAGE).shortened(QUOTE_LENGTH))
    span = n.span(passage)
    source = n.facts.iris(passage, OA + "hasSource")
    if not (span and source):
        return Phrase()
    return fill(_("Characters %(start)s–%(end)s of %(source)s."), start=Phrase.of(span[0]),
                end=Phrase.of(span[1]), source=n.name(source[0]))


def _cooperation_summary(n: Namer, iri: str) -> Phrase:
    """How, when and where a cooperation took place, and how far it got."""
    places = [n.name(p) for p in n.facts.iris(iri, SCHEMA + "location")]
    facts = joined([*(n.name(m) for m in n.facts.iris(iri, IACML + "modality")),
                    *(n.name(s) for s in n.facts.iris(iri, IACML + "status")),
                    n.when(iri), *places])
    sources = n.sources(iri)
    if not (facts and sources):
        return Phrase()
    return fill(_("%(facts)s; according to %(sources)s."), facts=facts, sources=sources)


def _partnership_summary(n: Namer, iri: str) -> Phrase:
    topics = n.facts.iris(iri, DCTERMS + "subject")
    sources = n.sources(iri)
    if not (topics and sources):
        return Phrase()
    return fill(_("On %(topics)s; according to %(sources)s."), topics=n.names(topics),
                sources=sources)


def _ministry_summary(n: Namer, iri: str) -> Phrase:
    countries = n.facts.iris(iri, IACML + "ministryOf")
    if not countries:
        return Phrase()
    return fill(_("A ministry of %(country)s."), country=n.names(countries))


def _country_summary(n: Namer, iri: str) -> Phrase:
    ministries = n.facts.linking(iri, IACML + "ministryOf")
    if not ministries:
        return Phrase()
    return fill(_("A country; its ministries in the data: %(ministries)s."),
                ministries=n.names(ministries))


def _contribution_summary(n: Namer, iri: str) -> Phrase:
    amount = n.facts.text(iri, SCHEMA + "amount")
    text = (joined([n.term(n.facts.one(iri, SCHEMA + "currency")), number(amount),
                    n.term(n.facts.one(iri, IACML + "frequency"))], " ") if amount
            else n.term(n.facts.one(iri, SCHEMA + "description")))
    sources = n.sources(iri)
    if not (text and sources):
        return Phrase()
    return fill(_("%(facts)s; according to %(sources)s."),
                facts=text.shortened(QUOTE_LENGTH), sources=sources)


def _part_summary(n: Namer, iri: str) -> Phrase:
    text = n.term(n.facts.one(iri, IACML + "text"))
    return text.shortened(QUOTE_LENGTH) if text else Phrase()


def _general_summary(n: Namer, iri: str) -> Phrase:
    """The kind, dates and place of a resource, and where the data read it."""
    places = [n.name(p) for p in n.facts.iris(iri, SCHEMA + "location")]
    facts = joined([n.kind(iri), n.when(iri), *places])
    sources = n.sources(iri)
    if facts and sources:
        return fill(_("%(facts)s; according to %(sources)s."), facts=facts,
                    sources=sources)
    return facts + Phrase.of(".") if facts else Phrase()
