"""Accounts and sessions (issue 11, section 4): TOTP limits, replay and recovery codes, where the pending secret
lives, the absolute session lifetime, and a lockout answer that does not tell which accounts exist."""

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from freezegun import freeze_time
from sqlmodel import Session, select

from notifier.accounts import passwords
from notifier.accounts.models import User
from notifier.audit.models import AuditRecord
from notifier.web.app import SESSION_COOKIE
from tests.web.conftest import PASSWORD, add_user, csrf_of

T0 = datetime(2026, 11, 23, 9, 0, 10, tzinfo=UTC)  # 10 s into a 30 s TOTP step
RECOVERY = re.compile(r'<code class="recovery">([a-z0-9-]+)</code>')


def password_step(client: TestClient, email: str, password: str = PASSWORD, **headers):
    token = csrf_of(client.get("/signin").text)
    return client.post(
        "/signin",
        data={"csrf_token": token, "email": email, "password": password},
        headers=headers,
        follow_redirects=False,
    )


def code_step(client: TestClient, code: str):
    token = csrf_of(client.get("/signin/totp").text)
    return client.post("/signin/totp", data={"csrf_token": token, "code": code}, follow_redirects=False)


def sign_out(client: TestClient) -> None:
    token = csrf_of(client.get("/account").text)
    client.post("/signout", data={"csrf_token": token})


def cookie_session(client: TestClient) -> dict:
    """What anyone holding the cookie can read: Starlette's session cookie is base64 JSON, signed but not secret."""
    raw = client.cookies.get(SESSION_COOKIE)
    payload = raw.split(".")[0]
    return json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))


def user_row(app, email: str) -> User:
    with Session(app.state.engine) as s:
        return s.exec(select(User).where(User.email == email)).one()


def events(app) -> list[AuditRecord]:
    with Session(app.state.engine) as s:
        return list(s.exec(select(AuditRecord).order_by(AuditRecord.seq)).all())


def enrol(app, client: TestClient, email: str) -> tuple[str, list[str]]:
    """Password, then TOTP enrolment through the pages; returns the secret and the recovery codes shown."""
    page = client.post(
        "/signin",
        data={"csrf_token": csrf_of(client.get("/signin").text), "email": email, "password": PASSWORD},
    )
    assert page.url.path == "/account/totp"
    secret = re.search(r'id="totp-secret" class="secret">([A-Z2-7]+)<', page.text).group(1)
    done = client.post("/account/totp", data={"csrf_token": csrf_of(page.text), "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.text
    return secret, RECOVERY.findall(done.text)


# --- TOTP ------------------------------------------------------------------------------------------------------


def test_wrong_codes_lock_the_account_whichever_address_they_come_from(app):
    secret = add_user(app, "otto@example.org", "officer", totp=True)
    with freeze_time(T0):
        for address in ("10.0.0.1", "10.0.0.2"):  # the per-address limit (10) is never reached
            with TestClient(app, client=(address, 40000)) as client:
                assert password_step(client, "otto@example.org").status_code == 303
                answers = [code_step(client, "000000").status_code for _ in range(3)]
                assert answers == [401, 401, 401]
        with TestClient(app, client=("10.0.0.3", 40000)) as client:
            # Six wrong codes in all: the account is locked, so even the right password ...
            refused = password_step(client, "otto@example.org", **{"Accept-Language": "en"})
            assert refused.status_code == 401 and "locked" in refused.text
        with TestClient(app, client=("10.0.0.1", 40000)) as client:
            assert password_step(client, "otto@example.org").status_code == 401
    row = user_row(app, "otto@example.org")
    assert row.locked_until is not None and row.locked_until > T0
    assert "user.locked" in [e.event_type for e in events(app)]
    # A session that was already past the password cannot go on guessing either: the right code is refused too.
    with freeze_time(T0 + timedelta(minutes=1)), TestClient(app, client=("10.0.0.4", 40000)) as client:
        with Session(app.state.engine) as s:  # the lock ran out for the password, not for the second factor
            user = s.exec(select(User).where(User.email == "otto@example.org")).one()
            user.locked_until = None
            s.add(user)
            s.commit()
        assert password_step(client, "otto@example.org").status_code == 303
        assert code_step(client, "000000").status_code == 401  # the seventh wrong code locks again at once
        assert code_step(client, pyotp.TOTP(secret).now()).status_code == 401


def test_right_code_resets_the_count_of_wrong_codes(app):
    secret = add_user(app, "otto@example.org", "officer", totp=True)
    with freeze_time(T0) as frozen, TestClient(app) as client:
        assert password_step(client, "otto@example.org").status_code == 303
        assert [code_step(client, "000000").status_code for _ in range(4)] == [401] * 4
        assert code_step(client, pyotp.TOTP(secret).now()).status_code == 303
        sign_out(client)
        frozen.tick(timedelta(seconds=30))
        assert password_step(client, "otto@example.org").status_code == 303
        assert [code_step(client, "000000").status_code for _ in range(4)] == [401] * 4
        assert code_step(client, pyotp.TOTP(secret).now()).status_code == 303
    assert user_row(app, "otto@example.org").locked_until is None


def test_a_used_code_cannot_be_used_again(app):
    secret = add_user(app, "otto@example.org", "officer", totp=True)
    totp = pyotp.TOTP(secret)
    with freeze_time(T0) as frozen, TestClient(app) as client:
        code = totp.now()
        assert password_step(client, "otto@example.org").status_code == 303
        assert code_step(client, code).status_code == 303
        sign_out(client)
        # Someone who saw the code (over a shoulder, a phishing proxy) replays it within its lifetime.
        frozen.tick(timedelta(seconds=5))
        assert password_step(client, "otto@example.org").status_code == 303
        assert code_step(client, code).status_code == 401
        # Nor the code of the step before (still inside the accepted window of one step either side).
        assert code_step(client, totp.at(T0 - timedelta(seconds=30))).status_code == 401
        # The next code works, and after it the one that was current a moment ago no longer does.
        frozen.tick(timedelta(seconds=30))
        assert code_step(client, totp.now()).status_code == 303
    assert user_row(app, "otto@example.org").totp_last_step == totp.timecode(T0 + timedelta(seconds=35))


def test_recovery_codes_are_shown_once_stored_hashed_and_each_works_once(app):
    from notifier.accounts.models import RecoveryCode

    add_user(app, "olga@example.org", "officer")
    with TestClient(app) as client:
        secret, codes = enrol(app, client, "olga@example.org")
        assert len(codes) == 10 and len(set(codes)) == 10
        assert all(len(c.replace("-", "")) >= 16 for c in codes)  # 80 bits each: no guessing
        # Shown once: the TOTP page no longer lists them.
        assert not RECOVERY.findall(client.get("/account/totp").text)
        sign_out(client)
        with Session(app.state.engine) as s:
            stored = s.exec(select(RecoveryCode)).all()
        assert len(stored) == 10 and all(r.used_at is None for r in stored)
        assert not {c.replace("-", "") for c in codes} & {r.code_hash for r in stored}
        assert all(len(r.code_hash) == 64 for r in stored)  # a SHA-256 hex digest, not the code

        # Instead of a TOTP code (upper case and without dashes as typed from paper is fine too).
        assert password_step(client, "olga@example.org").status_code == 303
        used = code_step(client, codes[3].upper().replace("-", " "))
        assert (used.status_code, used.headers["location"]) == (303, "/")
        sign_out(client)
        assert password_step(client, "olga@example.org").status_code == 303
        assert code_step(client, codes[3]).status_code == 401  # each once
        assert code_step(client, codes[4]).status_code == 303
    kinds = [e for e in events(app) if e.event_type == "user.recovery_code_used"]
    assert [e.payload["remaining"] for e in kinds] == [9, 8]
    assert all(codes[3] not in json.dumps(e.payload) for e in kinds)


def test_recovery_codes_can_be_regenerated_under_my_account(app):
    add_user(app, "olga@example.org", "officer")
    with TestClient(app) as client:
        _, first = enrol(app, client, "olga@example.org")
        token = csrf_of(client.get("/account").text)
        assert 'action="/account/recovery-codes"' in client.get("/account").text
        page = client.post("/account/recovery-codes", data={"csrf_token": token})
        assert page.status_code == 200
        second = RECOVERY.findall(page.text)
        assert len(second) == 10 and not set(first) & set(second)
        sign_out(client)
        assert password_step(client, "olga@example.org").status_code == 303
        assert code_step(client, first[0]).status_code == 401  # the old set is gone
        assert code_step(client, second[0]).status_code == 303
    assert "user.recovery_codes_generated" in [e.event_type for e in events(app)]


def test_an_administrator_resetting_totp_removes_the_recovery_codes(app, signed_in):
    from notifier.accounts.models import RecoveryCode

    add_user(app, "olga@example.org", "officer")
    with TestClient(app) as client:
        enrol(app, client, "olga@example.org")
    admin, token = signed_in("administrator")
    olga = user_row(app, "olga@example.org")
    admin.post(f"/settings/users/{olga.id}", data={"csrf_token": token, "role": "officer", "reset_totp": "yes"})
    with Session(app.state.engine) as s:
        assert s.exec(select(RecoveryCode).where(RecoveryCode.user_id == olga.id)).all() == []
        assert s.get(User, olga.id).totp_last_step is None


def test_the_pending_totp_secret_is_not_in_the_cookie(app):
    add_user(app, "olga@example.org", "officer")
    with TestClient(app) as client:
        page = client.post(
            "/signin",
            data={"csrf_token": csrf_of(client.get("/signin").text), "email": "olga@example.org", "password": PASSWORD},
        )
        secret = re.search(r'id="totp-secret" class="secret">([A-Z2-7]+)<', page.text).group(1)
        readable = json.dumps(cookie_session(client))
        assert secret not in readable and "totp" not in readable
        # The same secret is offered again on reload (it waits on the server), and enrolment still works with it.
        again = client.get("/account/totp")
        assert f'class="secret">{secret}<' in again.text
        done = client.post("/account/totp", data={"csrf_token": csrf_of(again.text), "code": pyotp.TOTP(secret).now()})
        assert done.status_code == 200
        assert secret not in json.dumps(cookie_session(client))
    row = user_row(app, "olga@example.org")
    assert row.totp_enabled and row.totp_secret == secret and row.totp_pending_secret is None


# --- sessions --------------------------------------------------------------------------------------------------


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(app):
    add_user(app, "vera@example.org", "viewer")
    with freeze_time(T0) as frozen, TestClient(app) as client:
        assert password_step(client, "vera@example.org").status_code == 303
        for _ in range(14):  # activity every 50 minutes keeps the idle timeout (60) from ever running out
            frozen.tick(timedelta(minutes=50))
            assert client.get("/", follow_redirects=False).status_code == 200
        frozen.tick(timedelta(minutes=50))  # 12.5 h after signing in
        page = client.get("/", follow_redirects=False)
        assert (page.status_code, page.headers["location"]) == (303, "/signin")


def test_the_absolute_lifetime_is_a_setting(app):
    app.state.settings = app.state.settings.model_copy(update={"session_max_hours": 1})
    add_user(app, "vera@example.org", "viewer")
    with freeze_time(T0) as frozen, TestClient(app) as client:
        assert password_step(client, "vera@example.org").status_code == 303
        frozen.tick(timedelta(minutes=50))
        assert client.get("/", follow_redirects=False).status_code == 200
        frozen.tick(timedelta(minutes=11))
        assert client.get("/", follow_redirects=False).status_code == 303


# --- no account enumeration ------------------------------------------------------------------------------------


class CountingHasher(PasswordHasher):
    calls = 0

    def verify(self, hash, password):  # noqa: A002, ANN001, ANN201
        CountingHasher.calls += 1
        return super().verify(hash, password)


def test_the_lockout_answer_is_the_same_for_existing_and_unknown_accounts(app, monkeypatch):
    add_user(app, "bob@example.org", "viewer")
    with TestClient(app, client=("10.0.0.1", 40000)) as client:
        for _ in range(5):
            assert password_step(client, "bob@example.org", "wrong password").status_code == 401
    assert user_row(app, "bob@example.org").locked_until is not None
    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    answers = {}
    for i, (email, password) in enumerate(
        [("bob@example.org", "wrong password"), ("bob@example.org", PASSWORD), ("nobody@example.org", PASSWORD)]
    ):
        with TestClient(app, client=(f"10.0.1.{i}", 40000)) as client:
            before = CountingHasher.calls
            answer = password_step(client, email, password, **{"Accept-Language": "en"})
            # Every answer costs one argon2 verification, so the time taken does not tell either.
            assert CountingHasher.calls == before + 1
            body = answer.text.replace(csrf_of(answer.text), "CSRF").replace(email, "EMAIL")
            answers[(email, password)] = (answer.status_code, body)
    assert len(set(answers.values())) == 1, "the answers differ"
    status, body = next(iter(answers.values()))
    assert status == 401 and "locked" in body  # the message still tells a real user what may have happened
