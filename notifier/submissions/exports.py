"""The structured report a supervisor's portal takes, next to the Markdown draft: built by the regime's export hook
(`hooks.export` in its workflow file) for the stages that name an `export` kind.

This module knows no regime. It gathers what an export may draw on (the organisation profile, its contacts, the
track's declaration, the facts, the stage's recipients) and hands it to the hook, which answers the document built
so far and the gaps: the fields its schema requires that are still unknown. The completeness check names the gaps,
so a draft, its report card and a reminder say what the portal will refuse.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from notifier.errors import NotFound
from notifier.incidents.models import Incident, Track
from notifier.organisation import service as organisation
from notifier.organisation.models import Contact, Organisation
from notifier.organisation.roles import CONTACT_ROLES
from notifier.submissions.facts import regimes_of
from notifier.workflow.schema import Registry, Text, Workflow

HOOK = "export"
GAPS_HEADER = "X-Schema-Gaps"


@dataclass(frozen=True)
class Gap:
    """A field the schema requires that the export could not fill yet."""

    field: str  # its path in the document, e.g. incident.classificationTypes
    template: str  # the field's number in the regime's reporting template
    label: Text
    # The facts (or profile references) that fill it, so the page can point at them.
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """What an export hook may read: nothing it must query itself."""

    stage: str
    kind: str
    incident: Incident
    organisation: Organisation | None
    contacts: dict[str, Contact | None]
    declaration: dict[str, Any]
    aware_at: datetime | None
    facts: dict[str, Any]
    recipients: list[str]  # the stage's parties (recipients.parties ids)


@dataclass(frozen=True)
class Export:
    regime: str
    stage: str
    kind: str
    document: dict[str, Any]
    gaps: list[Gap]

    @property
    def complete(self) -> bool:
        return not self.gaps


def hook(registry: Registry, regime: str, stage: str) -> tuple[Workflow, Any, str] | None:
    """The regime's workflow, its export module and the stage's kind; None when the stage has no export."""
    workflow = registry.get(regime)
    if workflow is None or stage not in workflow.stages or workflow.stages[stage].export is None:
        return None
    module = registry.hook_modules.get((HOOK, regime))
    if module is None:
        return None
    return workflow, module, workflow.stages[stage].export


def build(session: Session, registry: Registry, incident: Incident, regime: str, stage: str) -> Export | None:
    """The stage's export as the facts stand now, or None when the stage has none or the incident does not answer
    to the regime (a hospital's incident has no DORA report to export)."""
    found = hook(registry, regime, stage)
    if found is None or regime not in regimes_of(session, incident):
        return None
    workflow, module, kind = found
    track = session.exec(select(Track).where(Track.incident_id == incident.id, Track.regime == regime)).one_or_none()
    org = organisation.get(session)
    parties = workflow.recipients.for_stage(
        workflow.stages[stage],
        org.sector if org else None,
        org.entity_type if org else None,
        org.dora_entity_type if org else None,
    )
    source = Source(
        stage=stage,
        kind=kind,
        incident=incident,
        organisation=org,
        contacts={role: organisation.contact_for(session, role) for role in CONTACT_ROLES},
        declaration=dict((track.declaration or {}) if track else {}),
        aware_at=track.aware_at if track else None,
        facts=dict(incident.facts or {}),
        recipients=[pid for pid, _ in parties],
    )
    document, gaps = module.build(source)
    return Export(regime=regime, stage=stage, kind=kind, document=document, gaps=list(gaps))


def required(session: Session, registry: Registry, incident: Incident, regime: str, stage: str) -> Export:
    """build(), or NotFound (404) naming the regime and stage without an export for this incident."""
    export = build(session, registry, incident, regime, stage)
    if export is None:
        raise NotFound(f"export of stage {stage!r} of regime {regime!r} for this incident")
    return export


def headers(export: Export, incident_id: int) -> dict[str, str]:
    """What an answer with the document says besides it: a file name, and the gaps (the document is what the facts
    give so far), so the API and the pages answer alike."""
    out = {"Content-Disposition": f'inline; filename="{export.regime}-{export.stage}-{incident_id}.json"'}
    if export.gaps:
        out[GAPS_HEADER] = ", ".join(g.field for g in export.gaps)
    return out
