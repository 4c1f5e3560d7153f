"""Which of a stage's required fields (workflow `fields`) an incident has, and which are missing; for a stage with
an export (submissions/exports.py), also the fields its schema requires that are still unknown."""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from notifier.incidents.models import Incident, Track
from notifier.organisation import service as organisation
from notifier.submissions import exports
from notifier.workflow.schema import Registry, Text


@dataclass(frozen=True)
class Completeness:
    present: list[str]
    missing: list[str]
    # Schema fields among `missing` (their paths in the export) with what the report calls them.
    gap_labels: dict[str, Text] = field(default_factory=dict)
    # Every field the stage's export schema requires that is still unknown, including those `missing` names by the
    # fact that fills them.
    schema_gaps: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def filled(value) -> bool:  # noqa: ANN001
    return value is not None and value != "" and value != []


_filled = filled


def privacy_contact(session: Session):  # noqa: ANN201
    """AVG art. 33(3)(b): the DPO, or, for an organisation without one, another contact point."""
    return organisation.contact_for(session, "dpo") or organisation.contact_for(session, "contact_point")


def address(org) -> str | None:  # noqa: ANN001
    """Street, postcode and city on one line; the profile holds all three or none."""
    if org is None or not (org.street and org.postcode and org.city):
        return None
    return f"{org.street}, {org.postcode} {org.city}"


def profile_value(session: Session, reference: str):  # noqa: ANN201
    """The value of an organisation reference such as contact.dpo or organisation.kvk_number."""
    kind, _, name = reference.partition(".")
    if kind == "contact":
        contact = privacy_contact(session) if name == "privacy" else organisation.contact_for(session, name)
        return {"name": contact.name, "email": contact.email, "phone": contact.phone} if contact else None
    org = organisation.get(session)
    if name == "address":
        return address(org)
    return getattr(org, name, None) if org else None


LOOK_UP = object()  # the incident's track for the regime, when the caller has not read it already


def stage_fields(
    session: Session,
    registry: Registry,
    incident: Incident,
    regime: str,
    stage: str,
    *,
    track=LOOK_UP,  # noqa: ANN001
) -> list[str]:
    """The stage's fields for the incident's declaration (a variant may ask other things, e.g. per kind of duty)."""
    if track is LOOK_UP:
        track = session.exec(select(Track).where(Track.incident_id == incident.id, Track.regime == regime)).first()
    conditions = organisation.conditions(organisation.get(session))
    return registry.workflows[regime].stages[stage].fields_for(conditions, track.declaration if track else None)


def check(
    session: Session,
    registry: Registry,
    incident: Incident,
    regime: str,
    stage: str,
    *,
    track=LOOK_UP,  # noqa: ANN001
) -> Completeness:
    """`track`: the incident's Track for `regime` (or None) when the caller has it; looked up otherwise."""
    present, missing = [], []
    for name in stage_fields(session, registry, incident, regime, stage, track=track):
        value = profile_value(session, name) if "." in name else (incident.facts or {}).get(name)
        (present if _filled(value) else missing).append(name)
    gap_labels: dict[str, Text] = {}
    export = exports.build(session, registry, incident, regime, stage)
    gaps = export.gaps if export else []
    for gap in gaps:
        # A gap that a fact the stage names as missing fills is said once, by that fact (as the draft shows it).
        if any(source in missing for source in gap.sources):
            continue
        missing.append(gap.field)
        gap_labels[gap.field] = gap.label
    return Completeness(present=present, missing=missing, gap_labels=gap_labels, schema_gaps=[g.field for g in gaps])
