"""Signed checkpoints: an organisation's chain's end (seq, hash, time) signed with an Ed25519 key that is not in the
database, appended to a file under the var directory and mailed to the audit address.

The hash chain alone cannot tell a truncated or wholly rewritten chain from an honest one: whoever can write the
database can recompute every hash and move the head. A checkpoint pins record `seq` to `hash` with a signature the
database cannot give, and `notifier audit verify --checkpoints FILE` holds the records against it.

When: after every commit that filed a submission (never inside the transaction, so a rolled-back filing never
reaches the witness), and from the scheduler every `audit_checkpoint_interval_seconds` for each chain that grew since
its last checkpoint in the file. A crash between a filing's commit and its checkpoint leaves that filing to the
next scheduled run, which also runs when the service starts.

Every organisation has its own chain (notifier/audit/chain.py), so a checkpoint names the organisation it pins:
format 2 signs its id and slug with the rest (one file holds the lines of every organisation); a format 1 line,
from before, is the default organisation's. The mail goes, when NOTIFIER_AUDIT_CHECKPOINT_EMAIL switches it on, to
that address for the default organisation and to an other organisation's own `ciso` contacts (that address when it
has none): the people who answer for that organisation's trail keep its witness.
"""

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel, select

from notifier import clock, tenancy
from notifier.audit.chain import genesis
from notifier.audit.models import AuditRecord
from notifier.db import session_scope
from notifier.mail import outbox
from notifier.mail.render import render

log = structlog.get_logger("notifier.audit.checkpoint")

CHECKPOINT_AFTER_COMMIT = "notifier.audit.checkpoint_after_commit"
FORMAT = 2
SIGNED_KEYS = {
    1: ("format", "seq", "hash", "at", "key"),
    2: ("format", "organisation_id", "organisation", "seq", "hash", "at", "key"),
}


class KeyProblem(Exception):
    """The signing or public key is missing or unreadable."""


def parse_private_key(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except ValueError as exc:
        raise KeyProblem(f"not an Ed25519 private key (PEM, or base64 of 32 bytes): {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem("the signing key is not an Ed25519 key")
    return key


def parse_public_key(text: str) -> Ed25519PublicKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except ValueError as exc:
        raise KeyProblem(f"not an Ed25519 public key (PEM, or base64 of 32 bytes): {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyProblem("the public key is not an Ed25519 key")
    return key


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        # O_EXCL: two processes starting at once must not each write (and sign with) a key of their own.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    log.warning("audit.signing_key_created", path=str(path), hint="keep a copy of the public key outside this host")


@dataclass
class Witness:
    """Where checkpoints go and the key that signs them (read lazily, created on first use)."""

    key_path: Path
    file: Path
    key_text: str | None = None
    email: str | None = None
    mail_from: str = "meldplicht@localhost"
    mail_language: str = "nl"
    templates_dir: Path | None = None
    _key: Ed25519PrivateKey | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Any) -> "Witness":
        var_dir = Path(settings.var_dir)
        return cls(
            key_path=var_dir / "audit-signing-key.pem",
            file=Path(settings.audit_checkpoint_file or var_dir / "audit-checkpoints.jsonl"),
            key_text=settings.audit_signing_key,
            email=settings.audit_checkpoint_email,
            mail_from=settings.mail_from,
            mail_language=settings.mail_language,
            templates_dir=Path(settings.templates_dir),
        )

    def signing_key(self, *, create: bool = True) -> Ed25519PrivateKey:
        if self._key is None:
            if self.key_text:
                self._key = parse_private_key(self.key_text)
            else:
                if not self.key_path.exists():
                    if not create:
                        raise KeyProblem(
                            f"no signing key: set NOTIFIER_AUDIT_SIGNING_KEY or create {self.key_path} "
                            "(`notifier audit checkpoint` does), or give --public-key"
                        )
                    _create_key_file(self.key_path)
                self._key = parse_private_key(self.key_path.read_text())
        return self._key

    def public_key(self) -> Ed25519PublicKey:
        return self.signing_key(create=False).public_key()


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chain_end(session: Session, organisation_id: int = tenancy.DEFAULT_ORGANISATION_ID) -> tuple[int, str]:
    """The organisation's last record actually present (not audit_head, which is only a cache of it)."""
    row = session.exec(
        select(AuditRecord.seq, AuditRecord.hash)
        .where(AuditRecord.organisation_id == organisation_id)
        .order_by(AuditRecord.seq.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, genesis(organisation_id))


@dataclass(frozen=True)
class Signer:
    """The organisation whose chain a checkpoint signs."""

    id: int
    slug: str
    name: str


def _table(name: str):  # noqa: ANN202
    # The organisation's tables by name: the audit package sits below notifier.organisation in the layers
    # (pyproject.toml), so it reads them without importing their models.
    return SQLModel.metadata.tables[name]


def sign(key: Ed25519PrivateKey, organisation: Signer, seq: int, record_hash: str, at: datetime) -> dict[str, Any]:
    body = {
        "format": FORMAT,
        "organisation_id": organisation.id,
        "organisation": organisation.slug,
        "seq": seq,
        "hash": record_hash,
        "at": clock.as_utc(at).isoformat(),
        "key": key_id(key.public_key()),
    }
    return {**body, "sig": base64.b64encode(key.sign(_canonical(body))).decode()}


def organisation_of(checkpoint: dict[str, Any]) -> int:
    """Format 1 lines are from the single chain, now the default organisation's."""
    return int(checkpoint.get("organisation_id") or tenancy.DEFAULT_ORGANISATION_ID)


def _append(path: Path, checkpoint: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(checkpoint, sort_keys=True, separators=(",", ":")) + "\n"
    # One write() on an O_APPEND descriptor: lines from several processes never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def recipients(session: Session, witness: Witness, organisation_id: int) -> list[str]:
    if not witness.email:
        return []
    if organisation_id == tenancy.DEFAULT_ORGANISATION_ID:
        return [witness.email]
    contact = _table("contact")
    own = session.execute(
        select(contact.c.email)
        .where(contact.c.organisation_id == organisation_id, contact.c.role == "ciso")
        .order_by(contact.c.id)
    ).scalars()
    return list(own) or [witness.email]


def _mail(engine: Engine, witness: Witness, organisation: Signer, checkpoint: dict[str, Any], now: datetime) -> bool:
    context = {
        **checkpoint,
        "organisation_name": organisation.name,
        "line": json.dumps(checkpoint, sort_keys=True, separators=(",", ":")),
    }
    mail = render(witness.templates_dir, "audit_checkpoint", witness.mail_language, context)
    with session_scope(engine) as session:
        tenancy.bind(session, organisation.id)  # the mail is the organisation's (its outbox row, its contacts)
        to = recipients(session, witness, organisation.id)
        if not to:
            return False
        outbox.enqueue(
            session,
            key=f"audit-checkpoint:{organisation.id}:{checkpoint['seq']}:{checkpoint['hash']}",
            kind="audit_checkpoint",
            to=to,
            cc=[],
            mail=mail,
            mail_from=witness.mail_from,
            now=now,
        )
    return True


def write(
    engine: Engine,
    witness: Witness,
    now: datetime | None = None,
    organisation_id: int = tenancy.DEFAULT_ORGANISATION_ID,
) -> dict[str, Any]:
    """Sign the organisation's chain's end now, append it to the checkpoint file and queue the mail (when an
    address is set)."""
    now = now or clock.now()
    organisations = _table("organisation")
    with Session(engine) as session:
        found = session.execute(
            select(organisations.c.id, organisations.c.slug, organisations.c.name).where(
                organisations.c.id == organisation_id
            )
        ).first()
        if found is None:
            raise ValueError(f"no organisation {organisation_id}")
        organisation = Signer(*found)
        seq, record_hash = chain_end(session, organisation_id)
    checkpoint = sign(witness.signing_key(), organisation, seq, record_hash, now)
    _append(witness.file, checkpoint)
    mailed = _mail(engine, witness, organisation, checkpoint, now) if witness.email else False
    log.info(
        "audit.checkpoint",
        organisation=organisation.slug,
        seq=seq,
        hash=record_hash,
        file=str(witness.file),
        mailed=mailed,
    )
    return checkpoint


def organisation_ids(engine: Engine) -> list[int]:
    organisations = _table("organisation")
    with Session(engine) as session:
        return list(session.execute(select(organisations.c.id).order_by(organisations.c.id)).scalars())


def write_all(engine: Engine, witness: Witness, now: datetime | None = None) -> list[dict[str, Any]]:
    """A checkpoint of every organisation's chain (`notifier audit checkpoint` without --organisation)."""
    now = now or clock.now()
    return [write(engine, witness, now, organisation_id) for organisation_id in organisation_ids(engine)]


def latest_in_file(path: Path) -> dict[int, dict[str, Any]]:
    """The file's last line of each organisation (unsigned as read: only to decide whether to sign again)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    latest: dict[int, dict[str, Any]] = {}
    for line in lines:
        try:
            checkpoint = json.loads(line)
            latest[organisation_of(checkpoint)] = checkpoint
        except (ValueError, TypeError, AttributeError):
            continue
    return latest


def catch_up(engine: Engine, witness: Witness, now: datetime | None = None) -> list[dict[str, Any]]:
    """The scheduled checkpoints: one for each chain that grew since its last one in the file (also covers a
    filing whose own checkpoint was lost to a crash after its commit)."""
    latest = latest_in_file(witness.file)
    with Session(engine) as session:
        ends = {org: chain_end(session, org) for org in organisation_ids(engine)}
    written = []
    for organisation_id, (seq, record_hash) in ends.items():
        last = latest.get(organisation_id)
        if seq == 0 or (last and (last.get("seq"), last.get("hash")) == (seq, record_hash)):
            continue
        written.append(write(engine, witness, now, organisation_id))
    return written


def after_commit(session: Session, witness: Witness | None, organisation_id: int) -> None:
    """Sign this organisation's chain end once the session's transaction commits (never for a rolled-back one)."""
    if witness is None:
        return
    pending = session.info.setdefault(CHECKPOINT_AFTER_COMMIT, {"witness": witness, "organisations": set()})
    pending["organisations"].add(organisation_id)


@event.listens_for(OrmSession, "after_commit")
def _checkpoint_after_commit(session: OrmSession) -> None:
    pending = session.info.pop(CHECKPOINT_AFTER_COMMIT, None)
    if pending is None:
        return
    bind = session.get_bind()
    for organisation_id in sorted(pending["organisations"]):
        try:
            write(getattr(bind, "engine", bind), pending["witness"], organisation_id=organisation_id)
        except Exception:  # the filing is committed; the scheduled checkpoint covers it later
            log.exception("audit.checkpoint_failed", organisation_id=organisation_id)


@event.listens_for(OrmSession, "after_rollback")
def _no_checkpoint_after_rollback(session: OrmSession) -> None:
    session.info.pop(CHECKPOINT_AFTER_COMMIT, None)


@dataclass
class CheckpointResult:
    problems: list[str]
    checked: int = 0
    latest: dict[str, Any] | None = None


@dataclass
class CheckpointFile:
    """A checkpoint file read once: what is wrong with its lines, and the validly signed ones by line number."""

    path: Path
    problems: list[str]
    valid: list[tuple[int, dict[str, Any]]]


def read(path: Path, public: Ed25519PublicKey) -> CheckpointFile:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        return CheckpointFile(path, [f"checkpoints: cannot read {path}: {exc.strerror or exc}"], [])
    expected_key = key_id(public)
    problems: list[str] = []
    valid: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            checkpoint = json.loads(line)
            body = {k: checkpoint[k] for k in SIGNED_KEYS[checkpoint["format"]]}
            signature = base64.b64decode(checkpoint["sig"], validate=True)
            seq = int(body["seq"])
            organisation_id = organisation_of(body)
        except (ValueError, KeyError, TypeError):
            problems.append(f"checkpoint line {number}: not a signed checkpoint")
            continue
        if body["key"] != expected_key:
            problems.append(f"checkpoint line {number}: signed with another key ({body['key']}, not {expected_key})")
            continue
        try:
            public.verify(signature, _canonical(body))
        except InvalidSignature:
            problems.append(f"checkpoint line {number}: signature invalid (the line was changed or forged)")
            continue
        valid.append((number, {**body, "seq": seq, "organisation_id": organisation_id}))
    if not valid:
        problems.append(f"checkpoints: no valid signed checkpoint in {path}")
    return CheckpointFile(path, problems, valid)


def hold(session: Session, read_file: CheckpointFile, organisation_id: int, batch: int = 500) -> CheckpointResult:
    """Every signed checkpoint of the organisation must name a record of its chain that is still there with the
    hash that was signed."""
    valid = [(n, c) for n, c in read_file.valid if c["organisation_id"] == organisation_id]
    if not valid:
        if not read_file.valid or chain_end(session, organisation_id)[0] == 0:
            return CheckpointResult([])  # the file's own problem says so; or an empty chain has nothing to pin
        return CheckpointResult([f"checkpoints: no valid signed checkpoint of this organisation in {read_file.path}"])
    problems: list[str] = []
    wanted = sorted({c["seq"] for _, c in valid if c["seq"] > 0})
    present: dict[int, str] = {}
    for start in range(0, len(wanted), batch):
        chunk = wanted[start : start + batch]
        present.update(
            session.exec(
                select(AuditRecord.seq, AuditRecord.hash).where(
                    AuditRecord.organisation_id == organisation_id, AuditRecord.seq.in_(chunk)
                )
            ).all()
        )
    for number, checkpoint in valid:
        seq, signed_hash = checkpoint["seq"], checkpoint["hash"]
        if seq == 0:
            continue
        where = f"checkpoint line {number} (seq {seq}, signed {checkpoint['at']})"
        if seq not in present:
            problems.append(f"{where}: record seq {seq} is missing (records up to the checkpoint were removed)")
        elif present[seq] != signed_hash:
            problems.append(
                f"{where}: record seq {seq} does not have the signed hash (records up to it rewritten or re-linked)"
            )
    latest = max((c for _, c in valid), key=lambda c: c["seq"])
    return CheckpointResult(problems, checked=len(valid), latest=latest)


def verify(
    session: Session,
    path: Path,
    public: Ed25519PublicKey,
    organisation_id: int = tenancy.DEFAULT_ORGANISATION_ID,
    batch: int = 500,
) -> CheckpointResult:
    """The file's problems and the organisation's checkpoints held against its chain."""
    read_file = read(path, public)
    held = hold(session, read_file, organisation_id, batch)
    return CheckpointResult(read_file.problems + held.problems, checked=held.checked, latest=held.latest)
