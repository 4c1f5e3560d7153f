"""The submission ledger: what was filed, exactly, and the drafts that lead up to it.

When a person confirms a submission (event `<regime>.submitted`), the report is rendered once more for the filing
moment and frozen on the Submission row: the Markdown text, the JSON copy, their SHA-256 (see render.canonical),
the recipients and the required fields that were missing. A mapper guard refuses any later change to those columns,
so editing the incident's facts afterwards never alters what was filed; database triggers (migration 5a8d2c4e7f10)
refuse UPDATE and DELETE of the table for every client. `ledger_sha256` (hash version 2) covers every filed column.
"""

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Session, select

from notifier import clock
from notifier.audit import checkpoint
from notifier.errors import Conflict, NotFound
from notifier.incidents.models import Incident, Submission, Track
from notifier.submissions import context as report_context
from notifier.submissions import present
from notifier.submissions.render import Rendered, render, sha256
from notifier.workflow.schema import Workflow

LEDGER_COLUMNS = ("text", "json_copy", "sha256", "recipients", "missing", "language", "hash_version", "ledger_sha256")
FILED_FACTS_COLUMNS = ("regime", "stage", "submitted_at", "incident_id")
HASH_VERSION = 2
# Hash version 2 covers these (the JSON copy under the key "json"); see docs/submission-schema.md.
HASHED_COLUMNS = (
    "incident_id",
    "regime",
    "stage",
    "submitted_at",
    "reference",
    "delay_reason",
    "confirmed_by",
    "confirmed_at",
    "language",
    "text",
    "json",
    "recipients",
    "missing",
)


def filed_fields(submission: Submission) -> dict[str, Any]:
    """The filed columns as version 2 of the ledger hash sees them (instants as UTC ISO 8601)."""
    fields = {name: getattr(submission, name) for name in HASHED_COLUMNS if name != "json"}
    fields["json"] = submission.json_copy
    for name in ("submitted_at", "confirmed_at"):
        fields[name] = clock.as_utc(fields[name]).isoformat()
    return fields


def ledger_hash(submission: Submission) -> str:
    body = {"hash_version": HASH_VERSION, **filed_fields(submission)}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class LedgerImmutable(Conflict):
    """Raised when code tries to change or delete what was filed."""


@event.listens_for(Submission, "before_update")
def _refuse_changes(_mapper, _connection, target: Submission) -> None:  # noqa: ANN001
    state = inspect(target)
    for name in LEDGER_COLUMNS + FILED_FACTS_COLUMNS:
        history = state.attrs[name].history
        if history.deleted and any(old is not None for old in history.deleted):
            raise LedgerImmutable(f"submission {target.id}: {name} was filed and cannot change")


@event.listens_for(Submission, "before_delete")
def _refuse_delete(_mapper, _connection, target: Submission) -> None:  # noqa: ANN001
    if target.sha256 is not None:
        raise LedgerImmutable(f"submission {target.id} is in the ledger and cannot be deleted")


def _track(session: Session, incident_id: int, regime: str) -> Track | None:
    return session.exec(select(Track).where(Track.incident_id == incident_id, Track.regime == regime)).one_or_none()


def draft(session: Session, ctx: Any, *, incident: Incident, regime: str, stage: str, language: str) -> Rendered:
    """The report as it would be filed now (GET .../submissions/{regime}/{stage})."""
    if ctx.registry.get(regime) is None:
        raise NotFound(f"regime {regime!r}")
    track = _track(session, incident.id, regime)
    # A running duty is drafted under the rules its clock started with, as it will be filed.
    workflow = ctx.registry.of_version(regime, track.workflow_version if track else None)
    if stage not in workflow.stages:
        raise NotFound(f"stage {stage!r} of regime {regime!r}")
    return _render(
        session,
        ctx,
        incident,
        track,
        workflow,
        stage,
        language,
        clock.now(),
        None,
        filing=False,
    )


def _render(
    session: Session,
    ctx: Any,
    incident: Incident,
    track: Track | None,
    workflow: Workflow,
    stage: str,
    language: str,
    as_of: datetime,
    delay_reason: str | None,
    *,
    filing: bool,
) -> Rendered:
    built = report_context.build(
        session,
        registry=ctx.registry,
        workflow=workflow,
        stage=stage,
        incident=incident,
        track=track,
        language=language,
        zone=ctx.zone(session),
        labels=present.load_labels(ctx.templates_dir),
        as_of=as_of,
        delay_reason=delay_reason,
        filing=filing,
        competent_authorities=getattr(ctx, "competent_authorities", None),
    )
    return render(built, ctx.templates_dir)


def file(
    session: Session, ctx: Any, *, incident: Incident, track: Track, workflow: Workflow, submission: Submission
) -> dict[str, Any]:
    """Freeze the filed report on `submission`, add it and flush; returns what the audit record must carry (the
    ledger hash and the row's id, so `notifier audit verify` can hold each ledger row against its filing record)."""
    language = submission.language or "nl"
    rendered = _render(
        session,
        ctx,
        incident,
        track,
        workflow,
        submission.stage,
        language,
        submission.submitted_at,
        submission.delay_reason,
        filing=True,
    )
    submission.language = language
    submission.text = rendered.text
    submission.json_copy = rendered.json
    submission.sha256 = sha256(rendered.text, rendered.json)
    submission.recipients = rendered.json["recipients"]
    submission.missing = rendered.context.missing
    submission.hash_version = HASH_VERSION
    submission.ledger_sha256 = ledger_hash(submission)
    session.add(submission)
    session.flush()
    # Sign the organisation's chain end outside the database once this filing is committed.
    checkpoint.after_commit(session, getattr(ctx, "witness", None), submission.organisation_id)
    return {
        "language": language,
        "sha256": submission.sha256,
        "missing": list(submission.missing),
        "submission_id": submission.id,
        "hash_version": HASH_VERSION,
        "ledger_sha256": submission.ledger_sha256,
    }


def entries(session: Session, incident_id: int) -> list[Submission]:
    return report_context.filed_submissions(session, incident_id)


def intact(submission: Submission) -> bool | None:
    """Whether the stored text and JSON still hash to the filed SHA-256 and, from hash version 2 on, every filed
    column to ledger_sha256 (None for rows from before the ledger)."""
    if submission.sha256 is None or submission.text is None or submission.json_copy is None:
        return None
    if sha256(submission.text, submission.json_copy) != submission.sha256:
        return False
    if submission.hash_version is None:
        return True
    return submission.hash_version == HASH_VERSION and ledger_hash(submission) == submission.ledger_sha256
