"""Per-source intake credentials: rotating a source's token and setting or clearing its signing secret.

One service for the API (PUT /api/v1/intake-sources/{source}) and the settings page, so both write the same row
and the same audit record. Only the token's SHA-256 is stored; the token itself is returned once.
"""

import hashlib
import secrets

from sqlmodel import Session, select

from notifier import clock
from notifier.audit import chain
from notifier.errors import NotFound
from notifier.intake.adapters import ADAPTERS
from notifier.intake.models import IntakeSource


def source_row(session: Session, source: str) -> IntakeSource | None:
    """The source's row of the organisation the session is bound to."""
    return session.exec(select(IntakeSource).where(IntakeSource.source == source)).first()


def change_credentials(
    session: Session,
    *,
    source: str,
    actor: str,
    rotate_token: bool,
    signing_secret: str | None = None,
    clear_signing_secret: bool = False,
) -> tuple[IntakeSource, str | None]:
    """(the source's row, the new token or None); flushes, the caller commits and clears the credential cache."""
    if source not in ADAPTERS:
        raise NotFound(f"intake source {source!r}")
    row = source_row(session, source) or IntakeSource(source=source, updated_by=actor)
    token = secrets.token_urlsafe(32) if rotate_token else None
    if token:
        row.token_sha256 = hashlib.sha256(token.encode()).hexdigest()
    if signing_secret is not None:
        row.signing_secret = signing_secret
    if clear_signing_secret:
        row.signing_secret = None
    row.updated_by, row.updated_at = actor, clock.now()
    session.add(row)
    chain.append(
        session,
        actor=actor,
        event_type="intake.source_credentials_changed",
        payload={"source": source, "token_rotated": bool(token), "signature_required": bool(row.signing_secret)},
    )
    session.flush()
    return row, token
