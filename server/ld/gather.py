"""What an entity page gathers from the rest of the graph: the tables people ask for.

A Country or a Ministry: cooperations given and received (partner, topic, dates,
status), Working Group and troika seats by cycle, meetings hosted and attended, and
how many times each report mentions it. A Conference: its documents, Working Groups,
authorities and activities. A topic: its activities, consensus points and
recommendations. A Discrepancy: its claims side by side, each with its passage, and
the preferred one. Everything but the mentions comes from the cached facts
(:mod:`server.ld.facts`): a page costs one small query at most.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup

from server.ld import datasource
from server.ld.facts import DCTERMS, IACML, OA, ORG, PROV, SCHEMA
from server.ld.phrase import Phrase
from server.ld.titles import QUOTE_LENGTH, SOURCE_LANGUAGE, Namer, quoted
from server.ld.urls import base, href

Cell = Markup
#: Statements of each graph that mention the resources (their IRIs replace <IRIS>:
#: IRIs of the data, never of a request).
MENTIONS = ("SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE { VALUES ?o { <IRIS> } "
            "GRAPH ?g { ?s <https://w3id.org/iacml/ontology#mentions> ?o } } GROUP BY ?g")


@dataclass
class Section:
    """One table of an entity page: a heading, column headings, rows of HTML cells."""

    heading: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: Cell | None = None


class Gatherer:
    """Builds the sections of one page in the page's language."""

    def __init__(self, namer: Namer) -> None:
        self.n = namer
        self.lang = namer.langs[0]

    def html(self, phrase: Phrase) -> Cell:
        """A phrase as HTML in the page's language."""
        return phrase.html(self.lang)

    def link(self, iri: str) -> Cell:
        """A link to a resource's page, named by its title."""
        target = href(iri)
        name = self.n.title(iri).html(self.lang)
        return Markup('<a href="{}">{}</a>').format(target, name) if target else name

    def links(self, iris: list[str]) -> Cell:
        """Several links, comma-separated."""
        return Markup(", ").join(self.link(i) for i in sorted(set(iris)))

    def sections(self, iri: str) -> list[Section]:
        """The sections for ``iri`` by its kind (none for most kinds)."""
        types = set(self.n.index.types.get(iri, []))
        found: list[Section] = []
        if IACML + "Country" in types:
            ministries = self.n.facts.linking(iri, IACML + "ministryOf")
            found += self.agent_sections(ministries, [iri, *ministries], place=iri)
        elif IACML + "Ministry" in types:
            found += self.agent_sections([iri], [iri], place=None)
        if IACML + "Conference" in types:
            found += self.conference_sections(iri)
        if IACML + "Topic" in types:
            found += self.topic_sections(iri)
        if IACML + "Discrepancy" in types:
            found += self.discrepancy_sections(iri)
        return [s for s in found if s.rows]

    # -- a Country or a Ministry ----------------------------------------------------

    def agent_sections(self, agents: list[str], mentioned: list[str],
                       place: str | None) -> list[Section]:
        """Cooperations, seats, meetings and mentions of the ``agents`` (Ministries)."""
        return [self.cooperations(agents), self.seats(agents),
                self.meetings(agents, place), self.mentions(mentioned)]

    def _dates(self, iri: str) -> Cell:
        return self.html(self.n.when(iri))

    def cooperations(self, agents: list[str]) -> Section:
        """Cooperations the agents gave, received or took part in without direction."""
        f = self.n.facts
        section = Section(_("Cooperations given and received"),
                          [_("Cooperation"), _("Role"), _("Partner"), _("Topic"), _("Dates"),
                           _("Status")])
        seen: set[tuple[str, str]] = set()
        for agent in agents:
            sides = ((IACML + "provider", _("gave"), IACML + "recipient"),
                     (IACML + "recipient", _("received"), IACML + "provider"),
                     (IACML + "party", _("took part (no direction stated)"), IACML + "party"))
            for prop, role, other in sides:
                for coop in f.linking(agent, prop):
                    directed = f.iris(coop, IACML + "provider") or f.iris(coop, IACML + "recipient")
                    if (prop == IACML + "party" and directed) or (coop, agent) in seen:
                        continue
                    seen.add((coop, agent))
                    partners = [p for p in f.iris(coop, other) if p != agent]
                    section.rows.append([
                        self.link(coop), Markup.escape(role), self.links(partners),
                        self.links(f.iris(coop, DCTERMS + "subject")), self._dates(coop),
                        self.links(f.iris(coop, IACML + "status"))])
        section.rows.sort(key=lambda r: (str(r[4]), str(r[0])))
        return section

    def seats(self, agents: list[str]) -> Section:
        """Working Group, troika and Conference seats, by cycle."""
        f = self.n.facts
        section = Section(_("Seats by cycle"), [_("Cycle"), _("Seat"), _("Role")])
        for agent in agents:
            for seat in f.linking(agent, ORG + "member"):
                section.rows.append([self.links(f.iris(seat, IACML + "cycle")), self.link(seat),
                                     self.links(f.iris(seat, ORG + "role"))])
        section.rows.sort(key=lambda r: (str(r[0]), str(r[1])))
        return section

    def meetings(self, agents: list[str], place: str | None) -> Section:
        """Activities the agents took part in (with their role), and those held in the
        place (a country, or one of its cities)."""
        f = self.n.facts
        section = Section(_("Meetings hosted and attended"),
                          [_("Activity"), _("Dates"), _("Role")])
        roles: dict[str, set[str]] = {}
        for agent in agents:
            for participation in f.linking(agent, IACML + "participant"):
                for activity in f.linking(participation, IACML + "participation"):
                    roles.setdefault(activity, set()).update(
                        f.iris(participation, IACML + "participantRole"))
        held_in: set[str] = set()
        if place:
            places = [place, *f.linking(place, SCHEMA + "containedInPlace")]
            held_in = {a for p in places for a in f.linking(p, SCHEMA + "location")
                       if IACML + "BilateralCooperation" not in self.n.index.types.get(a, [])}
        for activity in sorted(set(roles) | held_in):
            role = self.links(sorted(roles.get(activity, set())))
            if activity in held_in:
                role = Markup("; ").join(x for x in (role, Markup.escape(_("held here"))) if x)
            section.rows.append([self.link(activity), self._dates(activity), role])
        section.rows.sort(key=lambda r: str(r[1]))
        return section

    def mentions(self, iris: list[str]) -> Section:
        """How many statements of each report mention the resources (the report
        transcribed into the text ``id/source/NNN``, whose graph is ``graph/source/NNN``)."""
        section = Section(_("Mentions per report"), [_("Report"), _("Mentions")])
        rows = datasource.select(MENTIONS.replace("<IRIS>", " ".join(f"<{i}>" for i in iris)))
        counts = Counter({str(r["g"].value): int(r["n"].value) for r in rows})
        root = base()
        for graph, count in sorted(counts.items()):
            if graph.startswith(root + "graph/source/"):  # not the derived views
                source = root + "id/" + graph[len(root + "graph/"):]
                section.rows.append([self.link(self.n.report(source)),
                                     Markup.escape(str(count))])
        return section

    # -- a Conference -----------------------------------------------------------------

    def conference_sections(self, conference: str) -> list[Section]:
        """Documents, Working Groups, authorities and activities of a Conference."""
        f = self.n.facts
        documents = Section(_("Documents"), [_("Document"), _("Relation")])
        for doc in f.linking(conference, IACML + "adoptedAt"):
            documents.rows.append([self.link(doc), Markup.escape(_("adopted at it"))])
        for doc in f.linking(conference, IACML + "reportTo"):
            documents.rows.append([self.link(doc), Markup.escape(_("reported to it"))])
        groups = sorted({g for d in f.linking(conference, IACML + "adoptedAt")
                         for g in f.linking(d, IACML + "establishedBy")})
        cycles = sorted({c for g in groups for c in f.iris(g, IACML + "cycle")} |
                        {c for m in f.linking(conference, ORG + "organization")
                         for c in f.iris(m, IACML + "cycle")})
        wgs = Section(_("Working Groups"), [_("Working Group"), _("Cycle")])
        wgs.rows = [[self.link(g), self.links(f.iris(g, IACML + "cycle"))] for g in groups]
        authorities = Section(_("Authorities"), [_("Seat"), _("Held by")])
        for cycle in cycles:
            for seat in f.linking(cycle, IACML + "cycle"):
                if IACML + "Membership" in self.n.index.types.get(seat, []):
                    authorities.rows.append([self.link(seat),
                                             self.links(f.iris(seat, ORG + "member"))])
        authorities.rows.sort(key=lambda r: str(r[0]))
        activities = Section(_("Activities of its cycle"), [_("Activity"), _("Dates")])
        for cycle in cycles:
            for activity in f.linking(cycle, IACML + "cycle"):
                types = self.n.index.types.get(activity, [])
                if IACML + "Activity" in types:
                    activities.rows.append([self.link(activity), self._dates(activity)])
        activities.rows.sort(key=lambda r: (not str(r[1]), str(r[1]), str(r[0])))
        return [documents, wgs, authorities, activities]

    # -- a topic ----------------------------------------------------------------------

    def topic_sections(self, topic: str) -> list[Section]:
        """Activities, consensus points and recommendations on a topic."""
        f = self.n.facts
        on_topic = f.linking(topic, DCTERMS + "subject")
        kinds = ((IACML + "Activity", _("Activities"), _("Activity")),
                 (IACML + "ConsensusPoint", _("Consensus points"), _("Consensus point")),
                 (IACML + "Recommendation", _("Recommendations"), _("Recommendation")))
        sections = []
        for kind, heading, column in kinds:
            section = Section(heading, [column, _("Dates") if kind == IACML + "Activity"
                                        else _("Text")])
            for iri in on_topic:
                if kind not in self.n.index.types.get(iri, []):
                    continue
                second = (self._dates(iri) if kind == IACML + "Activity" else self.html(
                    self.n.term(f.one(iri, IACML + "text")).shortened(QUOTE_LENGTH)))
                section.rows.append([self.link(iri), second])
            section.rows.sort(key=lambda r: (kind == IACML + "Activity" and not str(r[1]),
                                             str(r[1]) if kind == IACML + "Activity" else "",
                                             str(r[0])))
            sections.append(section)
        return sections

    # -- a Discrepancy ----------------------------------------------------------------

    def discrepancy_sections(self, discrepancy: str) -> list[Section]:
        """The claims side by side: what each source says, its passage, which is
        preferred."""
        f = self.n.facts
        claims = f.iris(discrepancy, IACML + "claim")
        preferred = set(f.iris(discrepancy, IACML + "preferredClaim"))
        section = Section(_("The claims side by side"),
                          ["", *(self.n.sources(c).text for c in claims)])
        section.rows.append([Markup.escape(_("Claim")), *(self.link(c) for c in claims)])
        section.rows.append([Markup.escape(_("Value")),
                             *(self.html(self.n.claimed(c)) for c in claims)])
        passages = []
        for claim in claims:
            quotes = [self.html(quoted(Phrase.of(text, SOURCE_LANGUAGE)))
                      for p in f.iris(claim, PROV + "wasDerivedFrom")
                      for s in f.iris(p, OA + "hasSelector")
                      if (text := f.text(s, OA + "exact")) is not None]
            passages.append(Markup("<br>").join(quotes))
        section.rows.append([Markup.escape(_("Passage")), *passages])
        section.rows.append([Markup.escape(_("Preferred")),
                             *(Markup.escape(_("preferred") if c in preferred else "")
                               for c in claims)])
        return [section]
