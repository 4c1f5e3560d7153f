"""The sweep: bring steps up to date, then claim the due steps and turn each into an outbox mail, exactly once.

Due steps go in batches of BATCH, one transaction each: one conditional UPDATE claims the batch, one query per kind
of row reads what its reminders need (steps, deadlines, incidents, tracks, organisations, contacts), each reminder
is rendered, and the steps' outcomes and the mails are written with one statement each. A step costing a dozen
statements and a commit of its own made 500 due steps take 10 s on PostgreSQL (issue 18, bench/scale.py).

Exactly once: a step is claimed and its mail queued in the same transaction. On SQLite every transaction starts with
BEGIN IMMEDIATE and the claim repeats "still pending", so two processes sweeping one file serialise and the second
claims nothing; on PostgreSQL the claim passes over steps another worker holds (FOR UPDATE SKIP LOCKED).

One failing reminder does not hold back the others: each is prepared in a savepoint, and a step whose reminder
fails is put back to pending in the same transaction and tried again at the next sweep. A batch that fails as a
whole (a row its reads cannot load) is tried again step by step, so only the step with the bad row waits.
The audit records of reminders nobody could be sent are appended after the batch's reminders, the organisations'
chain heads locked in one order (chain.append_many), so a sweep and the intake writer cannot deadlock on them.
"""

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Engine, bindparam, update
from sqlmodel import Session, select

from notifier import tenancy
from notifier.audit import chain
from notifier.config import Settings
from notifier.db import claim_many, session_scope
from notifier.deadlines.models import Deadline
from notifier.incidents.models import Incident, Track
from notifier.mail import outbox
from notifier.mail.render import render
from notifier.organisation import service as organisation
from notifier.organisation.models import Organisation
from notifier.reminders import ladder as rules
from notifier.reminders import plan
from notifier.reminders.content import reminder_context
from notifier.reminders.models import ReminderStep, StepStatus
from notifier.workflow.schema import Registry

log = structlog.get_logger("notifier.reminders")

# Steps per transaction: a few statements per step instead of a dozen, and SQLite's write lock (which the intake
# writer waits for) held for a fraction of a second.
BATCH = 100


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def late_after(settings: Settings) -> timedelta:
    """A step sent more than this after its time was missed (the service was down): marked late in the log."""
    return timedelta(seconds=2 * settings.sweep_interval_seconds + 60)


def sweep(engine: Engine, *, settings: Settings, registry: Registry, now: datetime) -> list[dict]:
    with session_scope(engine) as session:
        actions = plan.sync_all(session, registry=registry, now=now)
    with Session(engine) as session:
        due_ids = list(
            session.exec(
                select(ReminderStep.id)
                .where(ReminderStep.status == StepStatus.PENDING, ReminderStep.due_at <= now)
                .order_by(ReminderStep.due_at, ReminderStep.id)
            ).all()
        )
    for start in range(0, len(due_ids), BATCH):
        actions += _send(engine, due_ids[start : start + BATCH], settings=settings, registry=registry, now=now)
    return actions


def _send(engine: Engine, step_ids: list[int], **work) -> list[dict]:  # noqa: ANN003
    """The batch's reminders, committed; when the batch fails as a whole, each of its steps on its own."""
    try:
        with session_scope(engine) as session:
            actions = _send_batch(session, step_ids, **work)
    except Exception as exc:  # rolled back: nothing of the batch is claimed, queued or recorded
        if len(step_ids) > 1:
            log.warning("reminder.batch_failed", step_ids=step_ids, error=f"{type(exc).__name__}: {exc}")
            return [action for step_id in step_ids for action in _send(engine, [step_id], **work)]
        log.exception("reminder.failed", step_id=step_ids[0])
        return [{"action": "reminder.failed", "step_id": step_ids[0], "error": f"{type(exc).__name__}: {exc}"}]
    for action in actions:  # after the commit: a mail logged as queued is in the outbox
        if action["action"] == "reminder.queued":
            log.info("reminder.queued", late=action["late"], **{k: action[k] for k in _DESCRIBED})
    return actions


_DESCRIBED = ("incident_id", "regime", "stage", "sequence", "step", "due_at")


@dataclass
class _Read:
    """What a batch's reminders need, read with one query per kind of row."""

    deadlines: dict[tuple, Deadline]
    tracks: dict[tuple[int, str], Track]
    incidents: dict[int, Incident]
    # Held here so that they stay in the session's identity map (it holds them weakly), where organisation.get
    # finds them without a query.
    organisations: dict[int, Organisation]


def _send_batch(session: Session, step_ids: list[int], *, settings, registry, now) -> list[dict]:  # noqa: ANN001
    claimed = claim_many(
        session,
        ReminderStep,
        step_ids,
        ReminderStep.status == StepStatus.PENDING,
        values={"status": StepStatus.CLAIMED, "claimed_by": worker_name(), "claimed_at": now},
    )
    if not claimed:
        return []
    steps = list(
        session.exec(
            select(ReminderStep)
            .where(ReminderStep.id.in_(claimed))
            .order_by(ReminderStep.due_at, ReminderStep.id)
            .execution_options(populate_existing=True)
        )
    )
    incident_ids = sorted({s.incident_id for s in steps})
    organisation_ids = sorted({s.organisation_id for s in steps})
    read = _Read(
        incidents={i.id: i for i in session.exec(select(Incident).where(Incident.id.in_(incident_ids)))},
        organisations={
            o.id: o for o in session.exec(select(Organisation).where(Organisation.id.in_(organisation_ids)))
        },
        deadlines={
            (d.incident_id, d.regime, d.stage, d.sequence): d
            for d in session.exec(select(Deadline).where(Deadline.incident_id.in_(incident_ids)))
        },
        tracks={
            (t.incident_id, t.regime): t for t in session.exec(select(Track).where(Track.incident_id.in_(incident_ids)))
        },
    )
    actions, outcomes, mails, records = [], [], [], []
    with organisation.contacts_read_once(session, organisation_ids):
        for step in steps:
            try:
                with tenancy.working_for(session, step.organisation_id):
                    action, mail = _reminder(session, step, read, settings=settings, registry=registry, now=now)
            except Exception as exc:  # this step goes back to pending for the next sweep; the others go out
                log.exception("reminder.failed", step_id=step.id)
                outcomes.append(_outcome(step, StepStatus.PENDING))
                actions.append(
                    {"action": "reminder.failed", "step_id": step.id, "error": f"{type(exc).__name__}: {exc}"}
                )
                continue
            status = StepStatus.DROPPED if action["action"] == "step.dropped" else StepStatus.SENT
            outcomes.append(_outcome(step, status, late=action.get("late", False)))
            actions.append(action)
            if mail is not None:
                mails.append(mail)
            if action["action"] == "reminder.no_recipient":
                records.append(_no_recipient_record(step, action, now))
    _record(session, outcomes)
    outbox.enqueue_many(session, mails)
    # Nobody to send to is itself worth an audit record: the reminder is recorded, not silently lost.
    chain.append_many(session, records)
    return actions


def _no_recipient_record(step: ReminderStep, action: dict, now: datetime) -> dict:
    return {
        "organisation_id": step.organisation_id,
        "actor": "system:reminders",
        "event_type": "reminder.no_recipient",
        "incident_id": step.incident_id,
        "payload": {**plan.describe(step), "missing_roles": action["missing_roles"]},
        "at": now,
    }


def _outcome(step: ReminderStep, status: StepStatus, *, late: bool = False) -> dict:
    claim = (None, None) if status == StepStatus.PENDING else (step.claimed_by, step.claimed_at)
    return {"b_id": step.id, "b_status": status, "b_late": late, "b_by": claim[0], "b_at": claim[1]}


def _record(session: Session, outcomes: list[dict]) -> None:
    """The steps' outcomes in one statement (executemany): sent, dropped, or back to pending unclaimed."""
    if not outcomes:
        return
    table = ReminderStep.__table__
    session.connection().execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            status=bindparam("b_status"),
            late=bindparam("b_late"),
            claimed_by=bindparam("b_by"),
            claimed_at=bindparam("b_at"),
        ),
        outcomes,
    )


def _reminder(
    session: Session, step: ReminderStep, read: _Read, *, settings, registry, now
) -> tuple[dict, dict | None]:  # noqa: ANN001
    """The step's action and the outbox row of its mail (None when nothing is to be sent)."""
    deadline = read.deadlines.get((step.incident_id, step.regime, step.stage, step.sequence))
    base = plan.describe(step)
    if not plan.is_open(deadline):
        return {**base, "action": "step.dropped", "reason": "deadline no longer open"}, None
    late = now - step.due_at > late_after(settings)
    incident = read.incidents[step.incident_id]
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
    action = {**base, "action": "reminder.queued", "late": late, "to": to, "cc": cc}
    if not to:
        log.warning("reminder.no_recipient", **base)
        return {**action, "action": "reminder.no_recipient", "missing_roles": missing_roles}, None
    org = organisation.get(session)
    lang = settings.mail_language
    context = reminder_context(
        session,
        registry=registry,
        deadline=deadline,
        incident=incident,
        step_key=step.step_key,
        recipient_name=", ".join(names),
        zone=org_zone(org, settings),
        base_url=settings.base_url,
        lang=lang,
        now=now,
        track=read.tracks.get((step.incident_id, step.regime)),
    )
    key = f"reminder:{step.incident_id}:{step.regime}:{step.stage}:{step.sequence}:{step.step_key}"
    mail = render(settings.templates_dir, "reminder", lang, context)
    row = outbox.row(
        key=key,
        kind="reminder",
        to=to,
        cc=cc,
        mail=mail,
        mail_from=settings.mail_from,
        now=now,
        incident_id=step.incident_id,
        organisation_id=step.organisation_id,
    )
    return {**action, "key": key, "subject": mail.subject}, row


def org_zone(org, settings: Settings) -> ZoneInfo:  # noqa: ANN001
    return ZoneInfo(org.timezone) if org else settings.zone
