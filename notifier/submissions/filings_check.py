"""Hold every ledger row against the audit record of its filing, and every filing record against its ledger row.

A ledger row can be edited together with its own hashes; its filing record cannot be, without breaking the chain
(or, if the whole chain is rewritten from there, without contradicting a signed checkpoint). The filing record
carries what was filed: stage, submitted_at, reference, delay_reason, language, missing, the SHA-256 of the text and
JSON, and from hash version 2 on the submission id and the ledger hash over every filed column. Rows of hash version
1 (filed before that) are matched by incident, regime, stage and SHA-256.
"""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from notifier import clock
from notifier.audit.models import AuditRecord
from notifier.incidents.models import Submission
from notifier.submissions import ledger
from notifier.submissions.render import sha256


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return clock.as_utc(value)
    try:
        return clock.as_utc(datetime.fromisoformat(str(value)))
    except ValueError:
        return None


def _is_filing(record: AuditRecord) -> bool:
    return record.event_type.endswith(".submitted") and "sha256" in (record.payload or {})


def _row_problems(sub: Submission) -> list[str]:
    """The row against its own hashes."""
    name = f"submission {sub.id}"
    if sub.text is None or sub.json_copy is None:
        return [f"{name}: the filed text or JSON copy is gone (sha256 {sub.sha256} was filed)"]
    problems = []
    if sha256(sub.text, sub.json_copy) != sub.sha256:
        problems.append(f"{name}: text and JSON do not match sha256 (the filed text or JSON was changed)")
    if sub.recipients != (sub.json_copy or {}).get("recipients"):
        problems.append(f"{name}: recipients differ from the recipients in the filed JSON copy")
    if sub.hash_version is not None:
        if sub.hash_version != ledger.HASH_VERSION:
            problems.append(f"{name}: unknown hash_version {sub.hash_version}")
        elif ledger.ledger_hash(sub) != sub.ledger_sha256:
            problems.append(f"{name}: the filed columns do not match ledger_sha256 (a filed column was changed)")
    return problems


def _against_record(sub: Submission, record: AuditRecord) -> list[str]:
    payload = record.payload or {}
    expected = {
        "incident_id": record.incident_id,
        "regime": record.event_type.partition(".")[0],
        "stage": payload.get("stage"),
        "submitted_at": _instant(payload.get("submitted_at")),
        "reference": payload.get("reference"),
        "delay_reason": payload.get("delay_reason"),
        "confirmed_by": record.actor,
        "confirmed_at": clock.as_utc(record.at),
        "language": payload.get("language"),
        "missing": payload.get("missing"),
        "sha256": payload.get("sha256"),
    }
    if sub.hash_version is not None or "ledger_sha256" in payload:
        expected["hash_version"] = payload.get("hash_version")
        expected["ledger_sha256"] = payload.get("ledger_sha256")
    actual = {name: getattr(sub, name) for name in expected}
    for name in ("submitted_at", "confirmed_at"):
        actual[name] = _instant(actual[name])
    where = f"submission {sub.id}"
    problems = []
    for name, value in expected.items():
        if actual[name] != value:
            what = "text or JSON (sha256)" if name == "sha256" else name
            problems.append(f"{where}: {what} differs from the audit record of its filing (seq {record.seq})")
    return problems


def verify(session: Session, organisation_id: int | None = None) -> list[str]:
    """The ledger against the filing records: of one organisation (its chain and its submissions), or of all."""
    records = select(AuditRecord).where(col(AuditRecord.event_type).like("%.submitted"))
    subs = select(Submission).where(col(Submission.sha256).is_not(None)).order_by(Submission.id)
    if organisation_id is not None:
        records = records.where(AuditRecord.organisation_id == organisation_id)
        subs = subs.where(Submission.organisation_id == organisation_id)
    return check(list(session.exec(records)), list(session.exec(subs)))


def check(records: list[Any], subs: list[Any]) -> list[str]:
    """`records`: filing records (others are skipped); `subs`: ledger rows by id. Objects with the attributes of
    AuditRecord and Submission, so an export verified offline (notifier/operations/audit_export.py) is held the
    same way."""
    filings = [r for r in records if _is_filing(r)]
    by_id = {r.payload["submission_id"]: r for r in filings if "submission_id" in r.payload}
    legacy = [r for r in filings if "submission_id" not in r.payload]
    matched: set[int] = set()
    problems: list[str] = []
    for sub in subs:
        problems += _row_problems(sub)
        record = by_id.get(sub.id)
        if record is None and sub.hash_version is None:
            record = next(
                (
                    r
                    for r in legacy
                    if r.seq not in matched
                    and r.incident_id == sub.incident_id
                    and r.event_type == f"{sub.regime}.submitted"
                    and r.payload.get("stage") == sub.stage
                    and r.payload.get("sha256") == sub.sha256
                ),
                None,
            )
        if record is None:
            problems.append(f"submission {sub.id}: no audit record of its filing matches it (the row was changed?)")
            continue
        matched.add(record.seq)
        problems += _against_record(sub, record)
    present = {s.id for s in subs}
    for record in filings:
        if record.seq in matched:
            continue
        sid = record.payload.get("submission_id")
        if sid is None or sid not in present:
            what = f"submission {sid}" if sid is not None else f"a {record.event_type} filing"
            problems.append(f"audit record seq {record.seq} records {what}, which is not in the ledger (removed?)")
    return problems
