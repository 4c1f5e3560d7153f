"""Freezing a filing: a submission event's row and its report, rendered and hashed into the ledger."""

from datetime import datetime

from sqlmodel import Session

from notifier.context import Context
from notifier.deadlines import service as deadlines
from notifier.errors import FieldProblem
from notifier.incidents.models import Incident, Submission, Track
from notifier.submissions import ledger
from notifier.workflow.schema import Workflow


def freeze(
    session: Session,
    ctx: Context,
    *,
    incident: Incident,
    track: Track,
    workflow: Workflow,
    payload: dict,
    actor: str,
    now: datetime,
) -> None:
    """Adds the Submission; `payload` gains the ledger's hash and missing fields for the event's audit record."""
    submitted_at = payload["submitted_at"]
    if track.aware_at is not None and submitted_at < track.aware_at:
        raise FieldProblem(
            "submitted_at", "lies before the awareness time of this track", key="refused_submitted_before_awareness"
        )
    deadlines.check_filing(session, incident=incident, workflow=workflow, payload=payload, zone=ctx.zone(session))
    submission = Submission(
        incident_id=incident.id,
        regime=workflow.regime,
        stage=payload["stage"],
        submitted_at=submitted_at,
        reference=payload.get("reference"),
        delay_reason=payload.get("delay_reason"),
        confirmed_by=actor,
        confirmed_at=now,
        language=payload.get("language"),
    )
    payload.update(ledger.file(session, ctx, incident=incident, track=track, workflow=workflow, submission=submission))
    session.add(submission)
