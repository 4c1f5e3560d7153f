"""Append to and verify the audit chains. Each record's hash covers its content and the previous record's hash.

Every organisation has a chain of its own: its own head (audit_head, one row per organisation), its own `seq`
from 1, verifiable and exportable without the others. A record joins the chain of the organisation it is stamped
with (tenancy.organisation_for: the bound one, else its incident's, else the default organisation for events of
the deployment such as sign-ins).

What binds a chain to its organisation is where it starts, not a field in each hash, so no existing record had
to be rehashed when the single chain became the default organisation's: organisation 1 keeps the genesis
"0" * 64 and every seq and hash it had; the first record of organisation N > 1 links to
sha256("meldplicht audit genesis\x00organisation:N"). Each record's hash covers its prev_hash, so every record
commits to its chain's genesis: a record (or a whole chain) moved to another organisation breaks the linkage
there, and an export verified offline is held to the genesis of the organisation it names.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from notifier import clock, tenancy
from notifier.audit.models import AuditHead, AuditRecord

GENESIS = "0" * 64  # the default organisation's, from before there were several
_GENESIS_PREFIX = b"meldplicht audit genesis\x00organisation:"
_INSERT_RECORDS = insert(AuditRecord.__table__)  # Core executemany; the ids are not needed


def jsonable(value: Any) -> Any:
    return to_jsonable_python(value)


def genesis(organisation_id: int) -> str:
    """The prev_hash of an organisation's first record."""
    if organisation_id == tenancy.DEFAULT_ORGANISATION_ID:
        return GENESIS
    return hashlib.sha256(_GENESIS_PREFIX + str(organisation_id).encode("ascii")).hexdigest()


def _locked_head(session: Session, organisation_id: int) -> AuditHead:
    """The organisation's head, locked until commit; created at its genesis on the first append. ON CONFLICT DO
    NOTHING: two first appends of a new organisation at once must not both insert it (the loser then waits on
    the lock and extends the winner's record)."""
    head = session.exec(
        select(AuditHead).where(AuditHead.organisation_id == organisation_id).with_for_update()
    ).one_or_none()
    if head is not None:
        return head
    dialect_insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    row = {"organisation_id": organisation_id, "seq": 0, "hash": genesis(organisation_id)}
    session.execute(dialect_insert(AuditHead).values(**row).on_conflict_do_nothing())
    return session.exec(select(AuditHead).where(AuditHead.organisation_id == organisation_id).with_for_update()).one()


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
    organisation_id = tenancy.organisation_for(session, AuditRecord, {"incident_id": incident_id})
    head = _locked_head(session, organisation_id)
    record = AuditRecord(
        organisation_id=organisation_id,
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
    """Several records in order under one head lock per organisation and one INSERT (bulk writers such as the SIEM
    intake). Each entry holds append()'s keyword arguments (and optionally organisation_id); the chains are the
    same as from as many append() calls. Returns the inserted rows as dicts (without id)."""
    # Plain rows rather than AuditRecord instances: building ORM objects cost more than hashing them, and an
    # alert storm opens hundreds of incidents a second. record_hash only reads attributes.
    rows: list[dict[str, Any]] = []
    owners = [
        entry.get("organisation_id")
        or tenancy.organisation_for(session, AuditRecord, {"incident_id": entry.get("incident_id")})
        for entry in entries
    ]
    # The heads locked in one order (by organisation) by every writer of several chains at once (the intake
    # writer, the reminder sweep): two such transactions then wait for each other instead of deadlocking.
    heads = {organisation_id: _locked_head(session, organisation_id) for organisation_id in sorted(set(owners))}
    ends = {organisation_id: (head.seq, head.hash) for organisation_id, head in heads.items()}
    for entry, organisation_id in zip(entries, owners, strict=True):
        seq, prev = ends[organisation_id]
        seq += 1
        row = {
            "organisation_id": organisation_id,
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
        ends[organisation_id] = (seq, prev)
        rows.append(row)
    if rows:
        session.connection().execute(_INSERT_RECORDS, rows)
    for organisation_id, head in heads.items():
        head.seq, head.hash = ends[organisation_id]
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


class Linkage:
    """Checks records fed in seq order against one organisation's chain: the database's verify and the offline
    verifier of an export (notifier/operations/audit_export.py) share it."""

    def __init__(self, organisation_id: int) -> None:
        self.problems: list[str] = []
        self.count = 0
        self.last_seq = 0
        self.last_hash = genesis(organisation_id)

    def feed(self, row: Any) -> None:
        self.count += 1
        expected_seq = self.last_seq + 1
        if row.seq != expected_seq:
            self.problems.append(f"record seq {row.seq}: expected seq {expected_seq} (a record is missing)")
        if row.prev_hash != self.last_hash:
            what = "the chain's genesis" if expected_seq == 1 else "the hash of the record before it"
            self.problems.append(f"record seq {row.seq}: prev_hash does not match {what}")
        if record_hash(row) != row.hash:
            self.problems.append(f"record seq {row.seq}: content does not match its hash (the record was changed)")
        self.last_seq, self.last_hash = row.seq, row.hash

    def head_problems(self, head: Any) -> list[str]:
        return _head_problems(head, self.count, self.last_seq, self.last_hash)


def verify(session: Session, organisation_id: int = tenancy.DEFAULT_ORGANISATION_ID, batch: int = 1000) -> VerifyResult:
    """One organisation's chain: every record's hash, the links from its genesis, seq continuity and its head."""
    linkage = Linkage(organisation_id)
    last_seq = 0
    while True:
        rows = session.exec(
            select(AuditRecord)
            .where(AuditRecord.organisation_id == organisation_id, AuditRecord.seq > last_seq)
            .order_by(AuditRecord.seq)
            .limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            linkage.feed(row)
        last_seq = rows[-1].seq
    head = session.get(AuditHead, organisation_id)
    return VerifyResult(records=linkage.count, problems=linkage.problems + linkage.head_problems(head))


def _head_problems(head: Any, count: int, last_seq: int, last_hash: str) -> list[str]:
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
