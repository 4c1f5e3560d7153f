"""Single sign-on against a real OpenID provider (oidc-provider on Node, tests/sso/conftest.py).

The relying party is the app under a TestClient at http://testserver; the provider is a real process on a loopback
port. Each redirect between the two is carried by hand: the browser's part, played by two HTTP clients with their
own cookie jars. The back channel (discovery, keys, token and userinfo endpoints) is the app's own httpx traffic.
"""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from notifier.accounts import memberships as granting
from notifier.accounts.models import Membership, User, UserIdentity
from notifier.audit.models import AuditRecord
from notifier.config import Settings
from notifier.main import create_app
from notifier.organisation import service as organisation_service
from tests.sso.conftest import confirm_logout, follow, login
from tests.web.conftest import add_user, csrf_of

RP = "http://testserver"
CLIENT = {
    "client_id": "meldplicht",
    "client_secret": "a-client-secret-for-the-tests-only-0123456789",
    "redirect_uris": [f"{RP}/signin/oidc/callback"],
    "post_logout_redirect_uris": [f"{RP}/signin"],
}
GROUPS = {"cert-rivierenland": "default:officer", "dpo-zuid": "zuid:viewer", "zuid-admins": "zuid:administrator"}
ALICE = {
    "email": "alice@rivierenland.example",
    "email_verified": True,
    "name": "Alice Jansen",
    "groups": ["cert-rivierenland", "dpo-zuid", "somewhere-else"],
    "amr": ["pwd", "mfa"],
}


@pytest.fixture
def sso(settings, oidc_provider):
    """sso(accounts, code_ttl=60, **settings) -> (app, provider): the app configured for a provider it started."""
    apps = []

    def make(accounts: dict, *, code_ttl: int = 60, **overrides):  # noqa: ANN003
        provider = oidc_provider(clients=[CLIENT], accounts=accounts, code_ttl=code_ttl)
        values = {
            "base_url": RP,
            "oidc_issuer": provider.issuer,
            "oidc_client_id": CLIENT["client_id"],
            "oidc_client_secret": CLIENT["client_secret"],
            "oidc_scopes": "openid email profile groups",
            "oidc_label": "Rivierenland ID",
            "oidc_group_roles": GROUPS,
            "oidc_trust_mfa": True,
            **overrides,
        }
        app = create_app(settings.model_copy(update=values))
        apps.append(app)
        with Session(app.state.engine) as session:
            organisation_service.create(session, name="Ziekenhuis Zuid", slug="zuid", actor="test")
            session.commit()
        return app, provider

    yield make
    for app in apps:
        app.state.engine.dispose()


def browser(app) -> tuple[TestClient, httpx.Client]:
    return TestClient(app, follow_redirects=False), httpx.Client(follow_redirects=False, timeout=20)


def to_provider(rp: TestClient) -> str:
    started = rp.get("/signin/oidc")
    assert started.status_code == 303, started.text
    return started.headers["location"]


def back_to_rp(rp: TestClient, answer: httpx.Response):  # noqa: ANN201
    """The provider's redirect to our callback, carried into the TestClient."""
    assert answer.is_redirect, answer.text[:500]
    target = answer.headers["location"]
    assert target.startswith(f"{RP}/signin/oidc/callback?"), target
    return rp.get(target[len(RP) :])


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def sign_in(app, account: str) -> tuple[TestClient, httpx.Client, object]:
    rp, op = browser(app)
    return rp, op, back_to_rp(rp, login(op, to_provider(rp), account))


def memberships(app, email: str) -> dict[str, tuple[str, str]]:
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        rows = session.exec(select(Membership).where(Membership.user_id == user.id)).all()
        slugs = {o.id: o.slug for o in organisation_service.by_ids(session, [m.organisation_id for m in rows])}
        return {slugs[m.organisation_id]: (m.role, m.source) for m in rows}


def audit(app, event_type: str) -> list[AuditRecord]:
    with Session(app.state.engine) as session:
        return list(session.exec(select(AuditRecord).where(AuditRecord.event_type == event_type)))


def session_of(rp: TestClient) -> dict:
    payload = rp.cookies["meldplicht_session"].split(".")[0]
    return json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))


def signed_in_as(rp: TestClient) -> str | None:
    page = rp.get("/account")
    return None if page.status_code != 200 else page.text


def test_the_sign_in_page_offers_the_provider_and_the_password_form(sso):
    app, _ = sso({})
    page = TestClient(app).get("/signin")
    assert 'href="/signin/oidc"' in page.text and "Rivierenland ID" in page.text
    assert 'name="password"' in page.text


def test_signing_in_maps_the_groups_claim_to_memberships(sso):
    app, provider = sso({"alice": ALICE})
    rp, _, answer = sign_in(app, "alice")
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    # An officer must use a second factor; the provider asserted one (amr "mfa") and the deployment trusts it.
    dashboard = rp.get("/")
    assert dashboard.status_code == 200, dashboard.headers.get("location")
    assert "Alice Jansen" in rp.get("/account").text
    assert memberships(app, ALICE["email"]) == {"default": ("officer", "oidc"), "zuid": ("viewer", "oidc")}
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.email == ALICE["email"])).one()
        identity = session.exec(select(UserIdentity).where(UserIdentity.user_id == user.id)).one()
        assert (identity.issuer, identity.subject) == (provider.issuer, "alice")
        assert not user.has_password
    (created,) = audit(app, "user.created")
    assert created.actor == f"sso:{provider.issuer}"
    (signed,) = audit(app, "user.signed_in")
    assert signed.payload == {"email": ALICE["email"], "method": "oidc", "second_factor": "provider"}
    assert {r.payload["role"] for r in audit(app, "membership.granted")} == {"officer", "viewer"}


def test_the_password_sign_in_cannot_open_an_account_the_provider_made(sso):
    app, _ = sso({"alice": ALICE})
    sign_in(app, "alice")
    rp = TestClient(app)
    token = csrf_of(rp.get("/signin").text)
    page = rp.post("/signin", data={"csrf_token": token, "email": ALICE["email"], "password": "!sso"})
    assert page.status_code == 401


def test_a_membership_the_claims_no_longer_grant_is_taken_away_at_the_next_sign_in(sso):
    app, provider = sso({"alice": ALICE})
    sign_in(app, "alice")
    with Session(app.state.engine) as session:
        organisation_service.create(session, name="Gemeente Oost", slug="oost", actor="test")
        session.commit()
    # A membership granted by hand is not the provider's to take away.
    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.email == ALICE["email"])).one()
        oost = organisation_service.by_slug(session, "oost")
        granting.grant(session, user=user, organisation_id=oost.id, role="viewer", actor="test")
        session.commit()
    provider.write_accounts({"alice": {**ALICE, "groups": ["cert-rivierenland", "zuid-admins"]}})
    rp, _, answer = sign_in(app, "alice")
    assert answer.status_code == 303
    assert memberships(app, ALICE["email"]) == {
        "default": ("officer", "oidc"),
        "zuid": ("administrator", "oidc"),
        "oost": ("viewer", "local"),
    }
    provider.write_accounts({"alice": {**ALICE, "groups": ["dpo-zuid"]}})
    sign_in(app, "alice")
    assert memberships(app, ALICE["email"]) == {"zuid": ("viewer", "oidc"), "oost": ("viewer", "local")}
    (revoked,) = audit(app, "membership.revoked")
    assert revoked.actor == f"sso:{provider.issuer}" and revoked.previous_state == {"role": "officer"}


def test_just_in_time_provisioning_into_the_configured_organisation(sso):
    app, _ = sso({"dave": {"email": "Dave@Oost.example", "email_verified": True}}, oidc_jit_organisation="zuid")
    rp, _, answer = sign_in(app, "dave")
    assert answer.status_code == 303
    assert memberships(app, "dave@oost.example") == {"zuid": ("viewer", "oidc")}
    assert rp.get("/").status_code == 200


def test_a_person_the_claims_grant_nothing_gets_no_account(sso):
    app, _ = sso({"bob": {"email": "bob@elsewhere.example", "email_verified": True, "groups": ["somewhere-else"]}})
    rp, _, answer = sign_in(app, "bob")
    assert answer.status_code == 403
    with Session(app.state.engine) as session:
        assert session.exec(select(User).where(User.email == "bob@elsewhere.example")).first() is None
    assert rp.get("/", follow_redirects=False).headers["location"] == "/signin"
    assert audit(app, "user.sso_refused")


def test_a_callback_with_another_state_is_rejected(sso):
    app, _ = sso({"alice": ALICE})
    rp, op = browser(app)
    answer = login(op, to_provider(rp), "alice")
    parts = urlsplit(answer.headers["location"])
    query = query_of(answer.headers["location"])
    forged = rp.get("/signin/oidc/callback?" + urlencode({**query, "state": "an-attackers-state"}))
    assert forged.status_code == 400
    assert signed_in_as(rp) is None
    # The right state cannot be used after that either: the pending sign-in was spent on the first answer.
    assert rp.get(f"/signin/oidc/callback?{parts.query}").status_code == 400
    assert not audit(app, "user.sso_refused")  # a stranger's callback does not write to the audit chain
    with Session(app.state.engine) as session:
        assert session.exec(select(User).where(User.email == ALICE["email"])).first() is None


def test_a_callback_naming_another_issuer_is_rejected(sso):
    """RFC 9207: the provider names itself in the answer, so an answer from another provider (mix-up) is refused."""
    app, _ = sso({"alice": ALICE})
    rp, op = browser(app)
    answer = login(op, to_provider(rp), "alice")
    query = query_of(answer.headers["location"])
    assert "iss" in query
    mixed_up = rp.get("/signin/oidc/callback?" + urlencode({**query, "iss": "https://idp.attacker.example"}))
    assert mixed_up.status_code == 400
    assert signed_in_as(rp) is None


def test_a_callback_replayed_after_a_sign_in_is_rejected(sso):
    app, _ = sso({"alice": ALICE})
    rp, op = browser(app)
    answer = login(op, to_provider(rp), "alice")
    assert back_to_rp(rp, answer).status_code == 303
    assert back_to_rp(rp, answer).status_code == 400


def test_an_id_token_with_another_nonce_is_rejected(sso):
    app, _ = sso({"alice": ALICE})
    rp, op = browser(app)
    parts = urlsplit(to_provider(rp))
    query = query_of(parts.geturl())
    # The authorization request changed on its way to the provider: the ID token then carries the changed nonce.
    tampered = urlunsplit(parts._replace(query=urlencode({**query, "nonce": "a-nonce-of-the-attacker"})))
    answer = back_to_rp(rp, login(op, tampered, "alice"))
    assert answer.status_code == 403
    assert signed_in_as(rp) is None
    (refused,) = audit(app, "user.sso_refused")
    assert "nonce" in refused.payload["reason"]


def test_an_expired_code_is_rejected(sso):
    app, _ = sso({"alice": ALICE}, code_ttl=1)
    rp, op = browser(app)
    answer = login(op, to_provider(rp), "alice")
    time.sleep(2.5)
    # A code the provider does not redeem is the browser's word only: refused, logged, not audited.
    assert back_to_rp(rp, answer).status_code == 400
    assert signed_in_as(rp) is None
    assert not audit(app, "user.sso_refused")


def test_sign_out_ends_the_session_here_and_at_the_provider(sso):
    app, provider = sso({"alice": ALICE})
    rp, op, _ = sign_in(app, "alice")
    token = csrf_of(rp.get("/account").text)
    out = rp.post("/signout", data={"csrf_token": token})
    assert out.status_code == 303
    end_session = out.headers["location"]
    assert end_session.startswith(provider.issuer)
    assert parse_qs(urlsplit(end_session).query)["post_logout_redirect_uri"] == [f"{RP}/signin"]
    assert signed_in_as(rp) is None
    done = confirm_logout(op, end_session)
    assert done.headers["location"].startswith(f"{RP}/signin")
    # The provider's session is gone too: the next sign-in asks for the login again.
    again = follow(op, to_provider(rp))
    assert again.status_code == 200 and 'name="login"' in again.text
    (signed_out,) = audit(app, "user.signed_out")
    assert signed_out.payload == {"email": ALICE["email"]}


def test_the_totp_step_follows_when_the_provider_asserts_no_second_factor(sso):
    # An existing local account, linked by its verified address; the provider signs in with a password only.
    app, _ = sso({"erik": {"email": "erik@rivierenland.example", "email_verified": True, "amr": ["pwd"]}})
    secret = add_user(app, "erik@rivierenland.example", "officer", totp=True)
    rp, _, answer = sign_in(app, "erik")
    assert answer.headers["location"] == "/signin/totp"
    assert rp.get("/").status_code == 303  # not signed in before the code
    token = csrf_of(rp.get("/signin/totp").text)
    done = rp.post("/signin/totp", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 303 and rp.get("/").status_code == 200
    assert audit(app, "user.identity_linked")
    assert audit(app, "user.signed_in")[-1].payload == {"email": "erik@rivierenland.example", "method": "oidc"}
    # A membership granted by hand, and no group claim: the account keeps it.
    assert memberships(app, "erik@rivierenland.example") == {"default": ("officer", "local")}


def test_the_provider_s_mfa_is_not_believed_unless_the_deployment_says_so(sso):
    app, _ = sso({"alice": ALICE}, oidc_trust_mfa=False)
    rp, _, answer = sign_in(app, "alice")
    assert answer.status_code == 303
    # An officer without TOTP and no trusted second factor: only the enrolment page is open.
    assert rp.get("/").headers["location"] == "/account/totp"


def test_an_unverified_address_does_not_take_over_an_existing_account(sso):
    app, _ = sso({"mallory": {"email": "erik@rivierenland.example", "email_verified": False, "groups": ["dpo-zuid"]}})
    add_user(app, "erik@rivierenland.example", "administrator")
    rp, _, answer = sign_in(app, "mallory")
    assert answer.status_code == 403
    assert signed_in_as(rp) is None
    assert memberships(app, "erik@rivierenland.example") == {"default": ("administrator", "local")}


def test_the_password_sign_in_can_be_switched_off(sso):
    app, _ = sso({}, password_signin=False)
    add_user(app, "erik@rivierenland.example", "viewer")
    rp = TestClient(app, headers={"Accept-Language": "en"})
    page = rp.get("/signin")
    assert 'href="/signin/oidc"' in page.text and 'name="password"' not in page.text
    # No form on the page, so the CSRF token comes from the (signed, readable) session cookie.
    token = session_of(rp)["csrf"]
    refused = rp.post(
        "/signin", data={"csrf_token": token, "email": "erik@rivierenland.example", "password": "whatever it is"}
    )
    assert refused.status_code == 403 and "switched off" in refused.text


def test_an_unreachable_provider_is_a_502_with_the_page(settings):
    app = create_app(settings.model_copy(update={"oidc_issuer": "http://127.0.0.1:9", "oidc_client_id": "meldplicht"}))
    page = TestClient(app).get("/signin/oidc")
    assert page.status_code == 502 and 'href="/signin/oidc"' in page.text
    app.state.engine.dispose()


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"oidc_group_roles": {"g": "zuid:boss"}}, "NOTIFIER_OIDC_GROUP_ROLES"),
        ({"oidc_jit_role": "boss"}, "NOTIFIER_OIDC_JIT_ROLE"),
    ],
)
def test_a_claim_mapping_to_an_unknown_role_stops_the_start(settings, overrides, named):
    values = {"oidc_issuer": "http://127.0.0.1:9", "oidc_client_id": "meldplicht", **overrides}
    with pytest.raises(ValueError, match=named):
        create_app(settings.model_copy(update=values))


def test_switching_off_the_password_without_a_provider_is_refused():
    with pytest.raises(ValueError, match="NOTIFIER_PASSWORD_SIGNIN"):
        Settings(password_signin=False, oidc_issuer=None)


def test_an_address_given_to_someone_new_does_not_carry_the_old_holder_s_account(sso):
    app, provider = sso({"alice": ALICE})
    sign_in(app, "alice")
    # The provider gives alice's address to carol (another subject), verified.
    provider.write_accounts({"carol": {**ALICE, "name": "Carol"}})
    rp, _, answer = sign_in(app, "carol")
    assert answer.status_code == 403
    assert signed_in_as(rp) is None
    (refused,) = audit(app, "user.sso_refused")
    assert "another identity" in refused.payload["reason"]


def test_a_membership_granted_by_hand_is_not_changed_by_the_claims(sso):
    erik = {"email": "erik@rivierenland.example", "email_verified": True, "groups": ["cert-rivierenland", "dpo-zuid"]}
    app, provider = sso({"erik": {**erik, "amr": ["mfa"]}})
    add_user(app, "erik@rivierenland.example", "administrator")
    sign_in(app, "erik")
    assert memberships(app, erik["email"]) == {"default": ("administrator", "local"), "zuid": ("viewer", "oidc")}
    provider.write_accounts({"erik": {**erik, "groups": [], "amr": ["mfa"]}})
    sign_in(app, "erik")
    assert memberships(app, erik["email"]) == {"default": ("administrator", "local")}


def test_an_unverified_address_gets_no_new_account_either(sso):
    app, _ = sso({"dave": {"email": "ciso@zuid.example", "email_verified": False}}, oidc_jit_organisation="zuid")
    _, _, answer = sign_in(app, "dave")
    assert answer.status_code == 403
    with Session(app.state.engine) as session:
        assert session.exec(select(User).where(User.email == "ciso@zuid.example")).first() is None


def test_claims_that_do_not_state_the_groups_take_nothing_away(sso):
    """A missing groups claim (a scope not granted, Entra ID's overage) is not an empty list, nor is an odd one."""
    app, provider = sso({"alice": ALICE})
    sign_in(app, "alice")
    before = memberships(app, ALICE["email"])
    provider.write_accounts({"alice": {k: v for k, v in ALICE.items() if k != "groups"}})
    _, _, answer = sign_in(app, "alice")
    assert answer.status_code == 303
    assert memberships(app, ALICE["email"]) == before
    provider.write_accounts({"alice": {**ALICE, "groups": 5}})
    _, _, answer = sign_in(app, "alice")
    assert answer.status_code == 303
    assert memberships(app, ALICE["email"]) == before
    provider.write_accounts({"alice": {**ALICE, "groups": []}})
    _, _, answer = sign_in(app, "alice")
    assert answer.status_code == 403  # an empty list is a statement: nothing is granted any more
    assert memberships(app, ALICE["email"]) == {}


@pytest.fixture
def nonsense_provider():
    """A provider whose discovery document is a JSON list: the app must answer 502, not fail."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = b"[1, 2, 3]"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # noqa: ANN002
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_provider_answering_nonsense_is_a_502(settings, nonsense_provider):
    app = create_app(settings.model_copy(update={"oidc_issuer": nonsense_provider, "oidc_client_id": "meldplicht"}))
    page = TestClient(app).get("/signin/oidc")
    assert page.status_code == 502
    app.state.engine.dispose()
