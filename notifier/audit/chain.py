"""Append to and verify the audit chain. Each record's hash covers its content and the previous record's hash."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import insert
from sqlmodel import Session, select

from notifier import clock, tenancy
from notifier.audit.models import AuditHead, AuditRecord

GENESIS = "0" * 64
_INSERT_RECORDS = insert(AuditRecord.__table__)  # Core executemany; the ids are not needed


def jsonable(value: Any) -> Any:
    return to_jsonable_python(value)


def record_hash(record: AuditRecord) -> str:
    body = {
        "seq": record.seq,
        "at": clock.as_utc(record.at).isoformat(),
        "actor": record.actor,
        "incident_id": record.incident_id,
        "event_type": record.event_type,
        "reason": record.reason,
        "payload": record.payload,
        "previous_state": record.previous_state,
        "new_state": record.new_state,
        "prev_hash": record.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    event_type: str,
    incident_id: int | None = None,
    payload: dict[str, Any] | None = None,
    previous_state: dict[str, Any] | None = None,
    new_state: dict[str, Any] | None = None,
    reason: str | None = None,
    at: datetime | None = None,
) -> AuditRecord:
    head = session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    record = AuditRecord(
        organisation_id=tenancy.organisation_for(session, AuditRecord, {"incident_id": incident_id}),
        seq=head.seq + 1,
        at=at or clock.now(),
        actor=actor,
        incident_id=incident_id,
        event_type=event_type,
        reason=reason,
        payload=jsonable(payload or {}),
        previous_state=jsonable(previous_state),
        new_state=jsonable(new_state),
        prev_hash=head.hash,
        hash="",
    )
    record.hash = record_hash(record)
    head.seq, head.hash = record.seq, record.hash
    session.add(record)
    session.add(head)
    session.flush()
    return record


def append_many(session: Session, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Several records in order under one head lock and one INSERT (bulk writers such as the SIEM intake).
    Each entry holds append()'s keyword arguments; the chain is the same as from as many append() calls.
    Returns the inserted rows as dicts (without id)."""
    head = session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    # Plain rows rather than AuditRecord instances: building ORM objects cost more than hashing them, and an
    # alert storm opens hundreds of incidents a second. record_hash only reads attributes.
    rows: list[dict[str, Any]] = []
    seq, prev = head.seq, head.hash
    for entry in entries:
        seq += 1
        row = {
            "organisation_id": entry.get("organisation_id")
            or tenancy.organisation_for(session, AuditRecord, {"incident_id": entry.get("incident_id")}),
            "seq": seq,
            "at": entry.get("at") or clock.now(),
            "actor": entry["actor"],
            "incident_id": entry.get("incident_id"),
            "event_type": entry["event_type"],
            "reason": entry.get("reason"),
            "payload": jsonable(entry.get("payload") or {}),
            "previous_state": jsonable(entry.get("previous_state")),
            "new_state": jsonable(entry.get("new_state")),
            "prev_hash": prev,
        }
        row["hash"] = prev = record_hash(SimpleNamespace(**row))
        rows.append(row)
    if rows:
        session.connection().execute(_INSERT_RECORDS, rows)
        head.seq, head.hash = seq, prev
    session.add(head)
    session.flush()
    return rows


@dataclass
class VerifyResult:
    records: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, batch: int = 1000) -> VerifyResult:
    problems: list[str] = []
    expected_prev, expected_seq, count = GENESIS, 1, 0
    last_id = 0
    while True:
        rows = session.exec(
            select(AuditRecord).where(AuditRecord.seq > last_id).order_by(AuditRecord.seq).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            count += 1
            if row.seq != expected_seq:
                problems.append(f"record seq {row.seq}: expected seq {expected_seq} (a record is missing)")
            if row.prev_hash != expected_prev:
                problems.append(f"record seq {row.seq}: prev_hash does not match the hash of the record before it")
            if record_hash(row) != row.hash:
                problems.append(f"record seq {row.seq}: content does not match its hash (the record was changed)")
            expected_prev, expected_seq, last_id = row.hash, row.seq + 1, row.seq
    problems += _head_problems(session.get(AuditHead, 1), count, expected_seq - 1, expected_prev)
    return VerifyResult(records=count, problems=problems)


def _head_problems(head: AuditHead | None, count: int, last_seq: int, last_hash: str) -> list[str]:
    """The head is written with every append, so a missing or stale one means rows were removed or rewritten."""
    if head is None:
        if count == 0:
            return []  # a database nobody has written to yet
        return [f"chain head (audit_head) is missing but there are {count} records (records removed?)"]
    if head.seq != last_seq:
        return [f"chain head says seq {head.seq} but the last record is seq {last_seq} (records removed?)"]
    if head.hash != last_hash:
        return [f"chain head hash does not match the hash of the last record, seq {last_seq} (records rewritten?)"]
    return []
