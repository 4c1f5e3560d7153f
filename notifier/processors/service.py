"""The processor register and the chase: link an incident, ask for the missing facts, take the answers."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlmodel import Session, select

from notifier import instants, numbers
from notifier.accounts.models import User
from notifier.audit import chain
from notifier.config import Settings
from notifier.deadlines.models import Deadline
from notifier.errors import Conflict, FieldProblem, NotFound
from notifier.incidents.models import Incident
from notifier.mail import outbox
from notifier.mail.render import render
from notifier.organisation import service as organisation
from notifier.processors import plan, reply_links
from notifier.processors.models import IncidentProcessor, Processor, ProcessorAnswer, ReplyLink
from notifier.processors.plan import contact_at
from notifier.submissions import completeness, facts
from notifier.submissions.field_labels import field_label
from notifier.text import fault as text_fault
from notifier.workflow.schema import Registry

log = structlog.get_logger("notifier.processors")
LEVELS = (1, 2, 3)


def get(session: Session, processor_id: int) -> Processor:
    processor = session.get(Processor, processor_id)
    if processor is None:
        raise NotFound(f"processor {processor_id}")
    return processor


def list_processors(session: Session) -> list[Processor]:
    return list(session.exec(select(Processor).order_by(Processor.name)).all())


def save(session: Session, *, processor: Processor | None, data: dict, actor: str, now: datetime) -> Processor:
    clash = session.exec(select(Processor).where(Processor.name == data["name"])).first()
    if clash is not None and (processor is None or clash.id != processor.id):
        raise Conflict(
            f"a processor named {data['name']!r} already exists", "refused_processor_exists", name=data["name"]
        )
    before = processor.model_dump(mode="json") if processor else None
    processor = processor or Processor(name=data["name"], notification_term_hours=1, created_at=now)
    for key, value in data.items():
        setattr(processor, key, value)
    processor.updated_at = now
    session.add(processor)
    session.flush()
    chain.append(
        session,
        actor=actor,
        event_type="processor.saved",
        payload=data,
        previous_state=before,
        new_state=processor.model_dump(mode="json"),
        at=now,
    )
    return processor


def asked(registry: Registry, link: IncidentProcessor) -> list[str]:
    """The facts the reply page asks: those requested that a processor can know (a link stored before the catalogue
    marked them may have requested more)."""
    return [name for name in link.requested_facts if (fact := registry.facts.get(name)) is not None and fact.processor]


def missing_facts(session: Session, registry: Registry, incident: Incident) -> list[str]:
    """Facts the open submissions still need that a processor can know (workflows/facts.yaml `processor: true`);
    organisation references and the controller's own decisions are ours to fill, not the processor's."""
    open_rows = session.exec(
        select(Deadline).where(
            Deadline.incident_id == incident.id, Deadline.submitted_at.is_(None), Deadline.due.is_not(None)
        )
    ).all()
    wanted: list[str] = []
    for row in sorted(open_rows, key=lambda d: d.due):
        if registry.get(row.regime) is None or row.stage not in registry.workflows[row.regime].stages:
            continue
        for name in completeness.check(session, registry, incident, row.regime, row.stage).missing:
            fact = registry.facts.get(name)
            if fact is not None and fact.processor and name not in wanted:
                wanted.append(name)
    return wanted


def link(
    session: Session,
    *,
    incident: Incident,
    processor: Processor,
    processor_aware_at: datetime | None,
    informed_at: datetime | None,
    settings: Settings,
    registry: Registry,
    actor: str,
    now: datetime,
) -> IncidentProcessor:
    existing = session.exec(
        select(IncidentProcessor).where(
            IncidentProcessor.incident_id == incident.id, IncidentProcessor.processor_id == processor.id
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"processor {processor.id} is already linked to incident {incident.id}",
            "refused_processor_linked",
            name=processor.name,
        )
    for field, value in (("processor_aware_at", processor_aware_at), ("informed_at", informed_at)):
        if value is not None and value > now + instants.CLOCK_SKEW:
            raise FieldProblem(field, "lies in the future", key="refused_processor_future")
    if processor_aware_at and informed_at and informed_at < processor_aware_at:
        raise FieldProblem("informed_at", "lies before processor_aware_at", key="refused_processor_informed_before")
    if contact_at(processor, 1) is None:
        raise FieldProblem(
            "processor_id",
            "the processor has no level 1 contact with an e-mail address",
            key="refused_processor_no_contact",
        )
    row = IncidentProcessor(
        incident_id=incident.id,
        processor_id=processor.id,
        processor_aware_at=processor_aware_at,
        informed_at=informed_at,
        requested_at=now,
        requested_facts=missing_facts(session, registry, incident),
        current_level=1,
        level_since=now,
        linked_by=actor,
    )
    session.add(row)
    session.flush()
    queue_request(
        session, link=row, processor=processor, incident=incident, settings=settings, registry=registry, now=now
    )
    chain.append(
        session,
        actor=actor,
        event_type="processor.linked",
        incident_id=incident.id,
        payload={
            "processor_id": processor.id,
            "processor": processor.name,
            "processor_aware_at": processor_aware_at,
            "informed_at": informed_at,
            "requested_facts": row.requested_facts,
        },
        at=now,
    )
    log.info("processor.linked", incident_id=incident.id, processor=processor.name)
    return row


def queue_request(
    session: Session,
    *,
    link: IncidentProcessor,
    processor: Processor,
    incident: Incident,
    settings: Settings,
    registry: Registry,
    now: datetime,
) -> str:
    """The information request (level 1) or an escalation (level 2, 3) to the contact at the link's level."""
    contact = contact_at(processor, link.current_level)
    if contact is None:
        raise FieldProblem("contacts", f"the processor has no level {link.current_level} contact with an e-mail")
    lang = settings.mail_language
    org = organisation.row(session)
    zone = ZoneInfo(org.timezone) if org is not None else UTC
    officer = asking_officer(session, link)
    needed_by = plan.reply_by(session, processor, link, now)
    context = {
        # Who asks, so the service desk can tell the request from phishing: our organisation and its officer.
        "organisation_name": org.name if org is not None else "meldplicht",
        "officer": officer,
        "reply_by": instants.show(needed_by, zone, style="mail") if needed_by else None,
        "processor": processor.name,
        "contact_name": contact.get("name") or processor.name,
        "level": link.current_level,
        "escalation": link.current_level > 1,
        "term_hours": processor.notification_term_hours,
        "requested_local": instants.show(link.requested_at, zone, style="mail"),
        "incident": {"id": incident.id, "title": incident.title},
        "facts": [field_label(registry, name, lang) for name in link.requested_facts],
        "reply_url": reply_links.issue(session, link=link, settings=settings, now=now),
        "reply_days": settings.reply_link_days,
    }
    key = f"processor:{link.id}:level:{link.current_level}"
    outbox.enqueue(
        session,
        key=key,
        kind="processor_request",
        to=[contact["email"]],
        cc=[],
        mail=render(settings.templates_dir, "processor_request", lang, context),
        mail_from=settings.mail_from,
        now=now,
        incident_id=incident.id,
        from_name=f"{context['organisation_name']} via meldplicht",
        reply_to=officer["email"] or settings.mail_reply_to,
    )
    return key


def asking_officer(session: Session, link: IncidentProcessor) -> dict[str, str | None]:
    """Who the processor answers to: the profile's reporting officer, else the user who linked the processor."""
    contact = organisation.contact_for(session, "reporting_officer")
    if contact is not None:
        return {"name": contact.name, "email": contact.email, "phone": contact.phone}
    email = link.linked_by.removeprefix("user:").split(" ", 1)[0] if link.linked_by.startswith("user:") else None
    user = session.exec(select(User).where(User.email == email)).first() if email else None
    return {"name": user.name if user else None, "email": email, "phone": None}


# The reply page's free-text field beside the facts: what the processor wants us to know that no fact holds.
REMARK = "remark"
NOT_ASKED = "not asked on this page (only the fields shown are accepted)"


def _remark_fault(text: str) -> str | None:
    if len(text) > facts.MAX_TEXT:
        return f"is longer than {facts.MAX_TEXT} characters"
    problem = text_fault(text)
    return problem[1] if problem else None


class AnswerRefused(Exception):
    """Answers that the officer's fact validation refuses: one message per field; nothing was stored."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _convert(registry: Registry, name: str, raw: str) -> Any:
    """The reply page's text as the value submissions.facts validates (ISO 8601 text for instants, ja/nee, 1,2)."""
    fact = registry.facts.get(name)
    text = raw.strip()
    if fact is None or fact.type in {"text", "datetime", "choice"}:
        return text
    if fact.type == "bool":
        lowered = text.lower()
        if lowered in {"ja", "yes", "true", "1"}:
            return True
        if lowered in {"nee", "no", "false", "0"}:
            return False
        raise FieldProblem(name, "must be ja/nee (yes/no)")
    if fact.type == "int":
        return _whole(name, text)
    return [p.strip() for p in text.split(",") if p.strip()]  # multichoice


def _whole(name: str, text: str) -> int:
    """A count as the officer's form reads it (notifier/numbers.py: "1.000" and "1 000" are a thousand), said in
    both languages as the reply page is."""
    try:
        value = numbers.parse(text, "nl", whole=True)
    except numbers.NotANumber as exc:
        if exc.kind == "approximate":
            example = exc.example or "1.000"
            raise FieldProblem(
                name,
                f"geef een getal, zonder '{exc.word}'; bijvoorbeeld {example}"
                f" / give a number without '{exc.word}', e.g. {example}",
            ) from None
        raise FieldProblem(name, "geef een geheel getal / must be a whole number") from None
    if not isinstance(value, int) or value > 10**18:
        raise FieldProblem(name, "geef een geheel getal / must be a whole number")
    return value


def answer(
    session: Session,
    *,
    link: IncidentProcessor,
    raw: dict[str, str],
    registry: Registry,
    now: datetime,
    via: ReplyLink | None = None,
) -> ProcessorAnswer:
    """Store the answers as given and fill only facts the incident does not have yet (never overwrite ours).

    `via` is the reply link the answer came through (None: a link mailed before reply links had rows)."""
    processor = session.get(Processor, link.processor_id)
    incident = session.get(Incident, link.incident_id)
    fields = asked(registry, link)
    # As the API refuses an unknown fact: a field the page did not ask (a controller's decision, a fact we have
    # already) is refused, never silently dropped or stored.
    errors: dict[str, str] = {k: NOT_ASKED for k in raw if k not in fields and k != REMARK}
    remark = (raw.get(REMARK) or "").strip() or None
    if remark is not None and (problem := _remark_fault(remark)):
        errors[REMARK] = problem
    given = {k: v for k, v in raw.items() if k in fields and v and v.strip()}
    if not given and remark is None and not errors:
        raise FieldProblem("answers", "fill in at least one field")
    current = dict(incident.facts or {})
    values: dict[str, Any] = {}
    for name, text in given.items():
        try:
            values[name] = _convert(registry, name, text)
        except FieldProblem as exc:
            errors[name] = exc.message
    # Every answer is checked as the officer's form checks it; only those for facts we lack are applied.
    regimes = facts.regimes_of(session, incident)
    _, refused = facts.validate(registry.facts, current, values, now, together=False, regimes=regimes)
    applied = [name for name in values if name not in refused and not completeness.filled(current.get(name))]
    facts_after, together = facts.validate(
        registry.facts, current, {n: values[n] for n in applied}, now, regimes=regimes
    )
    errors = {**refused, **together, **errors}
    if errors:
        raise AnswerRefused(errors)
    author = f"processor:{processor.name}"
    row = ProcessorAnswer(
        link_id=link.id,
        incident_id=incident.id,
        author=author,
        answers=given,
        applied=applied,
        remark=remark,
        received_at=now,
        reply_link_id=via.id if via else None,
    )
    session.add(row)
    incident.facts, incident.updated_at = facts_after, now
    link.answered_at = link.answered_at or now
    session.add(incident)
    session.add(link)
    session.flush()
    chain.append(
        session,
        actor=author,
        event_type="processor.answered",
        incident_id=incident.id,
        payload={
            "link_id": link.id,
            # Which mailed link it came through (its id, never the token): the level it went to tells who answered.
            "reply_link_id": via.id if via else None,
            "level": via.level if via else link.current_level,
            "answers": given,
            "applied": applied,
            "remark": remark,
        },
        at=now,
    )
    log.info("processor.answered", incident_id=incident.id, processor=processor.name, applied=applied)
    return row


def timeliness(session: Session, processor: Processor, zone=None) -> dict:  # noqa: ANN001
    """`zone`: the instants in the organisation's time zone, as the API answers them (stored in UTC)."""

    def local(value: datetime | None) -> datetime | None:
        return value.astimezone(zone) if value is not None and zone is not None else value

    rows = session.exec(
        select(IncidentProcessor).where(IncidentProcessor.processor_id == processor.id).order_by(IncidentProcessor.id)
    ).all()
    items, late, known = [], 0, 0
    for row in rows:
        delay = None
        is_late = None
        if row.processor_aware_at and row.informed_at:
            delay = round((row.informed_at - row.processor_aware_at).total_seconds() / 3600, 2)
            is_late = delay > processor.notification_term_hours
            known += 1
            late += int(is_late)
        items.append(
            {
                "incident_id": row.incident_id,
                "processor_aware_at": local(row.processor_aware_at),
                "informed_at": local(row.informed_at),
                "delay_hours": delay,
                "late": is_late,
                "current_level": row.current_level,
                "answered_at": local(row.answered_at),
            }
        )
    return {
        "processor_id": processor.id,
        "processor": processor.name,
        "notification_term_hours": processor.notification_term_hours,
        "incidents": len(rows),
        "with_times": known,
        "late": late,
        "on_time": known - late,
        "items": items,
    }
