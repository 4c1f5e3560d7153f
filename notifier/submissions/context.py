"""The typed context every submission template gets, built from the incident, its track and the organisation.

One model serves every report kind: organisation, contacts, incident, track declaration, this stage's deadline,
recipients, earlier filings and the facts. The facts come as a FactSheet that knows the catalogue: a template that
names an unknown fact fails (StrictUndefined), and the sheet records which facts the text used so the JSON copy
carries exactly those. Text that comes from outside (titles, names, facts, reasoning) is marked md.Line or
md.Block here, so the template environment escapes it; our labels, dates and placeholders are left as written.
"""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session, select

from notifier.deadlines.models import Deadline
from notifier.i18n import pick
from notifier.incidents.models import Incident, Submission, Track
from notifier.organisation import service as organisation
from notifier.organisation.roles import CONTACT_ROLES
from notifier.submissions import completeness
from notifier.submissions import markdown as md
from notifier.submissions import present as fmt
from notifier.submissions.field_labels import field_label
from notifier.submissions.markdown import Text
from notifier.workflow.schema import SETTLED, FactDef, Registry, Workflow

# Fact types whose text we write (dates, Ja/Nee, numbers, choice labels); every other type is the sender's text.
FORMATTED = ("datetime", "bool", "int", "choice", "multichoice")
NOT_DECLARED = {
    "nl": "nog niet vastgesteld (eerst de beoordeling vastleggen)",
    "en": "not yet declared (record the assessment first)",
}


class Shown(BaseModel):
    """A value as the report shows it: the human text, or a placeholder naming what is missing."""

    present: bool
    text: Text
    value: Any = None


class FactItem(Shown):
    key: str
    label: str
    required: bool


class Person(BaseModel):
    role: str
    label: str
    present: bool
    name: Text | None = None
    email: Text | None = None
    phone: Text | None = None
    # Optional details the NCSC form (job title, availability) and the AP form (job title) ask; None when empty.
    job_title: Text | None = None
    availability: Text | None = None
    text: Text


class Contacts(BaseModel):
    reporting_officer: Person
    deputy: Person
    ciso: Person
    dpo: Person
    contact_point: Person
    # AVG art. 33(3)(b): the DPO, or else the other contact point; `role` says which one it is.
    privacy: Person


class OrganisationItem(BaseModel):
    present: bool
    name: Shown
    kvk_number: Shown
    sector: Shown
    entity_type: Shown
    timezone: str
    # "Street, postcode city"; a placeholder only where a stage requires organisation.address.
    address: Shown
    # essential / important / not_covered, as the organisation answer classifies it (the NCSC form asks it).
    classification: Shown
    # Whether the DPO is registered with the AP, with the AP's number ("Ja (registratienummer FG1)" / "Nee").
    dpo_registration: Shown
    # A financial entity's LEI and its type in the ESAs' codes (the DORA report's section 1), its member state.
    lei: Shown
    dora_entity_type: Shown
    country: Shown


class IncidentItem(BaseModel):
    id: int
    title: Text
    summary: Text
    detected_at: Shown
    resolved_at: Shown
    ongoing: bool


class TrackItem(BaseModel):
    state: str
    aware_at: Shown
    declared_by: str | None
    reasoning: Shown
    declaration: dict[str, Shown]


class DeadlineItem(BaseModel):
    due: Shown
    provisional: bool
    late: bool
    # Whole hours from the track's awareness to the due time (72 for the AP, 24 for a telecom provider), so a
    # report states the term that applied instead of a fixed number; None when the term is not whole hours.
    hours: int | None = None


class PartyItem(BaseModel):
    id: str
    role: str
    role_label: str
    name: Text
    channel: str
    url: str | None = None  # the recipient's web form (workflows/*.yaml recipients.parties)


class ProductItem(BaseModel):
    """The product a duty was declared for, as the declaration keeps it (notifier/products)."""

    name: Text
    version: Text
    member_states: list[str]
    # "Nederland (NL), België (BE)": the member states where it is made available, by name.
    member_states_text: Text


class FiledItem(BaseModel):
    stage: str
    title: str
    submitted_at: Shown
    reference: Shown


class RequiredItem(BaseModel):
    key: str
    label: str
    present: bool


class FactSheet:
    """Attribute access to the facts (`facts.started_at.text`) that records which ones a template read."""

    def __init__(self, items: dict[str, FactItem]):
        self._items = items
        self.used: list[str] = []

    def __getattr__(self, key: str) -> FactItem:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            item = self._items[key]
        except KeyError:
            raise AttributeError(f"no fact {key!r} in workflows/facts.yaml") from None
        if key not in self.used:
            self.used.append(key)
        return item

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def values(self, keys: list[str]) -> dict[str, Any]:
        return {k: self._items[k].value for k in keys}


class ReportContext(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    regime: str
    regime_title: str
    regime_version: int
    regime_applies_from: date
    stage: str
    title: str
    legal_basis: str
    language: str
    zone: str
    as_of: datetime
    as_of_text: str
    filing: bool
    organisation: OrganisationItem
    contacts: Contacts
    incident: IncidentItem
    track: TrackItem
    deadline: DeadlineItem | None
    recipients: list[PartyItem]
    filed: dict[str, FiledItem]
    delay_reason: Shown
    required: list[RequiredItem]
    # The export schema's required fields still unknown (completeness.Completeness.schema_gaps).
    schema_gaps: list[str] = []
    facts: FactSheet
    # The declared product when the regime's duties name one (an event field of type product), else None.
    product: ProductItem | None = None

    @property
    def missing(self) -> list[str]:
        return [r.key for r in self.required if not r.present]

    @property
    def present(self) -> list[str]:
        return [r.key for r in self.required if r.present]


def _shown(text: str | None, label: str, lang: str, value: Any = None) -> Shown:
    if text is None or text == "":
        return Shown(present=False, text=fmt.placeholder(label, lang), value=None)
    return Shown(present=True, text=text, value=value if value is not None else text)


def _declared_instant(value: Any, zone: ZoneInfo, lang: str) -> str | None:
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return fmt.instant(moment, zone, lang) if moment.tzinfo is not None else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(session: Session, role: str, labels: fmt.Labels, lang: str) -> Person:
    if role == "privacy":
        contact = completeness.privacy_contact(session)
        role = contact.role if contact else role
    else:
        contact = organisation.contact_for(session, role)
    label = labels.reference(f"contact.{role}", lang)
    if contact is None:
        return Person(role=role, label=label, present=False, text=fmt.placeholder(label, lang))
    text = md.line(", ".join(p for p in (contact.name, contact.email, contact.phone) if p))
    return Person(
        role=role,
        label=label,
        present=True,
        name=md.line(contact.name),
        email=md.line(contact.email),
        phone=md.line(contact.phone),
        job_title=md.line(contact.job_title),
        availability=md.line(contact.availability),
        text=text,
    )


def _dpo_registration(org, lang: str) -> Shown:  # noqa: ANN001
    if org is None:
        return Shown(present=False, text="", value=None)
    number = {"nl": "registratienummer", "en": "registration number"}[lang]
    if org.dpo_registered_with_ap:
        text = md.line(f"{fmt.yes_no(True, lang)} ({number} {org.dpo_ap_registration_number})")
    else:
        text = fmt.yes_no(False, lang)
    value = {"registered": org.dpo_registered_with_ap, "registration_number": org.dpo_ap_registration_number}
    return Shown(present=True, text=text, value=value)


def _organisation(session: Session, labels: fmt.Labels, lang: str, zone: ZoneInfo) -> OrganisationItem:
    org = organisation.get(session)

    def ref(key: str, text: str | None, value: Any = None) -> Shown:
        return _shown(text, labels.reference(key, lang), lang, value)

    if org is None:
        return OrganisationItem(
            present=False,
            name=ref("organisation.name", None),
            kvk_number=ref("organisation.kvk_number", None),
            sector=ref("organisation.sector", None),
            entity_type=_shown(None, pick(lang, "soort entiteit", "entity type"), lang),
            timezone=str(zone),
            address=ref("organisation.address", None),
            classification=Shown(present=False, text="", value=None),
            dpo_registration=_dpo_registration(None, lang),
            lei=_shown(None, labels.reference("organisation.lei", lang), lang),
            dora_entity_type=_shown(None, labels.reference("organisation.dora_entity_type", lang), lang),
            country=_shown(None, labels.reference("organisation.country", lang), lang),
        )
    classification = organisation.to_out(org, []).classification
    return OrganisationItem(
        present=True,
        name=ref("organisation.name", md.line(org.name)),
        kvk_number=ref("organisation.kvk_number", md.line(org.kvk_number)),
        sector=ref("organisation.sector", labels.choice("sector", org.sector, lang), org.sector),
        entity_type=Shown(
            present=True, text=labels.choice("entity_type", org.entity_type, lang), value=org.entity_type
        ),
        timezone=org.timezone,
        address=ref("organisation.address", md.line(completeness.address(org)), completeness.address(org)),
        classification=Shown(
            present=True, text=labels.choice("classification", classification, lang), value=classification
        ),
        dpo_registration=_dpo_registration(org, lang),
        lei=_shown(md.line(org.lei), labels.reference("organisation.lei", lang), lang, org.lei),
        dora_entity_type=_shown(
            labels.choice("dora_entity_type", org.dora_entity_type, lang) if org.dora_entity_type else None,
            labels.reference("organisation.dora_entity_type", lang),
            lang,
            org.dora_entity_type,
        ),
        country=_shown(org.country, labels.reference("organisation.country", lang), lang),
    )


def _authority_name(pid: str, name: str, sector: str | None, authorities: dict[str, str], labels, lang: str) -> str:  # noqa: ANN001
    """The configured authority of the sector, or a sentence saying it is unknown and which setting names it."""
    if pid != "competent_authority":
        return labels.party(pid, name, lang)
    if sector in authorities:
        return md.line(authorities[sector])
    sector_label = labels.choice("sector", sector or "other", lang)
    example = f'NOTIFIER_COMPETENT_AUTHORITIES={{"{sector or "other"}": "..."}}'
    return pick(
        lang,
        f"Bevoegde autoriteit voor de sector {sector_label}, niet bekend in meldplicht (in te stellen met {example})",
        f"Competent authority for the sector {sector_label}, not known to meldplicht (set it with {example})",
    )


def _facts(
    catalogue: dict[str, FactDef], values: dict[str, Any], required: set[str], lang: str, zone: ZoneInfo, labels
) -> FactSheet:
    items = {}
    for key, fact in catalogue.items():
        label = fact.label.get(lang)
        value = values.get(key)
        filled = completeness.filled(value)
        text = fmt.fact_text(key, fact, value, lang, zone, labels) if filled else fmt.placeholder(label, lang)
        if filled and fact.type not in FORMATTED:
            text = md.block(text)
        items[key] = FactItem(
            key=key,
            label=label,
            required=key in required,
            present=filled,
            value=value if filled else None,
            text=text,
        )
    return FactSheet(items)


def _product(workflow: Workflow, declaration: dict[str, Any], labels, lang: str) -> ProductItem | None:  # noqa: ANN001
    names = {n for e in workflow.track.events.values() for n, f in e.fields.items() if f.type == "product"}
    value = next((declaration[n] for n in sorted(names) if isinstance(declaration.get(n), dict)), None)
    if value is None:
        return None
    states = list(value.get("member_states") or [])
    return ProductItem(
        name=md.line(value.get("name")),
        version=md.line(value.get("version")),
        member_states=states,
        member_states_text=", ".join(f"{labels.choice('country', c, lang)} ({c})" for c in states),
    )


def stage_deadline(session: Session, incident_id: int, regime: str, stage: str) -> Deadline | None:
    """The open deadline of the stage (the one a filing would meet), else the last one already met."""
    rows = session.exec(
        select(Deadline)
        .where(Deadline.incident_id == incident_id, Deadline.regime == regime, Deadline.stage == stage)
        .order_by(Deadline.sequence)
    ).all()
    open_rows = [r for r in rows if r.submitted_at is None]
    return open_rows[0] if open_rows else (rows[-1] if rows else None)


def _deadline(row: Deadline | None, as_of: datetime, zone: ZoneInfo, lang: str) -> DeadlineItem | None:
    if row is None or row.due is None:
        return None
    moment = row.submitted_at or as_of
    text = fmt.instant(row.due, zone, lang)
    return DeadlineItem(
        due=Shown(present=True, text=text, value=row.due.isoformat()),
        provisional=row.provisional,
        late=moment > row.due,
    )


def filed_submissions(session: Session, incident_id: int, regime: str | None = None) -> list[Submission]:
    query = select(Submission).where(Submission.incident_id == incident_id)
    if regime is not None:
        query = query.where(Submission.regime == regime)
    return list(session.exec(query.order_by(Submission.submitted_at, Submission.id)).all())


def build(
    session: Session,
    *,
    registry: Registry,
    workflow: Workflow,
    stage: str,
    incident: Incident,
    track: Track | None,
    language: str,
    zone: ZoneInfo,
    labels: fmt.Labels,
    as_of: datetime,
    delay_reason: str | None = None,
    filing: bool = False,
    competent_authorities: dict[str, str] | None = None,
) -> ReportContext:
    """Everything one report needs. `as_of` is the filing time when filing, else now (for lateness)."""
    lang = language
    stage_def = workflow.stages[stage]
    check = completeness.check(session, registry, incident, workflow.regime, stage)
    labels_of = {
        key: field_label(registry, key, lang, labels=labels, gap_labels=check.gap_labels)
        for key in check.present + check.missing
    }
    fields = [k for k in check.present + check.missing if k not in check.gap_labels]
    fields.sort(key=completeness.stage_fields(session, registry, incident, workflow.regime, stage).index)
    required = [RequiredItem(key=k, label=labels_of[k], present=k in check.present) for k in fields]
    # The fields the stage's export schema requires that are still unknown (submissions/exports.py).
    required += [RequiredItem(key=k, label=labels_of[k], present=False) for k in check.gap_labels]
    deadline = _deadline(stage_deadline(session, incident.id, workflow.regime, stage), as_of, zone, lang)
    if deadline is not None and track is not None and track.aware_at is not None:
        seconds = (datetime.fromisoformat(deadline.due.value) - track.aware_at).total_seconds()
        deadline.hours = int(seconds // 3600) if seconds > 0 and seconds % 3600 == 0 else None
    if deadline is not None and deadline.late:
        for key in stage_def.late_requires:
            if key == "delay_reason" and not delay_reason:
                required.append(RequiredItem(key=key, label=labels.reference(key, lang), present=False))
    org = organisation.get(session)
    recipients = [
        PartyItem(
            id=pid,
            role=party.role,
            role_label=labels.role(party.role, lang),
            name=_authority_name(
                pid, party.name, org.sector if org else None, competent_authorities or {}, labels, lang
            ),
            channel=party.channel.get(lang),
            url=party.url,
        )
        for pid, party in workflow.recipients.for_stage(
            stage_def,
            org.sector if org else None,
            org.entity_type if org else None,
            org.dora_entity_type if org else None,
        )
    ]
    filed: dict[str, FiledItem] = {}
    for sub in filed_submissions(session, incident.id, workflow.regime):
        title = workflow.stages[sub.stage].title.get(lang) if sub.stage in workflow.stages else sub.stage
        filed[sub.stage] = FiledItem(
            stage=sub.stage,
            title=title,
            submitted_at=_shown(fmt.instant(sub.submitted_at, zone, lang), title, lang, sub.submitted_at.isoformat()),
            reference=_shown(md.line(sub.reference), pick(lang, "kenmerk", "reference"), lang),
        )
    declaration = {}
    product = _product(workflow, (track.declaration or {}) if track else {}, labels, lang)
    # Times an event keeps in the declaration (the CRA's available_at, DORA's recovered_at) as the reports show times.
    times = {n for e in workflow.track.events.values() for n, f in e.fields.items() if f.type == "datetime"}
    for key, value in ((track.declaration or {}) if track else {}).items():
        if isinstance(value, dict):
            text = ""
        elif key in times and isinstance(value, str):
            text = fmt.instant(datetime.fromisoformat(value), zone, lang)
        else:
            text = _declared_instant(value, zone, lang) or labels.choice(key, str(value), lang)
        declaration[key] = Shown(present=value is not None, text=text, value=value)
        # The fields a settling event kept under its name (DORA's reclassified_non_major.reclassified_at).
        for sub, inner in value.items() if isinstance(value, dict) and key != SETTLED else ():
            text = _declared_instant(inner, zone, lang) or labels.choice(sub, str(inner), lang)
            declaration[f"{key}.{sub}"] = Shown(present=inner is not None, text=text, value=inner)
    reasoning_label = pick(lang, "onderbouwing", "reasoning")
    return ReportContext(
        regime=workflow.regime,
        regime_title=workflow.title.get(lang),
        regime_version=workflow.version,
        regime_applies_from=workflow.applies_from,
        stage=stage,
        title=stage_def.title.get(lang),
        # A variant's own basis where the declaration picks one (the CRA's incident: art. 14(4)(c), not 14(2)(c)).
        legal_basis=stage_def.rule_for(organisation.conditions(org), (track.declaration or {}) if track else {})[1],
        language=lang,
        zone=str(zone),
        as_of=as_of,
        as_of_text=fmt.instant(as_of, zone, lang) or "",
        filing=filing,
        organisation=_organisation(session, labels, lang, zone),
        contacts=Contacts(**{role: _person(session, role, labels, lang) for role in (*CONTACT_ROLES, "privacy")}),
        incident=IncidentItem(
            id=incident.id,
            title=md.line(incident.title),
            summary=md.block(incident.summary),
            detected_at=_shown(
                fmt.instant(incident.detected_at, zone, lang), "detected", lang, _iso(incident.detected_at)
            ),
            resolved_at=_shown(
                fmt.instant(incident.resolved_at, zone, lang), "resolved", lang, _iso(incident.resolved_at)
            ),
            ongoing=incident.resolved_at is None,
        ),
        track=TrackItem(
            state=track.state if track else workflow.track.initial,
            # Set by the declaration, which filing needs anyway: a draft before it says so, it marks no field missing.
            aware_at=Shown(
                present=True,
                text=fmt.instant(track.aware_at, zone, lang),
                value=track.aware_at.isoformat(),
            )
            if track and track.aware_at
            else Shown(present=False, text=NOT_DECLARED[lang]),
            declared_by=track.declared_by if track else None,
            reasoning=_shown(md.block(track.reasoning) if track else None, reasoning_label, lang),
            declaration=declaration,
        ),
        deadline=deadline,
        recipients=recipients,
        filed=filed,
        delay_reason=_shown(md.block(delay_reason), labels.reference("delay_reason", lang), lang),
        required=required,
        schema_gaps=check.schema_gaps,
        facts=_facts(registry.facts, incident.facts or {}, set(fields), lang, zone, labels),
        product=product,
    )
