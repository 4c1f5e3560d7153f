"""Signed, expiring reply links: base64url(JSON {link id, reply link id, expiry}) + "." + HMAC-SHA256 under
NOTIFIER_SECRET_KEY. The reply link id names the row that can revoke it (notifier/processors/reply_links.py); links
mailed before those rows existed carry none."""

import base64
import hashlib
import hmac
import json
from datetime import datetime


class BadLink(Exception):
    """Altered or malformed: answered 403."""


class ExpiredLink(Exception):
    """Genuine but past its expiry: answered 410."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: str) -> str:
    return _b64(hmac.new(secret.encode(), b"processor-reply:" + payload.encode(), hashlib.sha256).digest())


def sign(secret: str, *, link_id: int, expires_at: datetime, reply_id: int | None = None) -> str:
    data = {"l": link_id, "e": int(expires_at.timestamp())} | ({"r": reply_id} if reply_id is not None else {})
    payload = _b64(json.dumps(data, separators=(",", ":")).encode())
    return f"{payload}.{_mac(secret, payload)}"


def reply_id(token: str) -> int | None:
    """The reply link id of a token that `verify` accepted already (None in links from before reply link rows)."""
    value = json.loads(_unb64(token.partition(".")[0])).get("r")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def verify(secret: str, token: str, *, now: datetime) -> int:
    """The link id of a genuine, unexpired token."""
    payload, _, mac = token.partition(".")
    # Bytes, not str: compare_digest raises TypeError for a str with a non-ASCII character (a hand-edited link).
    if not payload or not mac or not hmac.compare_digest(mac.encode(), _mac(secret, payload).encode()):
        raise BadLink("this link is not valid")
    try:
        data = json.loads(_unb64(payload))
        link_id, expires = int(data["l"]), int(data["e"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadLink("this link is not valid") from exc
    if now.timestamp() > expires:
        raise ExpiredLink("this link has expired")
    return link_id
