"""Failed sign-ins per client address: at most NOTIFIER_SIGNIN_CLIENT_MAX_FAILURES per
NOTIFIER_SIGNIN_CLIENT_WINDOW_MINUTES, so one client cannot try passwords across many accounts (the per-account lock
after five failures does not stop that).

The attempts are rows in `signin_failure`, shared by every replica (sign-in is low volume, so a database round trip
is cheap). An attempt is written and committed *before* the password is checked, and the client's rows are counted
after that commit; a right password deletes its row again. So attempts running in parallel see each other: of any
number of simultaneous attempts at most the limit get through, on SQLite and on PostgreSQL alike. Wrong TOTP codes
count as failed sign-ins too.

The counters live in short sessions of their own on the request's engine, never in the request's unit of work:
an attempt stays counted whatever becomes of the request (an error, a rollback). On SQLite the request's first
read takes the write lock until the request ends (BEGIN IMMEDIATE), so `begin` runs before the request's session
has read anything, and `succeeded` is run by the caller after the request's commit (db.after_commit).
"""

from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from sqlalchemy import Engine, delete
from sqlmodel import select

from notifier import clock
from notifier.accounts.models import SignInFailure
from notifier.db import session_scope
from notifier.http.ratelimit import client_address, parse_proxies


class TooManySignIns(Exception):
    def __init__(self, retry_after: float):
        super().__init__(f"too many failed sign-ins; retry after {retry_after:.0f} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """A running sign-in attempt; `succeeded()` takes it back, otherwise it stays counted as a failure."""

    engine: Engine
    row_id: int | None  # None when the limit is off

    def succeeded(self) -> None:
        if self.row_id is None:
            return
        with session_scope(self.engine) as session:
            session.exec(delete(SignInFailure).where(SignInFailure.id == self.row_id))


def client_of(request: Request) -> str:
    settings = request.app.state.settings
    # 64 characters hold any IPv6 address; anything longer is not an address we would count by anyway.
    return client_address(request, parse_proxies(settings.trusted_proxies))[:64]


def begin(request: Request) -> Attempt:
    """Counts a sign-in attempt of the request's client; raises TooManySignIns when the client is over the limit.

    Two transactions of its own: the attempt must be committed, and so visible to parallel attempts, before it is
    counted. Call it before the request's session reads anything (see the module's docstring).
    """
    settings = request.app.state.settings
    engine = request.app.state.engine
    limit = settings.signin_client_max_failures
    if limit <= 0:
        return Attempt(engine, None)
    client = client_of(request)
    window = timedelta(minutes=settings.signin_client_window_minutes)
    now = clock.now()
    since = now - window
    with session_scope(engine) as session:
        # Housekeeping on the way: rows older than the window count for nobody.
        session.exec(delete(SignInFailure).where(SignInFailure.failed_at <= since))
        row = SignInFailure(client=client, failed_at=now)
        session.add(row)
        session.flush()
        row_id = row.id
    with session_scope(engine) as session:
        others = session.exec(
            select(SignInFailure.failed_at)
            .where(SignInFailure.client == client, SignInFailure.failed_at > since, SignInFailure.id != row_id)
            .order_by(SignInFailure.failed_at)
        ).all()
    if len(others) < limit:
        return Attempt(engine, row_id)
    # Over the limit: this attempt is not made, so it is not counted either (Retry-After stays true). The client
    # may try again once enough of its failures have left the window to bring it under the limit.
    Attempt(engine, row_id).succeeded()
    frees_up = others[len(others) - limit] + window
    raise TooManySignIns(max(1.0, (frees_up - now).total_seconds()))
