"""Signed checkpoints: the chain's end (seq, hash, time) signed with an Ed25519 key that is not in the database,
appended to a file under the var directory and mailed to the audit address.

The hash chain alone cannot tell a truncated or wholly rewritten chain from an honest one: whoever can write the
database can recompute every hash and move the head. A checkpoint pins record `seq` to `hash` with a signature the
database cannot give, and `notifier audit verify --checkpoints FILE` holds the records against it.

When: after every commit that filed a submission (never inside the transaction, so a rolled-back filing never
reaches the witness), and from the scheduler every `audit_checkpoint_interval_seconds` when the chain grew since
the last checkpoint in the file. A crash between a filing's commit and its checkpoint leaves that filing to the
next scheduled run, which also runs when the service starts.
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
from sqlmodel import Session, select

from notifier import clock
from notifier.audit.models import AuditRecord
from notifier.db import session_scope
from notifier.mail import outbox
from notifier.mail.render import render

log = structlog.get_logger("notifier.audit.checkpoint")

CHECKPOINT_AFTER_COMMIT = "notifier.audit.checkpoint_after_commit"
FORMAT = 1
SIGNED_KEYS = ("format", "seq", "hash", "at", "key")
GENESIS = "0" * 64


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


def chain_end(session: Session) -> tuple[int, str]:
    """The last record actually present (not audit_head, which is only a cache of it)."""
    row = session.exec(select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def sign(key: Ed25519PrivateKey, seq: int, record_hash: str, at: datetime) -> dict[str, Any]:
    at_text = clock.as_utc(at).isoformat()
    body = {"format": FORMAT, "seq": seq, "hash": record_hash, "at": at_text, "key": key_id(key.public_key())}
    return {**body, "sig": base64.b64encode(key.sign(_canonical(body))).decode()}


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


def _mail(engine: Engine, witness: Witness, checkpoint: dict[str, Any], now: datetime) -> None:
    context = {**checkpoint, "line": json.dumps(checkpoint, sort_keys=True, separators=(",", ":"))}
    mail = render(witness.templates_dir, "audit_checkpoint", witness.mail_language, context)
    with session_scope(engine) as session:
        outbox.enqueue(
            session,
            key=f"audit-checkpoint:{checkpoint['seq']}:{checkpoint['hash']}",
            kind="audit_checkpoint",
            to=[witness.email],
            cc=[],
            mail=mail,
            mail_from=witness.mail_from,
            now=now,
        )


def write(engine: Engine, witness: Witness, now: datetime | None = None) -> dict[str, Any]:
    """Sign the chain's end now, append it to the checkpoint file and queue the mail (when an address is set)."""
    now = now or clock.now()
    with Session(engine) as session:
        seq, record_hash = chain_end(session)
    checkpoint = sign(witness.signing_key(), seq, record_hash, now)
    _append(witness.file, checkpoint)
    if witness.email:
        _mail(engine, witness, checkpoint, now)
    log.info("audit.checkpoint", seq=seq, hash=record_hash, file=str(witness.file), mailed=bool(witness.email))
    return checkpoint


def latest_in_file(path: Path) -> dict[str, Any] | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


def catch_up(engine: Engine, witness: Witness, now: datetime | None = None) -> dict[str, Any] | None:
    """The scheduled checkpoint: written when the chain grew since the file's last one (also covers a filing whose
    own checkpoint was lost to a crash after its commit)."""
    with Session(engine) as session:
        seq, record_hash = chain_end(session)
    last = latest_in_file(witness.file)
    if seq == 0 or (last and (last.get("seq"), last.get("hash")) == (seq, record_hash)):
        return None
    return write(engine, witness, now)


@event.listens_for(OrmSession, "after_commit")
def _checkpoint_after_commit(session: OrmSession) -> None:
    witness = session.info.pop(CHECKPOINT_AFTER_COMMIT, None)
    if witness is None:
        return
    bind = session.get_bind()
    try:
        write(getattr(bind, "engine", bind), witness)
    except Exception:  # the filing is committed; the scheduled checkpoint covers it later
        log.exception("audit.checkpoint_failed")


@event.listens_for(OrmSession, "after_rollback")
def _no_checkpoint_after_rollback(session: OrmSession) -> None:
    session.info.pop(CHECKPOINT_AFTER_COMMIT, None)


@dataclass
class CheckpointResult:
    problems: list[str]
    checked: int = 0
    latest: dict[str, Any] | None = None


def verify(session: Session, path: Path, public: Ed25519PublicKey, batch: int = 500) -> CheckpointResult:
    """Every signed checkpoint in `path` must name a record that is still there with the hash that was signed."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        return CheckpointResult([f"checkpoints: cannot read {path}: {exc.strerror or exc}"])
    expected_key = key_id(public)
    problems: list[str] = []
    valid: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            checkpoint = json.loads(line)
            body = {k: checkpoint[k] for k in SIGNED_KEYS}
            signature = base64.b64decode(checkpoint["sig"], validate=True)
            seq = int(body["seq"])
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
        valid.append((number, {**body, "seq": seq}))
    if not valid:
        problems.append(f"checkpoints: no valid signed checkpoint in {path}")
        return CheckpointResult(problems)
    wanted = sorted({c["seq"] for _, c in valid if c["seq"] > 0})
    present: dict[int, str] = {}
    for start in range(0, len(wanted), batch):
        chunk = wanted[start : start + batch]
        present.update(session.exec(select(AuditRecord.seq, AuditRecord.hash).where(AuditRecord.seq.in_(chunk))).all())
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
