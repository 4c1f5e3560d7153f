"""The processor's clock (AVG art. 33(2); EDPB Guidelines 9/2022): once a processor has informed us, we are in
principle aware. A track whose declaration has a field `required_if: processor_informed_before_awareness` is
watched: a processor link that says it informed us before the awareness time entered is a warning on the incident,
and the declaration needs that field. The awareness time itself is never moved.
"""

from datetime import datetime

from sqlmodel import Session, select

from notifier.processors.models import IncidentProcessor, Processor
from notifier.workflow.schema import PROCESSOR_INFORMED, Workflow

CODE = "aware_after_processor_informed"


def reasoning_field(workflow: Workflow) -> str | None:
    """The declaration field that explains a later awareness time, if this regime watches the processor's clock."""
    for event in workflow.track.events.values():
        if event.starts_clock:
            for name, field in event.fields.items():
                if field.required_if == PROCESSOR_INFORMED:
                    return name
    return None


def notices(session: Session, incident_ids: list[int]) -> dict[int, list[tuple[str, datetime]]]:
    """(processor name, informed_at) of every link that says when the processor informed us, per incident."""
    out: dict[int, list[tuple[str, datetime]]] = {i: [] for i in incident_ids}
    for start in range(0, len(incident_ids), 1000):  # bounded IN lists
        rows = session.exec(
            select(IncidentProcessor, Processor)
            .join(Processor, Processor.id == IncidentProcessor.processor_id)
            .where(
                IncidentProcessor.incident_id.in_(incident_ids[start : start + 1000]),
                IncidentProcessor.informed_at.is_not(None),
            )
            .order_by(IncidentProcessor.informed_at, IncidentProcessor.id)
        ).all()
        for link, processor in rows:
            out[link.incident_id].append((processor.name, link.informed_at))
    return out


def earlier(found: list[tuple[str, datetime]], aware_at: datetime | None) -> list[tuple[str, datetime]]:
    """The notices that came before the awareness time entered."""
    if aware_at is None:
        return []
    return [(name, at) for name, at in found if at < aware_at]
