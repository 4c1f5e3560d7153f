"""Failed sign-ins per client address: 10 per 15 minutes across all accounts, then 429 with Retry-After."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time
from sqlmodel import Session, func, select

from notifier.accounts.models import SignInFailure
from tests.web.conftest import PASSWORD, add_user, csrf_of

T0 = "2026-11-23 10:00:00"


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"signin_client_max_failures": 10, "signin_client_window_minutes": 15})


def attempt(client: TestClient, email: str, password: str, **headers):
    token = csrf_of(client.get("/signin").text)
    data = {"csrf_token": token, "email": email, "password": password}
    headers = {"Accept-Language": "en", **headers}
    return client.post("/signin", data=data, headers=headers, follow_redirects=False)


def spray(client: TestClient, n: int, **headers) -> list[int]:
    """n wrong passwords, each for a different account: no single account gets near its own lock."""
    return [attempt(client, f"user{i}@example.org", "wrong password!!", **headers).status_code for i in range(n)]


def rows(app) -> int:
    with Session(app.state.engine) as s:
        return s.exec(select(func.count()).select_from(SignInFailure)).one()


def test_spraying_across_accounts_is_stopped_and_the_window_expires(app):
    add_user(app, "alice@example.org", "viewer")
    with freeze_time(T0) as frozen, TestClient(app) as client:
        assert spray(client, 10) == [401] * 10
        # The eleventh attempt is refused before the password is looked at, even the right one.
        refused = attempt(client, "alice@example.org", PASSWORD)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "900"
        assert "Too many failed sign-ins from your address. Try again in 15 minutes." in refused.text
        assert 'name="email"' in refused.text  # the form again, with the e-mail address kept
        assert "alice@example.org" in refused.text
        assert rows(app) == 10  # refused attempts are not counted: Retry-After stays true

        frozen.tick(timedelta(minutes=14, seconds=59))
        late = attempt(client, "alice@example.org", PASSWORD)
        assert (late.status_code, late.headers["retry-after"]) == (429, "1")

        frozen.tick(timedelta(seconds=1))
        ok = attempt(client, "alice@example.org", PASSWORD)
        assert ok.status_code == 303 and ok.headers["location"] == "/"
        assert rows(app) == 0  # the old failures were cleared on the way; a success is not a failure


def test_dutch_message_and_json_answer(app):
    with freeze_time(T0), TestClient(app) as client:
        spray(client, 10)
        dutch = attempt(client, "x@example.org", "whatever", **{"Accept-Language": "nl"})
        assert dutch.status_code == 429
        assert "Te veel mislukte inlogpogingen vanaf uw adres. Probeer het over 15 minuten opnieuw." in dutch.text
        # RFC 9457 problem details like every JSON error, keeping the members clients read before (issue 13).
        for accept in ("application/json", "application/problem+json"):
            as_json = attempt(client, "x@example.org", "whatever", Accept=accept)
            assert as_json.status_code == 429
            assert as_json.headers["retry-after"] == "900"
            assert as_json.headers["content-type"] == "application/problem+json"
            assert as_json.json() == {
                "type": "about:blank",
                "title": "Too Many Requests",
                "status": 429,
                "detail": "too many failed sign-ins from this address; retry later",
                "retry_after": 900,
            }


def test_successful_sign_ins_do_not_use_up_the_budget(app):
    add_user(app, "alice@example.org", "viewer")
    with freeze_time(T0), TestClient(app) as client:
        for _ in range(12):
            assert attempt(client, "alice@example.org", PASSWORD).status_code == 303
        assert spray(client, 10) == [401] * 10
        assert attempt(client, "alice@example.org", PASSWORD).status_code == 429


def test_wrong_totp_codes_count_as_failed_sign_ins(app):
    add_user(app, "otto@example.org", "officer", totp=True)
    with freeze_time(T0), TestClient(app) as client:
        assert attempt(client, "otto@example.org", PASSWORD).status_code == 303  # on to the second factor
        token = csrf_of(client.get("/signin/totp").text)
        codes = [
            client.post(
                "/signin/totp",
                data={"csrf_token": token, "code": "000000"},
                headers={"Accept-Language": "en"},
                follow_redirects=False,
            )
            for _ in range(11)
        ]
        assert [c.status_code for c in codes] == [401] * 10 + [429]
        assert codes[-1].headers["retry-after"] == "900"
        assert "Try again in 15 minutes" in codes[-1].text


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(app):
    with freeze_time(T0), TestClient(app, client=("10.0.0.5", 40000)) as client:
        # A client rotating the header it writes itself gains nothing: the peer's address is what counts.
        for i in range(10):
            answer = attempt(client, f"u{i}@example.org", "wrong password!!", **{"X-Forwarded-For": f"198.51.100.{i}"})
            assert answer.status_code == 401
        assert attempt(client, "u@example.org", "x", **{"X-Forwarded-For": "198.51.100.99"}).status_code == 429


@pytest.mark.parametrize("trusted", ["10.0.0.5", "10.0.0.0/8,192.0.2.1"])
def test_behind_a_trusted_proxy_each_forwarded_client_counts_alone(app, trusted):
    app.state.settings = app.state.settings.model_copy(update={"trusted_proxies": trusted})
    with freeze_time(T0), TestClient(app, client=("10.0.0.5", 40000)) as proxy:
        # What the client wrote left of the proxy's own entry is not believed either.
        one = {"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}
        assert spray(proxy, 10, **one) == [401] * 10
        assert attempt(proxy, "a@example.org", "x", **{"X-Forwarded-For": "203.0.113.7"}).status_code == 429
        # Another client behind the same proxy is not blocked by the first one's failures.
        assert attempt(proxy, "a@example.org", "x", **{"X-Forwarded-For": "203.0.113.8"}).status_code == 401
    with Session(app.state.engine) as s:
        clients = set(s.exec(select(SignInFailure.client)).all())
    assert clients == {"203.0.113.7", "203.0.113.8"}


def test_zero_turns_the_client_limit_off(app):
    app.state.settings = app.state.settings.model_copy(update={"signin_client_max_failures": 0})
    with freeze_time(T0), TestClient(app) as client:
        assert set(spray(client, 12)) == {401}
    assert rows(app) == 0


def test_a_malformed_trusted_proxy_list_is_refused_at_start():
    from pydantic import ValidationError

    from notifier.config import Settings

    with pytest.raises(ValidationError, match="NOTIFIER_TRUSTED_PROXIES"):
        Settings(trusted_proxies="10.0.0.0/8, proxy.example.org")
    assert Settings(trusted_proxies=" 10.0.0.0/8 , ::1 ").trusted_proxies
