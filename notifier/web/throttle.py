"""Failed sign-ins per client address: at most NOTIFIER_SIGNIN_CLIENT_MAX_FAILURES per
NOTIFIER_SIGNIN_CLIENT_WINDOW_MINUTES, so one client cannot try passwords across many accounts (the per-account lock
after five failures does not stop that).

The attempts are rows in `signin_failure`, shared by every replica (sign-in is low volume, so a database round trip
is cheap). An attempt is written and committed *before* the password is checked, and the client's rows are counted
after that commit; a right password deletes its row again. So attempts running in parallel see each other: of any
number of simultaneous attempts at most the limit get through, on SQLite and on PostgreSQL alike. Wrong TOTP codes
count as failed sign-ins too.
"""

from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from sqlalchemy import delete
from sqlmodel import Session, select

from notifier import clock
from notifier.accounts.models import SignInFailure
from notifier.http.ratelimit import client_address, parse_proxies


class TooManySignIns(Exception):
    def __init__(self, retry_after: float):
        super().__init__(f"too many failed sign-ins; retry after {retry_after:.0f} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """A running sign-in attempt; `succeeded()` takes it back, otherwise it stays counted as a failure."""

    session: Session
    row_id: int | None  # None when the limit is off

    def succeeded(self) -> None:
        if self.row_id is None:
            return
        self.session.exec(delete(SignInFailure).where(SignInFailure.id == self.row_id))
        self.session.commit()


def client_of(request: Request) -> str:
    settings = request.app.state.settings
    # 64 characters hold any IPv6 address; anything longer is not an address we would count by anyway.
    return client_address(request, parse_proxies(settings.trusted_proxies))[:64]


def begin(session: Session, request: Request) -> Attempt:
    """Counts a sign-in attempt of the request's client; raises TooManySignIns when the client is over the limit.

    Unlike a service it commits (twice): the attempt must be visible to parallel attempts before it is counted.
    """
    settings = request.app.state.settings
    limit = settings.signin_client_max_failures
    if limit <= 0:
        return Attempt(session, None)
    client = client_of(request)
    window = timedelta(minutes=settings.signin_client_window_minutes)
    now = clock.now()
    since = now - window
    session.commit()  # whatever the request read so far; the attempt goes in a transaction of its own
    # Housekeeping on the way: rows older than the window count for nobody.
    session.exec(delete(SignInFailure).where(SignInFailure.failed_at <= since))
    row = SignInFailure(client=client, failed_at=now)
    session.add(row)
    session.commit()
    others = session.exec(
        select(SignInFailure.failed_at)
        .where(SignInFailure.client == client, SignInFailure.failed_at > since, SignInFailure.id != row.id)
        .order_by(SignInFailure.failed_at)
    ).all()
    session.commit()
    if len(others) < limit:
        return Attempt(session, row.id)
    # Over the limit: this attempt is not made, so it is not counted either (Retry-After stays true). The client
    # may try again once enough of its failures have left the window to bring it under the limit.
    Attempt(session, row.id).succeeded()
    frees_up = others[len(others) - limit] + window
    raise TooManySignIns(max(1.0, (frees_up - now).total_seconds()))
