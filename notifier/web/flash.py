"""What a successful form did, said on the page the redirect leads to (POST, 303, GET): kept in the signed session
cookie (notifier/web/auth.py) and shown once. Dropped after a few minutes, so a tab left open does not tell the
officer later that something just happened."""

from fastapi import Request

from notifier import clock

KEY = "flash"
LIFETIME_SECONDS = 300


def put(request: Request, text: str) -> None:
    request.session[KEY] = {"text": text[:500], "at": clock.now().timestamp()}


def take(request: Request) -> str | None:
    kept = request.session.pop(KEY, None)
    if not isinstance(kept, dict) or clock.now().timestamp() - float(kept.get("at", 0)) > LIFETIME_SECONDS:
        return None
    return str(kept.get("text") or "") or None
