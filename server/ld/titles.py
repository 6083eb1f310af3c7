"""A human title and a one-line summary for every resource of the graph.

A resource the data labels is titled by its label; a node the data leaves unlabelled (a
membership, a participation, a reported figure, a claim, a discrepancy, a passage...) is
titled by what it links: "Chair of Working Group 1 of the XX IACML: Ministry of Labor of
Ecuador". The summary says in one sentence what a reader first wants to know (a figure's
value, unit and source; a passage's quote). Everything is read from
:mod:`server.ld.facts` and :mod:`server.ld.labels`, both cached per data version, so
pages, browse lists and search results title any resource without a query.

Usage: ``namer().title(iri).text`` (plain) or ``.html(page_language)``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from flask_babel import format_decimal
from flask_babel import gettext as _

from server.ld import labels
from server.ld.describe import Term
from server.ld.facts import DCTERMS, ELI, IACML, OA, ORG, PROV, SCHEMA, Facts, facts
from server.ld.labels import LabelIndex
from server.ld.phrase import Phrase, fill, joined

QUOTE_LENGTH = 240
#: The language of the five source texts (the English editions of the reports).
SOURCE_LANGUAGE = "en"
ROLE_TITLES: dict[str, Callable[[], str]] = {
    IACML + "Chair": lambda: _("Chair of %(org)s: %(member)s"),
    IACML + "ViceChair": lambda: _("Vice-chair of %(org)s: %(member)s"),
    IACML + "TroikaMember": lambda: _("Member of %(org)s: %(member)s"),
    IACML + "ConferenceChair": lambda: _("Chair of %(org)s: %(member)s"),
}
PARTICIPATION_TITLES: dict[str, Callable[[], str]] = {
    IACML + "Organizer": lambda: _("Organizer of %(activity)s: %(who)s"),
    IACML + "CoOrganizer": lambda: _("Co-organizer of %(activity)s: %(who)s"),
    IACML + "Host": lambda: _("Host of %(activity)s: %(who)s"),
    IACML + "Funder": lambda: _("Funder of %(activity)s: %(who)s"),
    IACML + "Participant": lambda: _("Participant in %(activity)s: %(who)s"),
    IACML + "Partner": lambda: _("Partner in %(activity)s: %(who)s"),
}


class Namer:
    """Titles and summaries in the page's languages (``langs[0]`` is the page's)."""

    def __init__(self, facts: Facts, index: LabelIndex, langs: tuple[str, ...],
                 reports: dict[str, str] | None = None) -> None:
        self.facts, self.index, self.langs = facts, index, langs
        #: named graph of a source text -> the report transcribed into it
        self.reports = reports or {}
        self._titles: dict[str, Phrase] = {}

    # -- names of the resources a title links ---------------------------------------

    def name(self, iri: str) -> Phrase:
        """What a title calls a linked resource: its label in the page's language, else
        in the language the data gives, else its own generated title."""
        stated = self.index.stated(iri, self.langs)
        if stated is not None:
            return self._labelled(*stated)
        return self.title(iri)

    def _labelled(self, text: str, lang: str) -> Phrase:
        same = not lang or lang.lower().split("-")[0] == self.langs[0]
        return Phrase.of(text, "" if same else lang)

    def term(self, term: Term | None) -> Phrase:
        """A value as a title quotes it: a resource by name, a literal as printed."""
        if isinstance(term, ox.NamedNode):
            return self.name(term.value)
        if isinstance(term, ox.Literal):
            return self._labelled(term.value, term.language or "")
        return Phrase()

    def names(self, iris: list[str]) -> Phrase:
        """Several resources by name, in a stable order."""
        return joined(sorted((self.name(i) for i in iris), key=lambda p: p.text))

    def kind_of(self, iri: str) -> str | None:
        """The most specific project class of ``iri`` (a general class such as Activity
        or Document only when no other is stated)."""
        types = self.index.types.get(iri, [])
        general = {IACML + "Activity", IACML + "DocumentPart", IACML + "Organization",
                   IACML + "ListItem", IACML + "Document", IACML + "Report"}
        ours = sorted(t for t in types if t.startswith(IACML))
        specific = [t for t in ours if t not in general] or ours
        return specific[0] if specific else None

    def kind(self, iri: str) -> Phrase:
        """The most specific project class of ``iri`` by its label."""
        found = self.kind_of(iri)
        return self.name(found) if found else Phrase()

    def sources(self, iri: str) -> Phrase:
        """The reports ``iri`` was read from (through its passages' source texts)."""
        found = {s for p in self.facts.iris(iri, PROV + "wasDerivedFrom")
                 for s in self.facts.iris(p, OA + "hasSource")}
        # "; " between them: a report's name may hold a comma ("..., 2018-2021")
        return joined(sorted((self.name(self.report(s)) for s in found), key=lambda p: p.text),
                      "; ")

    def report(self, source: str) -> str:
        """The report transcribed into a source text (``id/source/003``), or the text."""
        graph = source.replace("/id/source/", "/graph/source/", 1)
        return self.reports.get(graph, source)

    def when(self, iri: str) -> Phrase:
        """The dates of an event: one date, or start – end."""
        start = self.facts.text(iri, SCHEMA + "startDate")
        end = self.facts.text(iri, SCHEMA + "endDate")
        if start and end and start != end:
            return Phrase.of(f"{start} – {end}")
        return Phrase.of(start or end or "")

    def document(self, iri: str) -> str | None:
        """The whole document a part belongs to (following ``eli:is_part_of`` up)."""
        seen = {iri}
        current = iri
        while True:
            parents = self.facts.iris(current, ELI + "is_part_of")
            if not parents or parents[0] in seen:
                return current if current != iri else None
            current = parents[0]
            seen.add(current)

    # -- titles ---------------------------------------------------------------------

    def title(self, iri: str) -> Phrase:
        """The resource's title (generated once per request)."""
        if iri not in self._titles:
            self._titles[iri] = Phrase.of("…")  # a cycle of links names nothing twice
            stated = self.index.stated(iri, self.langs)
            self._titles[iri] = (self._labelled(*stated) if stated is not None
                                 else self._generated(iri))
        return self._titles[iri]

    def _generated(self, iri: str) -> Phrase:
        types = set(self.index.types.get(iri, []))
        for kind, rule in self._title_rules():
            if kind in types:
                found = rule(iri)
                if found:
                    return found
        if self.facts.linking(iri, OA + "hasSelector"):
            return self._selector_title(iri)
        return self._fallback(iri)

    def _title_rules(self) -> list[tuple[str, Callable[[str], Phrase]]]:
        return [(IACML + "Membership", self._membership_title),
                (IACML + "Participation", self._participation_title),
                (IACML + "ReportedFigure", self.figure),
                (IACML + "Claim", self._claim_title),
                (IACML + "Discrepancy", self._discrepancy_title),
                (IACML + "Partnership", self._partnership_title),
                (IACML + "Contribution", self._contribution_title),
                (IACML + "Passage", self._passage_title),
                (IACML + "BilateralCooperation", self._cooperation_title),
                (IACML + "ListItem", self._item_title),
                (IACML + "DocumentPart", self._part_title),
                (IACML + "Activity", self._activity_title)]

    def _membership_title(self, iri: str) -> Phrase:
        role = self.facts.iris(iri, ORG + "role")
        org = self.facts.iris(iri, ORG + "organization")
        member = self.facts.iris(iri, ORG + "member")
        if not (role and org and member):
            return Phrase()
        template = ROLE_TITLES.get(role[0])
        if template is None:
            return fill(_("%(role)s of %(org)s: %(member)s"), role=self.name(role[0]),
                        org=self.name(org[0]), member=self.names(member))
        return fill(template(), org=self.name(org[0]), member=self.names(member))

    def _participation_title(self, iri: str) -> Phrase:
        role = self.facts.iris(iri, IACML + "participantRole")
        who = self.facts.iris(iri, IACML + "participant")
        activity = self.facts.linking(iri, IACML + "participation")
        if not (role and who and activity):
            return Phrase()
        template = PARTICIPATION_TITLES.get(role[0])
        values = {"activity": self.name(activity[0]), "who": self.names(who)}
        if template is None:
            return fill(_("%(role)s in %(activity)s: %(who)s"), role=self.name(role[0]),
                        **values)
        return fill(template(), **values)

    def figure(self, iri: str) -> Phrase:
        """A reported figure as printed: qualifier, value, unit ("more than 25 countries")."""
        value = self.facts.text(iri, SCHEMA + "value")
        if value is None:
            return Phrase()
        qualifier = self.term(self.facts.one(iri, IACML + "qualifier"))
        unit = self.term(self.facts.one(iri, SCHEMA + "unitText"))
        return joined([qualifier, number(value), unit], " ")

    def claimed(self, iri: str) -> Phrase:
        """The value a claim states."""
        return joined([self.term(t) for t in self.facts.values(iri, IACML + "claimedValue")])

    def _claim_title(self, iri: str) -> Phrase:
        value = self.claimed(iri)
        sources = self.sources(iri)
        if not (value and sources):
            return Phrase()
        return fill(_("Claim of %(sources)s: %(value)s"), sources=sources,
                    value=value.shortened(QUOTE_LENGTH))

    def _discrepancy_title(self, iri: str) -> Phrase:
        prop = self.facts.iris(iri, IACML + "property")
        subject = self.facts.iris(iri, IACML + "concerns")
        if not (prop and subject):
            return Phrase()
        return fill(_("Discrepancy on the %(property)s of %(subject)s"),
                    property=self.name(prop[0]), subject=self.names(subject))

    def _partnership_title(self, iri: str) -> Phrase:
        partners = self.facts.iris(iri, IACML + "partner")
        if len(partners) < 2:
            return Phrase()
        ordered = sorted((self.name(p) for p in partners), key=lambda p: p.text)
        return fill(_("Partnership of %(first)s and %(second)s"),
                    first=joined(ordered[:-1]), second=ordered[-1])

    def _contribution_title(self, iri: str) -> Phrase:
        who = self.facts.iris(iri, IACML + "contributor")
        fund = (self.facts.iris(iri, IACML + "recipientFund")
                or self.facts.iris(iri, SCHEMA + "fundedItem"))
        if not (who and fund):
            return Phrase()
        return fill(_("Contribution of %(who)s to %(fund)s"), who=self.names(who),
                    fund=self.name(fund[0]))

    def _passage_title(self, iri: str) -> Phrase:
        source = self.facts.iris(iri, OA + "hasSource")
        span = self.span(iri)
        if not (source and span):
            return Phrase()
        return fill(_("Passage of %(source)s, characters %(start)s–%(end)s"),
                    source=self.name(source[0]), start=Phrase.of(span[0]),
                    end=Phrase.of(span[1]))

    def span(self, passage: str) -> tuple[str, str] | None:
        """The (start, end) characters of a passage in its source text."""
        for selector in self.facts.iris(passage, OA + "hasSelector"):
            start = self.facts.text(selector, OA + "start")
            end = self.facts.text(selector, OA + "end")
            if start is not None and end is not None:
                return start, end
        return None

    def _selector_title(self, iri: str) -> Phrase:
        passage = self.facts.linking(iri, OA + "hasSelector")[0]
        if self.facts.text(iri, OA + "exact") is not None:
            return fill(_("Quote of the %(passage)s"), passage=self.lowered(passage))
        return fill(_("Position of the %(passage)s"), passage=self.lowered(passage))

    def lowered(self, passage: str) -> Phrase:
        """A passage's title inside a sentence ("the passage of …")."""
        title = self.title(passage)
        if title.parts and not title.parts[0][1]:
            first, lang = title.parts[0]
            return Phrase(((first[:1].lower() + first[1:], lang), *title.parts[1:]))
        return title

    def _country_of(self, ministry: str) -> Phrase:
        countries = self.facts.iris(ministry, IACML + "ministryOf")
        return self.name(countries[0]) if countries else self.name(ministry)

    def _cooperation_title(self, iri: str) -> Phrase:
        topic = self.term(self.facts.one(iri, IACML + "topicAsPrinted"))
        if not topic:
            subjects = self.facts.iris(iri, DCTERMS + "subject")
            topic = self.name(subjects[0]) if subjects else Phrase()
        provider = self.facts.iris(iri, IACML + "provider")
        recipient = self.facts.iris(iri, IACML + "recipient")
        if topic and provider and recipient:
            return fill(_("Cooperation on %(topic)s: %(provider)s to %(recipient)s"),
                        topic=topic, provider=joined([self._country_of(m) for m in provider]),
                        recipient=joined([self._country_of(m) for m in recipient]))
        parties = self.facts.iris(iri, IACML + "party")
        if topic and parties:
            names = sorted((self._country_of(m) for m in parties), key=lambda p: p.text)
            return fill(_("Cooperation on %(topic)s between %(first)s and %(second)s"),
                        topic=topic, first=joined(names[:-1]), second=names[-1])
        return Phrase()

    def _item_title(self, iri: str) -> Phrase:
        lists = self.facts.iris(iri, IACML + "list")
        position = self.facts.text(iri, ELI + "number") or self.facts.text(
            iri, SCHEMA + "position")
        if not (lists and position):
            return Phrase()
        document = self.document(lists[0])
        return fill(_("Item %(n)s of “%(list)s” (%(document)s)"), n=Phrase.of(position),
                    list=self.name(lists[0]),
                    document=self.name(document) if document else Phrase())

    def _part_title(self, iri: str) -> Phrase:
        number = self.facts.text(iri, ELI + "number")
        document = self.document(iri)
        if not (number and document):
            return Phrase()
        return fill(_("%(kind)s %(number)s of %(document)s"), kind=self.kind(iri),
                    number=Phrase.of(number), document=self.name(document))

    def _activity_title(self, iri: str) -> Phrase:
        topic = self.term(self.facts.one(iri, IACML + "topicAsPrinted"))
        if topic:
            return fill(_("%(kind)s: %(topic)s"), kind=self.kind(iri), topic=topic)
        places = [self.name(p) for p in self.facts.iris(iri, SCHEMA + "location")]
        if places or self.when(iri):
            return joined([self.kind(iri), *places, self.when(iri)])
        return Phrase()

    def _fallback(self, iri: str) -> Phrase:
        """A node no rule names: its kind and what links to it."""
        kind = self.kind(iri) or Phrase.of(_("Resource"))
        return fill(_("%(kind)s %(key)s"), kind=kind,
                    key=Phrase.of(iri.rstrip("/").rsplit("/", 1)[-1]))


def number(value: str) -> Phrase:
    """A printed number in the page's notation (10,000 in English, 10.000 in Spanish);
    anything else as it is."""
    try:
        return Phrase.of(format_decimal(Decimal(value)))
    except (InvalidOperation, ValueError):
        return Phrase.of(value)


def quoted(text: Phrase) -> Phrase:
    """``text`` between the quotation marks of the page's language."""
    return fill(_("“%(text)s”"), text=text)


def namer() -> Namer:
    """A namer for the current request: the served data's facts and labels, the page's
    language first."""
    found = facts()
    return Namer(found, labels.index(), labels.preferred_languages(), found.reports)
