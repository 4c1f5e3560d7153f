"""Every web page needs a signed-in user with the right role; every form refuses a missing or wrong CSRF token."""

import re
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from notifier import clock
from notifier.accounts.models import User
from notifier.incidents.models import Incident
from tests.routing import all_routes
from tests.web.conftest import PASSWORD, add_user, csrf_of, sign_in

# The lowest role each page needs. A new page must be added here, or test_every_route_is_listed fails.
GET_ROLES = {
    "/": "viewer",
    "/account": "viewer",
    "/account/totp": "viewer",
    "/incidents/new": "officer",
    "/incidents/{incident_id}": "viewer",
    "/incidents/{incident_id}/reports/{regime}/{stage}.json": "viewer",
    "/incidents/{incident_id}/reports/{regime}/{stage}/print": "viewer",
    "/incidents/{incident_id}/reports/{regime}/{stage}/pdf": "viewer",
    "/settings": "administrator",
    "/settings/users": "administrator",
    "/settings/processors": "administrator",
    "/settings/products": "administrator",
    "/settings/sources": "administrator",
    "/settings/tokens": "administrator",
    "/account/tokens": "viewer",
    "/portfolio": "viewer",
    "/organisations": "operator",
    "/register/breaches": "viewer",
    "/register/breaches.csv": "viewer",
    "/ledger": "viewer",
    "/incidents/{incident_id}/submissions": "viewer",
    "/incidents/{incident_id}/submissions/{submission_id}/print": "viewer",
    "/incidents/{incident_id}/submissions/{submission_id}/pdf": "viewer",
    "/incidents/{incident_id}/audit": "viewer",
    "/incidents/{incident_id}/audit.json": "viewer",
    "/incidents/{incident_id}/audit.csv": "viewer",
    "/account/calendar": "viewer",
}
POST_ROLES = {
    "/account": "viewer",
    "/account/totp": "viewer",
    "/account/password": "viewer",
    "/account/recovery-codes": "viewer",
    "/signout": None,
    "/incidents/new": "officer",
    "/incidents/{incident_id}/facts": "officer",
    "/incidents/{incident_id}/events": "officer",
    "/incidents/{incident_id}/processors": "officer",
    "/incidents/{incident_id}/assessment": "officer",
    "/incidents/{incident_id}/assessment/{version}/confirm": "officer",
    "/settings": "administrator",
    "/settings/users": "administrator",
    "/settings/users/{user_id}": "administrator",
    "/settings/processors": "administrator",
    "/settings/products": "administrator",
    "/settings/products/{product_id}/remove": "administrator",
    "/settings/sources/{source}": "administrator",
    "/settings/tokens": "administrator",
    "/settings/tokens/{token_id}/revoke": "administrator",
    "/account/tokens": "viewer",
    "/account/tokens/{token_id}/revoke": "viewer",
    "/organisation/switch": "viewer",
    "/portfolio/calendar": "viewer",
    "/organisations": "operator",
    "/organisations/{slug}/members": "operator",
    "/account/calendar": "viewer",
}
# The processor's reply page (notifier/web/reply.py) has no account: the signed link is its key (tests/processors).
PUBLIC = {
    "/signin",
    "/signin/totp",
    "/signin/oidc",
    "/signin/oidc/callback",
    "/healthz",
    "/reply/{token}",
    "/favicon.ico",
}
# An operator is a deployment-level flag, not a role in an organisation: no membership role reaches it.
RANK = {"viewer": 0, "officer": 1, "administrator": 2, "operator": 3}


def web_routes(app, method: str) -> list[str]:
    """Every page and form of the web interface (the endpoints in notifier/web), except sign-in itself."""
    return sorted(
        path
        for path, methods, endpoint in all_routes(app.routes)
        if method in methods and endpoint.__module__.startswith("notifier.web") and path not in PUBLIC
    )


def concrete(path: str) -> str:
    if "{submission_id}" in path:  # the filed report is incident 2's (the incident fixture)
        path = path.replace("{incident_id}", "2")
    if "{regime}" in path:  # the DORA track is incident 3's
        path = path.replace("{incident_id}", "3")
    return (
        path.replace("{incident_id}", "1")
        .replace("{user_id}", "1")
        .replace("{source}", "wazuh")
        .replace("{version}", "1")
        .replace("{token_id}", "1")
        .replace("{product_id}", "1")
        .replace("{submission_id}", "1")
        .replace("{slug}", "default")
        .replace("{regime}", "dora")  # a stage with an export (workflows/dora.yaml)
        .replace("{stage}", "initial_notification")
    )


@pytest.fixture
def incident(client) -> int:
    """Incident 1; incident 2 with one filed report (submission 1) for the ledger's print and PDF pages; incident 3
    with a DORA track for the export route (an incident that does not answer to DORA has no export: 404)."""
    iid = client.post("/api/v1/incidents", json={"title": "Phishing"}).json()["id"]
    other = client.post("/api/v1/incidents", json={"title": "Ransomware"}).json()["id"]
    aware = (clock.now() - timedelta(minutes=5)).isoformat()
    declared = {"type": "cbw.significant", "aware_at": aware, "reasoning": "EPD down"}
    assert client.post(f"/api/v1/incidents/{other}/events", json=declared).status_code == 200
    filed = {"type": "cbw.submitted", "stage": "early_warning", "submitted_at": aware, "reference": "NCSC-1"}
    assert client.post(f"/api/v1/incidents/{other}/events", json=filed).status_code == 200
    bank = client.post("/api/v1/incidents", json={"title": "Storing betaalverkeer"}).json()["id"]
    major = {"type": "dora.major", "aware_at": aware, "classified_at": aware, "reasoning": "Betalingsverkeer verstoord"}
    assert client.post(f"/api/v1/incidents/{bank}/events", json=major).status_code == 200
    return iid


def test_every_route_is_listed(app):
    assert len(list(all_routes(app.routes))) > 40  # the walk reaches the included routers
    assert set(web_routes(app, "GET")) == set(GET_ROLES)
    assert set(web_routes(app, "POST")) == set(POST_ROLES)


def test_pages_redirect_to_sign_in_without_a_session(app, web_client, incident):
    for path in GET_ROLES:
        page = web_client.get(concrete(path), follow_redirects=False)
        assert page.status_code == 303, path
        assert page.headers["location"] == "/signin", path


def test_forms_refuse_without_a_session_even_with_a_valid_csrf_token(app, web_client, incident):
    token = csrf_of(web_client.get("/signin").text)  # an anonymous session has a token too
    for path, role in POST_ROLES.items():
        if role is None:
            continue
        answer = web_client.post(concrete(path), data={"csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 403, path


@pytest.mark.parametrize("role", ["viewer", "officer"])
def test_pages_and_forms_need_the_right_role(app, signed_in, incident, role):
    client, token = signed_in(role)
    for path, needed in GET_ROLES.items():
        page = client.get(concrete(path), follow_redirects=False)
        expected = 200 if RANK[role] >= RANK[needed] else 403
        assert page.status_code == expected, (role, path, page.status_code)
    for path, needed in POST_ROLES.items():
        if needed is None or RANK[role] >= RANK[needed]:
            continue
        answer = client.post(concrete(path), data={"csrf_token": token, "title": "x"}, follow_redirects=False)
        assert answer.status_code == 403, (role, path)
        assert "may not" in answer.text or "mag dit niet" in answer.text


def test_administrator_sees_every_page_of_the_organisation_and_an_operator_the_organisations(app, signed_in, incident):
    client, _ = signed_in("administrator")
    for path, needed in GET_ROLES.items():
        expected = 403 if needed == "operator" else 200
        assert client.get(concrete(path)).status_code == expected, path
    with Session(app.state.engine) as s:
        user = s.exec(select(User).where(User.email.like("administrator-%"))).one()
        user.operator = True
        s.add(user)
        s.commit()
    listed = client.get("/organisations")
    assert listed.status_code == 200 and 'id="org-default"' in listed.text


@pytest.mark.parametrize("given", [None, "", "wrong-token"])
def test_every_form_refuses_a_missing_or_wrong_csrf_token(app, signed_in, incident, given):
    client, _ = signed_in("administrator")
    data = {"title": "Should not exist", "type": "cbw.not_significant", "reasoning": "x", "name": "X"}
    if given is not None:
        data["csrf_token"] = given
    for path, needed in POST_ROLES.items():
        answer = client.post(concrete(path), data=data, follow_redirects=False)
        assert answer.status_code == 403, path
        # An operator's form refuses an administrator for the role before it looks at the token.
        assert "CSRF" in answer.text or needed == "operator", path
    for path in ("/signin", "/signin/totp"):
        assert client.post(path, data={**data, "email": "x@example.org"}).status_code == 403
    with Session(app.state.engine) as s:
        assert s.exec(select(func.count()).select_from(Incident)).one() == 3  # the fixture's: nothing was written
    # The session survived: the forms still work with the right token.
    assert client.get("/").status_code == 200


def test_a_token_from_another_session_is_refused(app, signed_in, incident):
    first, token_one = signed_in("officer")
    second, token_two = signed_in("officer")
    assert token_one != token_two
    answer = second.post("/incidents/new", data={"csrf_token": token_one, "title": "x"}, follow_redirects=False)
    assert answer.status_code == 403


def test_totp_enrolment_is_forced_for_officers(app, web_client):
    add_user(app, "olga@example.org", "officer")
    token = csrf_of(web_client.get("/signin").text)
    page = web_client.post("/signin", data={"csrf_token": token, "email": "olga@example.org", "password": PASSWORD})
    assert page.url.path == "/account/totp"
    # Nothing else opens before enrolment: pages send back to enrolment, forms are refused.
    assert web_client.get("/", follow_redirects=False).headers["location"] == "/account/totp"
    token = csrf_of(page.text)
    assert web_client.post("/incidents/new", data={"csrf_token": token, "title": "x"}).status_code == 403
    secret = re.search(r'id="totp-secret" class="secret">([A-Z2-7]+)<', page.text).group(1)
    wrong = web_client.post("/account/totp", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 422
    done = web_client.post("/account/totp", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and done.text.count('<code class="recovery">') == 10  # shown once, here
    assert web_client.get("/", follow_redirects=False).status_code == 200
    with Session(app.state.engine) as s:
        user = s.exec(select(User).where(User.email == "olga@example.org")).one()
        assert user.totp_enabled and user.totp_secret == secret


def test_second_factor_is_asked_after_the_password(app, web_client):
    secret = add_user(app, "anna@example.org", "administrator", totp=True)
    token = csrf_of(web_client.get("/signin").text)
    page = web_client.post("/signin", data={"csrf_token": token, "email": "anna@example.org", "password": PASSWORD})
    assert page.url.path == "/signin/totp"
    # Password alone opens nothing.
    assert web_client.get("/", follow_redirects=False).headers["location"] == "/signin/totp"
    token = csrf_of(page.text)
    assert web_client.post("/signin/totp", data={"csrf_token": token, "code": "123456"}).status_code == 401
    ok = web_client.post("/signin/totp", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert ok.url.path == "/"


def test_viewer_without_totp_is_not_forced_by_default(app, web_client):
    add_user(app, "vera@example.org", "viewer")
    sign_in(web_client, "vera@example.org")
    assert web_client.get("/", follow_redirects=False).status_code == 200


def test_passwords_are_argon2_and_repeated_failures_lock_the_account(app, web_client):
    add_user(app, "bob@example.org", "viewer")
    with Session(app.state.engine) as s:
        stored = s.exec(select(User).where(User.email == "bob@example.org")).one().password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    token = csrf_of(web_client.get("/signin").text)
    for _ in range(5):
        wrong = web_client.post("/signin", data={"csrf_token": token, "email": "bob@example.org", "password": "nope"})
        assert wrong.status_code == 401
    locked = web_client.post("/signin", data={"csrf_token": token, "email": "bob@example.org", "password": PASSWORD})
    assert locked.status_code == 401
    assert "locked" in locked.text.lower() or "geblokkeerd" in locked.text


def test_session_cookie_is_signed_http_only_and_lax(app, web_client):
    add_user(app, "vera@example.org", "viewer")
    token = csrf_of(web_client.get("/signin").text)
    answer = web_client.post(
        "/signin", data={"csrf_token": token, "email": "vera@example.org", "password": PASSWORD}, follow_redirects=False
    )
    cookie = answer.headers["set-cookie"]
    assert (
        cookie.startswith("meldplicht_session=") and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    )
    tampered = TestClient(app, cookies={"meldplicht_session": cookie.split(";")[0].split("=", 1)[1][:-3] + "abc"})
    assert tampered.get("/", follow_redirects=False).status_code == 303


def test_language_follows_the_browser_then_the_user(app, web_client):
    assert "Inloggen" in web_client.get("/signin", headers={"Accept-Language": "nl-NL,nl;q=0.9"}).text
    assert "Sign in" in web_client.get("/signin", headers={"Accept-Language": "en-GB,en;q=0.8,nl;q=0.5"}).text
    add_user(app, "vera@example.org", "viewer")  # language "en"
    sign_in(web_client, "vera@example.org")
    assert "Dashboard" in web_client.get("/", headers={"Accept-Language": "nl"}).text


def test_idle_session_expires(app, web_client):
    from datetime import timedelta

    from freezegun import freeze_time

    from notifier import clock

    add_user(app, "vera@example.org", "viewer")
    start = clock.now()
    with freeze_time(start) as frozen:
        sign_in(web_client, "vera@example.org")
        frozen.tick(timedelta(minutes=50))
        assert web_client.get("/", follow_redirects=False).status_code == 200  # activity renews the session
        frozen.tick(timedelta(minutes=50))
        assert web_client.get("/", follow_redirects=False).status_code == 200
        frozen.tick(timedelta(minutes=61))
        page = web_client.get("/", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/signin"
