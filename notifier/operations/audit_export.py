"""One organisation's audit chain and submission ledger as a self-contained JSON file, and the offline verifier of
such a file (`notifier audit export`, `notifier audit verify-export`).

The file is for an auditor who has the file and this package, nothing else: no database, no settings. It holds every
record with all the fields its hash covers, the organisation's ledger (each filed submission with the columns and
hashes the ledger stores), and the chain head at export time. The verifier recomputes every record hash with the
chain's own function (chain.record_hash), the linkage from the genesis of the organisation the file names (so a
chain exported under another organisation's id does not verify), seq continuity, the head, every ledger row's own
hashes (render.sha256, ledger.ledger_hash) and each ledger row against the audit record of its filing
(filings_check.check), the same checks `notifier audit verify` makes against the database.

What the file cannot show is a chain rewritten in the database before the export (every hash recomputed); the
signed checkpoints (checkpoint.py) pin that, and an auditor holding one can compare its seq and hash with the
file's records.
"""

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session, col, select

from notifier import clock
from notifier.audit.chain import Linkage
from notifier.audit.models import AuditHead, AuditRecord
from notifier.incidents.models import Submission
from notifier.organisation.models import Organisation
from notifier.submissions import filings_check, ledger

FORMAT = "meldplicht-audit-export"
VERSION = 1
GENESIS_RULE = (
    'prev_hash of seq 1: "0" * 64 for organisation 1, else sha256 of b"meldplicht audit genesis\\x00organisation:" '
    "followed by the organisation id in decimal ASCII"
)
RECORD_FIELDS = (
    "seq",
    "at",
    "actor",
    "incident_id",
    "event_type",
    "reason",
    "payload",
    "previous_state",
    "new_state",
    "prev_hash",
    "hash",
)
# The ledger's columns by their column names (`json` is Submission.json_copy).
LEDGER_FIELDS = ("id", *ledger.HASHED_COLUMNS, "sha256", "hash_version", "ledger_sha256")
_INSTANTS = {"at", "submitted_at", "confirmed_at"}
# What the checks below rely on; anything else a forged file puts in a field is hashed as it is and so detected.
_TYPES = {
    "seq": int,
    "id": int,
    "event_type": str,
    "prev_hash": str,
    "hash": str,
    "payload": dict,
    "at": str,
    "submitted_at": str,
    "confirmed_at": str,
}


class Unreadable(Exception):
    """The file is not an export this verifier can read."""


def _cell(name: str, value: Any) -> Any:
    return clock.as_utc(value).isoformat() if name in _INSTANTS and value is not None else value


def build(session: Session, organisation: Organisation, batch: int = 1000) -> dict[str, Any]:
    """The export document. Read it in one transaction (a snapshot: see cli.cmd_audit_export)."""
    records: list[dict[str, Any]] = []
    last_seq = 0
    while True:
        rows = session.exec(
            select(AuditRecord)
            .where(AuditRecord.organisation_id == organisation.id, AuditRecord.seq > last_seq)
            .order_by(AuditRecord.seq)
            .limit(batch)
        ).all()
        if not rows:
            break
        records += [{name: _cell(name, getattr(row, name)) for name in RECORD_FIELDS} for row in rows]
        last_seq = rows[-1].seq
        session.expunge_all()  # a long chain is read in batches; the identity map need not hold all of it
    subs = session.exec(
        select(Submission)
        .where(Submission.organisation_id == organisation.id, col(Submission.sha256).is_not(None))
        .order_by(Submission.id)
    ).all()
    ledger = [
        {name: _cell(name, getattr(sub, "json_copy" if name == "json" else name)) for name in LEDGER_FIELDS}
        for sub in subs
    ]
    head = session.get(AuditHead, organisation.id)
    return {
        "format": FORMAT,
        "version": VERSION,
        "organisation": {"id": organisation.id, "slug": organisation.slug, "name": organisation.name},
        "exported_at": clock.now().isoformat(),
        "genesis_rule": GENESIS_RULE,
        "head": None if head is None else {"seq": head.seq, "hash": head.hash},
        "records": records,
        "ledger": ledger,
    }


def write_atomically(path: Path, document: dict[str, Any]) -> None:
    """A reader (or a crash) never sees half a file: written beside it, flushed, then renamed over it. Mode 0600:
    the file holds what was filed about incidents."""
    path = path.resolve()
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise Unreadable(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise Unreadable(f"{path} is not JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Unreadable(f"{path} is not a {FORMAT} file")
    if document.get("version") != VERSION:
        raise Unreadable(f"{path}: {FORMAT} version {document.get('version')!r}; this verifier reads version {VERSION}")
    organisation = document.get("organisation")
    if not isinstance(organisation, dict) or not isinstance(organisation.get("id"), int):
        raise Unreadable(f"{path}: no organisation id")
    for key in ("records", "ledger"):
        if not isinstance(document.get(key), list) or not all(isinstance(e, dict) for e in document[key]):
            raise Unreadable(f"{path}: {key!r} is not a list of objects")
    if document.get("head") is not None and not isinstance(document["head"], dict):
        raise Unreadable(f"{path}: 'head' is not an object")
    return document


@dataclass
class ExportResult:
    organisation: dict[str, Any]
    records: int
    ledger: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _instant(value: Any) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("no UTC offset")
    return parsed


def _entry(kind: str, number: int, entry: dict[str, Any], fields: tuple[str, ...]) -> SimpleNamespace:
    missing = [name for name in fields if name not in entry]
    if missing:
        raise ValueError(f"{kind} {number}: field(s) missing: {', '.join(missing)}")
    values = {name: entry[name] for name in fields}
    for name, kind_of in _TYPES.items():
        if name in values and not isinstance(values[name], kind_of):
            raise ValueError(f"{kind} {number}: {name} {values[name]!r} is not of the type it must have")
    for name in _INSTANTS & set(fields):
        try:
            values[name] = _instant(values[name])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{kind} {number}: {name} {values[name]!r} is not an ISO 8601 instant") from exc
    return SimpleNamespace(**values)


def check(document: dict[str, Any]) -> ExportResult:
    """Everything the file can prove about itself (see the module docstring)."""
    organisation = document["organisation"]
    problems: list[str] = []
    linkage = Linkage(organisation["id"])
    records: list[SimpleNamespace] = []
    for number, entry in enumerate(document["records"], 1):
        try:
            record = _entry("record", number, entry, RECORD_FIELDS)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        linkage.feed(record)
        records.append(record)
    head = document.get("head")
    if head is not None:
        head = SimpleNamespace(seq=head.get("seq"), hash=head.get("hash"))
    problems += linkage.problems + linkage.head_problems(head)
    subs: list[SimpleNamespace] = []
    for number, entry in enumerate(document["ledger"], 1):
        try:
            sub = _entry("ledger entry", number, entry, LEDGER_FIELDS)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        sub.json_copy = vars(sub).pop("json")
        subs.append(sub)
    try:
        problems += filings_check.check(records, subs)
    except (TypeError, AttributeError, KeyError) as exc:  # a forged filing payload of the wrong shape
        problems.append(f"ledger: cannot be held against the filing records ({exc})")
    return ExportResult(organisation=organisation, records=linkage.count, ledger=len(subs), problems=problems)
