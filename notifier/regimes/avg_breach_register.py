"""The AVG breach register (art. 33(5)): every personal data breach, notified or not.

The hook `register` of workflows/avg.yaml: AVG-specific on purpose (its events and stages are named here); the
regime's name comes from the workflow. A breach is every incident whose AVG track was declared (event breach),
whatever the risk: facts, effects, remedial action, every revision of the risk assessment and the reasoning for
(not) notifying and (not) informing data subjects (the art. 34(3) exception, an AP demand under art. 34(4)).
"""

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from notifier import csv_cells, instants
from notifier.audit.models import AuditRecord
from notifier.deadlines.models import Deadline
from notifier.incidents.models import Incident, ReportRequest, Submission, Track

NOTIFICATION = "ap_notification"
UPDATES = ("follow_up", "correction")
WITHDRAWAL = "withdrawal"
SUBJECTS = "data_subject_communication"
FACTS = (
    "started_at",
    "ended_at",
    "discovered_how",
    "incident_type",
    "nature",
    "breach_nature",
    "data_categories",
    "special_categories",
    "records_count",
    "subject_groups",
    "subjects_min",
    "subjects_max",
    "data_unintelligible",
    "protection_explained",
    "consequences",
    "measures_taken",
    "measures_planned",
    "subjects_informed",
    "subjects_informed_how",
    "subjects_not_informed_reason",
)
COLUMNS = (
    "incident_id",
    "title",
    "aware_at",
    "risk",
    "state",
    "assessment_reasoning",
    "assessed_by",
    "notified",
    "notification_due",
    "notification_submitted_at",
    "notification_reference",
    "notification_late",
    "delay_reason",
    "updates_filed",
    "withdrawn",
    "subjects_communication_at",
    *FACTS,
    "risk_revisions",
    "subjects_exception",
    "subjects_exception_reasoning",
    "public_communication_at",
    "communication_demanded",
)
DECLARED, REVISED = "breach", "risk_revised"
# The art. 34(3) exception (event subjects_not_informed), kept in the track's declaration under its name.
NOT_INFORMED = "subjects_not_informed"


def _local(value: datetime | str | None, zone: ZoneInfo) -> str | None:
    return instants.iso(value, zone)


def _entry(session: Session, incident: Incident, track: Track, zone: ZoneInfo) -> dict[str, Any]:
    subs = session.exec(
        select(Submission)
        .where(Submission.incident_id == incident.id, Submission.regime == track.regime)
        .order_by(Submission.submitted_at, Submission.id)
    ).all()
    notification = next((s for s in subs if s.stage == NOTIFICATION), None)
    communication = next((s for s in subs if s.stage == SUBJECTS), None)
    due = session.exec(
        select(Deadline).where(
            Deadline.incident_id == incident.id, Deadline.regime == track.regime, Deadline.stage == NOTIFICATION
        )
    ).first()
    facts = incident.facts or {}
    row: dict[str, Any] = {
        "incident_id": incident.id,
        "title": incident.title,
        "aware_at": _local(track.aware_at, zone),
        "risk": (track.declaration or {}).get("risk"),
        "state": track.state,
        "assessment_reasoning": track.reasoning,
        "assessed_by": track.declared_by,
        "notified": notification is not None,
        "notification_due": _local(due.due, zone) if due else None,
        "notification_submitted_at": _local(notification.submitted_at, zone) if notification else None,
        "notification_reference": notification.reference if notification else None,
        "notification_late": bool(notification and due and due.due and notification.submitted_at > due.due),
        "delay_reason": notification.delay_reason if notification else None,
        "updates_filed": sum(1 for s in subs if s.stage in UPDATES),
        "withdrawn": any(s.stage == WITHDRAWAL for s in subs),
        "subjects_communication_at": _local(communication.submitted_at, zone) if communication else None,
    }
    for key in FACTS:
        value = facts.get(key)
        row[key] = _local(value, zone) if key in ("started_at", "ended_at") else value
    exception = (track.declaration or {}).get(NOT_INFORMED) or {}
    demands = session.exec(
        select(ReportRequest)
        .where(
            ReportRequest.incident_id == incident.id,
            ReportRequest.regime == track.regime,
            ReportRequest.stage == SUBJECTS,
        )
        .order_by(ReportRequest.id)
    ).all()
    row |= {
        "risk_revisions": _revisions(session, incident.id, zone, track.regime),
        "subjects_exception": exception.get("exception"),
        "subjects_exception_reasoning": exception.get("reasoning"),
        "public_communication_at": _local(exception.get("public_communication_at"), zone),
        "communication_demanded": [{"due": _local(d.due, zone), "requested_by": d.requested_by} for d in demands],
    }
    return row


def _revisions(session: Session, incident_id: int, zone: ZoneInfo, regime: str) -> list[dict[str, Any]]:
    """Every revision of the risk assessment (art. 33(5) documentation), from the audit trail: when, by whom, from
    which risk to which, and why."""
    records = session.exec(
        select(AuditRecord)
        .where(
            AuditRecord.incident_id == incident_id,
            AuditRecord.event_type.in_([f"{regime}.{DECLARED}", f"{regime}.{REVISED}"]),
        )
        .order_by(AuditRecord.seq)
    ).all()
    out, current = [], None
    for record in records:
        risk = record.payload.get("risk")
        if record.event_type == f"{regime}.{REVISED}":
            out.append(
                {
                    "at": _local(record.at, zone),
                    "by": record.actor,
                    "from": current,
                    "to": risk,
                    "reasoning": record.payload.get("reasoning"),
                }
            )
        current = risk
    return out


def entries(session: Session, zone: ZoneInfo, regime: str) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Incident, Track)
        .join(Track, Track.incident_id == Incident.id)
        .where(Track.regime == regime, Track.aware_at.is_not(None))
        .order_by(Track.aware_at, Incident.id)
    ).all()
    return [_entry(session, incident, track, zone) for incident, track in rows]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_item(v) for v in value)
    return str(value)


def _item(value: Any) -> str:
    """One revision or demand in a CSV cell, readable without the JSON."""
    if isinstance(value, dict) and "to" in value:
        return f"{value['at']} {value['from']} -> {value['to']} ({value['by']}): {value['reasoning']}"
    if isinstance(value, dict) and "due" in value:
        return f"{value['due']} ({value['requested_by']})"
    return str(value)


def to_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([csv_cells.cell(_cell(row[c])) for c in COLUMNS])
    return buffer.getvalue()
