"""The test OpenID provider on its own, driven by hand with httpx: what the relying party's tests rely on it doing."""

import base64
import hashlib
import json
import secrets
import time
from typing import Any

import httpx
import pytest

from tests.sso.conftest import confirm_logout, follow, login

try:
    # authlib's own JOSE library (authlib.jose is deprecated for it); without authlib the claims are read unverified.
    from joserfc import jwt as joserfc_jwt
    from joserfc.jwk import KeySet
except ImportError:
    joserfc_jwt = None

CLIENT = {
    "client_id": "meldplicht-test",
    "client_secret": "a-client-secret-long-enough-for-hs256-0123456789",
    "redirect_uris": ["http://testserver/auth/oidc/callback"],
    "post_logout_redirect_uris": ["http://testserver/signed-out"],
}
ALICE = {
    "email": "alice@hospital.example",
    "email_verified": True,
    "name": "Alice Jansen",
    "groups": ["meldplicht-admins", "soc"],
    "amr": ["pwd", "mfa"],
}


@pytest.fixture
def http() -> httpx.Client:
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        yield client


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(provider, *, challenge: str | None, state: str, nonce: str, scope: str) -> str:
    params = {
        "response_type": "code",
        "client_id": CLIENT["client_id"],
        "redirect_uri": CLIENT["redirect_uris"][0],
        "scope": scope,
        "state": state,
        "nonce": nonce,
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    discovery = httpx.get(provider.discovery_url).json()
    return str(httpx.URL(discovery["authorization_endpoint"], params=params))


def sign_in(provider, http: httpx.Client, account: str, *, scope: str = "openid email profile groups") -> dict:
    """Authorize, log in, consent (automatic); returns the callback's query, the verifier and the nonce."""
    verifier, challenge = pkce_pair()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    to_login = http.get(authorize_url(provider, challenge=challenge, state=state, nonce=nonce, scope=scope))
    assert to_login.status_code in (302, 303), to_login.text
    assert httpx.URL(to_login.headers["location"]).path.startswith("/interaction/")
    callback = login(http, str(to_login.url.join(to_login.headers["location"])), account)
    assert callback.is_redirect, callback.text
    location = httpx.URL(callback.headers["location"])
    assert str(location.copy_with(query=None)) == CLIENT["redirect_uris"][0]
    return {"query": dict(location.params), "verifier": verifier, "state": state, "nonce": nonce}


def redeem(provider, http: httpx.Client, code: str, verifier: str) -> httpx.Response:
    discovery = http.get(provider.discovery_url).json()
    return http.post(
        discovery["token_endpoint"],
        auth=(CLIENT["client_id"], CLIENT["client_secret"]),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CLIENT["redirect_uris"][0],
            "code_verifier": verifier,
        },
    )


def id_token_claims(provider, http: httpx.Client, id_token: str) -> dict[str, Any]:
    if joserfc_jwt is not None:
        keys = KeySet.import_key_set(http.get(http.get(provider.discovery_url).json()["jwks_uri"]).json())
        return dict(joserfc_jwt.decode(id_token, keys, algorithms=["RS256"]).claims)
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_discovery_names_the_endpoints_and_s256(oidc_provider, http):
    provider = oidc_provider(clients=[CLIENT])
    discovery = http.get(provider.discovery_url)
    assert discovery.status_code == 200
    document = discovery.json()
    assert document["issuer"] == provider.issuer
    for endpoint in ("authorization", "token", "userinfo", "end_session"):
        assert document[f"{endpoint}_endpoint"].startswith(provider.issuer + "/"), endpoint
    assert document["jwks_uri"].startswith(provider.issuer + "/")
    assert "S256" in document["code_challenge_methods_supported"]
    assert "plain" not in document["code_challenge_methods_supported"]
    assert {"openid", "email", "profile", "groups"} <= set(document["scopes_supported"])
    keys = http.get(document["jwks_uri"]).json()["keys"]
    assert [key["kty"] for key in keys] == ["RSA"]


def test_code_flow_with_pkce_carries_nonce_amr_and_the_claims(oidc_provider, http):
    provider = oidc_provider(clients=[CLIENT], accounts={"alice": ALICE})
    signed_in = sign_in(provider, http, "alice")
    query = signed_in["query"]
    assert query["state"] == signed_in["state"]
    assert query["iss"] == provider.issuer
    assert query["code"]

    token = redeem(provider, http, query["code"], signed_in["verifier"])
    assert token.status_code == 200, token.text
    tokens = token.json()
    assert tokens["token_type"].lower() == "bearer"
    claims = id_token_claims(provider, http, tokens["id_token"])
    assert claims["iss"] == provider.issuer
    assert claims["aud"] == CLIENT["client_id"]
    assert claims["sub"] == "alice"
    assert claims["nonce"] == signed_in["nonce"]
    assert claims["amr"] == ["pwd", "mfa"]

    discovery = http.get(provider.discovery_url).json()
    userinfo = http.get(discovery["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json() == {
        "sub": "alice",
        "email": "alice@hospital.example",
        "email_verified": True,
        "name": "Alice Jansen",
        "groups": ["meldplicht-admins", "soc"],
    }

    # A code is good once.
    again = redeem(provider, http, query["code"], signed_in["verifier"])
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_accounts_are_read_afresh_and_amr_is_absent_without_the_key(oidc_provider):
    provider = oidc_provider(clients=[CLIENT], accounts={"alice": ALICE})
    provider.write_accounts({"bob": {"email": "bob@hospital.example", "email_verified": False, "groups": []}})
    with httpx.Client(follow_redirects=False, timeout=10) as http:
        signed_in = sign_in(provider, http, "bob", scope="openid email groups")
        tokens = redeem(provider, http, signed_in["query"]["code"], signed_in["verifier"]).json()
        claims = id_token_claims(provider, http, tokens["id_token"])
        assert claims["sub"] == "bob"
        assert "amr" not in claims
        discovery = http.get(provider.discovery_url).json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        userinfo = http.get(discovery["userinfo_endpoint"], headers=bearer)
        # No profile scope asked, so no name; groups is there even when empty.
        assert userinfo.json() == {
            "sub": "bob",
            "email": "bob@hospital.example",
            "email_verified": False,
            "groups": [],
        }


def test_an_unknown_account_gets_a_400_page(oidc_provider, http):
    provider = oidc_provider(clients=[CLIENT], accounts={"alice": ALICE})
    verifier, challenge = pkce_pair()
    url = authorize_url(provider, challenge=challenge, state="s", nonce="n", scope="openid")
    refused = login(http, url, "mallory")
    assert refused.status_code == 400
    assert "Unknown account" in refused.text


def test_authorize_without_code_challenge_is_refused(oidc_provider, http):
    provider = oidc_provider(clients=[CLIENT], accounts={"alice": ALICE})
    response = http.get(authorize_url(provider, challenge=None, state="st", nonce="n", scope="openid"))
    # The redirect_uri is registered, so the error goes back to the client, never to a login page.
    assert response.is_redirect
    location = httpx.URL(response.headers["location"])
    assert str(location.copy_with(query=None)) == CLIENT["redirect_uris"][0]
    assert location.params["error"] == "invalid_request"
    assert "PKCE" in location.params["error_description"]
    assert location.params["state"] == "st"
    assert "code" not in location.params


def test_wrong_code_verifier_is_refused(oidc_provider, http):
    provider = oidc_provider(clients=[CLIENT], accounts={"alice": ALICE})
    signed_in = sign_in(provider, http, "alice")
    wrong = redeem(provider, http, signed_in["query"]["code"], pkce_pair()[0])
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"


def test_an_expired_code_is_refused(oidc_provider, http):
    provider = oidc_provider(clients=[CLIENT], accounts={"alice": ALICE}, code_ttl=1)
    signed_in = sign_in(provider, http, "alice")
    time.sleep(2)
    expired = redeem(provider, http, signed_in["query"]["code"], signed_in["verifier"])
    assert expired.status_code == 400
    assert expired.json()["error"] == "invalid_grant"


def test_rp_initiated_logout_returns_to_the_client(oidc_provider, http):
    provider = oidc_provider(clients=[CLIENT], accounts={"alice": ALICE})
    signed_in = sign_in(provider, http, "alice")
    tokens = redeem(provider, http, signed_in["query"]["code"], signed_in["verifier"]).json()
    discovery = http.get(provider.discovery_url).json()
    end_session = httpx.URL(
        discovery["end_session_endpoint"],
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": CLIENT["post_logout_redirect_uris"][0],
            "state": "bye",
        },
    )
    back = confirm_logout(http, str(end_session))
    assert back.is_redirect, back.text
    location = httpx.URL(back.headers["location"])
    assert str(location.copy_with(query=None)) == CLIENT["post_logout_redirect_uris"][0]
    assert location.params["state"] == "bye"

    # The provider's session is gone: the next authorize asks for a login again.
    verifier, challenge = pkce_pair()
    again = follow(http, authorize_url(provider, challenge=challenge, state="s2", nonce="n2", scope="openid"))
    assert again.status_code == 200
    assert 'name="login"' in again.text


def test_a_provider_that_cannot_start_fails_the_test_with_its_stderr(oidc_provider):
    with pytest.raises(pytest.fail.Exception) as failed:
        oidc_provider(clients=[{"client_id": "no-redirect-uris", "client_secret": "x" * 32}])
    assert "the OpenID provider exited" in str(failed.value)
    assert "redirect_uris" in str(failed.value)
