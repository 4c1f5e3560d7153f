"""Recording assessment versions and confirming one, which posts the decision event of the regime whose workflow
names the assistant as its `hooks.assessment` (and so starts the clocks).

Several regimes can name an assistant; each assessment belongs to one (its `regime`) and counts its own versions.
Without a regime asked for, the first regime with an assistant that applies to the organisation is meant (the
first one loaded when none applies), so clients from before regimes had assistants of their own keep working.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, func, select

from notifier import clock
from notifier.assessment import rules
from notifier.assessment.models import SignificanceAssessment
from notifier.audit import chain
from notifier.context import Context
from notifier.errors import Conflict, FieldProblem, NotFound
from notifier.i18n import pick
from notifier.incidents.models import Incident
from notifier.lifecycle import events as lifecycle
from notifier.organisation import classification
from notifier.organisation import service as organisation
from notifier.regimes.assistant import Assistant
from notifier.submissions.present import Labels, load_labels
from notifier.workflow.schema import Registry, Workflow

HOOK = "assessment"


@dataclass(frozen=True)
class Chosen:
    """A regime with an assistant, and the assistant."""

    workflow: Workflow
    assistant: Assistant

    @property
    def regime(self) -> str:
        return self.workflow.regime


def available(registry: Registry) -> list[Chosen]:
    return [Chosen(wf, module.ASSISTANT) for wf, module in registry.hooked_all(HOOK)]


def choose(session: Session, registry: Registry, regime: str | None = None) -> Chosen:
    """The assistant asked for (a FieldProblem naming `regime` when no regime of that name has one), or the
    organisation's."""
    options = available(registry)
    if not options:
        raise Conflict("no regime names an assistant (hooks.assessment in its workflow)", "refused_no_assistant")
    if regime is not None:
        for option in options:
            if option.regime == regime:
                return option
        names = ", ".join(o.regime for o in options)
        raise FieldProblem(
            "regime", f"no assistant for regime {regime!r}; one of: {names}", "enum", key="refused_no_assistant_for"
        )
    org = organisation.get(session)
    applies = set(classification.regimes(org.sector, org.dora_entity_type, org.cra_manufacturer)) if org else set()
    return next((o for o in options if o.regime in applies), options[0])


def _profile(session: Session) -> Any:
    org = organisation.get(session)
    if org is None:
        raise Conflict(
            "no organisation profile yet: PUT /api/v1/organisation first (the entity type decides)",
            "refused_no_profile",
        )
    return org


def questions(session: Session, chosen: Chosen) -> tuple[str, str, list[rules.Question]]:
    """(entity type as the rules see it, rule, questions) for the organisation; the assistant needs the profile."""
    return chosen.assistant.asked(_profile(session))


def versions(session: Session, incident_id: int, regime: str) -> list[SignificanceAssessment]:
    return list(
        session.exec(
            select(SignificanceAssessment)
            .where(SignificanceAssessment.incident_id == incident_id, SignificanceAssessment.regime == regime)
            .order_by(SignificanceAssessment.version)
        ).all()
    )


def get_version(session: Session, incident_id: int, version: int, regime: str) -> SignificanceAssessment:
    row = session.exec(
        select(SignificanceAssessment).where(
            SignificanceAssessment.incident_id == incident_id,
            SignificanceAssessment.regime == regime,
            SignificanceAssessment.version == version,
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"{regime} assessment version {version} of incident {incident_id}")
    return row


def validated(assistant: Assistant, answers: dict) -> dict:
    """The answers as the assistant's model reads them, whoever gives them (the API, the web assistant)."""
    try:
        return assistant.answers.model_validate(answers).model_dump(exclude_none=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(["answers", *(str(p) for p in first["loc"])])
        raise FieldProblem(field, first["msg"], first["type"]) from exc


def record(
    session: Session, chosen: Chosen, *, incident: Incident, answers: dict, actor: str
) -> SignificanceAssessment:
    org = _profile(session)
    kind, _, asked = chosen.assistant.asked(org)
    asked_ids = {q.id for q in asked}
    for key in answers:
        if key not in asked_ids:
            raise FieldProblem(f"answers.{key}", f"is not asked for entity type {kind!r}")
    answers = validated(chosen.assistant, answers)
    try:
        proposal = chosen.assistant.assess(kind, answers, org)
    except rules.MissingAnswer as exc:
        raise FieldProblem(f"answers.{exc.question}", exc.message, "missing") from exc
    latest = session.exec(
        select(func.max(SignificanceAssessment.version)).where(
            SignificanceAssessment.incident_id == incident.id, SignificanceAssessment.regime == chosen.regime
        )
    ).one()
    now = clock.now()
    row = SignificanceAssessment(
        incident_id=incident.id,
        regime=chosen.regime,
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
            "regime": row.regime,
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


def reasoning_words(
    assistant: Assistant, row: SignificanceAssessment, positive: bool, extra: str | None, lang: str, labels: Labels
) -> str:
    """The decision's reasoning as the officer reads it in the audit trail and the register: in their language,
    the criteria, thresholds and values in words (the page's words: notifier/web/assistant_panel.py)."""
    words = assistant.words
    kind = labels.choice(assistant.kind_labels, row.entity_type, lang)
    outcome = words.say("positive" if positive else "negative", lang)
    lines = [f"{words.say('title', lang)} v{row.version} ({kind}; {assistant.rule_name(row.rule, lang)}): {outcome}."]
    lines += [
        f"- {assistant.criterion(c['criterion'], lang)} ({c['article']}: {assistant.threshold(c, lang)}): "
        f"{assistant.value(c['value'], lang)}"
        for c in row.criteria
    ]
    if not row.criteria:
        lines.append(pick(lang, "- geen criterium gehaald", "- no criterion met"))
    lines += [assistant.warning(w, lang) for w in row.warnings or []]
    verdict = assistant.verdict(row, lang)
    lines += [verdict] if verdict else [assistant.note(n, lang) for n in row.notes]
    if extra:
        lines.append(extra)
    return "\n".join(lines)


def reasoning_text(assistant: Assistant, row: SignificanceAssessment, decision: str, extra: str | None) -> str:
    lines = [f"{assistant.words.record} v{row.version} ({row.entity_type}, {row.rule}): {decision}."]
    lines += [f"- {c['criterion']} ({c['article']}: {c['threshold']}): {c['value']}" for c in row.criteria]
    if not row.criteria:
        lines.append("- no criterion fired")
    lines += [assistant.warning_line(w) for w in row.warnings or []]
    lines += row.notes
    if extra:
        lines.append(extra)
    return "\n".join(lines)


def confirm(
    session: Session,
    ctx: Context,
    chosen: Chosen,
    *,
    incident: Incident,
    row: SignificanceAssessment,
    agree: bool,
    times: dict[str, datetime | None],
    reasoning: str | None,
    actor: str,
    lang: str | None = None,
) -> Incident:
    """A person decides: posts the regime's positive event (awareness, clocks) or its negative one with the
    reasoning. `times` are the positive event's instants the person gave (aware_at, ...). With `lang` (a person on
    the pages) the assistant's part of the reasoning is written in words in that language; without it (the API) in
    the codes and English its clients read."""
    if row.confirmed_at is not None:
        raise Conflict(
            f"assessment version {row.version} was already confirmed by {row.confirmed_by}",
            "refused_assessment_confirmed",
            version=row.version,
            by=row.confirmed_by,
        )
    assistant = chosen.assistant
    positive = row.significant if agree else not row.significant
    if not agree and not reasoning:
        raise FieldProblem(
            "reasoning",
            "give the reasoning when deciding against the proposal",
            "missing",
            key="refused_reasoning_needed",
        )
    decision = assistant.positive if positive else assistant.negative
    body: dict[str, Any] = {
        "type": chosen.workflow.event_type(decision),
        "reasoning": reasoning_text(assistant, row, decision, reasoning)
        if lang is None
        else reasoning_words(assistant, row, positive, reasoning, lang, load_labels(ctx.templates_dir)),
    }
    now = clock.now()
    if positive:
        for name in assistant.required_times:
            if times.get(name) is None:
                raise FieldProblem(name, f"{name} is needed to start the clocks", "missing", key="form_required")
            body[name] = times[name]
        if assistant.decided_at:
            body[assistant.decided_at] = times.get(assistant.decided_at) or now
    try:
        event = ctx.registry.event_models[body["type"]].model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        why = getattr((first.get("ctx") or {}).get("error"), "kind", None)  # an instants.InstantError's
        key = {"range": "form_datetime_range", "future": "form_datetime_future"}.get(why, "form_invalid")
        raise FieldProblem(".".join(str(p) for p in first["loc"]), first["msg"], key=key) from exc
    lifecycle.apply_event(session, ctx, incident=incident, event=event, actor=actor)
    row.decision, row.confirmed_by, row.confirmed_at = decision, actor, now
    session.add(row)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="assessment.confirmed",
        incident_id=incident.id,
        payload={
            "regime": row.regime,
            "version": row.version,
            "proposal_significant": row.significant,
            "decision": decision,
        },
        at=now,
    )
    return incident
