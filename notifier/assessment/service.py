"""Recording assessment versions and confirming one, which posts the decision event of the regime whose workflow
names the assistant as its `hooks.assessment` (and so starts the clocks)."""

from datetime import datetime

from pydantic import ValidationError
from sqlmodel import Session, func, select

from notifier import clock
from notifier.assessment import export, rules
from notifier.assessment.models import SignificanceAssessment
from notifier.assessment.schemas import Answers
from notifier.audit import chain
from notifier.context import Context
from notifier.errors import Conflict, FieldProblem, NotFound
from notifier.incidents.models import Incident
from notifier.lifecycle import events as lifecycle
from notifier.organisation import service as organisation


def profile(session: Session) -> tuple[str, float | None]:
    """(effective entity type, turnover) from the organisation profile; the assistant needs the profile."""
    org = organisation.get(session)
    if org is None:
        raise Conflict("no organisation profile yet: PUT /api/v1/organisation first (the entity type decides)")
    return rules.effective_type(org.entity_type, org.trust_service_provider), org.annual_turnover_eur


def questions(session: Session) -> tuple[str, str, list[rules.Question]]:
    kind, turnover = profile(session)
    ids = rules.question_ids(kind, turnover_known=turnover is not None)
    return kind, "thresholds" if rules.has_thresholds(kind) else "open_rule", [rules.Q[i] for i in ids]


def versions(session: Session, incident_id: int) -> list[SignificanceAssessment]:
    return list(
        session.exec(
            select(SignificanceAssessment)
            .where(SignificanceAssessment.incident_id == incident_id)
            .order_by(SignificanceAssessment.version)
        ).all()
    )


def get_version(session: Session, incident_id: int, version: int) -> SignificanceAssessment:
    row = session.exec(
        select(SignificanceAssessment).where(
            SignificanceAssessment.incident_id == incident_id, SignificanceAssessment.version == version
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"assessment version {version} of incident {incident_id}")
    return row


def _validated(answers: dict) -> dict:
    """The answers as the API's model reads them, whoever gives them (the API, the web assistant)."""
    try:
        return Answers.model_validate(answers).model_dump(exclude_none=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(["answers", *(str(p) for p in first["loc"])])
        raise FieldProblem(field, first["msg"], first["type"]) from exc


def record(session: Session, *, incident: Incident, answers: dict, actor: str) -> SignificanceAssessment:
    kind, turnover = profile(session)
    asked = set(rules.question_ids(kind, turnover_known=turnover is not None))
    for key in answers:
        if key not in asked:
            raise FieldProblem(f"answers.{key}", f"is not asked for entity type {kind!r}")
    answers = _validated(answers)
    try:
        proposal = rules.assess(kind, answers, turnover=turnover)
    except rules.MissingAnswer as exc:
        raise FieldProblem(f"answers.{exc.question}", exc.message, "missing") from exc
    latest = session.exec(
        select(func.max(SignificanceAssessment.version)).where(SignificanceAssessment.incident_id == incident.id)
    ).one()
    now = clock.now()
    row = SignificanceAssessment(
        incident_id=incident.id,
        version=(latest or 0) + 1,
        entity_type=kind,
        rule=proposal.rule,
        answers=answers,
        significant=proposal.significant,
        criteria=[f.as_dict() for f in proposal.fired],
        notes=proposal.notes,
        rules_version=proposal.rules_version,
        warnings=proposal.warnings,
        assessor=actor,
        assessed_at=now,
    )
    session.add(row)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="assessment.recorded",
        incident_id=incident.id,
        payload={
            "version": row.version,
            "rules_version": row.rules_version,
            "answers": answers,
            "significant": row.significant,
            "criteria": row.criteria,
            "warnings": row.warnings,
        },
        at=now,
    )
    return row


def reasoning_text(row: SignificanceAssessment, decision: str, extra: str | None) -> str:
    lines = [f"Significance assessment v{row.version} ({row.entity_type}, {row.rule}): {decision}."]
    lines += [f"- {c['criterion']} ({c['article']}: {c['threshold']}): {c['value']}" for c in row.criteria]
    if not row.criteria:
        lines.append("- no criterion fired")
    lines += [export.warning_line(w) for w in row.warnings or []]
    lines += row.notes
    if extra:
        lines.append(extra)
    return "\n".join(lines)


def confirm(
    session: Session,
    ctx: Context,
    *,
    incident: Incident,
    row: SignificanceAssessment,
    agree: bool,
    aware_at: datetime | None,
    reasoning: str | None,
    actor: str,
) -> Incident:
    """A person decides: posts <regime>.significant (awareness, clocks) or <regime>.not_significant with the
    reasoning, for the regime that names the assistant (hooks.assessment)."""
    if row.confirmed_at is not None:
        raise Conflict(f"assessment version {row.version} was already confirmed by {row.confirmed_by}")
    significant = row.significant if agree else not row.significant
    if not agree and not reasoning:
        raise FieldProblem("reasoning", "give the reasoning when deciding against the proposal", "missing")
    decision = "significant" if significant else "not_significant"
    hooked = ctx.registry.hooked("assessment")
    if hooked is None:
        raise Conflict("no regime names the significance assistant (hooks.assessment in its workflow)")
    workflow, _ = hooked
    body = {"type": workflow.event_type(decision), "reasoning": reasoning_text(row, decision, reasoning)}
    if significant:
        if aware_at is None:
            raise FieldProblem("aware_at", "the moment awareness was reached is needed to start the clocks", "missing")
        body["aware_at"] = aware_at
    try:
        event = ctx.registry.event_models[body["type"]].model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise FieldProblem(".".join(str(p) for p in first["loc"]), first["msg"]) from exc
    lifecycle.apply_event(session, ctx, incident=incident, event=event, actor=actor)
    now = clock.now()
    row.decision, row.confirmed_by, row.confirmed_at = decision, actor, now
    session.add(row)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="assessment.confirmed",
        incident_id=incident.id,
        payload={"version": row.version, "proposal_significant": row.significant, "decision": decision},
        at=now,
    )
    return incident
