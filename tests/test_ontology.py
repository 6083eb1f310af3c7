"""Tests of the OWL ontology file ontology/iacml.ttl.

They read files only (no build needed): the ontology itself, and the data,
shapes and query files whose iacml: terms must all be declared in it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from iacml.pipeline.reasoning import closure as owl_rl_closure

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_FILE = ROOT / "ontology" / "iacml.ttl"

IACML = Namespace("https://w3id.org/iacml/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/iacml/ontology")
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

TERM_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    SKOS.Concept,
    SKOS.ConceptScheme,
)
PROPERTY_TYPES = (
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
)

# Classes named in /work/shared/design/model.md (class table and "two more
# classes"), written from model.md, not from the ontology.
MODEL_CLASSES = """
MinisterialProcess Conference Cycle Activity WorkingGroupMeeting PlanningMeeting
PreparatoryMeeting AuthoritiesMeeting Workshop HemisphericDialogue
SocialPartnersDialogue Webinar Course BilateralCooperation Organization Ministry
IntergovernmentalOrganization WorkingGroup AdvisoryBody Network Body Company
AcademicInstitution CivilSocietyOrganization Fund Contribution Country City
Membership Participation Document Declaration PlanOfAction Report
WorkingGroupReport SecretariatReport DocumentPart Article ReportSection
ConsensusPoint Recommendation List ListItem MandatedTopic Product ReportedFigure
Topic SourceText Passage Discrepancy Claim
""".split()

# iacml: properties named in model.md's key-properties table and in the brief
# of the ontology (Membership/Participation/Discrepancy/Claim/ReportedFigure/
# Contribution/List/ListItem properties).
MODEL_PROPERTIES = """
text adoptedAt reportTo originalLanguage cycle establishedBy mandatedTopic follows
chairOf viceChairOf ministryOf headedBy contributor recipientFund frequency
nominalSeat participation participant participantRole party provider recipient
directionStated directionBasis modality status topicAsPrinted sessionCount
sessionDate cites mentions outcome qualifier asOf about concerns property claim
preferredClaim list
""".split()

# Controlled values the model asks for, as SKOS concepts in the iacml: namespace.
MODEL_CONCEPTS = """
Chair ViceChair TroikaMember ConferenceChair Organizer CoOrganizer Host Funder
Participant Completed Ongoing Pending InPerson Virtual OnSiteVisit ExpertsVisit
VirtualCooperation OnSiteVisitRule ExpertsVisitRule StatedInBody
""".split()

# External terms named in model.md's tables (reused, declared in section 8).
MODEL_EXTERNAL_TERMS = """
skos:prefLabel skos:altLabel skos:Concept eli:is_part_of eli:has_part eli:number
eli:date_document eli:Work eli:WorkSubdivision schema:position schema:startDate
schema:endDate schema:location schema:eventAttendanceMode schema:superEvent
schema:subEvent schema:foundingDate schema:amount schema:value schema:unitText
schema:Event schema:Organization schema:GovernmentOrganization schema:Thing
schema:MonetaryGrant schema:Country schema:City schema:CreativeWork schema:Report
schema:PropertyValue dcterms:creator dcterms:identifier dcterms:language
dcterms:subject dcterms:title org:member org:organization org:role
org:memberDuring org:subOrganizationOf org:unitOf org:Organization
org:FormalOrganization org:OrganizationalCollaboration org:Membership
time:ProperInterval prov:wasDerivedFrom prov:Entity oa:SpecificResource
oa:hasSource oa:hasSelector oa:TextQuoteSelector oa:TextPositionSelector
oa:exact oa:prefix oa:suffix oa:start oa:end
""".split()

# The "aligned to" column of model.md's class table (direct superclasses).
MODEL_ALIGNMENTS = {
    "MinisterialProcess": ["org:OrganizationalCollaboration"],
    "Conference": ["schema:Event"],
    "Cycle": ["time:ProperInterval"],
    "Activity": ["schema:Event"],
    "WorkingGroupMeeting": ["iacml:Activity"],
    "Webinar": ["iacml:Activity"],
    "BilateralCooperation": ["iacml:Activity"],
    "Organization": ["org:Organization", "schema:Organization"],
    "Ministry": ["org:FormalOrganization", "schema:GovernmentOrganization"],
    "IntergovernmentalOrganization": ["org:FormalOrganization"],
    "WorkingGroup": ["org:Organization"],
    "AdvisoryBody": ["org:Organization"],
    "Network": ["org:OrganizationalCollaboration"],
    "Body": ["org:Organization"],
    "Company": ["iacml:Organization"],
    "Fund": ["schema:Thing"],
    "Contribution": ["schema:MonetaryGrant"],
    "Country": ["schema:Country"],
    "City": ["schema:City"],
    "Membership": ["org:Membership"],
    "Document": ["eli:Work", "schema:CreativeWork"],
    "Declaration": ["iacml:Document"],
    "PlanOfAction": ["iacml:Document"],
    "Report": ["iacml:Document", "schema:Report"],
    "WorkingGroupReport": ["iacml:Document", "schema:Report"],
    "SecretariatReport": ["iacml:Document", "schema:Report"],
    "DocumentPart": ["eli:WorkSubdivision"],
    "Article": ["iacml:DocumentPart"],
    "List": ["iacml:DocumentPart"],
    "ListItem": ["iacml:DocumentPart"],
    "MandatedTopic": ["iacml:ListItem"],
    "Product": ["schema:CreativeWork"],
    "ReportedFigure": ["schema:PropertyValue"],
    "Topic": ["skos:Concept"],
    "SourceText": ["prov:Entity"],
    "Passage": ["oa:SpecificResource", "prov:Entity"],
}

IACML_TERM_RE = re.compile(
    r"(?:\biacml:|<https://w3id\.org/iacml/ontology#)([A-Za-z_][A-Za-z0-9_\-]*)"
)


@pytest.fixture(scope="module")
def onto() -> Graph:
    """The ontology file parsed into an rdflib Graph."""
    graph = Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph


def expand(graph: Graph, curie: str) -> URIRef:
    """Expand a CURIE with the prefixes declared in the ontology file."""
    return graph.namespace_manager.expand_curie(curie)


def iacml_terms(graph: Graph) -> set[URIRef]:
    """All iacml: subjects typed as a class, property, concept or scheme."""
    return {
        s
        for t in TERM_TYPES
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and str(s).startswith(str(IACML))
    }


def has_lang(graph: Graph, s: URIRef, p: URIRef, lang: str) -> bool:
    """Whether s has a p literal in language lang."""
    return any(
        isinstance(o, Literal) and o.language == lang for o in graph.objects(s, p)
    )


def is_declared(graph: Graph, term: URIRef) -> bool:
    """Whether term is typed as a class, property, concept or scheme."""
    types = set(graph.objects(term, RDF.type))
    return bool(types & set(TERM_TYPES + PROPERTY_TYPES))


def test_every_term_is_documented(onto: Graph) -> None:
    """(a) label@en, definition@en and isDefinedBy on every iacml: term."""
    terms = iacml_terms(onto)
    assert len(terms) > 100
    offenders = []
    for term in sorted(terms):
        missing = []
        if not has_lang(onto, term, RDFS.label, "en"):
            missing.append("rdfs:label@en")
        if not has_lang(onto, term, SKOS.definition, "en"):
            missing.append("skos:definition@en")
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in onto:
            missing.append("rdfs:isDefinedBy")
        if missing:
            offenders.append(f"{term}: {', '.join(missing)}")
    assert not offenders, "undocumented terms:\n" + "\n".join(offenders)


def test_every_term_reads_in_spanish(onto: Graph) -> None:
    """Issue 15 item 7: one rdfs:label@es and one skos:definition@es on every iacml: term,
    and a skos:prefLabel@es beside every skos:prefLabel@en (a Spanish definition is not
    the English one copied)."""
    offenders = []
    for term in sorted(iacml_terms(onto)):
        for prop in (RDFS.label, SKOS.definition) + (
                (SKOS.prefLabel,) if has_lang(onto, term, SKOS.prefLabel, "en") else ()):
            spanish = [o for o in onto.objects(term, prop)
                       if isinstance(o, Literal) and o.language == "es"]
            english = {str(o) for o in onto.objects(term, prop)
                       if isinstance(o, Literal) and o.language == "en"}
            if len(spanish) != 1 or (prop == SKOS.definition and str(spanish[0]) in english):
                offenders.append(f"{term} {prop}: {[str(s) for s in spanish]}")
    assert not offenders, "terms without one Spanish label/definition:\n" + "\n".join(offenders)


def test_concepts_are_complete(onto: Graph) -> None:
    """Every iacml: concept has a prefLabel@en and is in a declared scheme."""
    offenders = []
    for concept in sorted(onto.subjects(RDF.type, SKOS.Concept)):
        if not str(concept).startswith(str(IACML)):
            continue
        if not has_lang(onto, concept, SKOS.prefLabel, "en"):
            offenders.append(f"{concept}: no skos:prefLabel@en")
        schemes = list(onto.objects(concept, SKOS.inScheme))
        if not schemes or any(
            (sc, RDF.type, SKOS.ConceptScheme) not in onto for sc in schemes
        ):
            offenders.append(f"{concept}: not in a declared scheme")
    assert not offenders, "\n".join(offenders)


def test_model_classes_declared(onto: Graph) -> None:
    """(b) every class of model.md is an owl:Class."""
    missing = [c for c in MODEL_CLASSES if (IACML[c], RDF.type, OWL.Class) not in onto]
    assert not missing, f"classes of model.md not declared: {missing}"


def test_model_properties_declared(onto: Graph) -> None:
    """(b) every iacml: property of model.md is an object or datatype property."""
    kinds = {OWL.ObjectProperty, OWL.DatatypeProperty}
    missing = [
        p for p in MODEL_PROPERTIES if not set(onto.objects(IACML[p], RDF.type)) & kinds
    ]
    assert not missing, f"properties of model.md not declared: {missing}"


def test_model_concepts_declared(onto: Graph) -> None:
    """(b) every controlled value of model.md is an iacml: skos:Concept."""
    missing = [
        c for c in MODEL_CONCEPTS if (IACML[c], RDF.type, SKOS.Concept) not in onto
    ]
    assert not missing, f"concepts of model.md not declared: {missing}"


def test_model_external_terms_declared(onto: Graph) -> None:
    """(b) every reused term of model.md is declared, with its vocabulary."""
    offenders = []
    for curie in MODEL_EXTERNAL_TERMS:
        term = expand(onto, curie)
        if not is_declared(onto, term):
            offenders.append(f"{curie}: not declared")
        elif onto.value(term, RDFS.isDefinedBy) is None:
            offenders.append(f"{curie}: no rdfs:isDefinedBy")
        elif not has_lang(onto, term, RDFS.label, "en"):
            offenders.append(f"{curie}: no rdfs:label@en")
    assert not offenders, "\n".join(offenders)


def test_external_terms_defined_in_their_namespace(onto: Graph) -> None:
    """Every external term points with rdfs:isDefinedBy to its own namespace."""
    offenders = []
    for term, vocab in onto.subject_objects(RDFS.isDefinedBy):
        if vocab == ONTOLOGY_IRI:
            continue
        if not str(term).startswith(str(vocab)):
            offenders.append(f"{term} rdfs:isDefinedBy {vocab}")
    assert not offenders, "\n".join(offenders)


def test_alignments_as_in_model(onto: Graph) -> None:
    """Classes are aligned (rdfs:subClassOf) as model.md's table says."""
    offenders = []
    for name, supers in MODEL_ALIGNMENTS.items():
        for sup in supers:
            if (IACML[name], RDFS.subClassOf, expand(onto, sup)) not in onto:
                offenders.append(f"iacml:{name} is not rdfs:subClassOf {sup}")
    assert not offenders, "\n".join(offenders)


def test_subproperties(onto: Graph) -> None:
    """The properties provider and recipient are sub-properties of party."""
    for p in ("provider", "recipient"):
        assert (IACML[p], RDFS.subPropertyOf, IACML.party) in onto


def test_no_domain_or_range_on_external_properties(onto: Graph) -> None:
    """Reused properties keep their own semantics: no domain/range added."""
    offenders = [
        f"{s} {p.n3(onto.namespace_manager)}"
        for p in (RDFS.domain, RDFS.range)
        for s in onto.subjects(p, None)
        if not str(s).startswith(str(IACML))
    ]
    assert not offenders, "\n".join(offenders)


def test_header(onto: Graph) -> None:
    """(c) the versioned header."""
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    for p in (OWL.versionIRI, OWL.versionInfo, DCTERMS.modified, DCTERMS.license):
        assert onto.value(ONTOLOGY_IRI, p) is not None, f"header lacks {p}"
    version = str(onto.value(ONTOLOGY_IRI, OWL.versionInfo))
    assert str(onto.value(ONTOLOGY_IRI, OWL.versionIRI)).endswith("/" + version)


def used_iacml_names() -> dict[str, set[str]]:
    """Local names of iacml: terms used in data, shapes and query files."""
    files = [
        *sorted((ROOT / "data" / "ttl").glob("*.ttl")),
        *sorted((ROOT / "shapes").glob("*.ttl")),
        *sorted((ROOT / "queries").glob("**/*.rq")),
    ]
    used: dict[str, set[str]] = {}
    for path in files:
        for name in IACML_TERM_RE.findall(path.read_text(encoding="utf-8")):
            used.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return used


def test_used_terms_are_declared(onto: Graph) -> None:
    """(d) every iacml: term used in data/ttl, shapes and queries is declared."""
    offenders = [
        f"iacml:{name} (in {', '.join(sorted(files))})"
        for name, files in sorted(used_iacml_names().items())
        if not is_declared(onto, IACML[name])
    ]
    assert not offenders, "undeclared iacml: terms:\n" + "\n".join(offenders)


def test_inverses_declared_both_ways(onto: Graph) -> None:
    """(e) every owl:inverseOf pair is declared in both directions."""
    offenders = []
    for p, q in onto.subject_objects(OWL.inverseOf):
        for term in (p, q):
            if not is_declared(onto, term):
                offenders.append(f"{term} (in an inverseOf pair) is not declared")
        if (q, OWL.inverseOf, p) not in onto:
            offenders.append(f"{q} owl:inverseOf {p} is missing")
    assert not offenders, "\n".join(offenders)


def test_consistent_under_owl_rl(onto: Graph) -> None:
    """(f) the OWL RL closure of the ontology alone has no inconsistency."""
    closure = owl_rl_closure(onto)  # the build's reasoner: only the new triples
    nothing = sorted(closure.subjects(RDF.type, OWL.Nothing))
    assert not nothing, f"members of owl:Nothing: {nothing}"
    errors = [
        str(closure.value(m, ERR.error))
        for m in closure.subjects(RDF.type, ERR.ErrorMessage)
    ]
    assert not errors, "owlrl errors:\n" + "\n".join(errors)


def test_one_kind_per_property(onto: Graph) -> None:
    """No iacml: property is declared as two kinds (object, datatype, annotation)."""
    kinds = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    offenders = [
        str(term)
        for term in iacml_terms(onto)
        if len(set(onto.objects(term, RDF.type)) & kinds) > 1
    ]
    assert not offenders, f"properties of several kinds: {offenders}"


def test_domains_and_ranges_are_declared(onto: Graph) -> None:
    """Every class used as a domain or range, or as a superclass, is declared."""
    builtin = (str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#")
    offenders = []
    for p in (RDFS.domain, RDFS.range, RDFS.subClassOf):
        for s, cls in onto.subject_objects(p):
            if str(cls).startswith(builtin):
                continue
            if (cls, RDF.type, OWL.Class) not in onto:
                offenders.append(f"{s} {p.n3(onto.namespace_manager)} {cls}")
    assert not offenders, "\n".join(offenders)
