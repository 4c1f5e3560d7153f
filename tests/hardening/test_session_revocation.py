"""Sign-out and a password change end the session for good: a copied cookie is refused afterwards."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from notifier.accounts.models import User
from notifier.audit.models import AuditRecord
from notifier.web.app import SESSION_COOKIE
from tests.web.conftest import PASSWORD, add_user, csrf_of, sign_in


@pytest.fixture
def alice(app):
    secret = add_user(app, "alice@example.org", "officer", totp=True)
    with TestClient(app) as client:
        csrf = sign_in(client, "alice@example.org", secret)
        yield client, csrf


def copy_of(app, client: TestClient) -> TestClient:
    """Another browser holding a copy of the client's session cookie (say, a stolen one)."""
    thief = TestClient(app, follow_redirects=False)
    thief.cookies.set(SESSION_COOKIE, client.cookies.get(SESSION_COOKIE))
    return thief


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, alice):
    client, csrf = alice
    with copy_of(app, client) as thief:
        assert thief.get("/account").status_code == 200  # the copy works while the session lives
        out = client.post("/signout", data={"csrf_token": csrf}, follow_redirects=False)
        assert (out.status_code, out.headers["location"]) == (303, "/signin")
        refused = thief.get("/account")
        assert (refused.status_code, refused.headers["location"]) == (303, "/signin")
        assert thief.get("/").status_code == 303
        # A form posted with the copy (and its CSRF token) is refused too.
        assert thief.post("/account", data={"csrf_token": csrf, "language": "nl"}).status_code == 403
    with Session(app.state.engine) as s:
        user = s.exec(select(User).where(User.email == "alice@example.org")).one()
        events = s.exec(select(AuditRecord.event_type)).all()
    assert user.session_generation == 1
    assert user.language == "en"
    assert "user.signed_out" in events


def test_signing_in_again_after_sign_out_works(app, alice):
    client, csrf = alice
    client.post("/signout", data={"csrf_token": csrf})
    token = csrf_of(client.get("/signin").text)
    page = client.post("/signin", data={"csrf_token": token, "email": "alice@example.org", "password": PASSWORD})
    assert "/signin/totp" in str(page.url)  # a fresh session, on to the second factor


def test_a_password_change_ends_other_sessions_but_keeps_this_one(app, alice):
    client, csrf = alice
    with copy_of(app, client) as thief:
        assert thief.get("/account").status_code == 200
        new = "a brand new passphrase 42"
        changed = client.post(
            "/account/password", data={"csrf_token": csrf, "current_password": PASSWORD, "password": new}
        )
        assert changed.status_code == 200
        assert client.get("/account").status_code == 200  # the session that changed it goes on
        assert thief.get("/account").status_code == 303


def test_signing_out_a_session_waiting_for_its_second_factor_ends_its_copies(app):
    add_user(app, "otto@example.org", "officer", totp=True)
    with TestClient(app, follow_redirects=False) as client:
        token = csrf_of(client.get("/signin").text)
        client.post("/signin", data={"csrf_token": token, "email": "otto@example.org", "password": PASSWORD})
        with copy_of(app, client) as thief:
            assert thief.get("/signin/totp").status_code == 200
            token = csrf_of(client.get("/signin/totp").text)
            client.post("/signout", data={"csrf_token": token})
            assert thief.get("/signin/totp").headers["location"] == "/signin"
