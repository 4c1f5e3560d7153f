"""Every web page and form, signed in as an administrator of organisation A, against organisation B's ids: 404
pages, never B's rows; and a user of both organisations sees both in the portfolio, each page naming its own."""

import re

import pyotp
from fastapi.testclient import TestClient
from sqlmodel import Session

from notifier import tenancy
from notifier.accounts import memberships
from notifier.accounts.models import User
from notifier.accounts.users import create_user
from tests.isolation.conftest import MARKER
from tests.routing import all_routes
from tests.web.conftest import PASSWORD, sign_in

PUBLIC = {
    "/signin",
    "/signin/totp",
    "/signin/oidc",
    "/signin/oidc/callback",
    "/healthz",
    "/reply/{token}",
    "/favicon.ico",
}
OPERATOR_ONLY = {"/organisations", "/organisations/{slug}/members"}
# Pages and forms of the caller's own organisation or account, without an id of anyone's.
OWN = {"/settings/sources/{source}", "/signout"}


def _user(app, email: str, organisation_id: int, role: str = "administrator") -> tuple[int, str]:
    with Session(app.state.engine) as session:
        tenancy.bind(session, organisation_id)
        user = create_user(
            session,
            email=email,
            name=email.split("@")[0],
            role=role,
            password=PASSWORD,
            actor_name="test",
            language="en",
            organisation_id=organisation_id,
        )
        secret = pyotp.random_base32()
        user.totp_secret, user.totp_enabled = secret, True
        session.add(user)
        session.commit()
        return user.id, secret


def _signed_in(app, email: str, secret: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    client.__enter__()
    return client, sign_in(client, email, secret)


def _web_routes(app):  # noqa: ANN001
    for path, methods, endpoint in all_routes(app.routes):
        if endpoint.__module__.startswith("notifier.web") and path not in PUBLIC:
            for method in sorted(methods - {"HEAD"}):
                yield method, path


def test_every_page_and_form_of_a_refuses_the_ids_of_b(app, orgs):
    a, b = orgs
    _, a_secret = _user(app, "admin@alfa.example", 1)
    b_user, _ = _user(app, "admin@bravo.example", 2)
    tokens = b.client.get(f"/api/v1/organisations/{b.slug}/tokens").json()
    values = {
        "incident_id": b.incident_id,
        "version": 1,
        "user_id": b_user,
        "token_id": tokens[0]["id"],
        "slug": b.slug,
        "source": "wazuh",
        "product_id": b.product_id,
        "submission_id": b.submission_id,
        "regime": "dora",
        "stage": "initial_notification",
    }
    client, csrf = _signed_in(app, "admin@alfa.example", a_secret)
    walked = 0
    for method, path in _web_routes(app):
        if path in OWN:
            continue
        target = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
        if method == "GET":
            answer = client.get(target, follow_redirects=False)
        else:
            answer = client.post(target, data={"csrf_token": csrf, "title": "x", "name": "x"}, follow_redirects=False)
        if path in OPERATOR_ONLY:
            assert answer.status_code == 403, (method, target, answer.status_code)
        elif "{" in path:
            assert answer.status_code == 404, (method, target, answer.status_code)
        else:
            assert answer.status_code in (200, 303, 403, 404, 422), (method, target, answer.status_code)
        assert MARKER not in answer.text.lower(), f"{method} {target} shows organisation B"
        walked += 1
    assert walked > 25
    # B's user is still B's, with B's role; B's token still works.
    assert b.client.get("/api/v1/organisation").status_code == 200
    with Session(app.state.engine) as session:
        assert memberships.role_in(session, b_user, 2) == "administrator"
        assert memberships.role_in(session, b_user, 1) is None


def test_a_member_of_both_sees_both_in_the_portfolio_and_one_at_a_time_elsewhere(app, orgs):
    a, b = orgs
    user_id, secret = _user(app, "analyst@mssp.example", 1, role="officer")
    with Session(app.state.engine) as session:
        user = session.get(User, user_id)
        tenancy.bind(session, 2)
        memberships.grant(session, user=user, organisation_id=2, role="viewer", actor="test")
        session.commit()
    client, csrf = _signed_in(app, "analyst@mssp.example", secret)
    portfolio = client.get("/portfolio")
    assert portfolio.status_code == 200
    assert f'data-incident="{a.incident_id}"' in portfolio.text and f'data-incident="{b.incident_id}"' in portfolio.text
    assert "Bravo Zorggroep" in portfolio.text and "Alfa Ziekenhuis" in portfolio.text
    first = client.get("/")
    assert f'data-incident="{a.incident_id}"' in first.text and MARKER not in first.text.lower().replace(
        'value="bravo"', ""
    ).replace(">bravo zorggroep<", "")
    assert client.get(f"/incidents/{b.incident_id}").status_code == 404  # B is not the current organisation
    switched = client.post(
        "/organisation/switch", data={"csrf_token": csrf, "organisation": b.slug, "next": "/"}, follow_redirects=False
    )
    assert switched.status_code == 303
    page = client.get(f"/incidents/{b.incident_id}")
    assert page.status_code == 200 and "Bravo Zorggroep ransomware" in page.text
    assert 'name="organisation"' in page.text  # the switcher names where the page belongs
    # A viewer in B: no writes there, whatever the role in A.
    refused = client.post(f"/incidents/{b.incident_id}/facts", data={"csrf_token": csrf, "nature": "x"})
    assert refused.status_code == 403
    # The portfolio's link opens an incident of another organisation by switching to it.
    assert client.get(f"/incidents/{a.incident_id}?org={a.slug}").status_code == 200
    assert client.get(f"/incidents/{a.incident_id}").status_code == 200
    # A slug that is not one of the user's memberships switches nothing.
    answer = client.post("/organisation/switch", data={"csrf_token": csrf, "organisation": "nowhere"})
    assert answer.status_code == 404


def test_the_portfolio_calendar_holds_every_organisation_of_the_user_and_follows_the_memberships(app, orgs):
    a, b = orgs
    user_id, secret = _user(app, "group-ciso@zorggroep.example", 1, role="viewer")
    with Session(app.state.engine) as session:
        tenancy.bind(session, 2)
        memberships.grant(session, user=session.get(User, user_id), organisation_id=2, role="viewer", actor="test")
        session.commit()
    client, csrf = _signed_in(app, "group-ciso@zorggroep.example", secret)
    assert 'id="portfolio-feed"' not in client.get("/portfolio").text  # only when asked for
    assert client.post("/portfolio/calendar", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    url = re.search(
        r'<code id="portfolio-feed">[^<]*(/calendar/portfolio/[^<]+\.ics)</code>', client.get("/portfolio").text
    )
    feed = TestClient(app).get(url.group(1))
    assert feed.status_code == 200
    assert "Alfa Ziekenhuis ransomware" in feed.text and "Bravo Zorggroep ransomware" in feed.text
    with Session(app.state.engine) as session:
        tenancy.bind(session, 2)
        memberships.revoke(session, user=session.get(User, user_id), organisation_id=2, actor="test")
        session.commit()
    after = TestClient(app).get(url.group(1))
    assert "Alfa Ziekenhuis ransomware" in after.text and "Bravo" not in after.text
    assert TestClient(app).get("/calendar/portfolio/not-a-token.ics").status_code == 404
