"""The sweep: bring steps up to date, then claim each due step and turn it into an outbox mail, exactly once.

Each step is claimed and queued in one transaction. On SQLite every transaction starts with BEGIN IMMEDIATE and the
claim is a conditional UPDATE, so two processes sweeping one file serialise and the loser's UPDATE matches no row.
On PostgreSQL the step row is locked with FOR UPDATE SKIP LOCKED before the same conditional UPDATE.
"""

import os
import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Engine
from sqlmodel import Session, select

from notifier import tenancy
from notifier.audit import chain
from notifier.config import Settings
from notifier.db import claim_one, session_scope
from notifier.deadlines.models import Deadline
from notifier.incidents.models import Incident
from notifier.mail import outbox
from notifier.mail.render import render
from notifier.organisation import service as organisation
from notifier.reminders import ladder as rules
from notifier.reminders import plan
from notifier.reminders.content import reminder_context
from notifier.reminders.models import ReminderStep, StepStatus
from notifier.workflow.schema import Registry

log = structlog.get_logger("notifier.reminders")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def late_after(settings: Settings) -> timedelta:
    """A step sent more than this after its time was missed (the service was down): marked late in the log."""
    return timedelta(seconds=2 * settings.sweep_interval_seconds + 60)


def sweep(engine: Engine, *, settings: Settings, registry: Registry, now: datetime) -> list[dict]:
    with session_scope(engine) as session:
        actions = plan.sync_all(session, registry=registry, now=now)
    with Session(engine) as session:
        due_ids = session.exec(
            select(ReminderStep.id)
            .where(ReminderStep.status == StepStatus.PENDING, ReminderStep.due_at <= now)
            .order_by(ReminderStep.due_at, ReminderStep.id)
        ).all()
    for step_id in due_ids:
        try:
            with session_scope(engine) as session:
                action = _claim_and_queue(session, step_id, settings=settings, registry=registry, now=now)
        except Exception as exc:  # the step stays pending and is retried next sweep; the others still go out
            log.exception("reminder.failed", step_id=step_id)
            action = {"action": "reminder.failed", "step_id": step_id, "error": f"{type(exc).__name__}: {exc}"}
        if action is not None:
            actions.append(action)
    return actions


def _claim(session: Session, step_id: int, now: datetime) -> ReminderStep | None:
    return claim_one(
        session,
        ReminderStep,
        ReminderStep.id == step_id,
        ReminderStep.status == StepStatus.PENDING,
        values={"status": StepStatus.CLAIMED, "claimed_by": worker_name(), "claimed_at": now},
    )


def _claim_and_queue(session: Session, step_id: int, *, settings, registry, now) -> dict | None:  # noqa: ANN001
    step = _claim(session, step_id, now)
    if step is None:
        return None
    # From here the work is the step's organisation's: its contacts, its profile, its audit chain.
    tenancy.bind(session, step.organisation_id)
    deadline = session.exec(
        select(Deadline).where(
            Deadline.incident_id == step.incident_id,
            Deadline.regime == step.regime,
            Deadline.stage == step.stage,
            Deadline.sequence == step.sequence,
        )
    ).one_or_none()
    base = plan.describe(step)
    if not plan.is_open(deadline):
        step.status = StepStatus.DROPPED
        session.add(step)
        return {**base, "action": "step.dropped", "reason": "deadline no longer open"}
    step.late = now - step.due_at > late_after(settings)
    step.status = StepStatus.SENT
    session.add(step)
    incident = session.get(Incident, step.incident_id)
    ladder = plan.ladder_for(registry, step.regime)
    to_roles, cc_roles = rules.recipients_for(step.step_key, ladder)
    to, cc, names, missing_roles = [], [], [], []
    for role, target in [(r, to) for r in to_roles] + [(r, cc) for r in cc_roles]:
        contact = organisation.contact_for(session, role)
        if contact is None or not contact.email:
            missing_roles.append(role)
            continue
        if contact.email not in to and contact.email not in cc:
            target.append(contact.email)
            if target is to:
                names.append(contact.name)
    for role in missing_roles:
        log.warning("reminder.no_recipient", incident_id=step.incident_id, role=role, step=step.step_key)
    action = {**base, "action": "reminder.queued", "late": step.late, "to": to, "cc": cc}
    if not to:
        # Nobody to send to is itself worth an audit record: the reminder is recorded, not silently lost.
        chain.append(
            session,
            actor="system:reminders",
            event_type="reminder.no_recipient",
            incident_id=step.incident_id,
            payload={**base, "missing_roles": missing_roles},
            at=now,
        )
        log.warning("reminder.no_recipient", **base)
        return {**action, "action": "reminder.no_recipient", "missing_roles": missing_roles}
    org = organisation.get(session)
    zone = org_zone(org, settings)
    lang = settings.mail_language
    context = reminder_context(
        session,
        registry=registry,
        deadline=deadline,
        incident=incident,
        step_key=step.step_key,
        recipient_name=", ".join(names),
        zone=zone,
        base_url=settings.base_url,
        lang=lang,
        now=now,
    )
    key = f"reminder:{step.incident_id}:{step.regime}:{step.stage}:{step.sequence}:{step.step_key}"
    mail = render(settings.templates_dir, "reminder", lang, context)
    outbox.enqueue(
        session,
        key=key,
        kind="reminder",
        to=to,
        cc=cc,
        mail=mail,
        mail_from=settings.mail_from,
        now=now,
        incident_id=step.incident_id,
    )
    log.info("reminder.queued", late=step.late, **base)
    return {**action, "key": key, "subject": mail.subject}


def org_zone(org, settings: Settings) -> ZoneInfo:  # noqa: ANN001
    return ZoneInfo(org.timezone) if org else settings.zone
