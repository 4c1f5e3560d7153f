"""Who may post to /intake/{source}: a bearer token or ?token=, plus a body signature where one is configured.

Every refusal is the same 401 so a caller never learns which part was wrong. Tokens are compared as SHA-256
digests in constant time; per-source rows are cached for a few seconds (admin changes clear the cache).
"""

import base64
import binascii
import hashlib
import hmac
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request, status
from sqlmodel import Session, select

from notifier import clock, tenancy
from notifier.intake.models import IntakeSource

SIGNATURE_TOLERANCE_SECONDS = 300
CACHE_SECONDS = 5.0


def unauthorised() -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, "unauthorised", headers={"WWW-Authenticate": "Bearer"})


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class SourceCredentials:
    """One organisation's credentials for one source: the token says whose alert it is."""

    token_digest: bytes | None
    signing_secret: str | None
    organisation_id: int = tenancy.DEFAULT_ORGANISATION_ID


class CredentialStore:
    """The shared NOTIFIER_INTAKE_TOKEN (the default organisation's) and every organisation's per-source rows,
    read through a short cache."""

    def __init__(self, engine, shared_token: str | None):  # noqa: ANN001
        self.engine = engine
        self.shared = token_digest(shared_token) if shared_token else None
        self._rows: dict[str, list[SourceCredentials]] = {}
        self._loaded = 0.0

    def clear(self) -> None:
        self._loaded = 0.0

    def get(self, source: str) -> list[SourceCredentials]:
        if time.monotonic() - self._loaded > CACHE_SECONDS:
            with Session(self.engine) as session:
                rows = session.exec(select(IntakeSource)).all()
            found: dict[str, list[SourceCredentials]] = {}
            for r in rows:
                digest = bytes.fromhex(r.token_sha256) if r.token_sha256 else None
                found.setdefault(r.source, []).append(SourceCredentials(digest, r.signing_secret, r.organisation_id))
            self._rows = found
            self._loaded = time.monotonic()
        return self._rows.get(source, [])


def presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        return value.strip() if scheme.lower() == "bearer" and value.strip() else None
    return request.query_params.get("token") or None


def check_token(store: CredentialStore, source: str, token: str | None) -> SourceCredentials:
    """The credentials the token belongs to (and with them the organisation the alert is for); raises the 401
    otherwise. NOTIFIER_INTAKE_TOKEN is the default organisation's, with that organisation's signing secret."""
    candidates = store.get(source)
    if token is None:
        raise unauthorised()
    given = token_digest(token)
    # Every comparison is made every time, so timing does not tell which token exists.
    shared_ok = hmac.compare_digest(given, store.shared or b"\0" * 32) and store.shared is not None
    matched = None
    for creds in candidates:
        if creds.token_digest is not None and hmac.compare_digest(given, creds.token_digest):
            matched = creds
    if matched is not None:
        return matched
    if not shared_ok:
        raise unauthorised()
    default = tenancy.DEFAULT_ORGANISATION_ID
    return next((c for c in candidates if c.organisation_id == default), SourceCredentials(None, None, default))


def _secret_key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except (binascii.Error, ValueError):
            return secret.encode()
    return secret.encode()


def check_signature(request: Request, body: bytes, secret: str) -> None:
    """Standard Webhooks (webhook-id/-timestamp/-signature) or GitHub-style X-Hub-Signature-256."""
    key = _secret_key(secret)
    headers = request.headers
    if "webhook-signature" in headers:
        msg_id, stamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
        try:
            sent = int(stamp)
        except ValueError:
            raise unauthorised() from None
        if abs(clock.now().timestamp() - sent) > SIGNATURE_TOLERANCE_SECONDS or not msg_id:
            raise unauthorised()
        expected = base64.b64encode(hmac.digest(key, f"{msg_id}.{stamp}.".encode() + body, "sha256")).decode()
        for candidate in headers["webhook-signature"].split():
            version, _, value = candidate.partition(",")
            if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
                return
        raise unauthorised()
    hub = headers.get("x-hub-signature-256")
    if hub is not None:
        expected = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        if hmac.compare_digest(hub.strip().lower().encode(), expected.encode()):
            return
    raise unauthorised()
